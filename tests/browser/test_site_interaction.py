"""The REAL site used like a visitor uses it: keyboard only, reduced motion, search, a phone.

* Focus: on one page of every page type, Tab walks through every focusable element (none is
  skipped, no trap) and each one looks different when focused (computed outline, box-shadow,
  stroke … of the element and its children compared with its unfocused state).
* The main navigation works with Tab and Enter alone.
* ``prefers-reduced-motion: reduce`` switches off transitions and animations.
* The search (Pagefind, WebAssembly) works under the production CSP, and only because that
  CSP allows 'wasm-unsafe-eval'.
* The home page and everything it loads weigh less than 60 KB over the wire (real nginx, gzip).
* Screenshots of every page type at 375 and 1280 px for a person to look at, in
  test-artifacts/screenshots/ (printed at the end of the test).
"""

from __future__ import annotations

import shutil
import struct

import pytest

from tests.browser.harness import BrowserTab
from tests.browser.site_checks import focus_walk
from tests.support.env import REPO_ROOT
from tests.support.site_pages import one_per_type
from tests.support.static_server import SECURITY_HEADERS

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
SCREENSHOT_VIEWPORTS = {375: 812, 1280: 800}
HOME_PAGE_BUDGET = 60_000  # bytes transferred, the "60 KB"

def test_tab_reaches_every_interactive_element_of_every_page_type_and_focus_is_visible(site_tab, real_server, real_pages):
    problems: list[str] = []
    types: set[str] = set()
    for kind, page in one_per_type(real_pages).items():
        checked = site_tab.open(real_server.url(page.request_path))
        found, met = focus_walk(checked.page)
        problems += [f"{kind} ({page}): {problem}" for problem in found]
        types |= met
    assert not problems, "\n".join(problems)
    # the walk met every kind of control the site has (links, the network map's SVG links, the search form)
    assert {"a", "svg a", "input[type=search]", "button"} <= types, types


def test_the_main_navigation_works_with_tab_and_enter_only(site_tab, real_server, real_build):
    site = real_build.model.site
    for item in site.navigation:
        checked = site_tab.open(real_server.url(""))
        page = checked.page
        for _ in range(30):
            page.keyboard.press("Tab")
            active = page.evaluate("() => document.activeElement.closest('nav.site-nav') ? document.activeElement.textContent.trim() : null")
            if active == item.label:
                break
        else:
            pytest.fail(f"Tab never reaches the navigation item „{item.label}“")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == real_server.url(item.url), item
        current = page.evaluate("() => [...document.querySelectorAll('nav.site-nav [aria-current=page]')].map(a => a.textContent.trim())")
        assert current == [item.label], (item, current)
        assert checked.problems(axe=False) == []


def test_prefers_reduced_motion_switches_off_transitions_and_animations(open_page, real_server):
    checked = open_page(real_server.url(""))
    page = checked.page
    # Motion as a future stylesheet might add it (CSSOM, allowed under the CSP).
    page.evaluate("""() => {
      const sheet = [...document.styleSheets].find(s => s.href && s.href.includes('/assets/site.'));
      sheet.insertRule('@keyframes test-pulse { from { opacity: 0.5; } to { opacity: 1; } }', sheet.cssRules.length);
      sheet.insertRule('.site-nav a { transition: border-color 2s linear; animation: test-pulse 2s infinite; }', sheet.cssRules.length);
    }""")
    motion = "() => { const s = getComputedStyle(document.querySelector('.site-nav a')); return [s.transitionDuration, s.animationName]; }"
    page.emulate_media(reduced_motion="no-preference")
    assert page.evaluate(motion) == ["2s", "test-pulse"]
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(motion) == ["0s", "none"]
    assert page.evaluate("() => document.getAnimations().length") == 0


def _search(page, query: str) -> str:
    page.fill("#suche-eingabe", query)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('suche-status').textContent.includes('für') || "
                           "document.getElementById('suche-status').textContent.includes('nicht geladen')")
    return page.locator("#suche-status").inner_text()


def test_the_search_finds_pages_under_the_production_csp(open_page, real_server, real_build):
    search_url = real_build.model.site.search_url
    checked = open_page(real_server.url(search_url))
    status = _search(checked.page, "Familienkonferenz")
    assert "Treffer für „Familienkonferenz“" in status, status
    hits = checked.page.locator("#suche-treffer li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hits and all(h.startswith("/familie/") for h in hits), hits
    assert any(r.url.endswith(".pagefind") for r in checked.requests), "no WebAssembly module loaded"
    checked.assert_clean()  # same origin only, no CSP violation or script error, axe clean with the hits shown


def test_without_wasm_unsafe_eval_the_search_fails(open_page, serve_static, real_site, real_build):
    """Proof that 'wasm-unsafe-eval' in the CSP is needed (and that the test above could fail)."""
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp
    strict = serve_static(real_site, headers={**SECURITY_HEADERS, "Content-Security-Policy": csp.replace(" 'wasm-unsafe-eval'", "")})
    checked = open_page(strict.url(real_build.model.site.search_url))
    status = _search(checked.page, "Familienkonferenz")
    assert "nicht geladen" in status, status
    checked.page.evaluate("() => 0")
    assert checked.page_errors or checked.console_errors


def test_the_home_page_and_everything_it_loads_weigh_less_than_60_kb(browser, nginx_server_session, real_site, capsys):
    server = nginx_server_session(real_site)
    tab = BrowserTab(browser)  # a fresh context: empty cache
    try:
        cdp = tab.context.new_cdp_session(tab.page)
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        cdp.send("Network.enable")
        checked = tab.open(server.url(""))
        checked.page.wait_for_load_state("networkidle")
        checked.assert_clean(axe=False)
        own = {urls[r]: size for r, size in sizes.items() if urls.get(r, "").startswith(server.base_url)}
    finally:
        tab.close()
    total = sum(own.values())
    with capsys.disabled():
        print(f"\nhome page weight (nginx, gzip): {total} bytes transferred in {len(own)} responses: "
              + ", ".join(f"{url.removeprefix(server.origin)} {size}" for url, size in sorted(own.items())))
    assert server.url("") in own and any("/assets/site." in url for url in own), own
    assert total < HOME_PAGE_BUDGET, own


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshots_of_every_page_type_at_375_and_1280_px(browser, real_server, real_pages, capsys):
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    kinds = one_per_type(real_pages)
    for width, height in SCREENSHOT_VIEWPORTS.items():
        tab = BrowserTab(browser, context_options={"viewport": {"width": width, "height": height}})
        try:
            for kind, page in kinds.items():
                checked = tab.open(real_server.url(page.request_path))
                assert checked.status == page.expected_status, page
                checked.page.screenshot(path=SCREENSHOTS / f"{kind}-{width}.png", full_page=True)
        finally:
            tab.close()
    files = sorted(SCREENSHOTS.glob("*.png"))
    assert [f.name for f in files] == sorted(f"{kind}-{width}.png" for kind in kinds for width in SCREENSHOT_VIEWPORTS)
    for f in files:
        width, height = _png_size(f.read_bytes())
        assert width == int(f.stem.rsplit("-", 1)[1]) and height >= SCREENSHOT_VIEWPORTS[width], (f.name, width, height)
    with capsys.disabled():
        print(f"\nscreenshots of {len(kinds)} page types at 375 and 1280 px: {SCREENSHOTS}")
