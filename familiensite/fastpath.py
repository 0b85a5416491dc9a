"""The no-change fast path: when nothing a build reads has changed and site/ is as it was left, do nothing.

A build records, beside its output (``.site.build.json``), a *fingerprint* of
everything its bytes can depend on, taken before it reads anything:

* every file below content/ and templates/ (path, size, modification and change
  time, inode: a file copied over another with its old time still changes ctime),
* the code: every file of this package, the Python version and the installed
  distributions with their versions (a changed library changes the fingerprint),
* the build's "today" and the environment variables a build reads
  (SOURCE_DATE_EPOCH, TZ, FAMILIENSITE_*, PAGEFIND_*), and the output folder;

and after publishing, the listing of the output (the same for every file, but
without the change time) with the problems the build reported. The next build
computes the fingerprint again; only if it is equal *and* the output's listing
is unchanged does it skip the work, repeat the recorded warnings and leave site/
as it is. Anything else, including an unreadable state file, builds in full.

File times are trusted like git trusts its index: a file modified in the same
clock tick as the scan could keep its size and time, so a fingerprint in which
any input is younger than ``RACY_SECONDS`` at the moment of the scan is recorded
as *racy* and never used for the fast path (the next build runs in full and
records a trustworthy one).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .problems import Problem, Severity

FORMAT = 1
RACY_SECONDS = 2.0
PACKAGE = Path(__file__).resolve().parent
ENV_PREFIXES = ("FAMILIENSITE_", "PAGEFIND_")
ENV_NAMES = ("SOURCE_DATE_EPOCH", "TZ")
IGNORED_ENV = ("FAMILIENSITE_CACHE", "FAMILIENSITE_WORKERS")  # change where and how fast, never what


@dataclass(frozen=True, slots=True)
class Fingerprint:
    digest: str
    racy: bool  # an input was modified just before the scan: not to be trusted later


def state_path(output: Path) -> Path:
    """Where the build state of ``output`` lives: beside it, like the lock and the staging folders."""
    output = output.absolute()
    return output.parent / f".{output.name}.build.json"


UNTRUSTED = 1 << 62  # as "newest time" of an input: makes the fingerprint racy, i.e. never used


def _walk(root: Path, relative: str, rows: list[str], newest: list[int], ctime: bool = True, by_content: bool = False) -> None:
    """Append one row per file below ``root`` (sorted by name); ``newest`` gets the youngest file time.

    A link to a file is listed with its target's data; a link to a folder inside the
    tree is not followed but makes the fingerprint untrusted (its files could change unseen).
    ``by_content``: a file's row holds the SHA-256 of its bytes instead of its times and
    inode, and an unreadable file makes the result untrusted (see ``content_digest``).
    """
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        rows.append(f"{relative}\0unreadable")
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        name = f"{relative}/{entry.name}" if relative else entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(Path(entry.path), name, rows, newest, ctime, by_content)
                continue
            if entry.is_symlink():
                rows.append(f"{name}\0link\0{os.readlink(entry.path)}")
                if entry.is_dir():
                    newest[0] = UNTRUSTED
                    continue
            if by_content:
                with open(entry.path, "rb") as stream:
                    rows.append(f"{name}\0{hashlib.file_digest(stream, 'sha256').hexdigest()}")
                continue
            info = entry.stat()
        except OSError:
            rows.append(f"{name}\0unreadable")
            if by_content:
                newest[0] = UNTRUSTED
            continue
        rows.append(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns if ctime else 0}\0{info.st_ino}")
        newest[0] = max(newest[0], info.st_mtime_ns, info.st_ctime_ns)


def _distributions() -> list[str]:
    """Names of the installed distributions with their versions (``Markdown-3.11.3.dist-info``)."""
    found: set[str] = set()
    for entry in sys.path:
        try:
            found.update(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")))
        except OSError:
            continue
    return sorted(found)


def fingerprint(project: Path, output: Path, today: date | None = None) -> Fingerprint:
    """The fingerprint of a build of ``project`` into ``output`` (taken before anything is read).

    ``today`` is the date a caller passes to the build; the calendar date and
    SOURCE_DATE_EPOCH, from which the build takes its own, are always part of it.
    """
    started = time.time_ns()
    rows, newest = [f"output {output.absolute()}"], [0]
    _inputs(project, today, rows, newest, by_content=False)
    digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogateescape")).hexdigest()
    return Fingerprint(digest, racy=newest[0] >= started - int(RACY_SECONDS * 1e9))


def content_digest(project: Path, today: date | None = None) -> str | None:
    """Everything a build's bytes depend on, with every file by its bytes: the key of the output snapshot (snapshot.py).

    Unlike the fingerprint it does not change when files are copied, checked out
    again or restored from an archive with other times (a CI run on a fresh
    clone), and it does not name the output folder. None when it cannot be
    trusted: an input is unreadable or a link to a folder is in the tree.
    """
    rows, newest = [f"digest {FORMAT}"], [0]
    _inputs(project, today, rows, newest, by_content=True)
    if newest[0] == UNTRUSTED:
        return None
    return hashlib.sha256("\n".join(rows).encode("utf-8", "surrogateescape")).hexdigest()


def _inputs(project: Path, today: date | None, rows: list[str], newest: list[int], by_content: bool) -> None:
    """The rows of everything a build reads: its date, Python and the libraries, the environment, code, content and templates."""
    rows += [f"format {FORMAT}", f"today {today} {date.today().isoformat()}", f"python {sys.version} {sys.executable}", *_distributions()]
    rows += [f"env {k}={v}" for k, v in sorted(os.environ.items()) if (k.startswith(ENV_PREFIXES) or k in ENV_NAMES) and k not in IGNORED_ENV]
    for label, root in (("code", PACKAGE), ("content", project / "content"), ("templates", project / "templates")):
        rows.append(f"[{label}] {root.resolve()}")
        _walk(root, "", rows, newest, by_content=by_content)


def output_listing(output: Path) -> str:
    """A digest of every file in the output folder with its size, modification time and inode.

    Not the change time: removing the replaced site (write.py, possibly after this
    build has ended) unlinks the other names of hard-linked files, which changes it.
    """
    rows: list[str] = []
    _walk(output, "", rows, [0], ctime=False)
    return _listing_digest(rows)


def listing_of(files: dict[str, os.stat_result]) -> str:
    """``output_listing`` of a folder that holds exactly these regular files (one just made of hard links to these files)."""
    return _listing_digest([f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{0}\0{info.st_ino}" for path, info in files.items()])


def _listing_digest(rows: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(rows)).encode("utf-8", "surrogateescape")).hexdigest()


def problem_data(problem: Problem) -> dict[str, object]:
    """A problem as JSON data, to be reported again by a build that is skipped (here and in snapshot.py)."""
    return {"file": problem.file, "line": problem.line, "column": problem.column, "field": problem.field,
            "message": problem.message, "hint": problem.hint, "severity": problem.severity.value}


def problems_from_data(data: list[dict[str, Any]]) -> list[Problem]:
    return [Problem(p["file"], p["line"], p["column"], p["field"], p["message"], p["hint"], Severity(p["severity"])) for p in data]


def up_to_date(state: Path, current: Fingerprint, output: Path) -> list[Problem] | None:
    """The problems recorded by the last build when nothing changed since and the output is intact; else None."""
    if current.racy or not output.is_dir():
        return None
    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
        if recorded.get("format") != FORMAT or recorded.get("racy") or recorded.get("fingerprint") != current.digest:
            return None
        if recorded.get("output") != output_listing(output):
            return None
        return problems_from_data(recorded["problems"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(state: Path) -> None:
    """Remove the state before the output changes: a build that dies half-way leaves none behind."""
    state.unlink(missing_ok=True)


def record(state: Path, current: Fingerprint, output: Path, problems: list[Problem], listing: str | None = None) -> None:
    """Write the state of the build that has just published ``output`` (atomically; failure only costs speed).

    ``listing``: the output's listing when the caller knows it already (``listing_of``).
    """
    data = {"format": FORMAT, "fingerprint": current.digest, "racy": current.racy, "output": listing or output_listing(output),
            "problems": [problem_data(p) for p in problems]}
    try:
        handle, temporary = tempfile.mkstemp(prefix=state.name + ".", dir=state.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, indent=0)
        os.replace(temporary, state)
    except OSError:
        forget(state)


def reusable(project: Path, output: Path, today: date | None = None) -> tuple[Fingerprint, list[Problem] | None]:
    """The fingerprint for the coming build, and the last build's problems if it can be skipped.

    Cheap to import and to run (no content is parsed): the command line asks this
    before it loads the rest of the build.
    """
    current = fingerprint(project, output, today)
    return current, up_to_date(state_path(output), current, output)
