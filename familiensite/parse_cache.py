"""The preview's memory of parsed content files: a save re-parses only the files that changed.

A preview of 10,000 content files would otherwise read and parse all of them on
every save. ``ParseCache`` keeps each file's parse result with the file's
status (modification and change time, size, inode) and, as a second line of
defence, its bytes' hash:

* status unchanged and the file last changed well before it was read (outside the
  "racy" window, as git does it): reused without reading the file;
* otherwise the file is read; identical bytes reuse the result, other bytes are
  parsed again.

The racy window matters because file times are coarse (a few milliseconds on
Linux): two saves in the same tick with the same size leave the status
unchanged, so a file modified shortly before it was read is always read again.
The change time (ctime) is in the key because no program can set it back, unlike
the modification time (``cp -p``, ``rsync -t``). Parsing is a pure function of
the bytes, so a reused result is the result a fresh parse would give
(tests/test_incremental.py compares the preview with full builds).

``FileIndex`` spares the dev server the walk as well: it keeps the file list of
the last load and what load made of each file, and takes the paths the watcher
reported changed since (serve.py), so a save costs a look at the saved file,
not at 10,000 (see ``FileIndex`` for what makes it walk anyway).
"""

from __future__ import annotations

import bisect
import hashlib
import os
import stat
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R")

RACY_SECONDS = 2.0  # a file changed less than this before it was read is read again next time

FileStatus = tuple[int, int, int, int, int]  # mtime_ns, ctime_ns, size, inode, device


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def file_status(info: os.stat_result) -> FileStatus:
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev)


@dataclass(slots=True)
class _Entry:
    status: FileStatus
    digest: bytes
    read_at_ns: int  # wall clock when the bytes were read
    result: Any


class ParseCache:
    """Parse results of content files by relative path, valid while the file's bytes are the same."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._used: set[str] = set()
        self.parsed: list[str] = []  # files parsed (not reused) by the last load, for the tests and the terminal
        self.index = FileIndex()  # the file list of the last load (load.py)

    def start(self) -> None:
        self._used = set()
        self.parsed = []

    def unchanged(self, rel: str, info: os.stat_result) -> Any | None:
        """The stored result when the status proves the file unchanged without reading it, else None."""
        entry = self._entries.get(rel)
        if entry is None or entry.status != file_status(info):
            return None
        if max(info.st_mtime_ns, info.st_ctime_ns) >= entry.read_at_ns - int(RACY_SECONDS * 1e9):
            return None
        self._used.add(rel)
        return entry.result

    def same_bytes(self, rel: str, raw: bytes, info: os.stat_result, read_at_ns: int) -> Any | None:
        """The stored result when ``raw`` (read at ``read_at_ns``, status ``info``) are the bytes it was
        parsed from, else None; a hit notes the new status, so the next load may trust it."""
        entry = self._entries.get(rel)
        if entry is None or entry.digest != _digest(raw):
            return None
        entry.status, entry.read_at_ns = file_status(info), read_at_ns
        self._used.add(rel)
        return entry.result

    def store(self, rel: str, info: os.stat_result, raw: bytes, read_at_ns: int, result: Any) -> None:
        """Remember ``result`` for ``raw``, read at ``read_at_ns`` from a file with status ``info``."""
        self._entries[rel] = _Entry(file_status(info), _digest(raw), read_at_ns, result)
        self._used.add(rel)
        self.parsed.append(rel)

    def finish(self) -> None:
        """Forget files the last load did not see (deleted or renamed)."""
        for rel in [r for r in self._entries if r not in self._used]:
            del self._entries[rel]


def _walk_order(key: str) -> tuple[str, str]:
    """The walk's order of files (load.py): by NFC path, NFC and NFD twins by their bytes."""
    return (key if unicodedata.is_normalized("NFC", key) else unicodedata.normalize("NFC", key), key)


