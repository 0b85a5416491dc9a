"""The search index in bundles: which page goes where, several Pagefind runs, the search page, the cache per bundle."""

from __future__ import annotations

import gzip
import json
import marshal
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from familiensite.cache import cache_folder
from familiensite.pipeline import BuildResult, build_project
from familiensite.search_bundles import (
    NOT_INDEXED,
    OVERVIEW_TEMPLATES,
    PAGES_ENV,
    PAGES_PER_BUNDLE,
    SEARCH_BUNDLE,
    SearchBundle,
    pages_per_bundle,
    search_bundles,
)
from familiensite.search_cache import REPLACED_FILES, SEARCH_FOLDER
from familiensite.search_index import pagefind_executable
from tests.conftest import ROOT, TODAY
from tests.support.bundled_site import BUNDLE_PAGES, WORDS, bundled_project, conference_file, conference_output
from tests.test_build_cache import stored_bundles


@dataclass(frozen=True)
class Page:
    template: str
    output: str


OVERVIEWS = [Page("home.html", "index.html"), Page("conference_list.html", "familienkonferenzen/index.html"),
             Page("result_list.html", "ergebnisse/index.html"), Page("network.html", "netzwerk/index.html")]
UNINDEXED = [Page("404.html", "404.html"), Page("search.html", "suche/index.html")]


def site_pages(details: int) -> list[Page]:
    return [*OVERVIEWS, *UNINDEXED, *(Page("conference.html", f"familienkonferenzen/k-{i}/index.html") for i in range(details))]


def bundle_of(bundles: tuple[SearchBundle, ...], output: str) -> str:
    return next(bundle.folder for bundle in bundles if output in bundle.pages)


# --- which page goes where (pure) ------------------------------------------------------------------


def test_a_site_up_to_the_bundle_size_has_one_bundle_in_the_old_place_with_every_indexed_page_in_order() -> None:
    pages = site_pages(PAGES_PER_BUNDLE - len(OVERVIEWS))
    bundles = search_bundles(pages, PAGES_PER_BUNDLE)
    assert bundles == (SearchBundle(SEARCH_BUNDLE, tuple(p.output for p in pages if p.template not in NOT_INDEXED)),)
    assert len(bundles[0].pages) == PAGES_PER_BUNDLE


def test_the_number_of_buckets_is_the_indexed_pages_over_the_bundle_size_rounded_up() -> None:
    for details, buckets in ((997, 2), (2000, 3), (4996, 5), (4997, 6)):  # + 4 overviews
        bundles = search_bundles(site_pages(details), 1000)
        assert len(bundles) == buckets  # none empty at these sizes
        assert [b.folder for b in bundles] == ["pagefind/", *(f"pagefind/teil-{n}/" for n in range(2, buckets + 1))]
        assert sorted(p for b in bundles for p in b.pages) == sorted(p.output for p in site_pages(details) if p.template not in NOT_INDEXED)
        assert all(len(b.pages) < 1000 * 1.2 for b in bundles)  # spread evenly enough


def test_overview_pages_are_always_in_the_primary_bundle_and_unindexed_pages_in_none() -> None:
    assert {p.template for p in OVERVIEWS} == OVERVIEW_TEMPLATES
    for size in (1, 2, 5, 50):
        bundles = search_bundles(site_pages(200), size)
        assert set(bundles[0].pages) >= {p.output for p in OVERVIEWS}
        assert not {p.output for p in UNINDEXED} & {p for b in bundles for p in b.pages}


def test_the_split_is_stable_and_a_page_keeps_its_bundle_while_the_number_of_buckets_stays() -> None:
    first = search_bundles(site_pages(300), 100)
    assert search_bundles(site_pages(300), 100) == first
    more = search_bundles([*site_pages(300), Page("result.html", "ergebnisse/neu/index.html")], 100)  # still 4 buckets
    assert len(more) == len(first)
    for page in site_pages(300):
        if page.template not in NOT_INDEXED:
            assert bundle_of(more, page.output) == bundle_of(first, page.output)


