"""The preview's parse cache and validation memo: only changed files are parsed again, never a stale result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
