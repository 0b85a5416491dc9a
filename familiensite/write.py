"""Write stage: publish the rendered outputs to site/ all at once, or not at all.

The new site is written to a temporary folder beside site/ and then swapped in
(an atomic exchange of the two folders on Linux; two renames elsewhere). A build
that fails or is killed leaves the previous site/ as it was. A lock file keeps
two builds of the same output apart. Nothing outside the output folder is ever
written or deleted: every path is checked before it is used.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import messages as m
from .spill import RenderedFile

if TYPE_CHECKING:
    from .render import Output  # not at run time: restoring a snapshot (snapshot.py) imports no templates

WRITE_THREADS = 4
WRITE_THREAD_MIN_FILES = 500  # below this, threads cost more than they save
BACKGROUND_DELETE_FILES = 2000  # a replaced site this large is removed by a detached process


class PublishError(Exception):
    """The site could not be written; the previous site/ is untouched."""


class LockedError(PublishError):
    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"locked by {holder}")
        self.path = path
        self.holder = holder


def os_reason(error: OSError) -> str:
    """What went wrong on the file system, in German (messages.py), with the path concerned."""
    key = f"os_error_{errno.errorcode.get(error.errno or 0, '')}"
    reason = m.text(key) if key in m.GERMAN else (error.strerror or str(error))
    return f"{reason} ({error.filename})" if error.filename else reason


def _checked(path: str) -> str:
    """``path`` if it is a relative path that cannot leave the output folder; else PublishError."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path or any(part in ("..", ".", "") for part in path.split("/")):
        raise PublishError(f"refusing to write outside the output folder: {path!r}")
    return path


def safe_relative(path: str) -> PurePosixPath:
    """The output path as a relative path that cannot leave the output folder."""
    return PurePosixPath(_checked(path))


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold the lock for ``output`` (a file beside it); raise LockedError if another build has it."""
    lock_path = output.parent / f".{output.name}.lock"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the whole context below
    except OSError as error:  # a read-only or full output folder: no traceback, the site stays as it was
        raise PublishError(os_reason(error)) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise LockedError(output, handle.read().strip() or "?") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if result != 0:
        if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
            return False
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return True


def regular_files(folder: Path) -> dict[str, os.stat_result]:
    """Relative path → status of every regular file below ``folder``; links are neither followed nor listed."""
    found: dict[str, os.stat_result] = {}
    stack = [(folder, "")]
    while stack:
        current, prefix = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False):
                    found[prefix + entry.name] = entry.stat(follow_symlinks=False)
            except OSError:
                continue
    return found


def _unchanged(old: Path, data: Output) -> bool:
    """Does the previous site's file hold exactly these bytes? (Reading is much cheaper than writing.)"""
    try:
        if isinstance(data, bytes):
            return old.read_bytes() == data
        return filecmp.cmp(data, old, shallow=False)
    except OSError:
        return False


def _put(target: str, old: str | None, data: Output, same: bool = False) -> None:
    """One output file: linked from the previous site when its bytes are unchanged, else written.

    ``same``: ``old`` is known to hold these bytes (the output snapshot's file), so it is not compared.
    """
    if old is not None and (same or _unchanged(Path(old), data)):
        try:
            os.link(old, target, follow_symlinks=False)
            return
        except OSError:
            pass  # no hard links here (another file system, a limit): write it
    if isinstance(data, bytes):
        with open(target, "wb") as stream:
            stream.write(data)
        return
    if isinstance(data, RenderedFile):  # the build's own file (spill.py), never changed: linked, not copied
        link_or_copy(data, target)
    else:
        shutil.copyfile(data, target)


def link_or_copy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Hard-link ``source`` as ``target`` (a file nobody writes to in place); a copy where links fail (another file system)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target)


