"""Semantic HTML and metadata of every page of the REAL site, read with a real HTML parser (lxml).

Landmarks, one h1 and an outline without gaps, addresses in <address>, machine-readable
<time>, attributed quotes, tables with header cells; title, description, canonical URL, Open
Graph and the referrer policy; JSON-LD that parses, with breadcrumbs on every page and an
Organization per network member; nothing inline that the Content-Security-Policy would block.
Conference events (the real conferences have no dates yet) are in tests/test_structured_data.py.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import lxml.html
import pytest

from familiensite.pipeline import BuildResult
from tests.support.site_pages import SitePage, site_pages

BASE_URL = "https://www.hannover.de/familie/"
ORIGIN = "https://www.hannover.de"

Tree = lxml.html.HtmlElement


@pytest.fixture(scope="module")
def pages(real_build: BuildResult) -> list[SitePage]:
    return site_pages(real_build)


@pytest.fixture(scope="module")
def trees(real_site: Path, pages: list[SitePage]) -> dict[str, Tree]:
    return {p.output: lxml.html.fromstring((real_site / p.output).read_bytes()) for p in pages}


def text(element: Tree) -> str:
    return " ".join(element.text_content().split())


def json_ld(tree: Tree) -> list[dict]:
    return [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')]


def meta(tree: Tree, attribute: str, name: str) -> list[str]:
    return tree.xpath(f'/html/head/meta[@{attribute}="{name}"]/@content')


# --- landmarks and outline ------------------------------------------------------------------------


def test_every_page_has_banner_navigation_main_and_footer_landmarks(trees):
    for output, tree in trees.items():
        body = tree.xpath("/html/body")[0]
        assert len(body.xpath("./header")) == 1, output  # a header that is a child of body is the banner
        assert len(body.xpath("./footer")) == 1, output  # …and such a footer the contentinfo landmark
        assert len(tree.xpath("//main")) == 1 and tree.xpath("//main/@id") == ["inhalt"], output
        labels = [nav.get("aria-label", "") for nav in tree.xpath("//nav")]
        assert all(label.strip() for label in labels), (output, labels)  # every navigation is named …
        assert len(labels) == len(set(labels)), (output, labels)  # … and the names tell them apart
        assert "Hauptnavigation" in labels and body.xpath('./header//nav[@aria-label="Hauptnavigation"]'), output


def test_every_page_has_one_h1_and_headings_without_gaps(trees):
    for output, tree in trees.items():
        levels = [int(h.tag[1]) for h in tree.xpath("//body//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")]
        assert levels[:1] == [1] and levels.count(1) == 1, (output, levels)
        gaps = [(a, b) for a, b in pairwise(levels) if b > a + 1]
        assert not gaps, f"{output}: heading levels jump {gaps} in {levels}"


POSTAL_LINE = re.compile(r"\b\d{5} [A-ZÄÖÜ][\w.-]+")


def test_every_postal_address_is_inside_an_address_element(trees):
    found = 0
    for output, tree in trees.items():
        for node in tree.xpath("//body//text()[not(ancestor::script)]"):
            if POSTAL_LINE.search(node):
                assert node.getparent().xpath("ancestor-or-self::address"), f"{output}: „{node.strip()}“ outside <address>"
                found += 1
    assert found > 10  # the footer of every page, the network members


def _valid_datetime(value: str) -> bool:
    """HTML's machine-readable dates that this site uses: year, month, date, local or global date-time."""
    for pattern, parse in (
        (r"\d{4}", lambda v: date(int(v), 1, 1)),
        (r"\d{4}-\d{2}", lambda v: date.fromisoformat(v + "-01")),
        (r"\d{4}-\d{2}-\d{2}", date.fromisoformat),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", datetime.fromisoformat),
    ):
        if re.fullmatch(pattern, value):
            try:
                parse(value)
                return True
            except ValueError:
                return False
    return False


def test_every_time_element_has_a_valid_datetime(trees):
    times = [(output, t) for output, tree in trees.items() for t in tree.xpath("//time")]
    assert times, "no <time> on the real site"
    for output, element in times:
        value = element.get("datetime")
        assert value is not None and _valid_datetime(value), (output, lxml.html.tostring(element))
        assert text(element), output


def test_every_quote_is_attributed_in_a_figure_caption(trees):
    quotes = [(output, q) for output, tree in trees.items() for q in tree.xpath("//blockquote")]
    assert quotes
    for output, quote in quotes:
        figure = quote.getparent()
        assert figure.tag == "figure", (output, text(quote)[:60])
        captions = figure.xpath("./figcaption")
        assert len(captions) == 1 and text(captions[0]), (output, text(quote)[:60])


def test_every_table_has_header_cells(trees):
    tables = [(output, t) for output, tree in trees.items() for t in tree.xpath("//table")]
    assert tables
    for output, table in tables:
        assert table.xpath(".//th"), output
        for th in table.xpath(".//th"):
            assert text(th), output


