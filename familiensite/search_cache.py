"""The Pagefind index, kept in the build cache bundle by bundle while a bundle's pages stay the same.

Pagefind reads every page again and takes seconds for a thousand of them. The index
is made in bundles (search_bundles.py); a bundle is a function of its folder, its
pages' paths and bytes, the base path, the language, the options in search_index.py
and the Pagefind binary. All of these are hashed into the bundle's key, so a bundle
with any change is indexed again and every other one is reused: an edit re-indexes
its own bundle (and the primary one when an overview changed), an unchanged site (a
CI build with the cache of the last one, a build that only changed the sitemap)
none. Only successful indexes are kept, in ``search/`` of the cache folder (cache.py):
a file ``<key>.marshal`` per bundle (a dict of its files), only the last build's bundles.
One file per bundle, not one for all: a large site's index (240 MB at 100,000 items) is
never in memory at once, and an edit rewrites only the bundles it changed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
from pathlib import Path

from . import search_index
from .cache import cache_folder, write_blob
from .problems import Problem
from .render import Output
from .search_bundles import SearchBundle
from .sitemodel import SiteModel
from .spill import Put, in_memory, output_bytes

SEARCH_FOLDER = "search"  # in the cache folder: one file per bundle, named by its key
REPLACED_FILES = ("search.v1.marshal", "search.v2.marshal")  # earlier formats (one file for all bundles): removed


def _common_key(model: SiteModel) -> bytes | None:
    """Hash of what every bundle depends on, or None without a Pagefind binary."""
    executable = search_index.pagefind_executable()
    if executable is None:
        return None
    try:
        info = executable.stat()
    except OSError:
        return None
    hasher = hashlib.sha256()
    hasher.update(f"{executable}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    hasher.update(Path(search_index.__file__).read_bytes())
    hasher.update(f"\0{model.site.base_path}\0{model.site.language}\0".encode())
    return hasher.digest()


def bundle_key(common: bytes, outputs: dict[str, Output], bundle: SearchBundle) -> str:
    """Hash of everything one bundle depends on: ``common`` (``_common_key``), its folder and its pages."""
    hasher = hashlib.sha256(common)
    hasher.update(f"{bundle.folder}\0".encode())
    for path in bundle.pages:
        data = outputs.get(path)
        html = output_bytes(data) if data is not None else None
        hasher.update(f"{path}\0".encode())
        hasher.update(html if html is not None else b"\0-")
        hasher.update(b"\0")
    return hasher.hexdigest()


def _stored(path: Path) -> dict[str, bytes] | None:
    """One bundle's files as the cache keeps them, or None when missing or damaged."""
    try:
        with path.open("rb") as stream:
            stored = marshal.load(stream)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(stored, dict) or not all(isinstance(k, str) and isinstance(v, bytes) for k, v in stored.items()):
        return None
    return stored


def cached_search_index(
    outputs: dict[str, Output], model: SiteModel, project: Path, put: Put = in_memory,
) -> tuple[dict[str, Output], list[Problem]]:
    """``search_index.build_search_index``, with every bundle whose key is unchanged taken from the last build.

    ``put``: what becomes of each file once its bundle is made or read (a large build
    spills it, spill.py), so that only one bundle is in memory at a time.
    """
    folder = cache_folder(project)
    common = _common_key(model) if folder is not None else None  # None: no cache, or no Pagefind (a problem below)
    stored = folder / SEARCH_FOLDER if folder is not None and common is not None else None
    files: dict[str, Output] = {}
    used: set[str] = set()
    # The primary bundle last: it holds the overviews, which list every item (megabytes each at 100,000 items, and
    # Pagefind's largest run: 576 MiB there); by then the exports, made beside the search, have left memory.
    for bundle in [*model.search_bundles[1:], *model.search_bundles[:1]]:
        path = stored / f"{bundle_key(common, outputs, bundle)}.marshal" if stored is not None and common is not None else None
        bundle_files = _stored(path) if path is not None else None
        if bundle_files is None:
            bundle_files, problems = search_index.index_bundle(outputs, model, bundle)
            if problems:
                return {}, problems
            if path is not None:
                write_blob(path, marshal.dumps(bundle_files))
        if path is not None:
            used.add(path.name)
        files.update((name, put(name, data)) for name, data in bundle_files.items())
    if stored is not None:
        _remove_unused(stored, used)
    return files, []


def _remove_unused(stored: Path, used: set[str]) -> None:
    """Keep the last build's bundles only; remove the files of earlier formats (a cache that cannot be tidied costs only space)."""
    try:
        unused = [entry.path for entry in os.scandir(stored) if entry.name not in used]
        unused += [str(stored.parent / name) for name in REPLACED_FILES if (stored.parent / name).exists()]
        for path in unused:
            os.unlink(path)
    except OSError:
        pass


class SearchIndexThread(threading.Thread):
    """``cached_search_index`` in a thread: it mostly waits for Pagefind, which is a process of its own.

    Meanwhile the calling thread renders the calendars, the feed and the open data
    (pipeline.complete_outputs). ``result`` waits and returns what
    ``cached_search_index`` returned, or raises what it raised. Until then the
    interpreter switches threads every 0.2 ms instead of 5 ms: writing the pages for
    Pagefind waits for the busy calling thread after every system call, which took
    35 ms for the real site's 23 pages instead of 5.
    """

    SWITCH_INTERVAL = 0.0002

    def __init__(self, outputs: dict[str, Output], model: SiteModel, project: Path, put: Put = in_memory) -> None:
        super().__init__(name="familiensite-search-index", daemon=True)
        self._task = (outputs, model, project, put)
        self._result: tuple[dict[str, Output], list[Problem]] | None = None
        self._error: BaseException | None = None
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, self.SWITCH_INTERVAL))
        self.start()

    def run(self) -> None:
        try:
            self._result = cached_search_index(*self._task)
        except BaseException as error:  # noqa: BLE001 - raised again in the thread that asks for the result
            self._error = error

    def result(self) -> tuple[dict[str, Output], list[Problem]]:
        self.join()
        sys.setswitchinterval(self._switch_interval)
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
