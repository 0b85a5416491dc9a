"""The content's Markdown rendered ahead of the build, by the template compiler process.

A cold build of the real site spends about 80 ms on Markdown (importing Python-Markdown,
creating its converter, converting two dozen texts) right after validating, while the
process that compiles the templates (templating.compile_in_background) has time to spare.
That process loads the content files itself (load.py, without validating), renders the
texts the site model will ask for and adds them to the Markdown cache (cache.py), where the
build finds them by the hash of text and base path; the build then does not even import
Python-Markdown. A text read here differently from what validation makes of it, or not
yet stored when the build reads the cache, is simply a miss that the build renders itself:
the HTML never depends on this process.

Only for small sites: from ``parallel.MIN_ITEMS`` texts on, the build renders Markdown on
all CPUs itself, and loading the files a second time would only take CPU from it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from . import parallel
from .cache import CachedMarkdown, cache_folder
from .load import SourceDocument, load_content
from .yamlstrict import Mapping, Scalar

MARKDOWN_FOLDERS = ("conferences", "results", "pages")  # the collections with a Markdown body (load.COLLECTIONS)


def _count_files(content: Path) -> int:
    count = 0
    for name in MARKDOWN_FOLDERS:
        try:
            with os.scandir(content / name) as entries:
                count += sum(1 for _ in entries)
        except OSError:
            continue
    return count


def _text(document: SourceDocument | None, key: str) -> str | None:
    """A top-level text of a YAML document, stripped as validation strips it (fieldtypes.Text)."""
    data = document.data if document is not None else None
    node = data.entries.get(key) if isinstance(data, Mapping) else None
    return node.value.strip() if isinstance(node, Scalar) and node.value is not None else None


def render_ahead(project: Path) -> None:
    """Render the Markdown texts of ``project``'s content into its Markdown cache (``cache.markdown_texts``' texts)."""
    folder = cache_folder(project)
    if folder is None or _count_files(project / "content") >= parallel.MIN_ITEMS:
        return
    loaded = load_content(project)
    base_url = _text(loaded.singles.get("site"), "base_url")
    if base_url is None:
        return
    texts = [document.body for name in MARKDOWN_FOLDERS for document in loaded.collections.get(name, [])]
    home = loaded.singles.get("home")
    if home is not None:
        texts.append(home.body)
    description = _text(loaded.singles.get("network"), "description")
    if description is not None:
        texts.append(description)
    markdown = CachedMarkdown(urlsplit(base_url).path, folder, workers=1)
    markdown.prerender(texts)
    markdown.save(prune=False)
