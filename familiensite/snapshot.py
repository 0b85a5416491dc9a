"""The output snapshot: the last published site, kept in the build cache and restored when the inputs are the same.

CI keeps the cache folder between runs but builds into an empty site/, and a
checkout gives every file new times, so the no-change fast path (fastpath.py)
cannot help there. After each full build the published files are hard-linked
into ``snapshot/site/`` in the cache folder (no copy: they share the files of
site/), with a manifest of each file's size and SHA-256, the build's problems and
the *content digest* of its inputs (``fastpath.content_digest``: every input by
its bytes, the code, the libraries, the date, the environment). A later build
whose inputs have the same digest checks every file of the snapshot against the
manifest and publishes the snapshot as site/ (hard links again, copies where
links fail), reporting the recorded problems, instead of building.

An optimisation only: a snapshot is kept only when no input changed while the
build ran (the stat fingerprint before and after is the same and was not
"racy"); a file of the snapshot changed in place (site/ shares it) fails the
check and the build runs in full; anything unreadable is a miss. The tests
compare a restored site with a fresh build byte for byte.

Cheap to import: nothing of the content model, Jinja or Markdown is loaded to
restore a site.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import fastpath
from .problems import Problem

if TYPE_CHECKING:
    from .render import Output

FORMAT = 1
FOLDER = "snapshot"  # in the cache folder: site/ (the files) and manifest.json
HASH_THREADS = 4  # hashing releases the interpreter lock: the file reads overlap


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


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


class _Damaged(Exception):
    """The snapshot is not what its manifest says: it is not published."""


def _check(site: Path, files: dict[str, list[object]], found: dict[str, os.stat_result]) -> None:
    """Raise _Damaged unless exactly the manifest's files were found, each with its size and bytes.

    A file of site/ written in place changes its snapshot twin (they are one
    file). Like git's index, a file with its recorded size and modification time
    is trusted; one with another time (an archive that keeps only seconds) is read
    and compared by its SHA-256.
    """
    if found.keys() != files.keys():
        raise _Damaged
    unsure: list[str] = []
    for path, info in found.items():
        size, mtime, _ = files[path]
        if info.st_size != size:
            raise _Damaged
        if info.st_mtime_ns != mtime:
            unsure.append(path)
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        if not all(pool.map(lambda path: _sha256(site / path) == files[path][2], unsure, chunksize=16)):
            raise _Damaged


def restore(folder: Path, digest: str, output: Path, inputs: fastpath.Fingerprint) -> list[Problem] | None:
    """Publish the snapshot as ``output`` when it was built from inputs with ``digest`` and is intact; its problems, else None.

    The fast path's state is recorded as after a build (``inputs``), so the next build without changes does nothing.
    """
    from .write import PublishError, publish_linked  # here: a build that finds no snapshot needs neither

    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("digest") != digest:
            return None
        files: dict[str, list[object]] = manifest["files"]
        problems = fastpath.problems_from_data(manifest["problems"])
        site = folder / "site"
        linked: dict[str, os.stat_result] = {}

        def check(found: dict[str, os.stat_result]) -> None:
            _check(site, files, found)
            linked.update(found)

        publish_linked(site, len(files), output, check, after=lambda: fastpath.record(
            fastpath.state_path(output), inputs, output, problems, listing=fastpath.listing_of(linked)))
    except (OSError, ValueError, KeyError, TypeError, PublishError, _Damaged):
        return None  # no snapshot, another one, or a damaged one: the build runs in full
    return problems


def _digest(data: Output) -> str:
    return hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else _sha256(data)


def _remove_leftovers(folder: Path) -> None:
    """Snapshots replaced by a build that was killed half-way, and unfinished ones older than an hour."""
    for stale in folder.parent.glob(f"{FOLDER}.*-*"):
        try:
            if ".old-" in stale.name or stale.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue


def keep(project: Path, output: Path, previous: PreviousBuild, outputs: dict[str, Output], problems: list[Problem], today: date | None = None) -> None:
    """Make the site just published in ``output`` the snapshot for ``previous.digest`` (failure only costs speed)."""
    folder = _folder(project)
    if folder is None or previous.digest is None or previous.inputs.racy:
        return
    if fastpath.fingerprint(project, output, today).digest != previous.inputs.digest:
        return  # an input changed while the build ran: the outputs may not belong to the digest
    from .write import link_tree, regular_files

    staging: Path | None = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
        staging = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.new-", dir=folder.parent))
        paths = sorted(outputs)
        with ThreadPoolExecutor(HASH_THREADS) as pool:
            digests = dict(zip(paths, pool.map(lambda path: _digest(outputs[path]), paths, chunksize=64), strict=True))
        site = staging / "site"
        site.mkdir()
        link_tree(output, site)
        found = regular_files(site)
        if found.keys() != digests.keys():
            return  # output/ is not (or no longer) what this build published
        files = {path: [found[path].st_size, found[path].st_mtime_ns, digest] for path, digest in digests.items()}
        manifest = {"format": FORMAT, "digest": previous.digest, "problems": [fastpath.problem_data(p) for p in problems], "files": files}
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        old = folder.with_name(f"{FOLDER}.old-{os.getpid()}")
        if folder.exists():
            os.rename(folder, old)
        os.rename(staging, folder)
        staging = old
    except OSError:
        pass  # no hard links (another file system), a full disk: the next build in CI runs in full
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