# --- metadata -------------------------------------------------------------------------------------


def test_every_page_has_title_description_canonical_url_and_open_graph(trees, pages, real_build):
    site_title = real_build.model.site.title
    specs = {spec.output: spec for spec in real_build.model.pages}
    titles = []
    for page in pages:
        tree, spec = trees[page.output], specs[page.output]
        [title] = tree.xpath("/html/head/title/text()")
        assert title == site_title if page.path == "/familie/" else title == f"{spec.title} – {site_title}", page
        titles.append(title)
        [description] = meta(tree, "name", "description")
        assert description.strip() and description == spec.description, page
        og = {p: meta(tree, "property", f"og:{p}") for p in ("type", "locale", "site_name", "title", "description", "url")}
        expected_og = {"type": ["website"], "locale": ["de_DE"], "site_name": [site_title], "title": [spec.title], "description": [description]}
        if page.is_404:  # served at every unknown address: it has no address of its own to name
            assert tree.xpath('/html/head/link[@rel="canonical"]') == [], page
            assert og == {**expected_og, "url": []}, page
        else:
            [canonical] = tree.xpath('/html/head/link[@rel="canonical"]/@href')
            assert canonical == ORIGIN + page.path and canonical.startswith(BASE_URL), page
            assert og == {**expected_og, "url": [canonical]}, page
        assert meta(tree, "name", "referrer") == ["strict-origin-when-cross-origin"], page
        assert tree.xpath("/html/@lang") == ["de"], page
    assert len(titles) == len(set(titles)), "two pages share a title"


def test_every_page_but_the_404_page_carries_a_breadcrumb_list_ending_at_itself(trees, pages):
    for page in pages:
        data = json_ld(trees[page.output])
        breadcrumbs = [d for d in data if d["@type"] == "BreadcrumbList"]
        if page.is_404:
            assert breadcrumbs == [], page
            continue
        [crumbs] = breadcrumbs
        assert crumbs["@context"] == "https://schema.org"
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1)), page
        assert all(i["@type"] == "ListItem" and i["item"].startswith(BASE_URL) and i["name"] for i in items), page
        assert items[-1]["item"] == ORIGIN + page.path, page
        if page.path != "/familie/":
            assert items[0]["item"] == BASE_URL and len(items) >= 2, page


def test_the_network_page_describes_every_member_as_an_organization(trees, real_build):
    members = real_build.model.network.members
    organisations = [d for d in json_ld(trees["netzwerk/index.html"]) if d["@type"] == "Organization"]
    assert [o["areaServed"] for o in organisations] == [{"@type": "City", "name": m.city} for m in members]
    for organisation in organisations:
        assert organisation["name"] and organisation["url"].startswith(("https://", "http://")), organisation
        if "address" in organisation:
            assert organisation["address"]["@type"] == "PostalAddress"
            assert re.fullmatch(r"\d{5}", organisation["address"]["postalCode"]), organisation
    assert sum("address" in o for o in organisations) >= 10


def test_nothing_on_any_page_is_inline_code_the_csp_would_block(trees):
    for output, tree in trees.items():
        assert not tree.xpath("//style | //*[@style]"), output
        assert not [a for a in tree.xpath("//@*") if a.attrname.startswith("on")], output
        for script in tree.xpath("//script"):
            if script.get("src"):
                assert script.get("src").startswith("/familie/assets/") and not (script.text or "").strip(), output
            else:  # a data block: never executed, so allowed under script-src 'self'
                assert script.get("type") == "application/ld+json", output


def test_an_address_written_in_markdown_becomes_an_address_element():
    from familiensite.markdown_render import MarkdownRenderer

    html = MarkdownRenderer("/familie/").render(
        "Verantwortlich:\n\nLandeshauptstadt Hannover  \nJoachimstraße 8  \n30159 Hannover\n\n"
        "Zeile eins  \nAm 30159 Tag kommt nichts.\n"
    )
    assert "<address>Landeshauptstadt Hannover<br>\nJoachimstraße 8<br>\n30159 Hannover</address>" in html
    assert "<p>Zeile eins<br>\nAm 30159 Tag kommt nichts.</p>" in html  # a sentence with a number is no address


# --- text extraction ------------------------------------------------------------------------------

# Block elements whose texts a text extractor joins without a space when nothing separates them in
# the source: Pagefind's search excerpts read "ArtOnline-Familienkonferenz" for <dt>Art</dt><dd>Online…
_JOINED_BLOCKS = re.compile(rb"</(dt|dd|li|th|td|p|h[1-6])><(dt|dd|li|th|td|p|h[1-6])[\s>]")


def test_neighbouring_blocks_are_separated_by_whitespace_for_search_excerpts(real_site: Path, pages: list[SitePage]) -> None:
    joined = {p.output: m.group(0).decode() for p in pages if (m := _JOINED_BLOCKS.search((real_site / p.output).read_bytes()))}
    assert joined == {}
