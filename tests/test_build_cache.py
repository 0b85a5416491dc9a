"""Every speed-up is an optimisation only: cold cache, warm cache, one process or several,
hard-linked or written files, the no-change fast path and the preview's incremental
rebuild all give the same bytes as a plain build."""

from __future__ import annotations

import calendar
import hashlib
import json
import marshal
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from bench.generate import edited_body, item_path, item_text, make_items, write_ours
from familiensite import fastpath, parallel, snapshot
from familiensite.cache import MARKDOWN_FILE, CachedMarkdown, cache_folder, read_entries, write_entries
from familiensite.calendar_cache import CALENDAR_FILE
from familiensite.cli import main
from familiensite.parallel import parallel_map
from familiensite.pipeline import BuildResult, build_project
from familiensite.preview import PreviewBuilder
from familiensite.search_cache import SEARCH_FOLDER
from familiensite.write import publish
from tests.conftest import ROOT, TODAY

EPOCH = str(calendar.timegm(TODAY.timetuple()))
ITEMS = 40


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv("FAMILIENSITE_CACHE", raising=False)
    # Files of a project made a moment ago are "racy" for fastpath (saved within the last
    # seconds, see its docstring); the tests of the fast path trust them at once, except
    # test_a_file_saved_just_before_the_build_is_not_trusted, which uses the real window.
    monkeypatch.setattr(fastpath, "RACY_SECONDS", 0.0)
    # Spread pages and Markdown over two processes even for this small site.
    monkeypatch.setattr(parallel, "MIN_ITEMS", 8)
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "2")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated items (bench/generate.py) with their own copy of the templates (so their times can be aged)."""
    project = write_ours(tmp_path_factory.mktemp("synthetic") / "project", make_items(ITEMS))
    (project / "templates").unlink()
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


@pytest.fixture
def project(synthetic: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(synthetic, target, symlinks=True)
    return target


def build(project: Path, output: Path | None = None) -> BuildResult:
    result = build_project(project, output or project / "site", today=TODAY)
    assert result.written, [p.message for p in result.problems]
    return result


def clean(project: Path) -> None:
    """Back to "nothing built": no site/, no build state, no output snapshot (the caches of the parts stay)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    (project / ".site.build.json").unlink(missing_ok=True)
    shutil.rmtree(cache_folder(project) / snapshot.FOLDER, ignore_errors=True)


