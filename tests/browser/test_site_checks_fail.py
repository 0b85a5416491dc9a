"""The page checks of tests/browser/site_checks.py fail on a deliberately broken page.

tests/browser/test_harness_selfcheck.py shows the same for axe-core, the request recorder, the
CSP capture and the Nu checker; this covers the checks written for the real-site tests: skip
link, focus visibility, reflow, print stylesheet and the dark colour scheme.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.site_checks import (
    COLOURS_JS,
    DARK_RULES,
    DISPLAY_JS,
    OVERFLOW_JS,
    PRINT_HIDDEN,
    axe_result,
    axe_start,
    check_skip_link,
    focus_walk,
)

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Kaputt</title>
<link rel="stylesheet" href="/familie/assets/kaputt.css">
</head>
<body>
<header><nav class="site-nav" aria-label="Hauptnavigation"><a href="/familie/">Start</a></nav></header>
<main id="inhalt">
<h1>Kaputt</h1>
<p class="breit">Ein Absatz, breiter als jedes Telefon.</p>
<p><a class="ohne-rahmen" href="/familie/">Ohne sichtbaren Fokus</a></p>
</main>
</body>
</html>
"""

CSS = """body { margin: 0; color: #111111; background: #ffffff; }
a:focus, a:focus-visible { outline: none; }
.breit { width: 900px; }
@media (prefers-color-scheme: dark) { p { color: #444444; background: #333333; } }
"""


@pytest.fixture(scope="module")
def broken(serve_static, tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("broken-site")
    (root / "assets").mkdir()
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "assets" / "kaputt.css").write_text(CSS, encoding="utf-8")
    return serve_static(root)


@pytest.fixture
def page(open_page, broken):
    checked = open_page(broken.url(""))
    assert checked.problems(axe=False) == []  # served and loaded cleanly: the checks below find the faults
    return checked.page


def test_a_page_without_skip_link_fails_the_skip_link_check(page):
    assert check_skip_link(page) == [
        (
            "first Tab focuses {'tag': 'a', 'id': '', 'cls': '', 'href': '/familie/', 'text': 'Start', 'inViewport': True, 'inMain': False}, "
            "not the skip link to #inhalt"
        )
    ]


def test_a_link_without_focus_indicator_fails_the_focus_walk(page):
    problems, types = focus_walk(page)
    assert problems == ["a „Start“ looks the same focused and unfocused", "a „Ohne sichtbaren Fokus“ looks the same focused and unfocused"]
    assert types == {"a"}


def test_content_wider_than_320_px_fails_the_reflow_check(page):
    page.set_viewport_size({"width": 320, "height": 640})
    result = page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] > result["clientWidth"] == 320
    assert result["culprits"][0].startswith("p.breit (right edge 900 px)")


def test_a_page_without_print_stylesheet_fails_the_print_check(page):
    page.emulate_media(media="print")
    shown = page.evaluate(DISPLAY_JS, list(PRINT_HIDDEN))
    assert shown == {"nav.site-nav": "block", ".skip-link": "missing"}


def test_a_page_without_dark_scheme_and_with_poor_dark_contrast_fails_the_dark_checks(page):
    light = page.evaluate(COLOURS_JS)
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(COLOURS_JS) == light  # the body does not change: the test of the real site would report it
    axe_start(page, rules=DARK_RULES)
    report = axe_result(page)
    assert "[serious] color-contrast" in report and "at .breit" in report and "at .ohne-rahmen" in report
