"""The preview's parse cache and validation memo: only changed files are parsed again, never a stale result."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from familiensite import messages as m
from familiensite import parse_cache
from familiensite.load import load_content
from familiensite.parse_cache import ContentCache, ParseCache
from familiensite.validate import validate_content
from tests.conftest import TODAY, make_project

CONFERENCE = "content/conferences/online.md"


def _documents(project: Path, cache: ParseCache | None = None) -> dict[str, object]:
    loaded = load_content(project, cache)
    found = {d.path: d for documents in loaded.collections.values() for d in documents}
    return {**found, **{d.path: d for d in loaded.singles.values()}}


def _same_size_edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    at = text.index("title: ") + len("title: ")  # the title's first letter becomes an X (or a Y)
    edited = text[:at] + ("Y" if text[at] == "X" else "X") + text[at + 1 :]
    assert len(edited.encode()) == len(text.encode()) and edited != text
    path.write_text(edited, encoding="utf-8")


def test_a_second_load_parses_nothing_and_returns_the_same_documents(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    first = _documents(project, cache)
    assert sorted(cache.parsed) == sorted(first)
    second = _documents(project, cache)
    assert cache.parsed == []
    assert all(second[path] is first[path] for path in first)
    assert second == _documents(project)  # equal to a load without any cache


def test_an_edited_file_of_the_same_size_is_parsed_again_within_the_racy_window(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    _documents(project, cache)
    _same_size_edit(project / CONFERENCE)  # moments after the last read: the status alone proves nothing
    documents = _documents(project, cache)
    assert cache.parsed == [CONFERENCE]
    assert documents == _documents(project)


def test_a_rewritten_file_with_its_old_size_and_modification_time_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache, "RACY_SECONDS", 0.0)  # trust the status as soon as possible
    project = make_project(tmp_path / "project")
    path = project / CONFERENCE
    cache = ParseCache()
    _documents(project, cache)
    assert _documents(project, cache) and cache.parsed == []  # the status alone: not even read
    before = path.stat()
    _same_size_edit(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or `rsync -t` would leave it
    documents = _documents(project, cache)
    assert cache.parsed == [CONFERENCE]  # the change time gave it away
    assert documents == _documents(project)


def test_the_racy_window_rule(tmp_path: Path) -> None:
    path = tmp_path / "datei.md"
    path.write_bytes(b"---\ntitle: x\n---\n")
    info = path.stat()
    changed_at = max(info.st_mtime_ns, info.st_ctime_ns)
    cache = ParseCache()
    cache.store("datei.md", info, path.read_bytes(), changed_at + 1_000_000, "result")  # read 1 ms after the change
    assert cache.unchanged("datei.md", info) is None
    cache.store("datei.md", info, path.read_bytes(), changed_at + 3_000_000_000, "result")  # read 3 s after it
    assert cache.unchanged("datei.md", info) == "result"
    assert cache.same_bytes("datei.md", b"other bytes", info, changed_at + 3_000_000_000) is None
    assert cache.same_bytes("datei.md", path.read_bytes(), info, changed_at + 3_000_000_000) == "result"


def test_a_deleted_file_is_forgotten_and_a_new_one_parsed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    _documents(project, cache)
    text = (project / CONFERENCE).read_text(encoding="utf-8")
    (project / CONFERENCE).unlink()
    assert CONFERENCE not in _documents(project, cache)
    (project / CONFERENCE).write_text(text, encoding="utf-8")
    assert CONFERENCE in _documents(project, cache)
    assert cache.parsed == [CONFERENCE]


def test_validation_reuses_the_records_of_unchanged_documents_only(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ContentCache()
    first, _ = validate_content(load_content(project, cache.files), TODAY, cache.records)
    cache.records.finish()
    _same_size_edit(project / CONFERENCE)
    second, problems = validate_content(load_content(project, cache.files), TODAY, cache.records)
    cache.records.finish()
    uncached, uncached_problems = validate_content(load_content(project), TODAY)
    assert first is not None and second is not None and uncached is not None
    assert second == uncached and problems == uncached_problems
    edited = {c.slug: c.meta for c in second.conferences}
    before = {c.slug: c.meta for c in first.conferences}
    assert edited["linden-sued"] is before["linden-sued"]  # unchanged file: the same record object
    assert edited["online"] is not before["online"] and edited["online"].title.startswith("X")


# --- loading with the paths the watcher reported (FileIndex) ------------------------------------

NEW_CONFERENCE = "---\ntitle: Neu\nformat: online\nstatus: planned\nteaser: Neu.\n---\nText.\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>\n'


def _write(project: Path, rel: str, text: str) -> None:
    (project / rel).parent.mkdir(parents=True, exist_ok=True)
    (project / rel).write_text(text, encoding="utf-8")


def _atomic_save(project: Path, rel: str, text: str) -> None:
    temporary = (project / rel).with_name("." + Path(rel).name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(project / rel)


def _link_folder(project: Path) -> None:
    outside = project.parent / "draussen"
    outside.mkdir(exist_ok=True)
    (outside / "bild.svg").write_text(SVG, encoding="utf-8")
    (project / "content/extern").symlink_to(outside, target_is_directory=True)


# (what is done to the files, the paths the watcher reports for it (as watchfiles reports them), does loading walk)
CHANGES: dict[str, tuple[Callable[[Path], object], set[str], bool]] = {
    "file edited": (lambda p: _same_size_edit(p / CONFERENCE), {CONFERENCE}, False),
    "file saved by rename": (
        lambda p: _atomic_save(p, CONFERENCE, (p / CONFERENCE).read_text(encoding="utf-8") + "\nMehr.\n"),
        {CONFERENCE, "content/conferences/.online.md.tmp"}, False,
    ),
    "file added": (lambda p: _write(p, "content/conferences/neu.md", NEW_CONFERENCE), {"content/conferences/neu.md"}, False),
    "file added in NFD": (  # sorted by its NFC name, as the walk sorts
        lambda p: _write(p, "content/conferences/mu\u0308nden.md", NEW_CONFERENCE), {"content/conferences/mu\u0308nden.md"}, False,
    ),
    "file deleted": (lambda p: (p / CONFERENCE).unlink(), {CONFERENCE}, False),
    "file renamed": (
        lambda p: (p / CONFERENCE).rename(p / "content/conferences/umbenannt.md"), {CONFERENCE, "content/conferences/umbenannt.md"}, False,
    ),
    "asset added": (lambda p: _write(p, "content/bilder/neu.svg", SVG), {"content/bilder/neu.svg"}, False),
    "refused file added": (lambda p: _write(p, "content/conferences/notiz.txt", "x"), {"content/conferences/notiz.txt"}, False),
    "broken file saved": (lambda p: _write(p, CONFERENCE, "---\ntitle: [offen\n---\n"), {CONFERENCE}, False),
    "hidden file added": (lambda p: _write(p, "content/.notizen.md", "x"), {"content/.notizen.md"}, False),
    "hidden folder added": (lambda p: _write(p, "content/.git/config", "x"), {"content/.git", "content/.git/config"}, False),
    "template edited": (lambda p: None, {"templates/base.html"}, False),
    "folder added": (lambda p: _write(p, "content/bilder/neu/a.svg", SVG), {"content/bilder/neu", "content/bilder/neu/a.svg"}, True),
    "folder renamed": (lambda p: (p / "content/bilder").rename(p / "content/fotos"), {"content/bilder", "content/fotos"}, True),
    "folder deleted": (
        lambda p: ((p / "content/bilder/foto.svg").unlink(), (p / "content/bilder").rmdir()), {"content/bilder", "content/bilder/foto.svg"}, True,
    ),
    "folder linked": (_link_folder, {"content/extern"}, True),
    "file linked": (lambda p: (p / "content/bilder/link.svg").symlink_to(p / "content/bilder/foto.svg"), {"content/bilder/link.svg"}, True),
    "content/ itself": (lambda p: None, {"content"}, True),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_loading_only_the_reported_paths_equals_a_full_load(tmp_path: Path, name: str) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    load_content(project, cache)
    change, reported, walks = CHANGES[name]
    change(project)
    loaded = load_content(project, cache, frozenset(reported))
    assert loaded == load_content(project)
    assert cache.index.walks == (2 if walks else 1)
    assert load_content(project, cache, frozenset()) == loaded  # and the next load, with nothing reported


def test_a_linked_folder_removed_again_takes_its_problem_along(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    _link_folder(project)
    linked = load_content(project, cache)
    assert [p.message for p in linked.problems if p.file == "content/extern"] == [m.text("folder_symlink")]
    (project / "content/extern").unlink()
    loaded = load_content(project, cache, frozenset({"content/extern"}))
    assert loaded == load_content(project) and not [p for p in loaded.problems if p.file == "content/extern"]


def test_only_the_reported_file_is_read_and_parsed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    first = _documents(project, cache)
    _same_size_edit(project / CONFERENCE)
    _same_size_edit(project / "content/conferences/linden-sued.md")  # not reported: not even looked at
    loaded = load_content(project, cache, frozenset({CONFERENCE}))
    assert cache.parsed == [CONFERENCE]
    documents = {d.path: d for d in loaded.collections["conferences"]}
    assert documents["content/conferences/linden-sued.md"] is first["content/conferences/linden-sued.md"]
    assert documents[CONFERENCE] == _documents(project)[CONFERENCE]


def test_a_change_nobody_reported_is_found_by_the_next_walk(tmp_path: Path) -> None:
    """An event stream can miss a change (watch.py audits for that): trusted until load walks again."""
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    load_content(project, cache)
    _same_size_edit(project / CONFERENCE)
    stale = load_content(project, cache, frozenset())
    assert stale != load_content(project)  # what load was told: nothing changed
    assert load_content(project, cache, None) == load_content(project)  # a walk looks at every file's status


def test_after_a_load_that_did_not_finish_the_next_load_walks(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    cache = ParseCache()
    load_content(project, cache)
    cache.index.valid = False  # as a load interrupted by an exception leaves it (and PreviewBuilder after a crash)
    _write(project, "content/conferences/neu.md", NEW_CONFERENCE)
    assert load_content(project, cache, frozenset()) == load_content(project)
    assert cache.index.walks == 2