def edit_one_conference(project: Path, revision: int = 1) -> str:
    item = make_items(ITEMS)[ITEMS // 3]
    path = project / "content" / "conferences" / f"{item.slug}.md"
    path.write_text(item_text("ours", item, edited_body(item, revision)), encoding="utf-8")
    return f"familienkonferenzen/{item.slug}/index.html"


# --- cache and processes ------------------------------------------------------------------------



def _copy_project(project: Path, target: Path) -> None:
    """The same content and templates in another folder (a second, independent build)."""
    shutil.copytree(project / "content", target / "content")
    (target / "templates").symlink_to(project / "templates")


def plain_build(project: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The site a plain build of ``project``'s content makes in ``target``: one process, no cache."""
    _copy_project(project, target)
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "1")
    build(target)
    return tree(target / "site")

def test_cold_cache_warm_cache_and_one_process_without_cache_build_byte_identical_sites(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    cold = tree(project / "site")
    assert (cache_folder(project) / MARKDOWN_FILE).is_file()
    assert (cache_folder(project) / CALENDAR_FILE).is_file()
    clean(project)
    build(project)
    assert tree(project / "site") == cold
    clean(project)
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "1")
    build(project)
    assert tree(project / "site") == cold


def test_a_build_over_worker_processes_equals_one_in_a_single_process(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The command line in a fresh interpreter: in pytest's own process other tests may have left
    # threads running, and parallel_map then (rightly) stays in one process.
    environment = {**os.environ, "FAMILIENSITE_WORKERS": "2", "FAMILIENSITE_PARALLEL_MIN_ITEMS": "8", "FAMILIENSITE_CACHE": "off"}
    command = [sys.executable, str(ROOT / "build.py"), "--project", str(project), "build"]
    run = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    assert tree(project / "site") == plain_build(project, tmp_path / "single", monkeypatch)


def test_the_warm_build_takes_its_html_from_the_cache(project: Path) -> None:
    build(project)
    path = cache_folder(project) / MARKDOWN_FILE
    entries = read_entries(path)
    assert len(entries) >= ITEMS  # one per distinct Markdown text of the site
    write_entries(path, {key: html.replace("<p>", "<p>AUS-DEM-CACHE ", 1) for key, html in entries.items()})
    clean(project)
    build(project)
    page = next((project / "site" / "familienkonferenzen").glob("konferenz-*/index.html")).read_text(encoding="utf-8")
    assert "AUS-DEM-CACHE" in page


def test_an_unreadable_cache_file_is_ignored(project: Path) -> None:
    build(project)
    expected = tree(project / "site")
    (cache_folder(project) / MARKDOWN_FILE).write_bytes(b"\x00kaputt")
    clean(project)
    build(project)
    assert tree(project / "site") == expected


def test_the_cache_keeps_only_what_the_last_build_used(project: Path) -> None:
    build(project)
    before = read_entries(cache_folder(project) / MARKDOWN_FILE)
    edit_one_conference(project)
    build(project)
    after = read_entries(cache_folder(project) / MARKDOWN_FILE)
    assert len(after) == len(before)
    assert len(set(after) - set(before)) == 1


def calendars(site: Path) -> dict[str, bytes]:
    return {path: data for path, data in tree(site).items() if path.endswith(".ics")}


def test_the_warm_build_takes_its_calendars_from_the_cache(project: Path) -> None:
    build(project)
    path = cache_folder(project) / CALENDAR_FILE
    entries = marshal.loads(path.read_bytes())
    marked = {key: (head, tuple(e.replace(b"STATUS:", b"X-AUS-DEM-CACHE:1\r\nSTATUS:") for e in events)) for key, (head, events) in entries.items()}
    path.write_bytes(marshal.dumps(marked))
    clean(project)
    build(project)
    ics = calendars(project / "site")
    assert all(b"X-AUS-DEM-CACHE:1" in data for name, data in ics.items() if name != "termine.ics")
    path.write_bytes(b"\x00kaputt")  # unreadable: every calendar made afresh
    clean(project)
    build(project)
    assert not any(b"X-AUS-DEM-CACHE" in data for data in calendars(project / "site").values())


def test_a_change_to_one_conference_changes_only_its_calendar_and_equals_a_plain_build(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    before = calendars(project / "site")
    stored = marshal.loads((cache_folder(project) / CALENDAR_FILE).read_bytes())
    item = make_items(ITEMS)[ITEMS // 4]
    source = project / item_path("ours", item)
    source.write_text(source.read_text(encoding="utf-8").replace("    venue:\n      name: ", "    venue:\n      name: Neues "), encoding="utf-8")
    build(project)
    after = calendars(project / "site")
    assert {path for path in after if after[path] != before.get(path)} == {f"familienkonferenzen/{item.slug}/termine.ics"}
    assert b"LOCATION:Neues " in after[f"familienkonferenzen/{item.slug}/termine.ics"]
    kept = marshal.loads((cache_folder(project) / CALENDAR_FILE).read_bytes())
    assert len(kept) == len(stored) and len(set(kept) - set(stored)) == 1  # one entry replaced, the others kept
    assert tree(project / "site") == plain_build(project, tmp_path / "plain", monkeypatch)


def test_a_cache_file_is_written_in_parts_and_read_whole_and_a_damaged_one_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from familiensite import cache

    monkeypatch.setattr(cache, "ENTRIES_PER_PART", 3)
    entries = {f"schlüssel-{n:02}": f"<p>{n}</p>" for n in range(10)}
    path = tmp_path / MARKDOWN_FILE
    write_entries(path, entries)
    with path.open("rb") as stream:
        parts = [marshal.load(stream) for _ in range(4)]
        assert stream.read() == b""
    assert [len(part) for part in parts] == [3, 3, 3, 1]  # never the whole dict in one marshal.dumps
    assert read_entries(path) == entries
    path.write_bytes(marshal.dumps(entries))  # one dict, as earlier builds wrote the file
    assert read_entries(path) == entries
    data = b"".join(marshal.dumps(part) for part in parts)
    path.write_bytes(data[:-5])  # cut short
    assert read_entries(path) == {} and cache.read_parts(path) is None
    path.write_bytes(marshal.dumps(parts[0]) + marshal.dumps(["keine", "Tabelle"]))
    assert read_entries(path) == {}


def test_a_cache_entry_depends_on_the_base_path() -> None:
    first, second = CachedMarkdown("/familie/", None), CachedMarkdown("/andere/", None)
    text = "[Übersicht](/familienkonferenzen/)"
    assert 'href="/familie/familienkonferenzen/"' in first.render(text)
    assert 'href="/andere/familienkonferenzen/"' in second.render(text)


def test_the_cache_folder_can_be_moved_or_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_folder(tmp_path) == tmp_path / ".cache" / "familiensite"
    monkeypatch.setenv("FAMILIENSITE_CACHE", str(tmp_path / "ci-cache"))
    assert cache_folder(tmp_path) == tmp_path / "ci-cache"
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    assert cache_folder(tmp_path) is None


# --- writing only what changed ------------------------------------------------------------------


def test_a_rebuild_after_one_edit_equals_a_plain_build_and_keeps_unchanged_files(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    untouched = project / "site" / "impressum" / "index.html"
    inode = untouched.stat().st_ino
    edited = edit_one_conference(project)
    build(project)
    assert untouched.stat().st_ino == inode  # linked from the previous site, not written again
    assert "Nachtrag 1:" in (project / "site" / edited).read_text(encoding="utf-8")
    assert tree(project / "site") == plain_build(project, tmp_path / "plain", monkeypatch)


def test_the_preview_after_an_edit_equals_the_full_build(project: Path, tmp_path: Path) -> None:
    preview = PreviewBuilder(project, tmp_path / "preview", today=TODAY)
    assert preview.rebuild().ok
    edit_one_conference(project, revision=2)
    assert preview.rebuild().ok
    build(project)
    assert tree(tmp_path / "preview") == tree(project / "site")


# --- the no-change fast path --------------------------------------------------------------------


def test_a_build_without_changes_does_nothing_and_reports_the_same_problems(project: Path) -> None:
    first = build(project)
    page = project / "site" / "index.html"
    before = page.stat()
    second = build(project)
    assert second.up_to_date and not second.outputs
    assert second.problems == first.problems
    after = page.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_ctime_ns) == (before.st_ino, before.st_mtime_ns, before.st_ctime_ns)


def test_a_changed_content_file_is_built(project: Path) -> None:
    build(project)
    edited = edit_one_conference(project)
    result = build(project)
    assert not result.up_to_date
    assert "Nachtrag 1:" in (project / "site" / edited).read_text(encoding="utf-8")
    assert build(project).up_to_date


def test_a_file_saved_just_before_the_build_is_not_trusted(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "RACY_SECONDS", 2.0)
    edit_one_conference(project)
    build(project)  # the file is younger than 2 s: a second save in the same clock tick would look the same
    assert not build(project).up_to_date
    time.sleep(2.1)
    build(project)  # built again or not, depending on how long the last one took; records a trusted state
    assert build(project).up_to_date


@pytest.mark.parametrize("change", ["deleted page", "edited page", "extra file"])
def test_a_touched_output_folder_is_built_again(project: Path, change: str) -> None:
    build(project)
    expected = tree(project / "site")
    page = project / "site" / "impressum" / "index.html"
    if change == "deleted page":
        page.unlink()
    elif change == "edited page":
        page.write_bytes(page.read_bytes().replace(b"Impressum", b"Imprezzum"))
    else:
        (project / "site" / "fremd.html").write_text("x", encoding="utf-8")
    assert not build(project).up_to_date
    assert tree(project / "site") == expected


def test_another_build_date_or_template_is_built_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    assert not build(project).up_to_date
    assert build(project).up_to_date
    template = project / "templates" / "404.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not build(project).up_to_date


def test_the_fingerprint_sees_every_kind_of_input(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = project / "site"
    base = fastpath.fingerprint(project, output, TODAY).digest
    assert fastpath.fingerprint(project, output, TODAY).digest == base
    assert fastpath.fingerprint(project, project / "anders", TODAY).digest != base
    new_asset = project / "content" / "bilder" / "neu.svg"
    new_asset.write_text("<svg/>", encoding="utf-8")
    assert fastpath.fingerprint(project, output, TODAY).digest != base
    new_asset.unlink()
    assert fastpath.fingerprint(project, output, TODAY).digest == base
    assert fastpath.fingerprint(project, output, TODAY.replace(day=1)).digest != base
    monkeypatch.setenv("FAMILIENSITE_BEISPIEL", "1")
    assert fastpath.fingerprint(project, output, TODAY).digest != base


def stored_bundles(project: Path) -> dict[str, dict[str, bytes]]:
    """The search index's bundles in the cache: key → files (search_cache.py)."""
    folder = cache_folder(project)
    assert folder is not None
    return {path.name.removesuffix(".marshal"): marshal.loads(path.read_bytes()) for path in sorted((folder / SEARCH_FOLDER).iterdir())}


def test_the_search_index_comes_from_the_cache_while_the_pages_stay_the_same(project: Path) -> None:
    build(project)
    [(key, files)] = stored_bundles(project).items()  # a small site has one bundle
    assert "pagefind/pagefind.js" in files
    path = cache_folder(project) / SEARCH_FOLDER / f"{key}.marshal"
    path.write_bytes(marshal.dumps({**files, "pagefind/pagefind.js": b"// aus dem Cache\n"}))
    clean(project)
    build(project)
    assert (project / "site" / "pagefind" / "pagefind.js").read_bytes() == b"// aus dem Cache\n"
    edit_one_conference(project)  # a page changed: Pagefind runs again
    build(project)
    assert (project / "site" / "pagefind" / "pagefind.js").read_bytes() == files["pagefind/pagefind.js"]
    assert key not in stored_bundles(project) and len(stored_bundles(project)) == 1


def test_a_search_index_in_bundles_is_the_same_from_a_cold_or_warm_cache_and_after_an_edit(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAMILIENSITE_SEARCH_BUNDLE_PAGES", "10")  # search_bundles.py: several bundles even for this small site
    build(project)
    cold = tree(project / "site")
    assert any(path.startswith("pagefind/teil-") for path in cold)
    assert len(stored_bundles(project)) >= 3
    clean(project)
    build(project)
    assert tree(project / "site") == cold
    edit_one_conference(project)  # its bundle indexed again, the others from the cache
    build(project)
    assert tree(project / "site") == plain_build(project, tmp_path / "plain", monkeypatch)


def test_a_large_site_is_written_by_threads_and_the_replaced_one_removed_in_the_background(tmp_path: Path) -> None:
    first = {f"seite-{i}/index.html": f"<p>{i}</p>".encode() for i in range(2100)}
    second = {**first, "seite-7/index.html": b"<p>neu</p>", "neu.html": b"<p>x</p>"}
    del second["seite-9/index.html"]
    output = tmp_path / "site"
    publish(first, output)
    kept = (output / "seite-8" / "index.html").stat().st_ino
    publish(second, output)
    assert tree(output) == {path: data for path, data in second.items()}
    assert (output / "seite-8" / "index.html").stat().st_ino == kept
    deadline = time.monotonic() + 60
    while list(tmp_path.glob(".site.*-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


# --- the output snapshot (snapshot.py) -----------------------------------------------------------


def lose_site(project: Path) -> None:
    """What CI starts from: the cache of an earlier build, but no site/ and no build state."""
    shutil.rmtree(project / "site")
    (project / ".site.build.json").unlink()


def test_the_same_inputs_with_the_cache_of_an_earlier_build_publish_its_snapshot_byte_for_byte(project: Path) -> None:
    first = build(project)
    expected = tree(project / "site")
    lose_site(project)
    for path in (project / "content").rglob("*"):  # a fresh checkout: every file with a new time
        os.utime(path, (time.time() - 60, time.time() - 60))
    restored = build(project)
    assert restored.restored and not restored.up_to_date and not restored.outputs
    assert restored.problems == first.problems
    assert tree(project / "site") == expected
    page, digest = project / "site" / "index.html", hashlib.sha256(expected["index.html"]).hexdigest()
    assert page.stat().st_ino == (cache_folder(project) / snapshot.FOLDER / "files" / digest[:2] / digest).stat().st_ino  # linked, not copied
    assert build(project).up_to_date  # the fast path's state was recorded as after a build


def test_a_snapshot_file_changed_in_place_is_not_published(project: Path) -> None:
    build(project)
    expected = tree(project / "site")
    page = project / "site" / "impressum" / "index.html"
    with open(page, "r+b") as stream:  # written in place: the snapshot shares this file
        stream.write(b"<!DOCTYPE")
    lose_site(project)
    result = build(project)
    assert not result.restored and result.outputs
    assert tree(project / "site") == expected


def test_a_snapshot_whose_file_times_lost_their_fraction_is_checked_by_content(project: Path) -> None:
    build(project)
    expected = tree(project / "site")
    for path in (cache_folder(project) / snapshot.FOLDER / "files").rglob("*"):  # other times, as from an archive or a copy
        earlier = path.stat().st_mtime_ns // 10**9 * 10**9 - 10**9
        os.utime(path, ns=(earlier, earlier))
    lose_site(project)
    assert build(project).restored
    assert tree(project / "site") == expected


def test_changed_content_is_built_and_becomes_the_next_snapshot(project: Path) -> None:
    build(project)
    edited = edit_one_conference(project)
    lose_site(project)
    assert not build(project).restored
    built = tree(project / "site")
    assert "Nachtrag 1:" in built[edited].decode("utf-8")
    lose_site(project)
    assert build(project).restored
    assert tree(project / "site") == built


def stored_file(project: Path, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return cache_folder(project) / snapshot.FOLDER / "files" / digest[:2] / digest


def test_after_a_commit_that_changed_one_file_the_unchanged_outputs_are_linked_from_the_snapshot(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project)
    imprint = project / "site" / "impressum" / "index.html"
    stored_imprint = stored_file(project, imprint.read_bytes()).stat()
    edited = edit_one_conference(project)
    lose_site(project)  # CI: the cache of the last commit's build, no site/
    assert not build(project).restored
    site = tree(project / "site")
    assert (imprint.stat().st_ino, imprint.stat().st_mtime_ns) == (stored_imprint.st_ino, stored_imprint.st_mtime_ns)
    edited_page = project / "site" / edited
    assert edited_page.stat().st_ino == stored_file(project, site[edited]).stat().st_ino  # kept for the next build
    assert edited_page.stat().st_nlink == 2  # the snapshot and site/, nothing else: written by this build
    assert site == plain_build(project, tmp_path / "plain", monkeypatch)


def test_a_snapshot_file_changed_in_place_is_written_afresh_not_linked(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    page = project / "site" / "impressum" / "index.html"
    with open(page, "r+b") as stream:  # site/ and the snapshot share this file
        stream.write(b"<!DOCTYPE")
    edit_one_conference(project)  # other inputs: no restore, a build that may link the snapshot's files
    lose_site(project)
    build(project)
    assert tree(project / "site") == plain_build(project, tmp_path / "plain", monkeypatch)


def test_the_snapshot_keeps_each_file_once_and_only_those_of_the_last_build(project: Path) -> None:
    build(project)
    edited = edit_one_conference(project)
    build(project)
    folder = cache_folder(project) / snapshot.FOLDER
    manifest = json.loads((folder / snapshot.MANIFEST).read_text(encoding="utf-8"))
    stored = {path.name for path in (folder / "files").rglob("*") if path.is_file()}
    assert stored == {digest for _, _, digest in manifest["files"].values()}
    site = tree(project / "site")
    assert manifest["files"][edited][2] == hashlib.sha256(site[edited]).hexdigest()
    assert set(manifest["files"]) == set(site)


def test_a_manifest_naming_a_path_outside_the_site_is_not_published(project: Path) -> None:
    build(project)
    path = cache_folder(project) / snapshot.FOLDER / snapshot.MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"]["../draussen.html"] = manifest["files"]["index.html"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    lose_site(project)
    assert not build(project).restored
    assert not (project / "draussen.html").exists()
    assert (project / "site" / "index.html").is_file()


def test_an_input_changed_while_the_build_ran_leaves_no_snapshot(project: Path) -> None:
    previous = snapshot.previous_build(project, project / "site", TODAY)  # taken before the change, as by a build that then reads the files
    edit_one_conference(project)
    assert build_project(project, project / "site", TODAY, previous=previous).written
    assert not (cache_folder(project) / snapshot.FOLDER).exists()


def test_without_a_cache_there_is_no_snapshot(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    build(project)
    lose_site(project)
    assert not build(project).restored
    assert not (project / ".cache" / "familiensite" / snapshot.FOLDER).exists()


def test_the_command_line_says_that_the_site_came_from_the_snapshot(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project), "build"]) == 0
    lose_site(project)
    capsys.readouterr()
    assert main(["--project", str(project), "build"]) == 0
    assert "aus dem Zwischenspeicher übernommen" in capsys.readouterr().err
    assert (project / "site" / "index.html").is_file()


# --- parallel.py ----------------------------------------------------------------------------------


def test_parallel_map_shares_the_items_between_a_worker_and_this_process_and_keeps_the_order() -> None:
    # In a fresh interpreter: pytest's process may run other threads (the browser tests'
    # Playwright driver), and parallel_map rightly stays serial then.
    script = (
        "import os, sys\n"
        "from familiensite.parallel import parallel_map\n"
        "results = parallel_map(lambda x: (x * x, os.getpid()), list(range(1000)), workers=2)\n"
        "assert [square for square, _ in results] == [x * x for x in range(1000)], results\n"
        "pids = [pid for _, pid in results]\n"
        "assert len(set(pids)) == 2 and os.getpid() in pids, 'not one worker and this process'\n"
        "assert set(pids[:500]) != {os.getpid()} and set(pids[500:]) == {os.getpid()}, 'this process takes the last share'\n"
        "print('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_an_error_in_a_worker_is_raised_here_with_its_traceback() -> None:
    def fails_at_fifty(x: int) -> int:
        if x == 50:
            raise ValueError("fünfzig")
        return x

    with pytest.raises(ValueError, match="fünfzig") as error:
        parallel_map(fails_at_fifty, list(range(100)))
    assert any(entry.name == "fails_at_fifty" for entry in error.traceback)


def test_parallel_map_stays_in_this_process_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert {pid for pid in parallel_map(lambda _: os.getpid(), list(range(100)))} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_compiled_templates_are_kept_and_a_changed_or_damaged_one_is_compiled_again(project: Path, tmp_path: Path) -> None:
    folder = cache_folder(project)
    assert folder is not None
    build(project)
    cold = tree(project / "site")
    compiled = sorted((folder / "templates").glob("*.cache"))
    assert compiled, "the build keeps its compiled templates"
    for path in compiled:  # damaged files (right header, broken checksum pickle) are a miss, never an error
        path.write_bytes(bc_magic + b"\x80\x05kaputt")
    clean(project)
    build(project)
    assert tree(project / "site") == cold
    template = project / "templates" / "conference.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% endblock %}", "<p>Neu kompiliert</p>{% endblock %}", 1), encoding="utf-8")
    clean(project)
    build(project)
    page = next((project / "site" / "familienkonferenzen").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<p>Neu kompiliert</p>" in page, "an edited template is never served from the cache"
