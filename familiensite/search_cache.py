"""The Pagefind index, kept in the build cache while the pages it indexes stay the same.

Pagefind reads every page again and takes seconds for thousands of them; its
bundle is a function of the pages' bytes, the base path, the language, the
options in search_index.py and the Pagefind binary. All of these are hashed
into the key, so any change runs Pagefind again; an unchanged site (a CI build
with the cache of the last one, a build that only changed the sitemap) reuses
the bundle. Only a successful index is kept, in ``search.v1.marshal`` of the
cache folder (cache.py), and only the last one.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from . import search_index
from .cache import cache_folder, write_blob
from .problems import Problem
from .render import Output
from .sitemodel import SiteModel

SEARCH_FILE = "search.v1.marshal"


def search_key(outputs: dict[str, Output], model: SiteModel) -> str | None:
    """Hash of everything the bundle depends on, or None without a Pagefind binary."""
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
    for spec in model.pages:  # every page, indexed or not: a superset of the input is safe
        data = outputs.get(spec.output)
        hasher.update(f"{spec.template}\0{spec.output}\0".encode())
        hasher.update(data if isinstance(data, bytes) else b"\0-")
    return hasher.hexdigest()


def cached_search_index(outputs: dict[str, Output], model: SiteModel, project: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """``search_index.build_search_index``, or its last result when the key is the same."""
    folder = cache_folder(project)
    key = search_key(outputs, model) if folder is not None else None
    if folder is None or key is None:
        return search_index.build_search_index(outputs, model)
    path = folder / SEARCH_FILE
    try:
        with path.open("rb") as stream:
            stored_key, files = marshal.load(stream)
        if stored_key == key and isinstance(files, dict):
            return dict(files), []
    except (OSError, EOFError, ValueError, TypeError):
        pass
    files, problems = search_index.build_search_index(outputs, model)
    if not problems:
        write_blob(path, marshal.dumps((key, dict(sorted(files.items())))))
    return files, problems