def test_the_split_is_the_same_in_another_process() -> None:
    # Not Python's hash(), which differs from process to process.
    script = (
        "from familiensite.search_bundles import search_bundles\n"
        "from tests.test_search_bundles import site_pages\n"
        "print([(b.folder, len(b.pages), b.pages[-1]) for b in search_bundles(site_pages(300), 100)])\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "123"},
                         capture_output=True, text=True, timeout=120, check=True)
    assert run.stdout.strip() == str([(b.folder, len(b.pages), b.pages[-1]) for b in search_bundles(site_pages(300), 100)])


def test_empty_buckets_are_left_out_but_the_primary_bundle_is_always_there() -> None:
    bundles = search_bundles(OVERVIEWS, 1)  # four buckets, all overviews in bucket 0
    assert bundles == (SearchBundle(SEARCH_BUNDLE, tuple(p.output for p in OVERVIEWS)),)
    assert search_bundles(UNINDEXED, 1) == (SearchBundle(SEARCH_BUNDLE, ()),)
    details = [Page("conference.html", f"k-{i}/index.html") for i in range(3)]
    split = search_bundles(details, 1)
    assert all(b.pages for b in split[1:]) and sum(len(b.pages) for b in split) == 3


def test_the_bundle_size_can_be_set_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PAGES_ENV, "7")
    assert pages_per_bundle() == 7
    assert len(search_bundles(site_pages(10))) == 2
    for unusable in ("0", "-3", "viele", ""):
        monkeypatch.setenv(PAGES_ENV, unusable)
        assert pages_per_bundle() == PAGES_PER_BUNDLE


# --- a build with several bundles ------------------------------------------------------------------


