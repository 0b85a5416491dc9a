"""Load stage: read content/ from disk into parsed, positioned documents.

This is the only stage that reads content files. It never raises for bad
input; every problem becomes a ``Problem``.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import messages as m
from .asset_policy import asset_problem
from .markdown_limits import check_markdown
from .parse_cache import ParseCache
from .problems import Problem, Severity
from .yamlstrict import Node, parse_yaml

MAX_CONTENT_FILE_BYTES = 1024 * 1024
MAX_ASSET_FILE_BYTES = 50 * 1024 * 1024
MAX_FILES = 250_000
SINGLE_FILES = {"site.yaml": "site", "districts.yaml": "districts", "home.md": "home", "network.yaml": "network"}
COLLECTIONS = {"conferences": ".md", "results": ".md", "pages": ".md", "members": ".yaml"}
REQUIRED_FILES = ("site.yaml", "districts.yaml", "home.md", "network.yaml")


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One content file, parsed: YAML data (or front matter) and the Markdown body."""

    path: str  # relative to the project root, e.g. "content/conferences/bemerode.md"
    stem: str  # file name without extension, NFC-normalised
    data: Node | None
    body: str = ""
    body_line: int = 0  # line of the first body line in the file


@dataclass(frozen=True, slots=True)
class Asset:
    """A file in content/ that is not a content file (image, document): copied as it is."""

    path: str  # relative to content/, NFC-normalised, forward slashes
    source: Path
    size: int


@dataclass(slots=True)
class LoadedContent:
    singles: dict[str, SourceDocument] = field(default_factory=dict)  # "site", "home", …
    collections: dict[str, list[SourceDocument]] = field(default_factory=dict)
    assets: dict[str, Asset] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # collection → stems of its files that could not be read or parsed: they exist, so a
    # reference to them is not reported a second time as "unknown"
    unreadable: dict[str, list[str]] = field(default_factory=dict)


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def file_stem(name: str) -> str:
    """A content file's name without its suffix, in NFC: what its address name comes from."""
    return _nfc(name.rsplit(".", 1)[0])


