"""The Atom feed: parsed with feedparser, linked from every page's head, dates from the content."""

from __future__ import annotations

import re
import time
from pathlib import Path

import feedparser
import pytest

from familiensite.pipeline import BuildResult, render_project
from tests.conftest import TODAY, make_project
from tests.support.dated import DATED_FILES, DATED_SLUG

EPOCH = 1_790_000_000  # 2026-09-21T14:13:20Z
RESULT = """---
title: "Bericht <Teil 1> & Anhang"
subtitle: Auswertung
teaser: "Sonderzeichen: <b>nicht fett</b> & \\"Anführungszeichen\\"."
published: 2026-05-14
conferences:
  - online
---
Ein Absatz mit [Link](/familienkonferenzen/online/).
"""


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    files = {**DATED_FILES, "content/results/bericht.md": RESULT}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        result = render_project(make_project(tmp_path_factory.mktemp("feed"), files=files), TODAY, search=False)
    assert result.ok, [p.message for p in result.problems]
    return result


def _feed(result: BuildResult) -> feedparser.FeedParserDict:
    data = result.outputs["feed.atom"]
    assert isinstance(data, bytes)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_feed_lists_results_and_announced_conferences_with_page_urls_as_ids(dated: BuildResult) -> None:
    feed = _feed(dated)
    ids = [entry.id for entry in feed.entries]
    assert ids == [
        # newest first: the SOURCE_DATE_EPOCH stamp (announced conferences, undated; by title), then results by date
        f"https://example.org/familie/familienkonferenzen/{DATED_SLUG}/",
        "https://example.org/familie/familienkonferenzen/online/",
        "https://example.org/familie/ergebnisse/bericht/",
        "https://example.org/familie/ergebnisse/erste-ergebnisse/",
    ]
    assert all(entry.link == entry.id for entry in feed.entries)
    assert feed.feed.title == "Familien leben in Teststadt"
    assert feed.feed.links[0].href == "https://example.org/familie/feed.atom"


def test_entry_dates_come_from_the_content_or_the_publication_stamp(dated: BuildResult) -> None:
    entries = {entry.id.rsplit("/", 2)[-2]: entry for entry in _feed(dated).entries}
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", entries["bericht"].updated_parsed) == "2026-05-14T00:00:00Z"
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", entries["erste-ergebnisse"].updated_parsed) == "2013-01-01T00:00:00Z"  # "2013"
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", entries[DATED_SLUG].updated_parsed) == "2026-09-21T14:13:20Z"
    assert _feed(dated).feed.updated == "2026-09-21T14:13:20Z"


def test_special_characters_survive_as_text_and_html_content_resolves_against_the_site(dated: BuildResult) -> None:
    entry = next(e for e in _feed(dated).entries if e.id.endswith("/bericht/"))
    assert entry.title == "Bericht <Teil 1> & Anhang: Auswertung"
    assert entry.summary == 'Sonderzeichen: <b>nicht fett</b> & "Anführungszeichen".'
    assert entry.tags[0].term == "Ergebnis"
    assert 'href="https://example.org/familie/familienkonferenzen/online/"' in entry.content[0].value
    conference = next(e for e in _feed(dated).entries if DATED_SLUG in e.id)
    assert conference.summary.startswith("Alle Familien sind eingeladen: Ideen, Wünsche; Kritik – alles zählt. Termine: ")
    assert "abgesagt: " in conference.summary


def test_every_page_links_the_feed_in_its_head(dated: BuildResult) -> None:
    pages = [path for path in dated.outputs if path.endswith(".html")]
    assert len(pages) > 5
    for path in pages:
        data = dated.outputs[path]
        assert isinstance(data, bytes)
        head = data.decode().split("</head>")[0]
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/familie/feed\.atom">', head), path


def test_the_real_feed_parses_and_points_only_at_pages_of_the_site(real_build: BuildResult, real_site: Path) -> None:
    parsed = feedparser.parse((real_site / "feed.atom").read_bytes())
    assert not parsed.bozo
    assert len(parsed.entries) == 4  # three results and the planned citywide conference
    for entry in parsed.entries:
        path = entry.link.removeprefix("https://www.hannover.de/familie/")
        assert (real_site / path / "index.html").is_file(), entry.link