@dataclass(slots=True)
class FileIndex:
    """What the last load found in content/, so that the next one need not walk it.

    A full walk (load.py) fills it: every file's path in the walk's order, the folders
    it went into, the folders that are symbolic links (reported, not entered), the
    walk's own problems, and what each file added to the loaded content (``outcomes``:
    a parsed document, an asset, problems). The dev server's watcher then reports which
    paths changed (watch.py), and ``update`` brings the list up to date by looking at
    those paths only; load looks at these files again and takes what the others added
    as it is, without looking at them (not even their status: the watcher would have
    reported a change).

    ``update`` answers None, and load walks as it always did, whenever the reported
    paths do not say for certain what the walk would find: a folder created,
    deleted, renamed or reported at all, a symbolic link, a file in a folder the
    last walk did not enter, anything that cannot be looked at, content/ itself.
    Load also walks on the first load, when the watcher cannot account for
    everything (``changed=None``: its start, the polling fallback, a rebuild after
    its audit found a change nobody reported) and after a rebuild that crashed.
    """

    keys: list[str] = field(default_factory=list)  # file paths as the walk joined them, in the walk's order
    outcomes: dict[str, Any] = field(default_factory=dict)  # key → what the file added to the loaded content
    folders: frozenset[str] = frozenset()  # folders the walk entered, content/ included
    links: frozenset[str] = frozenset()  # folders that are symbolic links
    problems: tuple[Any, ...] = ()  # the walk's own problems
    valid: bool = False  # False until a load completes (and after one that did not)
    walks: int = 0  # full walks so far, for the tests

    def fill(self, keys: list[str], folders: frozenset[str], links: frozenset[str], problems: tuple[Any, ...], outcomes: dict[str, Any]) -> None:
        """The result of a full walk and of the load that followed it."""
        self.keys, self.folders, self.links, self.problems, self.outcomes = keys, folders, links, problems, outcomes
        self.walks += 1

    def update(self, root: str, changed: Collection[str]) -> set[str] | None:
        """Apply ``changed`` (paths relative to the project, as reported) to the file list: the keys of
        the files to look at again, or None when only a walk can tell (the list is then unusable).

        ``root`` is content/ as the walk names it; paths outside content/ and hidden ones are not its business.
        """
        fresh: set[str] = set()
        for change in changed:
            if change == "content":
                return None
            if not change.startswith("content/"):
                continue
            inner = change[len("content/"):]
            if any(not part or part.startswith(".") for part in inner.split("/")):
                continue  # hidden, as the walk skips it
            key = f"{root}/{inner}"
            if key in self.folders or key in self.links or key.rpartition("/")[0] not in self.folders:
                return None
            try:
                info = os.lstat(key)
            except FileNotFoundError:
                if key in self.outcomes:  # deleted (or renamed away)
                    del self.keys[self._position(key)]
                    del self.outcomes[key]
                continue
            except OSError:
                return None
            if stat.S_ISDIR(info.st_mode) or stat.S_ISLNK(info.st_mode):
                return None  # a new folder, or a link (the walk tells links to folders from links to files)
            if key not in self.outcomes:
                bisect.insort(self.keys, key, key=_walk_order)
            fresh.add(key)
        return fresh

    def _position(self, key: str) -> int:
        return bisect.bisect_left(self.keys, _walk_order(key), key=_walk_order)


class KeyedMemo:
    """Values made from an object (``anchor``, compared by identity) and hashable other inputs.

    The parse cache hands out the same document object while a file is unchanged, so
    the preview validates only the documents that are new (anchor: the document); the
    site model keeps each conference's and result's view (anchor: its record), so an
    unchanged record keeps the same view object and its pages compare equal at once.
    Anchors are kept alive here, so an ``id`` cannot be reused by another object
    while its entry exists; entries not used by the last rebuild are dropped.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self._next: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def get(self, anchor: Any, key: tuple[Any, ...], make: Callable[[], R]) -> R:
        full = (id(anchor), *key)
        hit = self._entries.get(full) or self._next.get(full)
        value: R = hit[1] if hit is not None and hit[0] is anchor else make()
        self._next[full] = (anchor, value)
        return value

    def finish(self) -> None:
        self._entries, self._next = self._next, {}


@dataclass(slots=True)
class ContentCache:
    """What the preview keeps between rebuilds of the content: parsed files, validated records, views, page specs."""

    files: ParseCache = field(default_factory=ParseCache)
    records: KeyedMemo = field(default_factory=KeyedMemo)
    views: KeyedMemo = field(default_factory=KeyedMemo)
    pages: KeyedMemo = field(default_factory=KeyedMemo)  # item pages with their structured data (structured_data.py)
