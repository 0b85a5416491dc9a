"""Which pages go into which Pagefind bundle: the search index split into parts of about 1,000 pages.

Pagefind's indexer holds about 150 KB per page, all pages at once (docs/performance.md),
so a large site is indexed in several bundles, one Pagefind run after the other, and
the search page merges them in the browser (``pagefind.mergeIndex``,
templates/assets/search.js). Pure: the site model decides the bundles once
(``SiteModel.search_bundles``); the search page lists them, search_index.py and
search_cache.py index and cache exactly those.

The split is stable. With S = ceil(indexed pages / ``PAGES_PER_BUNDLE``) buckets, a
page lands in bucket blake2b(output path) mod S, so an edit changes its own bundle
only; the overviews, which change with every item they list, always go to bucket 0,
so an edit touches at most one other bundle. Bucket 0 is the primary bundle at
``pagefind/`` (the one the search page loads); bucket b ≥ 1 is at
``pagefind/teil-{b+1}/``, inside the primary folder but never a prefix of it
(Pagefind skips a merged index whose path its primary's starts with). Empty buckets
other than the primary are left out. A site of up to ``PAGES_PER_BUNDLE`` pages has exactly one bundle,
the same as before bundles existed.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

SEARCH_BUNDLE = "pagefind/"  # the primary bundle: Pagefind's index and script (search_index.py)
PART_FOLDER = "teil-{number}/"  # the others, below SEARCH_BUNDLE, numbered by bucket from 2
PAGES_PER_BUNDLE = 1000  # Pagefind needs about 150 MB for that many pages
PAGES_ENV = "FAMILIENSITE_SEARCH_BUNDLE_PAGES"  # overrides PAGES_PER_BUNDLE (a positive integer; the tests use tiny bundles)
NOT_INDEXED = frozenset({"404.html", "search.html"})  # templates whose pages are not search results
# Templates of pages that list many items: they change with any of them, so they share bucket 0.
OVERVIEW_TEMPLATES = frozenset({"home.html", "conference_list.html", "result_list.html", "network.html"})


class IndexablePage(Protocol):
    """What the split needs of a page (sitemodel.PageSpec)."""

    @property
    def template(self) -> str: ...

    @property
    def output(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SearchBundle:
    folder: str  # output folder of the bundle, "pagefind/" or "pagefind/teil-2/"
    pages: tuple[str, ...]  # output paths of the pages it indexes, in the site model's order


def pages_per_bundle() -> int:
    """``PAGES_PER_BUNDLE``, or $FAMILIENSITE_SEARCH_BUNDLE_PAGES when that is a positive integer."""
    configured = os.environ.get(PAGES_ENV, "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else PAGES_PER_BUNDLE


def bundle_folder(bucket: int) -> str:
    return SEARCH_BUNDLE if bucket == 0 else SEARCH_BUNDLE + PART_FOLDER.format(number=bucket + 1)


@functools.lru_cache(maxsize=1 << 17)
def _spread(output: str) -> int:
    """A stable number for a page (the same in every process and run, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(output.encode("utf-8"), digest_size=8).digest(), "big")


def search_bundles(pages: Iterable[IndexablePage], per_bundle: int | None = None) -> tuple[SearchBundle, ...]:
    """The bundles of the indexed pages, primary first; one (possibly empty) bundle at least."""
    indexed = [page for page in pages if page.template not in NOT_INDEXED and page.output.endswith(".html")]  # Pagefind reads HTML only
    count = max(1, -(-len(indexed) // (per_bundle or pages_per_bundle())))
    buckets: list[list[str]] = [[] for _ in range(count)]
    for page in indexed:
        bucket = 0 if count == 1 or page.template in OVERVIEW_TEMPLATES else _spread(page.output) % count
        buckets[bucket].append(page.output)
    return tuple(
        SearchBundle(bundle_folder(bucket), tuple(outputs))
        for bucket, outputs in enumerate(buckets)
        if outputs or bucket == 0
    )
