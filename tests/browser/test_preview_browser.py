"""The live preview in a real Chromium: livereload reloads the page after a save, the error page is accessible.

Screenshots for the editor guide go to test-artifacts/preview-screenshots/ (docs/bilder/ holds
committed copies): the preview of the home page, and the error page after a broken save.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import BrowserTab
from tests.conftest import ROOT, make_project
from tests.preview_server import TIMEOUT, PreviewServer
from tests.support.env import REPO_ROOT

SCREENSHOTS = REPO_ROOT / "test-artifacts" / "preview-screenshots"
CONFERENCE = "content/conferences/bemerode.md"


@pytest.fixture
def real_project(tmp_path: Path) -> Path:
    """The real content with its own copy of the templates."""
    project = make_project(tmp_path / "project", content_from=ROOT / "content")
    (project / "templates").unlink()
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


@pytest.fixture
def preview(real_project: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(real_project)
    yield server
    assert server.stop() == 0, server.terminal


def _wait_for_reload(page: Page, heading: str) -> None:
    """Wait until livereload.js has reloaded the page (the marker set on the old page is gone) and shows ``heading``.

    An editor's save may reach the watcher as two changes (the file truncated, then written) and so
    cause two rebuilds and two reloads; what counts is the page the last one shows.
    """
    page.wait_for_function("() => window.__vorher === undefined && document.readyState === 'complete'", timeout=TIMEOUT * 1000)
    expect(page.locator("h1")).to_have_text(heading, timeout=TIMEOUT * 1000)


def test_save_reload_error_page_and_recovery_in_the_browser(browser, preview: PreviewServer, real_project: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab = BrowserTab(browser, context_options={"viewport": {"width": 1280, "height": 900}})
    try:
        checked = tab.open(preview.url + "familienkonferenzen/bemerode/")
        page = checked.page
        assert checked.status == 200
        page.wait_for_function("() => window.LiveReload !== undefined", timeout=TIMEOUT * 1000)  # livereload.js is connected
        page.screenshot(path=SCREENSHOTS / "vorschau.png")

        conference = real_project / CONFERENCE
        good = conference.read_text(encoding="utf-8")
        page.evaluate("() => { window.__vorher = true; }")
        conference.write_text(good.replace("title: Familienkonferenz Bemerode", "title: Familienkonferenz Bemerode (geändert)"), encoding="utf-8")
        _wait_for_reload(page, "Familienkonferenz Bemerode (geändert)")

        page.evaluate("() => { window.__vorher = true; }")
        conference.write_text(good.replace("status: held", "status: gehalten"), encoding="utf-8")
        _wait_for_reload(page, "Die Vorschau kann nicht gebaut werden")
        expect(page.locator("main")).to_contain_text("Feld status: „gehalten“ ist hier nicht möglich", timeout=TIMEOUT * 1000)
        assert page.evaluate("() => document.documentElement.lang") == "de"
        violations = checked.axe()
        assert not violations, "\n".join(str(v) for v in violations)
        page.screenshot(path=SCREENSHOTS / "fehlerseite.png", full_page=True)

        page.evaluate("() => { window.__vorher = true; }")
        conference.write_text(good, encoding="utf-8")
        _wait_for_reload(page, "Familienkonferenz Bemerode")
    finally:
        tab.close()
    assert (SCREENSHOTS / "vorschau.png").stat().st_size > 10_000
    assert (SCREENSHOTS / "fehlerseite.png").stat().st_size > 10_000
