"""The Markdown rendered ahead by the template compiler process (markdown_ahead.py), the search index
indexed beside the exports, and the garbage collector around the imports (cli.py): the same site."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from familiensite import parallel
from familiensite.cache import MARKDOWN_FILE, cache_folder, prepared_markdown, read_entries, write_entries
from familiensite.check import check_content
from familiensite.cli import main
from familiensite.markdown_ahead import render_ahead
from familiensite.pipeline import build_project
from tests.conftest import ROOT, TODAY, make_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMILIENSITE_CACHE", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.mark.parametrize("content", ["real", "minimal"])
def test_rendered_ahead_the_build_finds_every_text_in_the_cache(tmp_path: Path, content: str) -> None:
    project = make_project(tmp_path / "project", content_from=ROOT / "content" if content == "real" else None)
    render_ahead(project)
    validated, problems = check_content(project, TODAY)
    assert validated is not None, problems
    markdown = prepared_markdown(validated, project)
    assert markdown.misses == 0


def test_what_the_cache_holds_already_stays(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    path = cache_folder(project) / MARKDOWN_FILE
    write_entries(path, {"an-entry-of-an-earlier-build": "<p>x</p>"})
    render_ahead(project)
    entries = read_entries(path)
    assert entries["an-entry-of-an-earlier-build"] == "<p>x</p>"
    assert len(entries) > 1


def test_nothing_is_rendered_ahead_for_a_large_site_or_without_a_base_url_or_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    large = make_project(tmp_path / "large")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)  # the build renders so many texts on all CPUs itself
    render_ahead(large)
    assert not (cache_folder(large) / MARKDOWN_FILE).exists()
    monkeypatch.undo()
    monkeypatch.delenv("FAMILIENSITE_CACHE", raising=False)
    broken = make_project(tmp_path / "broken", files={"content/site.yaml": "title: [kaputt\n"})
    render_ahead(broken)  # no exception: the build reports the file
    assert not (cache_folder(broken) / MARKDOWN_FILE).exists()
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    render_ahead(make_project(tmp_path / "off"))  # nowhere to write: nothing to do


def test_a_command_line_build_with_the_helper_process_equals_a_plain_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh interpreter: the template compiler process is forked only while no other thread runs.
    project = make_project(tmp_path / "project", content_from=ROOT / "content")
    environment = {**os.environ, "FAMILIENSITE_WORKERS": "2", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(project), "build"]
    run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    assert (cache_folder(project) / MARKDOWN_FILE).is_file()
    plain = make_project(tmp_path / "plain", content_from=ROOT / "content")
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "1")
    assert build_project(plain, plain / "site").written
    assert tree(project / "site") == tree(plain / "site")


def test_the_search_index_made_beside_the_exports_equals_the_one_made_before_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    beside = make_project(tmp_path / "beside", content_from=ROOT / "content")
    assert build_project(beside, beside / "site", today=TODAY).written  # 23 pages: in a thread
    before = make_project(tmp_path / "before", content_from=ROOT / "content")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # "a large site": first the index, then the exports
    assert build_project(before, before / "site", today=TODAY).written
    site = tree(beside / "site")
    assert any(path.startswith("pagefind/") for path in site)
    assert site == tree(before / "site")


def test_the_search_index_failing_in_its_thread_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "project")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    result = build_project(project, project / "site", today=TODAY)
    assert not result.written
    assert any(problem.message.startswith("Der Suchindex konnte nicht erstellt werden") for problem in result.problems), result.problems


def test_the_garbage_collector_is_on_again_after_every_command(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    assert main(["--project", str(project), "build"]) == 0
    assert gc.isenabled()
    assert main(["--project", str(project), "check"]) == 0
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--project", str(project), "no-such-command"])
    assert gc.isenabled()
