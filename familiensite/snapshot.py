"""The output snapshot: the last published site, kept in the build cache and restored when the inputs are the same.

CI keeps the cache folder between runs but builds into an empty site/, and a
checkout gives every file new times, so the no-change fast path (fastpath.py)
cannot help there. After each full build every published file is hard-linked
into ``snapshot/files/`` of the cache folder under the SHA-256 of its bytes (no
copy: the snapshot and site/ share their files; a file that did not change since
the last build is there already), and ``snapshot/manifest.json`` records each
output path with its file's size, modification time and hash, the build's
problems, and the *content digest* of its inputs (``fastpath.content_digest``:
every input by its bytes, the code, the libraries, the date, the environment).

A later build whose inputs have the same digest checks every file against the
manifest and publishes them as site/ (hard links again, copies where links
fail), reporting the recorded problems, instead of building. Like git's index,
a file with its recorded size and modification time is trusted; one with another
time (an archive that keeps whole seconds) is read and its hash compared. A
file of site/ written in place changes its snapshot twin (they are one file) and
fails the check; anything missing, damaged or unreadable is a miss, and the
build runs in full. A snapshot is kept only when no input changed while the build
ran (the fingerprint before and after is the same and was not "racy"). The tests
compare a restored site with the built one byte for byte.

Cheap to import: nothing of the content model, Jinja or Markdown is loaded to
restore a site.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import fastpath
from .problems import Problem

if TYPE_CHECKING:
    from .render import Output

FORMAT = 2
FOLDER = "snapshot"  # in the cache folder: files/ (by hash) and manifest.json
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class PreviousBuild:
    """What a build can take over from earlier builds before it reads any content."""

    inputs: fastpath.Fingerprint  # the stat fingerprint, for the fast path's state
    digest: str | None  # the content digest (None: not computed or not trustworthy)
    problems: list[Problem] | None  # the earlier build's problems when site/ is already right; else None
    restored: bool = False  # site/ was published from the snapshot (else: left as it was)


def _folder(project: Path) -> Path | None:
    from .cache import cache_folder  # only now: the module imports Jinja for its template cache

    folder = cache_folder(project)
    return None if folder is None else folder / FOLDER


def previous_build(project: Path, output: Path, today: date | None = None) -> PreviousBuild:
    """The fast path, then the snapshot: whether site/ is already the site of these inputs (restored if need be)."""
    inputs, recorded = fastpath.reusable(project, output, today)
    if recorded is not None:
        return PreviousBuild(inputs, None, recorded)
    folder = _folder(project)
    if folder is None:
        return PreviousBuild(inputs, None, None)
    digest = fastpath.content_digest(project, today)
    if digest is None:
        return PreviousBuild(inputs, None, None)
    problems = restore(folder, digest, output, inputs)
    return PreviousBuild(inputs, digest, problems, restored=problems is not None)


_HEX = frozenset("0123456789abcdef")


def _stored(folder: Path | str, digest: str) -> str:
    """Where the file with these bytes lives in the snapshot (``digest`` must be a SHA-256 in hex)."""
    if len(digest) != 64 or not _HEX.issuperset(digest):
        raise ValueError(f"not a SHA-256: {digest!r}")
    return f"{folder}/files/{digest[:2]}/{digest}"


def _sha256(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _checked(folder: Path, files: dict[str, list[object]]) -> dict[str, tuple[str, os.stat_result]] | None:
    """Hash → (stored file, its status) for the manifest's files if every one is there with its size and bytes; else None."""
    expected: dict[str, tuple[object, object]] = {str(digest): (size, mtime) for size, mtime, digest in files.values()}
    found: dict[str, tuple[str, os.stat_result]] = {}
    unsure: list[str] = []
    for digest, (size, mtime) in expected.items():
        stored = _stored(folder, digest)
        info = os.stat(stored)
        if info.st_size != size:
            return None
        if info.st_mtime_ns != mtime:
            unsure.append(digest)
        found[digest] = (stored, info)
    if not all(_sha256(found[digest][0]) == digest for digest in unsure):
        return None
    return found


def restore(folder: Path, digest: str, output: Path, inputs: fastpath.Fingerprint) -> list[Problem] | None:
    """Publish the snapshot as ``output`` when it was built from inputs with ``digest`` and is intact; its problems, else None.

    The fast path's state is recorded as after a build (``inputs``), so the next build without changes does nothing.
    """
    from .write import PublishError, publish_linked  # here: a build that finds no snapshot needs neither

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("digest") != digest:
            return None
        files: dict[str, list[object]] = manifest["files"]
        problems = fastpath.problems_from_data(manifest["problems"])
        stored = _checked(folder, files)
        if stored is None:
            return None
        listing = fastpath.listing_of({path: stored[str(entry[2])][1] for path, entry in files.items()})
        publish_linked({path: stored[str(entry[2])][0] for path, entry in files.items()}, output,
                       after=lambda: fastpath.record(fastpath.state_path(output), inputs, output, problems, listing))
    except (OSError, ValueError, KeyError, TypeError, PublishError):
        return None  # no snapshot, another one, or a damaged one: the build runs in full
    return problems


