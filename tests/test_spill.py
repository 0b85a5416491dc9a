"""A large build keeps its rendered pages as files (spill.py), not in memory: the same site, the same checks, nothing left over."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from familiensite import spill
from familiensite.pipeline import build_project
from familiensite.spill import RenderedFile
from tests.conftest import ROOT, TODAY, MakeSite
from tests.test_build_cache import tree
from tests.test_linkcheck import HELP, help_page


@pytest.fixture
def spilling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build spills its pages, however few."""
    monkeypatch.setattr(spill, "MIN_PAGES", 1)
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")


def spill_folders(project: Path) -> list[str]:
    return sorted(path.name for path in project.iterdir() if ".spill-" in path.name)


def test_a_spilled_build_equals_one_in_memory_and_leaves_no_spill_folder(make_site: MakeSite, spilling: None, monkeypatch: pytest.MonkeyPatch) -> None:
    files = help_page("[Zum Ablauf](#ablauf) und [Impressum](/impressum/).")
    project = make_site(files=files)
    result = build_project(project, project / "site", today=TODAY)
    assert result.written, [p.message for p in result.problems]
    assert result.model is not None
    spilled = {path for path, data in result.outputs.items() if isinstance(data, RenderedFile)}
    assert {spec.output for spec in result.model.pages} <= spilled, "not every page was spilled"
    assert {path for path in result.outputs if path.startswith("pagefind/")} <= spilled, "the search index stayed in memory"
    assert {"feed.atom", "termine.ics"} <= spilled, "the exports stayed in memory"
    assert not [path for path, data in result.outputs.items() if isinstance(data, bytes) and len(data) > 100_000]
    # Once the exports are made, the build lets go of the content and the pages' records (views, HTML, JSON-LD).
    assert result.content is None and not any(spec.records or spec.structured_data for spec in result.model.pages)
    assert not result.model.conferences and result.model.network is None
    assert spill_folders(project) == []

    monkeypatch.setattr(spill, "MIN_PAGES", 10**9)
    in_memory = make_site(files=files)
    result = build_project(in_memory, in_memory / "site", today=TODAY)
    assert not any(isinstance(data, RenderedFile) for data in result.outputs.values())
    assert tree(project / "site") == tree(in_memory / "site")
    assert tree(project / "site")["pagefind/pagefind-entry.json"]  # the search index was made from the spilled pages


def test_the_link_check_reads_spilled_pages(make_site: MakeSite, spilling: None) -> None:
    project = make_site(files=help_page("Siehe [die alte Seite](/gibt-es-nicht/) und [zum Nichts](#nirgends)."))
    result = build_project(project, project / "site", today=TODAY)
    assert not result.written and not (project / "site").exists()
    assert sorted((p.file, p.message) for p in result.problems if p.is_error) == [
        (HELP, "Der Link „#nirgends“ auf der Seite /familie/hilfe/ verweist auf den Abschnitt „#nirgends“, den es dort nicht gibt."),
        (HELP, "Der Link „/familie/gibt-es-nicht/“ auf der Seite /familie/hilfe/ führt ins Leere."),
    ]
    assert spill_folders(project) == []


def test_the_spill_folder_of_a_killed_build_is_removed_and_that_of_a_running_one_kept(make_site: MakeSite, spilling: None) -> None:
    project = make_site()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    killed = project / f".site.spill-{gone.stdout.strip()}"
    running = project / f".site.spill-{os.getppid()}"
    for folder in (killed, running):
        (folder / "familienkonferenzen" / "x").mkdir(parents=True)
        (folder / "familienkonferenzen" / "x" / "index.html").write_bytes(b"<html>")
    assert build_project(project, project / "site", today=TODAY).written
    assert spill_folders(project) == [running.name]


def test_a_spilled_page_keeps_to_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="outside the output folder"):
        spill.spill_page(str(tmp_path / "spill"), "../ausserhalb.html", b"x")
    written = spill.spill_page(str(tmp_path / "spill"), "a/b/index.html", b"<p>")
    assert isinstance(written, RenderedFile) and written.read_bytes() == b"<p>"
    assert spill.output_bytes(written) == b"<p>" and spill.output_bytes(b"<q>") == b"<q>"
    assert spill.output_bytes(ROOT / "build.py") is None  # a file copied as it is (an asset) is not a page


def test_the_command_line_with_early_workers_and_spilled_pages_equals_a_plain_build(make_site: MakeSite, tmp_path: Path) -> None:
    # A fresh interpreter: in pytest's process other threads may run, and then no workers are forked.
    spilled = make_site()
    environment = {**os.environ, "FAMILIENSITE_WORKERS": "2", "FAMILIENSITE_PARALLEL_MIN_ITEMS": "1",
                   "FAMILIENSITE_SPILL_MIN_PAGES": "1", "FAMILIENSITE_CACHE": str(tmp_path / "cache")}
    script = (
        "import sys\nfrom pathlib import Path\nfrom familiensite import parallel, pipeline\n"
        "from familiensite.spill import RenderedFile\nfrom tests.conftest import TODAY\n"
        "used = []\noriginal = parallel._map_early\n"
        "def counted(pool, function, remote, items, *split):\n"
        "    used.append(len(items))\n"
        "    return original(pool, function, remote, items, *split)\n"
        "parallel._map_early = counted\n"
        "project = Path(sys.argv[1])\n"
        "result = pipeline.build_project(project, project / 'site', today=TODAY)\n"
        "assert result.written, [p.message for p in result.problems]\n"
        "assert len(used) == 2, used  # the Markdown and the pages\n"
        "assert all(isinstance(result.outputs[spec.output], RenderedFile) for spec in result.model.pages)\n"
        "print('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(spilled)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
    plain = make_site()
    assert build_project(plain, plain / "site", today=TODAY).written
    assert tree(spilled / "site") == tree(plain / "site")
    assert spill_folders(spilled) == []


def test_a_spilled_build_keeps_its_snapshot_and_the_fast_path(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from familiensite import fastpath

    monkeypatch.setattr(spill, "MIN_PAGES", 1)
    monkeypatch.setattr(fastpath, "RACY_SECONDS", 0.0)
    monkeypatch.setenv("FAMILIENSITE_CACHE", str(tmp_path / "cache"))
    project = make_site()
    assert build_project(project, project / "site", today=TODAY).written
    built = tree(project / "site")
    assert build_project(project, project / "site", today=TODAY).up_to_date  # the spill folder came and went: no input
    shutil.rmtree(project / "site")
    (project / ".site.build.json").unlink()
    restored = build_project(project, project / "site", today=TODAY)
    assert restored.restored and tree(project / "site") == built