def fragments(outputs: dict[str, bytes], folder: str) -> list[dict]:
    """The pages a bundle indexes (Pagefind's fragment files, gzip with a prefix)."""
    pattern = re.compile(re.escape(folder) + r"fragment/[^/]+$")
    return [json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd")) for path, data in sorted(outputs.items()) if pattern.match(path)]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PAGES_ENV, str(BUNDLE_PAGES))
        project = bundled_project(tmp_path_factory.mktemp("bundled") / "project")
        result = build_project(project, project / "site", today=TODAY)
    assert result.written and result.problems == [], [p.message for p in result.problems]  # the link check included
    return result


def test_every_bundle_is_a_whole_pagefind_bundle_and_indexes_exactly_its_pages(bundled: BuildResult) -> None:
    assert bundled.model is not None
    bundles = search_bundles(bundled.model.pages, BUNDLE_PAGES)
    assert len(bundles) >= 3
    outputs = {path: data for path, data in bundled.outputs.items() if isinstance(data, bytes)}
    urls = {spec.output: spec.url for spec in bundled.model.pages}
    for bundle in bundles:
        assert bundle.folder + "pagefind.js" in outputs and bundle.folder + "pagefind-entry.json" in outputs
        assert list(json.loads(outputs[bundle.folder + "pagefind-entry.json"])["languages"]) == ["de"]
        assert sorted(f["url"] for f in fragments(outputs, bundle.folder)) == sorted(urls[p] for p in bundle.pages)
    folders = {path.split("/")[1] for path in outputs if path.startswith("pagefind/teil-")}
    assert folders == {b.folder.split("/")[1] for b in bundles[1:]}


def test_the_search_page_lists_exactly_the_other_bundles(bundled: BuildResult) -> None:
    assert bundled.model is not None
    page = bundled.outputs["suche/index.html"]
    assert isinstance(page, bytes)
    listed = re.search(rb' data-bundles="([^"]*)"', page)
    assert listed is not None
    expected = [bundled.model.site.base_path + b.folder for b in search_bundles(bundled.model.pages, BUNDLE_PAGES)[1:]]
    assert listed.group(1).decode().split(" ") == expected
    assert b' data-bundle="/familie/pagefind/"' in page


def test_a_site_with_one_bundle_looks_as_before_bundles_existed(real_build: BuildResult) -> None:
    # The rule of the code before bundles: one Pagefind run over every indexed page into pagefind/,
    # and a search page that names only that bundle.
    assert real_build.model is not None
    indexed = tuple(spec.output for spec in real_build.model.pages if spec.template not in ("404.html", "search.html"))
    assert search_bundles(real_build.model.pages) == (SearchBundle("pagefind/", indexed),)
    assert not any(path.startswith("pagefind/teil-") for path in real_build.outputs)
    page = real_build.outputs["suche/index.html"]
    assert isinstance(page, bytes) and b"data-bundles" not in page


# --- the cache, bundle by bundle -------------------------------------------------------------------

COUNTING_INDEXER = """#!/bin/sh
# Stand-in for Pagefind: notes the pages of each run, then runs the real one.
site=""
previous=""
for argument in "$@"; do
    if [ "$previous" = "--site" ]; then site="$argument"; fi
    previous="$argument"
done
(cd "$site" && find . -name index.html | sort | tr '\\n' ' '; echo) >> "{log}"
exec "{real}" "$@"
"""


def runs(log: Path) -> list[set[str]]:
    """The pages each Pagefind run indexed (output paths), in order; the log is emptied."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.write_text("", encoding="utf-8")
    return [{path.split("/familie/", 1)[1] for path in line.split()} for line in lines]


def test_an_edit_re_indexes_its_own_bundle_and_the_primary_one_only_when_an_overview_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pagefind_executable()
    assert real is not None
    log, indexer = tmp_path / "runs.log", tmp_path / "pagefind"
    indexer.write_text(COUNTING_INDEXER.format(log=log, real=real), encoding="utf-8")
    indexer.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(indexer))
    monkeypatch.setenv(PAGES_ENV, str(BUNDLE_PAGES))
    monkeypatch.delenv("FAMILIENSITE_CACHE", raising=False)
    project = bundled_project(tmp_path / "project")

    def build() -> tuple[dict[str, SearchBundle], list[set[str]]]:
        (project / ".site.build.json").unlink(missing_ok=True)  # no fast path: every stage runs
        result = build_project(project, project / "site", today=TODAY)
        assert result.written and result.model is not None, [p.message for p in result.problems]
        return {b.folder: b for b in search_bundles(result.model.pages)}, runs(log)

    bundles, cold = build()
    assert sorted(map(sorted, cold)) == sorted(sorted(b.pages) for b in bundles.values())  # one run per bundle
    assert build()[1] == []  # nothing changed: every bundle from the cache
    stored = stored_bundles(project)
    assert len(stored) == len(bundles)

    slug = next(s for s in WORDS if conference_output(s) not in bundles[SEARCH_BUNDLE].pages)
    source = project / "content" / "conferences" / f"{slug}.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nNoch ein Absatz.\n", encoding="utf-8")  # only its own page shows the body
    own = next(b for b in bundles.values() if conference_output(slug) in b.pages)
    assert build()[1] == [set(own.pages)]

    source.write_text(source.read_text(encoding="utf-8").replace("teaser: Ein Thema", "teaser: Ein neues Thema"), encoding="utf-8")  # lists show it
    assert sorted(map(sorted, build()[1])) == sorted([sorted(bundles[SEARCH_BUNDLE].pages), sorted(own.pages)])
    kept = stored_bundles(project)
    assert len(kept) == len(bundles) and len(set(kept) - set(stored)) == 2  # the current bundles only

    source.write_text(conference_file(slug, WORDS[slug]), encoding="utf-8")  # back as at first: the cache kept only the last bundles
    assert sorted(map(sorted, build()[1])) == sorted([sorted(bundles[SEARCH_BUNDLE].pages), sorted(own.pages)])


def test_the_cache_files_of_earlier_formats_are_removed(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAMILIENSITE_CACHE", raising=False)
    project = make_site()
    folder = cache_folder(project)
    assert folder is not None
    folder.mkdir(parents=True)
    (folder / "search.v1.marshal").write_bytes(marshal.dumps(("alter-schlüssel", {"pagefind/pagefind.js": b"alt"})))
    (folder / "search.v2.marshal").write_bytes(marshal.dumps({"alter-schlüssel": {"pagefind/pagefind.js": b"alt"}}))
    assert build_project(project, project / "site", today=TODAY).written
    assert sorted(REPLACED_FILES) == ["search.v1.marshal", "search.v2.marshal"]
    assert [p.name for p in folder.glob("search*")] == [SEARCH_FOLDER]
    assert len(list((folder / SEARCH_FOLDER).iterdir())) == 1