def decode_content(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text of a content file (BOM dropped with a warning), or why it is unreadable."""
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(Problem(path, 1, 1, "", m.text("file_bom"), m.hint("file_bom"), Severity.WARNING))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        problems.append(Problem(path, line, column, "", m.text("file_not_utf8", byte=byte), m.hint("file_not_utf8")))
        return None, problems
    if not text.strip():
        problems.append(Problem(path, 0, 0, "", m.text("file_empty"), m.hint("file_empty")))
        return None, problems
    return _nfc(text.replace("\r\n", "\n")), problems


def split_front_matter(text: str, path: str) -> tuple[str, str, int] | Problem:
    """(front matter, body, line where the body starts) or the problem with the fences."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":  # trailing blanks are invisible in editors: tolerated, as on the closing fence
        return Problem(path, 1, 1, "", m.text("front_matter_missing"), m.hint("front_matter_missing"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 2
    return Problem(path, 1, 1, "", m.text("front_matter_unclosed"), m.hint("front_matter_unclosed"))


def parse_document(raw: bytes, path: str, stem: str, markdown: bool) -> tuple[SourceDocument | None, list[Problem]]:
    """Decode and parse one content file (pure: the bytes are given)."""
    text, problems = decode_content(raw, path)
    if text is None:
        return None, problems
    if markdown:
        split = split_front_matter(text, path)
        if isinstance(split, Problem):
            return None, [*problems, split]
        front, body, body_line = split
        result = parse_yaml(front, path, line_offset=1)
    else:
        body, body_line = "", 0
        result = parse_yaml(text, path)
    problems.extend(result.problems)
    if result.problems:
        return None, problems
    if result.node is None:
        problems.append(Problem(path, 1, 1, "", m.text("file_empty"), m.hint("file_empty")))
        return None, problems
    limit = check_markdown(body) if markdown else None
    if limit is not None:  # the document still counts as there, so references to it stay valid
        values = limit.values
        problems.append(Problem(path, body_line + limit.line - 1, limit.column, "", m.text(limit.key, **values), m.hint(limit.key, **values)))
    return SourceDocument(path, stem, result.node, body, body_line), problems


def content_items(project: Path) -> int:
    """How many files the content's collections hold, counted without reading any (the size of a build, ahead of it)."""
    count = 0
    for name in COLLECTIONS:
        try:
            with os.scandir(project / "content" / name) as entries:
                count += sum(1 for _ in entries)
        except OSError:
            continue
    return count


def _relative(path: Path, root: Path) -> str:
    return _nfc(path.relative_to(root).as_posix())


def _read(path: Path, rel: str, limit: int) -> tuple[bytes | None, Problem | None]:
    if path.is_symlink():
        return None, Problem(rel, 0, 0, "", m.text("file_symlink"), m.hint("file_symlink"))
    size = path.stat().st_size
    if size > limit:
        return None, Problem(
            rel, 0, 0, "", m.text("file_too_large", **_sizes(size, limit)), m.hint("file_too_large")
        )
    return path.read_bytes(), None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def _sizes(size: int, limit: int) -> dict[str, str]:
    """Size and limit for the message; a size just over the limit reads "mehr als 50,0 MB", not "50,0 MB"."""
    shown, allowed = _megabytes(size), _megabytes(limit)
    return {"size": f"mehr als {allowed}" if shown == allowed else shown, "limit": allowed}


ParseResult = tuple[bool, SourceDocument | None, list[Problem]]  # was the file read, the document, problems


@dataclass(frozen=True, slots=True)
class _Job:
    """A content file to read and parse."""

    path: Path
    rel: str  # relative to the project, NFC
    kind: str  # "site", "home", … or a collection
    stem: str


class _Outcome(NamedTuple):  # a tuple: made for every file of every walk, 1 µs cheaper than a frozen dataclass
    """What one file adds to ``LoadedContent`` (kept by the preview while the file is unchanged)."""

    kind: str | None  # "site", "home", … or a collection for content files, None for the others
    problems: tuple[Problem, ...] = ()
    document: SourceDocument | None = None
    asset: Asset | None = None
    unreadable: str | None = None  # the stem of a content file that is there but could not be read or parsed


def _read_and_parse(job: _Job) -> ParseResult:
    """Read and parse one content file: (was it read, the document, problems)."""
    raw, problem = _read(job.path, job.rel, MAX_CONTENT_FILE_BYTES)
    if problem:
        return False, None, [problem]
    assert raw is not None
    return (True, *parse_document(raw, job.rel, job.stem, markdown=job.path.suffix == ".md"))


def _read_through(cache: ParseCache, job: _Job) -> ParseResult:
    """``_read_and_parse``, parsing only when the file's bytes are not in ``cache``."""
    path, rel = job.path, job.rel
    try:
        info = path.lstat()
    except OSError:
        info = None
    if info is None or stat.S_ISLNK(info.st_mode) or info.st_size > MAX_CONTENT_FILE_BYTES:
        return _read_and_parse(job)  # the uncached way reports these
    reused = cache.unchanged(rel, info)
    if reused is None:
        read_at = time.time_ns()
        raw = path.read_bytes()
        info = path.stat()
        reused = cache.same_bytes(rel, raw, info, read_at)
        if reused is None:
            reused = (True, *parse_document(raw, rel, job.stem, markdown=path.suffix == ".md"))
            cache.store(rel, info, raw, read_at, reused)
    return reused


def load_content(project: Path, cache: ParseCache | None = None, changed: Collection[str] | None = None) -> LoadedContent:
    """Read every file under project/content/ (sorted, so the result never depends on the disk).

    One process: parsing a file takes about 0.3 ms, less than sending its parsed tree
    back from a worker process costs (measured at 2,000 files: 1.5 s here, 1.8–2.5 s
    with two workers).
    ``cache`` (the preview's) skips parsing files whose bytes it has seen (parse_cache.py).
    ``changed``: the paths (relative to the project) the dev server's watcher reported
    changed since the last load with this cache; then only those files are looked at,
    and what the others add is taken from the cache's ``FileIndex`` as it is (parse_cache.py
    says when it walks anyway). None: walk, and look at every file.
    """
    root = project / "content"
    index = cache.index if cache is not None else None
    fresh: set[str] | None = None
    if index is not None and index.valid and changed is not None:
        fresh = index.update(str(root), changed)
        if fresh is not None and len(index.keys) > MAX_FILES:
            fresh = None  # the walk reports it
    if index is not None:
        index.valid = False  # until this load is complete
    if cache is not None:
        cache.start()
    root_prefix = root.as_posix() + "/"
    if fresh is None:
        keys, folders, links, walk_problems = _walk(root, project)
        outcomes = {key: _outcome(Path(key), root_prefix, cache) for key in keys}
        if cache is not None:
            cache.finish()  # forget the files this walk did not find
        if index is not None:
            index.fill(keys, folders, links, tuple(walk_problems), outcomes)
    else:
        assert index is not None and cache is not None
        keys, walk_problems, outcomes = index.keys, list(index.problems), index.outcomes
        for key in sorted(fresh):  # the parse cache keeps deleted files' results until the next walk: they are the bytes' results
            outcomes[key] = _outcome(Path(key), root_prefix, cache)
    loaded = _assemble(keys, outcomes, walk_problems)
    for name in REQUIRED_FILES:
        if not (root / name).exists():
            loaded.problems.append(Problem(f"content/{name}", 0, 0, "", m.text("file_missing"), m.hint("file_missing")))
    if index is not None:
        index.valid = True
    return loaded


def _outcome(path: Path, root_prefix: str, cache: ParseCache | None) -> _Outcome:
    """What one file adds: a content file read and parsed, an asset, or a problem."""
    inner = _nfc(path.as_posix()[len(root_prefix):])  # string slicing: Path.relative_to costs 25 µs a file
    rel = "content/" + inner
    parts = inner.split("/")
    kind = _kind_of(parts)
    if kind is None:
        asset = _asset(path, rel, inner, parts)
        return _Outcome(None, asset=asset) if isinstance(asset, Asset) else _Outcome(None, (asset,))
    job = _Job(path, rel, kind, file_stem(path.name))
    read, document, problems = _read_through(cache, job) if cache is not None else _read_and_parse(job)
    unreadable = job.stem if document is None and read and kind in COLLECTIONS else None
    return _Outcome(kind, tuple(problems), document, None, unreadable)


def _asset(path: Path, rel: str, inner: str, parts: list[str]) -> Asset | Problem:
    """A file that is not a content file: an asset to publish, or why it is not published."""
    if path.is_symlink():
        return Problem(rel, 0, 0, "", m.text("file_symlink"), m.hint("file_symlink"))
    if len(parts) == 2 and parts[0] in COLLECTIONS:
        expected = COLLECTIONS[parts[0]]
        return Problem(rel, 0, 0, "", m.text("file_unknown_type", folder=parts[0], expected=expected), m.hint("file_unknown_type"))
    raw_size = path.stat().st_size
    if raw_size > MAX_ASSET_FILE_BYTES:
        return Problem(rel, 0, 0, "", m.text("file_too_large", **_sizes(raw_size, MAX_ASSET_FILE_BYTES)), m.hint("asset_too_large"))
    # asset_policy.py: only images and documents, never active content
    return asset_problem(path, rel, inner) or Asset(inner, path, raw_size)


def _assemble(keys: list[str], outcomes: dict[str, _Outcome], walk_problems: list[Problem]) -> LoadedContent:
    """The files' outcomes in the walk's order (a tight loop: the preview runs it over every file on every save)."""
    collections: dict[str, list[SourceDocument]] = {name: [] for name in COLLECTIONS}
    loaded = LoadedContent(collections=collections, problems=walk_problems)
    problems, assets, singles = loaded.problems, loaded.assets, loaded.singles
    for key in keys:
        outcome = outcomes[key]
        if outcome.problems:
            problems.extend(outcome.problems)
        document = outcome.document
        if document is not None:
            kind = outcome.kind
            if kind in collections:
                collections[kind].append(document)
            else:
                assert kind is not None
                singles[kind] = document
        elif outcome.asset is not None:
            assets[outcome.asset.path] = outcome.asset
        elif outcome.unreadable is not None:
            assert outcome.kind is not None
            loaded.unreadable.setdefault(outcome.kind, []).append(outcome.unreadable)
    return loaded


def _kind_of(parts: list[str]) -> str | None:
    if len(parts) == 1:
        return SINGLE_FILES.get(parts[0])
    if len(parts) == 2 and parts[0] in COLLECTIONS and parts[1].endswith(COLLECTIONS[parts[0]]):
        return parts[0]
    return None


def _walk(root: Path, project: Path) -> tuple[list[str], frozenset[str], frozenset[str], list[Problem]]:
    """Every file below root (sorted), the folders entered, the folders that are links, and the problems.

    Hidden files and folders are skipped; links to folders are reported, never entered.
    """
    found: list[str] = []
    folders: list[str] = []
    links: list[str] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return found, frozenset(), frozenset(), problems
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        folders.append(folder)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for dirname in dirnames:
            if os.path.islink(os.path.join(folder, dirname)):
                links.append(os.path.join(folder, dirname))
                rel = _relative(Path(folder) / dirname, project)
                problems.append(Problem(rel, 0, 0, "", m.text("folder_symlink"), m.hint("folder_symlink")))
        found.extend(os.path.join(folder, name) for name in filenames if not name.startswith("."))
        if len(found) > MAX_FILES:
            problems.append(
                Problem("content", 0, 0, "", m.text("too_many_files", count=len(found), limit=MAX_FILES), m.hint("too_many_files"))
            )
            return [], frozenset(), frozenset(), problems
    found.sort(key=lambda key: (_nfc(key), key))  # NFC and NFD twins: still a fixed order
    return found, frozenset(folders), frozenset(links), problems
