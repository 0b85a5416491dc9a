"""Rendered pages kept as files, not in memory, while a large site is built.

At 100,000 items the rendered files are about 1.7 GB (900 MB of them pages); held
as bytes by the build's process until the publish, they were a third of its peak
memory. A build of a site with at least ``MIN_PAGES`` pages therefore writes each
page to a spill folder as soon as it is rendered (by whichever process rendered
it), and each export and search file as soon as it is made; the outputs hold a
``RenderedFile``, the path of that file, instead of its bytes. The later stages
read it back where they need the bytes (the link check, the search index, the
snapshot's hashes), and the publish hard-links it into the new site (write.py), so
the bytes are written once, as before.

The spill folder lies beside the output folder (``.site.spill-<pid>``), on the
same file system, so that linking works; the build removes it when it ends, and
a later build removes one whose process is gone (a killed build). Nothing here is
used by the preview or by ``check``: they never spill.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

# From this many pages on, a build spills them (the tests lower it); below, the bytes stay in memory.
MIN_PAGES = int(os.environ.get("FAMILIENSITE_SPILL_MIN_PAGES", "") or 2000)


class RenderedFile(os.PathLike[str]):
    """An output whose bytes are this file of the spill folder: rendered by the build, owned by it, never changed.

    Unlike a ``Path`` output (a file of content/ copied as it is), the publish may
    hard-link it, and the link check and the search index read it like a page. Not a
    ``Path`` itself: a build of 100,000 items holds 280,000 of them, and a ``PosixPath``
    with its list of parts takes about five times the memory of this one string.
    """

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path

    def read_bytes(self) -> bytes:
        with open(self.path, "rb") as stream:
            return stream.read()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RenderedFile) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"RenderedFile({self.path!r})"


Spillable = bytes | RenderedFile  # an export or search file: in memory, or spilled
Put = Callable[[str, bytes], Spillable]  # an output just made → what the outputs hold of it (exports.py)


def in_memory(path: str, data: bytes) -> bytes:
    """``Put`` for a build that keeps its outputs in memory."""
    return data


def spill_root(output: Path) -> Path:
    """Where this process's build of ``output`` may spill (made by ``spill_page`` when needed)."""
    output = output.absolute()
    return output.with_name(f".{output.name}.spill-{os.getpid()}")


def spill_page(root: str, output_path: str, data: bytes | Iterable[bytes]) -> RenderedFile:
    """Write one rendered page below ``root`` (``output_path`` is checked like every output path) and return its file.

    ``data``: its bytes, or their parts, written as they come.
    """
    from .write import safe_relative  # here: the page workers import it once, on their first page

    target = os.path.join(root, str(safe_relative(output_path)))
    try:
        handle = open(target, "wb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle = open(target, "wb")  # noqa: SIM115 - closed below
    with handle:
        handle.writelines([data] if isinstance(data, bytes) else data)
    return RenderedFile(target)


def output_bytes(data: bytes | Path | RenderedFile) -> bytes | None:
    """The bytes of a rendered output (in memory or spilled); None for a file copied as it is (an asset)."""
    if isinstance(data, bytes):
        return data
    return data.read_bytes() if isinstance(data, RenderedFile) else None


def remove_spill(root: Path, files: int) -> None:
    """Remove a spill folder of about ``files`` files when the build ends: a large one by a detached process."""
    if root.exists():
        from .write import discard

        discard(root, files)


def remove_stale_spills(output: Path) -> None:
    """Remove the spill folders of builds of ``output`` whose process is gone (killed before they could)."""
    output = output.absolute()
    for folder in output.parent.glob(f".{output.name}.spill-*"):
        pid = folder.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

