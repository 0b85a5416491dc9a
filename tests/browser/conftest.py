"""Browser test fixtures: real Chromium (Playwright), axe-core, Nu Html Checker, servers.

Fixtures (all tools are optional locally – a missing one *skips* the test with
the reason – but mandatory under CI, env ``CI`` set, where it *fails*):

``chromium_executable`` (session) -> str
    ``$CHROMIUM`` or ``/usr/bin/chromium``. Playwright never downloads a browser.

``browser`` (session) -> playwright.sync_api.Browser
    Headless Chromium launched once per session with the flags in
    ``harness.CHROMIUM_ARGS`` (no sandbox, no GPU, no background networking,
    no QUIC; every host name but 127.0.0.1/localhost fails to resolve inside the
    browser, so nothing can leave the machine).

``serve_static`` (session) -> factory ``serve_static(root, prefix="/familie/", headers=None) -> StaticServer``
    Serves a built output folder on 127.0.0.1:<free port> like nginx would
    (tests/support/static_server.py): ``/familie/x/`` → ``x/index.html``,
    ``/familie/x`` → 301 ``/familie/x/``, unknown → 404 with the site's
    ``404.html``, nginx's content types and the production security headers
    incl. the Content-Security-Policy (``headers={}`` switches them off).
    ``server.base_url``, ``server.url("kalender/")``, ``server.origin``,
    ``server.served`` (server-side request log). Stopped at session end.
    Typical use for the real site: a session fixture builds the site once into
    ``tmp_path_factory.mktemp("site")`` and calls ``serve_static`` on it.

``open_page`` (function) -> ``open_page(url, *, wait_until="load") -> CheckedPage``
    Opens ``url`` in this test's own browser tab (a fresh browser context –
    locale de-DE, Europe/Berlin, service workers blocked – created on the first
    call, reused by further calls in the same test, closed after it). The
    recorders are attached *before* navigation. ``CheckedPage`` (harness.py):

    - ``.page`` the Playwright Page, ``.status`` HTTP status of the document,
      ``.origin`` the server's origin, ``.url``.
    - ``.requests`` every request of the page load (``RecordedRequest``: url,
      method, resource_type, status, failure – CSP-blocked loads included with
      failure ``"csp"``), ``.foreign_requests()`` those not to ``.origin``,
      ``.broken_requests()`` same-origin ones that failed or got >= 400,
      ``.assert_same_origin()`` raises a readable AssertionError listing them.
    - ``.csp_violations`` (``securitypolicyviolation`` events: directive,
      blocked URL / "inline", source, line, sample), ``.console_errors``,
      ``.page_errors`` (uncaught JS exceptions). Note: a CSP block of
      WebAssembly compilation (Pagefind without 'wasm-unsafe-eval') fires no
      event; it shows up as a page error of the script that tried it.
    - ``.axe(tags=WCAG_TAGS, context=None, disable_rules=())`` runs axe-core
      (npm ``axe-core``, node_modules/axe-core/axe.min.js, injected through
      CDP, so it works under the strict CSP) with runOnly
      tags wcag2a, wcag2aa, wcag21a, wcag21aa; returns ``AxeViolation`` (id,
      impact, help, help_url, tags, nodes → target selector, html,
      failure_summary; ``.targets``); ``str(violation)`` is a readable
      multi-line report; ``.assert_accessible()`` raises with all of them.
    - ``.problems(axe=True, expect_status=200)`` all findings as readable
      lines, ``.assert_clean(...)`` raises if there is any. For the 404 page:
      ``open_page(server.url("gibt-es-nicht/")).assert_clean(expect_status=404)``.

    A ``CheckedPage`` stays valid until the same tab opens the next URL.

``site_tab`` (session) -> ``BrowserTab``
    One tab shared by all tests of the session: ``site_tab.open(url) ->
    CheckedPage``, same as ``open_page`` but without the ~0.3 s for a new
    context per test. Use it for "every page of the built site" loops/params
    (about 0.45 s per small page incl. axe on 2 cores).

``vnu`` (session) -> tests.tools.vnu.Vnu
    ``vnu.check_dir(site_dir, ignore=())`` runs the Nu Html Checker ONCE over
    every .html file of the folder (one JVM) and returns a ``VnuReport``:
    ``.files`` (relative paths), ``.errors[path]`` list of ``VnuMessage``
    (file, line, column, message, extract), ``.ok``, ``.format()``. Call it in a
    session fixture and parametrize over ``report.files`` for per-page results.
    ``vnu.submit(site_dir)`` returns a Future instead: start it in an early
    (autouse, session) fixture and the JVM runs while the browser tests do.

``nginx_server`` / ``nginx_server_session`` / ``nginx_binary``
    The real nginx with deploy/nginx.conf (tests/serving/nginx_harness.py);
    ``nginx_server(site_dir)`` returns a server with the same ``base_url``,
    ``url()``, ``origin`` as ``serve_static`` – open_page works on both.

``real_pages`` (session) -> list[SitePage] / ``real_server`` (session) -> StaticServer
    Every HTML page of the real site (tests/support/site_pages.py: output, path, template,
    kind, ``request_path`` – an unknown address for 404.html) and the real site, built once
    per session (tests/conftest.py ``real_site``), behind ``serve_static``. The checks the
    real-site tests run on a loaded page are in tests/browser/site_checks.py.

Mark browser tests with ``pytest.mark.browser`` (registered in pyproject).

Example::

    def test_page(serve_static, open_page, built_site):
        server = serve_static(built_site)
        checked = open_page(server.url("familienkonferenzen/bemerode/"))
        checked.assert_clean()          # same-origin, no broken/CSP/console errors, axe clean
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM_ARGS, BrowserTab, CheckedPage, find_chromium
from tests.serving.nginx_harness import nginx_binary, nginx_server, nginx_server_session  # noqa: F401
from tests.support.env import missing_tool
from tests.support.site_pages import SitePage, site_pages
from tests.support.static_server import StaticServer
from tests.tools.vnu import Vnu, require_vnu


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None:
        missing_tool("Chromium not found (env CHROMIUM or /usr/bin/chromium)", hint="apt-get install chromium")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the Python package playwright is not installed", hint="pip install -e '.[browser]' (never `playwright install`)")
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_session, chromium_executable: str) -> Iterator[object]:
    browser = playwright_session.chromium.launch(
        executable_path=chromium_executable,
        headless=True,
        args=list(CHROMIUM_ARGS),
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def serve_static() -> Iterator[Callable[..., StaticServer]]:
    servers: list[StaticServer] = []

    def start(root: Path | str, prefix: str = "/familie/", headers: dict[str, str] | None = None) -> StaticServer:
        server = StaticServer(root, prefix, headers=headers).start()
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., CheckedPage]]:
    tab: list[BrowserTab] = []

    def open_(url: str, **kwargs) -> CheckedPage:
        if not tab:
            tab.append(BrowserTab(browser))
        return tab[0].open(url, **kwargs)

    try:
        yield open_
    finally:
        for t in tab:
            t.close()


@pytest.fixture(scope="session")
def site_tab(browser) -> Iterator[BrowserTab]:
    tab = BrowserTab(browser)
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture(scope="session")
def vnu() -> Vnu:
    return require_vnu()


# --------------------------------------------------------------------------- the real site

@pytest.fixture(scope="session")
def real_pages(real_build) -> list[SitePage]:
    """Every HTML page of the real site (tests/support/site_pages.py), sorted by output path."""
    return site_pages(real_build)


@pytest.fixture(scope="session")
def real_server(serve_static, real_site: Path) -> StaticServer:
    """The real site (built once per session) behind the nginx-like static server, production headers on."""
    return serve_static(real_site)
