"""Load stage: read content/ from disk into parsed, positioned documents.

This is the only stage that reads content files. It never raises for bad
input; every problem becomes a ``Problem``.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

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


def _read_and_parse(job: tuple[Path, str, str]) -> ParseResult:
    """Read and parse one content file: (was it read, the document, problems)."""
    path, rel, stem = job
    raw, problem = _read(path, rel, MAX_CONTENT_FILE_BYTES)
    if problem:
        return False, None, [problem]
    assert raw is not None
    return (True, *parse_document(raw, rel, stem, markdown=path.suffix == ".md"))


def _read_through(cache: ParseCache, jobs: list[tuple[Path, str, str]]) -> list[ParseResult]:
    """``_read_and_parse`` of every job, parsing only the files whose bytes are not in ``cache``."""
    results: list[ParseResult] = []
    for path, rel, stem in jobs:
        try:
            info = path.lstat()
        except OSError:
            info = None
        if info is None or stat.S_ISLNK(info.st_mode) or info.st_size > MAX_CONTENT_FILE_BYTES:
            results.append(_read_and_parse((path, rel, stem)))  # the uncached way reports these
            continue
        reused = cache.unchanged(rel, info)
        if reused is None:
            read_at = time.time_ns()
            raw = path.read_bytes()
            info = path.stat()
            reused = cache.same_bytes(rel, raw, info, read_at)
            if reused is None:
                reused = (True, *parse_document(raw, rel, stem, markdown=path.suffix == ".md"))
                cache.store(rel, info, raw, read_at, reused)
        results.append(reused)
    cache.finish()
    return results


def load_content(project: Path, cache: ParseCache | None = None) -> LoadedContent:
    """Read every file under project/content/ (sorted, so the result never depends on the disk).

    One process: parsing a file takes about 0.3 ms, less than sending its parsed tree
    back from a worker process costs (measured at 2,000 files: 1.5 s here, 1.8–2.5 s
    with two workers).
    ``cache`` (the preview's) skips parsing files whose bytes it has seen (parse_cache.py).
    """
    root = project / "content"
    loaded = LoadedContent(collections={name: [] for name in COLLECTIONS})
    files = _walk(root, project, loaded)
    root_prefix = root.as_posix() + "/"
    jobs: list[tuple[Path, str, str]] = []
    steps: list[Problem | tuple[str, str]] = []  # in file order: a problem, or (kind, stem) of the next job
    for path in files:
        inner = _nfc(path.as_posix()[len(root_prefix):])  # string slicing: Path.relative_to costs 25 µs a file
        rel = "content/" + inner
        parts = inner.split("/")
        kind = _kind_of(parts)
        if kind is None:
            if path.is_symlink():
                steps.append(Problem(rel, 0, 0, "", m.text("file_symlink"), m.hint("file_symlink")))
                continue
            if len(parts) == 2 and parts[0] in COLLECTIONS:
                expected = COLLECTIONS[parts[0]]
                steps.append(
                    Problem(rel, 0, 0, "", m.text("file_unknown_type", folder=parts[0], expected=expected), m.hint("file_unknown_type"))
                )
                continue
            raw_size = path.stat().st_size
            if raw_size > MAX_ASSET_FILE_BYTES:
                steps.append(
                    Problem(rel, 0, 0, "", m.text("file_too_large", **_sizes(raw_size, MAX_ASSET_FILE_BYTES)),
                            m.hint("asset_too_large"))
                )
                continue
            refused = asset_problem(path, rel, inner)  # asset_policy.py: only images and documents, never active content
            if refused is not None:
                steps.append(refused)
                continue
            loaded.assets[inner] = Asset(inner, path, raw_size)
            continue
        stem = _nfc(path.name.rsplit(".", 1)[0])
        jobs.append((path, rel, stem))
        steps.append((kind, stem))
    if cache is not None:
        cache.start()
    parsed = iter(_read_through(cache, jobs) if cache is not None else map(_read_and_parse, jobs))
    for step in steps:
        if isinstance(step, Problem):
            loaded.problems.append(step)
            continue
        kind, stem = step
        read, document, problems = next(parsed)
        loaded.problems.extend(problems)
        if document is None:
            if read and kind in COLLECTIONS:
                loaded.unreadable.setdefault(kind, []).append(stem)
            continue
        if kind in COLLECTIONS:
            loaded.collections[kind].append(document)
        else:
            loaded.singles[kind] = document
    for name in REQUIRED_FILES:
        if not (root / name).exists():
            loaded.problems.append(Problem(f"content/{name}", 0, 0, "", m.text("file_missing"), m.hint("file_missing")))
    return loaded


def _kind_of(parts: list[str]) -> str | None:
    if len(parts) == 1:
        return SINGLE_FILES.get(parts[0])
    if len(parts) == 2 and parts[0] in COLLECTIONS and parts[1].endswith(COLLECTIONS[parts[0]]):
        return parts[0]
    return None


def _walk(root: Path, project: Path, loaded: LoadedContent) -> list[Path]:
    """Every regular file below root, sorted; hidden files and folders are skipped."""
    found: list[Path] = []
    if not root.is_dir():
        return found
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(folder)
        for dirname in list(dirnames):
            if (base / dirname).is_symlink():
                rel = _relative(base / dirname, project)
                loaded.problems.append(Problem(rel, 0, 0, "", m.text("folder_symlink"), m.hint("folder_symlink")))
        for name in filenames:
            if not name.startswith("."):
                found.append(base / name)
        if len(found) > MAX_FILES:
            loaded.problems.append(
                Problem("content", 0, 0, "", m.text("too_many_files", count=len(found), limit=MAX_FILES), m.hint("too_many_files"))
            )
            return []
    found.sort(key=lambda p: (_nfc(p.as_posix()), p.as_posix()))  # NFC and NFD twins: still a fixed order
    return found
