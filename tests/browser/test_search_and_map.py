"""Search (Pagefind) and the network map in a real Chromium, under the production CSP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from familiensite.pipeline import build_project
from familiensite.search_bundles import PAGES_ENV, search_bundles
from tests.conftest import TODAY
from tests.support.bundled_site import BUNDLE_PAGES, HOME_WORD, WORDS, bundled_project, conference_output

pytestmark = pytest.mark.browser

HITS = "#suche-treffer li h2 a"


@pytest.fixture(scope="module")
def server(serve_static, real_site: Path):
    return serve_static(real_site)


def _search(open_page, server, query: str):
    checked = open_page(server.url("suche/"))
    page = checked.page
    page.fill("#suche-eingabe", query)
    page.click(".search-form button[type=submit]")
    page.wait_for_function("() => /Treffer/.test(document.getElementById('suche-status').textContent)", timeout=15_000)
    hrefs = page.eval_on_selector_all(HITS, "links => links.map(a => a.getAttribute('href'))")
    return checked, hrefs


def test_searching_a_contact_person_finds_her_pages(open_page, server) -> None:
    checked, hrefs = _search(open_page, server, "Wiebke Stärk")
    assert "/familie/netzwerk/" in hrefs
    assert "/familie/impressum/" in hrefs
    status = checked.page.text_content("#suche-status") or ""
    assert status.endswith("für „Wiebke Stärk“.") and "Treffer" in status
    assert checked.page.is_hidden("#suche-hinweis")  # the no-JavaScript notice is gone
    assert checked.page.locator("#suche-treffer mark").count() > 0
    checked.assert_clean()  # same origin, no CSP violation (wasm allowed), no console errors, axe clean


def test_searching_a_district_finds_its_conference_and_a_query_in_the_address_searches_at_once(open_page, server) -> None:
    _, hrefs = _search(open_page, server, "Linden-Süd")
    assert hrefs[0] == "/familie/familienkonferenzen/linden-sued/"
    checked = open_page(server.url("suche/") + "?q=" + quote("Linden-Süd"))
    checked.page.wait_for_selector(HITS, timeout=15_000)
    assert checked.page.input_value("#suche-eingabe") == "Linden-Süd"
    assert checked.page.get_attribute(HITS, "href") == "/familie/familienkonferenzen/linden-sued/"
    checked.page.click(HITS)
    checked.page.wait_for_url("**/familienkonferenzen/linden-sued/")
    assert checked.page.text_content("h1") == "Familienkonferenz Linden-Süd"


def test_without_javascript_the_search_page_says_so_and_links_the_lists(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    try:
        page = context.new_page()
        page.goto(server.url("suche/"))
        assert page.is_visible("#suche-hinweis")
        assert "Die Suche braucht JavaScript" in (page.text_content("#suche-hinweis") or "")
        page.click("#suche-hinweis a[href='/familie/netzwerk/']")
        page.wait_for_url("**/netzwerk/")
    finally:
        context.close()


@pytest.fixture(scope="module")
def bundled_server(serve_static, tmp_path_factory: pytest.TempPathFactory):
    """A small site whose index is in several bundles (tests/support/bundled_site.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PAGES_ENV, str(BUNDLE_PAGES))
        project = bundled_project(tmp_path_factory.mktemp("bundled") / "project")
        result = build_project(project, project / "site", today=TODAY)
    assert result.written and result.model is not None, [p.message for p in result.problems]
    return serve_static(project / "site"), search_bundles(result.model.pages, BUNDLE_PAGES)


def test_a_search_finds_pages_of_every_bundle(open_page, bundled_server) -> None:
    server, bundles = bundled_server
    assert len(bundles) >= 3
    for bundle in bundles[1:]:  # a word found only in a page of a merged bundle
        slug = next(s for s in WORDS if conference_output(s) in bundle.pages)
        checked, hrefs = _search(open_page, server, WORDS[slug])
        assert hrefs == [f"/familie/familienkonferenzen/{slug}/"], (bundle.folder, hrefs)
        assert any(f"/familie/{bundle.folder}pagefind-entry.json?" in r.url for r in checked.requests)  # merged
        checked.assert_clean()  # same origin only, no console errors, no CSP violation
    checked, hrefs = _search(open_page, server, HOME_WORD)  # in the primary bundle
    assert hrefs == ["/familie/"]
    checked.assert_clean()
    _, hrefs = _search(open_page, server, "Familienkonferenz")  # hits from several bundles, once each
    assert len(hrefs) == len(set(hrefs)) and {f"/familie/familienkonferenzen/{slug}/" for slug in WORDS} <= set(hrefs)


def test_a_city_on_the_map_leads_to_its_entry(open_page, server) -> None:
    checked = open_page(server.url("netzwerk/"))
    page = checked.page
    assert page.locator(".network-map svg a").count() == 15
    box = page.locator(".network-map svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 250
    page.click(".network-map a[href='#hannover']")
    assert page.evaluate("() => location.hash") == "#hannover"
    assert page.is_visible("#hannover")
    page.click(".network-map a[href='#essen']")  # a member without details: its item in the list
    assert page.evaluate("() => document.querySelector(':target').textContent") == "Essen"
    checked.assert_clean()
