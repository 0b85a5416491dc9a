"""Every page of the REAL site in a real Chromium, and through the Nu Html Checker.

Each page is loaded once in the session's shared tab (1280 × 800, light colour scheme) and
looked at in several ways without reloading: the request record, CSP violations, console and
JavaScript errors, axe-core (WCAG 2.0/2.1 A and AA) in light and dark colour scheme, the skip
link with the keyboard, and the print stylesheet. A second tab loads each page again for the
reflow checks (200 % zoom and 320 px). The findings are gathered once per module
(``visits``); each test then asserts one property for all pages, so a failure lists every page
that has the problem. The Nu checker runs in its own JVM meanwhile (``vnu_future``).

Zoom: a browser window 1280 CSS px wide at 200 % zoom lays pages out in a viewport of 640 CSS
px with a device pixel ratio of 2 (``window.innerWidth`` 640, ``devicePixelRatio`` 2, media
queries see 640 px). The zoom tab is exactly that: viewport 640 × 400, ``device_scale_factor``
2. CSS ``zoom`` on the root element would not be faithful: media queries would still see
1280 px. WCAG 1.4.10 (reflow) asks for 320 CSS px (1280 px at 400 %); the same tab is resized
to 320 px for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.browser.harness import BrowserTab
from tests.browser.site_checks import (
    COLOURS_JS,
    DARK_RULES,
    DISPLAY_JS,
    OVERFLOW_JS,
    PRINT_HIDDEN,
    axe_result,
    axe_start,
    check_skip_link,
    luminance_of,
)
from tests.support.site_pages import SitePage

pytestmark = pytest.mark.browser

#: WCAG 1.4.4 (200 % of a 1280 px window) and 1.4.10 (320 CSS px).
ZOOM_VIEWPORT = {"width": 640, "height": 400}
REFLOW_WIDTH = 320

@dataclass
class Visit:
    page: SitePage
    problems: list[str] = field(default_factory=list)  # requests, CSP, console, JS errors
    axe_light: str = ""
    axe_dark: str = ""
    colours_light: tuple[str, str] = ("", "")
    colours_dark: tuple[str, str] = ("", "")
    skip_link: list[str] = field(default_factory=list)
    printed: dict[str, str] = field(default_factory=dict)
    print_colours: tuple[str, str] = ("", "")
    overflow: dict[int, dict] = field(default_factory=dict)  # viewport width → OVERFLOW_JS result


def _visit(tab: BrowserTab, zoom_tab: BrowserTab, server, page: SitePage) -> Visit:
    visit = Visit(page)
    checked = tab.open(server.url(page.request_path))
    p = checked.page
    visit.problems = checked.problems(axe=False, expect_status=page.expected_status)
    visit.colours_light = tuple(p.evaluate(COLOURS_JS))
    axe_start(p)

    zoomed = zoom_tab.open(server.url(page.request_path)).page  # while axe runs in the other tab
    visit.overflow[ZOOM_VIEWPORT["width"]] = zoomed.evaluate(OVERFLOW_JS)
    zoomed.set_viewport_size({"width": REFLOW_WIDTH, "height": 640})
    visit.overflow[REFLOW_WIDTH] = zoomed.evaluate(OVERFLOW_JS)
    zoomed.set_viewport_size(ZOOM_VIEWPORT)

    visit.axe_light = axe_result(p)
    visit.skip_link = check_skip_link(p)
    p.emulate_media(media="print")
    visit.printed = p.evaluate(DISPLAY_JS, [*PRINT_HIDDEN, "main"])
    visit.print_colours = tuple(p.evaluate(COLOURS_JS))
    p.emulate_media(media="screen", color_scheme="dark")
    visit.colours_dark = tuple(p.evaluate(COLOURS_JS))
    axe_start(p, rules=DARK_RULES)
    visit.axe_dark = axe_result(p)
    p.emulate_media(media="screen", color_scheme="light")
    return visit


@pytest.fixture(scope="module", autouse=True)
def vnu_future(vnu, real_site):
    """The Nu checker over the real site, started first: its JVM runs while the browser works."""
    return vnu.submit(real_site)


@pytest.fixture(scope="module")
def zoom_tab(browser):
    tab = BrowserTab(browser, context_options={"viewport": ZOOM_VIEWPORT, "device_scale_factor": 2})
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def visits(site_tab, zoom_tab, real_server, real_pages) -> list[Visit]:
    site_tab.page.set_viewport_size({"width": 1280, "height": 800})
    return [_visit(site_tab, zoom_tab, real_server, page) for page in real_pages]


def _report(findings: dict[str, object]) -> str:
    return "\n".join(f"{page}:\n  {problem}" for page, problem in findings.items())


def test_the_real_site_has_every_page_type(real_pages):
    kinds = {p.kind for p in real_pages}
    expected = {"home", "conference-list", "conference", "result-list", "result", "network", "accessibility",
                "page-imprint", "page-privacy", "page-standard", "page-easy-language", "404"}
    assert expected <= kinds, sorted(expected - kinds)


def test_every_page_loads_only_from_its_own_origin_without_csp_console_or_script_errors(visits):
    findings = {v.page.output: "\n  ".join(v.problems) for v in visits if v.problems}
    assert not findings, _report(findings)


def test_axe_finds_no_wcag_21_aa_violation_on_any_page(visits):
    findings = {v.page.output: v.axe_light for v in visits if v.axe_light}
    assert not findings, _report(findings)


def test_the_dark_colour_scheme_is_honoured_and_passes_axe_including_colour_contrast(visits):
    for v in visits:
        assert v.colours_dark != v.colours_light, f"{v.page}: same colours in dark mode {v.colours_dark}"
        text, background = (luminance_of(c) for c in v.colours_dark)
        assert text > background, f"{v.page}: dark scheme should have light text on a dark background, got {v.colours_dark}"
    findings = {v.page.output: v.axe_dark for v in visits if v.axe_dark}
    assert not findings, _report(findings)


def test_the_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(visits):
    findings = {v.page.output: "\n  ".join(v.skip_link) for v in visits if v.skip_link}
    assert not findings, _report(findings)


def test_the_print_stylesheet_hides_navigation_and_prints_black_on_white(visits):
    for v in visits:
        assert {s: v.printed[s] for s in PRINT_HIDDEN} == dict.fromkeys(PRINT_HIDDEN, "none"), f"{v.page}: {v.printed}"
        assert v.printed["main"] != "none", v.page
        assert v.print_colours == ("rgb(0, 0, 0)", "rgb(255, 255, 255)"), f"{v.page}: {v.print_colours}"


@pytest.mark.parametrize("width", [ZOOM_VIEWPORT["width"], REFLOW_WIDTH], ids=["200-percent-zoom", "320px"])
def test_no_page_scrolls_horizontally(visits, width):
    findings = {}
    for v in visits:
        result = v.overflow[width]
        assert result["innerWidth"] == width and result["dpr"] == 2, result  # the emulation is what it claims
        if result["scrollWidth"] > result["clientWidth"]:
            findings[v.page.output] = f"{result['scrollWidth']} px wide in {result['clientWidth']} px: {result['culprits']}"
    assert not findings, _report(findings)


def test_the_nu_html_checker_finds_no_error_on_any_page(vnu_future, real_pages):
    report = vnu_future.result(timeout=600)
    assert sorted(report.files) == sorted(p.output for p in real_pages)
    assert report.ok, report.format()