def _digest(data: Output) -> str:
    return hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else _sha256(data)


@dataclass(frozen=True, slots=True)
class HashedOutputs:
    """A build's outputs by hash: what the snapshot holds already need not be written again."""

    digests: dict[str, str]  # output path → SHA-256 of its bytes
    stored: dict[str, str]  # output path → the snapshot's file with exactly those bytes (linked, not written)


def hashed_outputs(project: Path, outputs: dict[str, Output]) -> HashedOutputs | None:
    """Hash every output and find those the last snapshot holds (checked by size and time); None when the cache is off.

    Whatever the inputs of that snapshot were: an unchanged page of a CI build
    after a commit that changed one file is hard-linked from the cache, not written.
    """
    folder = _folder(project)
    if folder is None:
        return None
    digests = {path: _digest(outputs[path]) for path in sorted(outputs)}  # threads: 5× slower for 28,000 small pages
    stored: dict[str, str] = {}
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") == FORMAT:
            recorded = {str(digest): (size, mtime) for size, mtime, digest in manifest["files"].values()}
            usable: dict[str, str | None] = {}
            for path, digest in digests.items():
                if digest in recorded and digest not in usable:
                    file = _stored(folder, digest)
                    info = os.stat(file)  # a file changed in place since has another time: written afresh
                    usable[digest] = file if (info.st_size, info.st_mtime_ns) == recorded[digest] else None
                if usable.get(digest):
                    stored[path] = str(usable[digest])
    except (OSError, ValueError, KeyError, TypeError):
        stored = {}  # no snapshot or a damaged one: every file is written
    return HashedOutputs(digests, stored)


def _store(folder: Path, published: str, digest: str) -> os.stat_result:
    """Make the published file the snapshot's file for ``digest`` (unless it is already); its status."""
    target = _stored(folder, digest)
    info = os.stat(published)
    try:
        present = os.stat(target)
        if (present.st_ino, present.st_dev) == (info.st_ino, info.st_dev):
            return info
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    # Not the same file (new, or bytes that were written again): the published one replaces it, so the
    # snapshot never holds a file whose bytes this build did not write or compare (write.py) itself.
    temporary = f"{target}.{os.getpid()}.tmp"
    os.link(published, temporary, follow_symlinks=False)
    os.replace(temporary, target)
    return info


def _collect_garbage(folder: Path, keep: set[str]) -> None:
    """Remove the stored files no path of the manifest uses any more (and temporary names left by a killed build)."""
    for bucket in os.scandir(folder / "files"):
        for entry in os.scandir(bucket.path):
            if entry.name not in keep:
                try:
                    os.unlink(entry.path)
                except OSError:
                    continue


def keep(project: Path, output: Path, previous: PreviousBuild, hashed: HashedOutputs | None, problems: list[Problem], today: date | None = None) -> None:
    """Make the site just published in ``output`` the snapshot for ``previous.digest`` (failure only costs speed)."""
    folder = _folder(project)
    if folder is None or hashed is None or previous.digest is None or previous.inputs.racy:
        return
    if fastpath.fingerprint(project, output, today).digest != previous.inputs.digest:
        return  # an input changed while the build ran: the outputs may not belong to the digest
    try:
        folder.mkdir(parents=True, exist_ok=True)
        digests = hashed.digests
        stored: dict[str, os.stat_result] = {}
        for path in digests:
            digest = digests[path]
            if digest not in stored:
                stored[digest] = _store(folder, os.path.join(output, path), digest)
        files = {path: [stored[digest].st_size, stored[digest].st_mtime_ns, digest] for path, digest in digests.items()}
        manifest = {"format": FORMAT, "digest": previous.digest, "problems": [fastpath.problem_data(p) for p in problems], "files": files}
        handle, temporary = tempfile.mkstemp(prefix=f"{MANIFEST}.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(manifest, ensure_ascii=False))  # dumps: C encoder (dump writes in pieces, in Python)
        os.replace(temporary, folder / MANIFEST)
        _collect_garbage(folder, set(stored))
    except OSError:
        pass  # no hard links (another file system), a full disk: the next build in CI runs in full
