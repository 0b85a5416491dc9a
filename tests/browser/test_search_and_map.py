"""Search (Pagefind) and the network map in a real Chromium, under the production CSP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

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