def write_tree(outputs: dict[str, Output], folder: Path, previous: Path | None = None, known: Mapping[str, str] | None = None) -> None:
    """Write every output below ``folder`` (which exists and is empty).

    With ``previous`` (the site being replaced), a file whose bytes are unchanged is
    hard-linked from there instead of written: nothing in ``previous`` is modified,
    and the file keeps its modification time (rsync and HTTP caches see no change).
    ``known``: output path → a file with exactly its bytes (the output snapshot's,
    by hash, snapshot.py), hard-linked without reading either.
    Every path is checked and every folder made first; then the files are written by
    a few threads (the system calls release the interpreter lock).
    """
    made = {""}
    root, old_root = str(folder), str(previous)
    old_files = regular_files(previous) if previous is not None else {}
    known = known or {}
    jobs: list[tuple[str, str | None, Output, bool]] = []
    for path in sorted(outputs):  # strings, not pathlib: 28,000 paths at 10,000 items
        parent = _checked(path).rpartition("/")[0]
        if parent not in made:
            os.makedirs(os.path.join(root, parent), exist_ok=True)
            made.add(parent)
        data = outputs[path]
        old: str | None = known.get(path)
        old_file = old_files.get(path)
        if old is None and old_file is not None:
            size = len(data) if isinstance(data, bytes) else os.stat(data).st_size
            old = os.path.join(old_root, path) if size == old_file.st_size else None
        jobs.append((os.path.join(root, path), old, data, path in known))
    if len(jobs) < WRITE_THREAD_MIN_FILES:
        for job in jobs:
            _put(*job)
        return
    with ThreadPoolExecutor(WRITE_THREADS) as pool:
        for _ in pool.map(lambda job: _put(*job), jobs, chunksize=64):
            pass  # raises the first error of any thread


def discard(folder: Path, files: int) -> None:
    """Remove the replaced site: a large one by a detached process, so the build returns at once.

    A staging folder is renamed first (``.site.old-…``); a build that finds one left
    over (the deleter was killed) removes it, like a stale staging folder. A spill
    folder (spill.py) keeps its name: a later build removes it once its process is gone.
    """
    if files >= BACKGROUND_DELETE_FILES:
        trash = folder.with_name(folder.name.replace(".new-", ".old-", 1))
        try:
            os.rename(folder, trash)
            subprocess.Popen(
                [sys.executable, "-I", "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(trash)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
            return
        except OSError:
            folder = trash if trash.exists() else folder
    shutil.rmtree(folder, ignore_errors=True)


def link_files(sources: dict[str, str], folder: Path) -> None:
    """Hard-link every source file to its relative path below ``folder`` (which exists); copies where links fail.

    The output snapshot (snapshot.py) is published this way: per file only the
    system calls (most of the time is the file system making the folders).
    ``write_tree`` with every file ``known`` would do the same, but its jobs, threads
    and comparisons cost 1.8 s more of CPU at 10,000 items (a restore: 1 s → 2.8 s).
    """
    made = {""}
    root = str(folder)
    for path in sorted(sources):
        parent = _checked(path).rpartition("/")[0]
        if parent not in made:
            os.makedirs(os.path.join(root, parent), exist_ok=True)
            while parent not in made:
                made.add(parent)
                parent = parent.rpartition("/")[0]
        link_or_copy(sources[path], os.path.join(root, path))


def publish(outputs: dict[str, Output], output: Path, after: Callable[[], None] | None = None, known: Mapping[str, str] | None = None) -> None:
    """Replace ``output`` with exactly ``outputs``, or leave it untouched and raise PublishError.

    ``after`` runs once the new site is in place, still under the lock (the build
    records its state there, see fastpath.py). ``known``: see ``write_tree``.
    """
    _publish(output, lambda staging, previous: write_tree(outputs, staging, previous, known), len(outputs), after)


def publish_linked(sources: dict[str, str], output: Path, after: Callable[[], None] | None = None) -> None:
    """``publish`` for files that exist already (relative path → file), hard-linked (``link_files``), which stay as they are."""
    _publish(output, lambda staging, _previous: link_files(sources, staging), len(sources), after)


def _publish(output: Path, fill: Callable[[Path, Path | None], None], files: int, after: Callable[[], None] | None) -> None:
    """Under the lock: ``fill`` a staging folder (given the site it replaces, if any), then swap it in."""
    output = output.absolute()
    with output_lock(output):
        for stale in [*output.parent.glob(f".{output.name}.new-*"), *output.parent.glob(f".{output.name}.old-*")]:  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        except OSError as error:
            raise PublishError(os_reason(error)) from error
        try:
            previous = output if output.is_dir() and not output.is_symlink() else None
            fill(staging, previous)
            os.chmod(staging, 0o755)
            if output.exists():
                if not _exchange(staging, output):
                    old = output.with_name(f".{output.name}.old-{os.getpid()}")
                    os.rename(output, old)
                    os.rename(staging, output)
                    staging = old
            else:
                os.rename(staging, output)
        except OSError as error:
            raise PublishError(os_reason(error)) from error
        finally:
            if staging.exists():
                discard(staging, files)
        if after is not None:  # last: removing the old site changed the change times of the linked files
            after()
