"""JSON-LD for conference dates, safe embedding of JSON, and sitemap.xml/robots.txt from the base URL.

The real conferences have no dates yet, so a fixture site gets some: a date at a venue, a
cancelled one, and an online date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest

from familiensite.pipeline import BuildResult, render_project
from tests.conftest import TODAY, make_project
from tests.support.content import fixture_text

LINDEN = "content/conferences/linden-sued.md"
ONLINE = "content/conferences/online.md"
SITE = "content/site.yaml"
HOSTILE_TITLE = "Konferenz </script><!-- <script>alert(1)</script> \u2028 & „Zitat“"
OTHER_BASE = "https://familien.example.net/stadt/"

CANCELLED_DATE = """  - start: 2013-06-01 10:00
    cancelled: true
    venue:
      name: Stadtteilzentrum
      address:
        street: Testweg 1
        postal_code: "30449"
        locality: Teststadt
"""


def _dated_files(title: str = "Online-Familienkonferenz") -> dict[str, str | bytes | None]:
    linden = fixture_text(LINDEN).replace("contacts:", CANCELLED_DATE + "contacts:", 1)
    online = fixture_text(ONLINE).replace("title: Online-Familienkonferenz", f"title: {json.dumps(title)}", 1)
    online = online.replace("teaser: Mitdiskutieren im Internet.\n",
                            "teaser: Mitdiskutieren im Internet.\ndates:\n  - start: 2026-12-05 18:00\n"
                            "    end: 2026-12-05 20:00\n    online_url: https://konferenz.example.org/raum\n", 1)
    return {LINDEN: linden, ONLINE: online}


def _render(project: Path) -> BuildResult:
    result = render_project(project, today=TODAY, search=False)
    assert [p.message for p in result.problems if p.is_error] == []
    return result


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return _render(make_project(tmp_path_factory.mktemp("dated"), files=_dated_files(HOSTILE_TITLE)))


def page(result: BuildResult, output: str) -> str:
    data = result.outputs[output]
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def json_ld(html: str) -> list[dict]:
    return [json.loads(s.text) for s in lxml.html.fromstring(html).xpath('//script[@type="application/ld+json"]')]


def events(result: BuildResult, output: str) -> list[dict]:
    return [d for d in json_ld(page(result, output)) if d["@type"] == "Event"]


ORGANIZER = {"@type": "Organization", "name": "Stadt Teststadt", "url": "https://example.org/familie/"}
VENUE = {
    "@type": "Place",
    "name": "Stadtteilzentrum",
    "address": {"@type": "PostalAddress", "streetAddress": "Testweg 1", "postalCode": "30449", "addressLocality": "Teststadt",
                "addressCountry": "DE"},
}


def test_each_date_at_a_venue_is_an_event_at_a_place_with_a_postal_address(dated):
    held, cancelled = events(dated, "familienkonferenzen/linden-sued/index.html")
    assert held == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Familienkonferenz Linden-Süd",
        "description": "Familien aus Linden-Süd haben ihre Ideen eingebracht.",
        "url": "https://example.org/familie/familienkonferenzen/linden-sued/",
        "startDate": "2013-05-04T10:00:00+02:00",
        "endDate": "2013-05-04T16:00:00+02:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": VENUE,
        "organizer": ORGANIZER,
    }
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert (cancelled["startDate"], cancelled["location"]) == ("2013-06-01T10:00:00+02:00", VENUE)


def test_an_online_date_is_an_event_at_a_virtual_location(dated):
    [online] = events(dated, "familienkonferenzen/online/index.html")
    assert online["location"] == {"@type": "VirtualLocation", "url": "https://konferenz.example.org/raum"}
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["eventStatus"] == "https://schema.org/EventScheduled"
    assert (online["startDate"], online["endDate"]) == ("2026-12-05T18:00:00+01:00", "2026-12-05T20:00:00+01:00")  # winter time
    assert online["organizer"] == ORGANIZER


def test_pages_without_dates_carry_no_event(dated):
    for output in dated.outputs:
        if output.endswith(".html") and output not in ("familienkonferenzen/linden-sued/index.html", "familienkonferenzen/online/index.html"):
            assert events(dated, output) == [], output


def test_script_end_tags_and_comment_openers_in_a_field_cannot_break_out_of_the_json(dated):
    html = page(dated, "familienkonferenzen/online/index.html")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 2  # breadcrumbs and the event: each ends at its own </script>
    for block in blocks:
        assert "<" not in block and ">" not in block and "\u2028" not in block
    assert "<!--" not in html
    [event] = events(dated, "familienkonferenzen/online/index.html")
    assert event["name"] == HOSTILE_TITLE  # the text itself arrives unchanged
    assert json_ld(html)[0]["itemListElement"][-1]["name"] == HOSTILE_TITLE


# --- sitemap.xml and robots.txt -------------------------------------------------------------------


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    site = fixture_text(SITE).replace("base_url: https://example.org/familie/", f"base_url: {OTHER_BASE}")
    return _render(make_project(tmp_path_factory.mktemp("elsewhere"), files={SITE: site}))


@pytest.mark.parametrize(("result_name", "base"), [("dated", "https://example.org/familie/"), ("elsewhere", OTHER_BASE)])
def test_the_sitemap_lists_every_page_by_its_canonical_url_under_the_base_url(request, result_name, base):
    result: BuildResult = request.getfixturevalue(result_name)
    root = ElementTree.fromstring(result.outputs["sitemap.xml"])
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(set(locs))
    canonicals = {
        lxml.html.fromstring(data).xpath('//link[@rel="canonical"]/@href')[0]
        for output, data in result.outputs.items()
        if output.endswith(".html") and output != "404.html" and isinstance(data, bytes)
    }
    assert set(locs) == canonicals
    assert all(loc.startswith(base) for loc in locs) and base in locs


@pytest.mark.parametrize(("result_name", "base", "path"), [("dated", "https://example.org/familie/", "/familie/"),
                                                           ("elsewhere", OTHER_BASE, "/stadt/")])
def test_robots_txt_allows_the_site_and_names_its_sitemap(request, result_name, base, path):
    robots = request.getfixturevalue(result_name).outputs["robots.txt"].decode("utf-8")
    lines = [line for line in robots.splitlines() if line.strip()]
    assert lines == ["User-agent: *", f"Allow: {path}", f"Sitemap: {base}sitemap.xml"]
