"""Self-check of the browser/HTML harness on a hand-made sample site.

A valid page passes every check; a deliberately broken page fails each one
with the specific finding (the proof that the checks can fail at all).
"""

from __future__ import annotations

import pytest

from tests.browser.harness import WCAG_TAGS, axe_source, axe_version
from tests.support.sample_site import BROKEN_PAGE, CSS, FOREIGN_IMAGE, JS, LOGO, MISSING_ALT_ID, make_sample_site

pytestmark = pytest.mark.browser

GOOD_PAGES = ["", "kalender/"]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    return make_sample_site(tmp_path_factory.mktemp("sample") / "site")


@pytest.fixture(scope="module")
def server(serve_static, sample_site):
    return serve_static(sample_site)


@pytest.fixture(scope="module", autouse=True)
def vnu_future(vnu, sample_site):
    # started before the first test of the module: the JVM works while the browser tests run
    return vnu.submit(sample_site)


@pytest.fixture(scope="module")
def vnu_report(vnu_future):
    return vnu_future.result(timeout=600)


# --------------------------------------------------------------------------- good pages


@pytest.mark.parametrize("path", GOOD_PAGES)
def test_valid_page_is_clean(open_page, server, path):
    checked = open_page(server.url(path))
    checked.assert_clean()  # status 200, same origin, no broken/CSP/console/JS errors, axe clean
    assert checked.axe() == []


def test_recorder_sees_every_subresource(open_page, server):
    checked = open_page(server.url(""))
    urls = {r.url for r in checked.requests}
    for rel in (CSS, JS, LOGO):
        assert server.url(rel) in urls, f"{rel} not recorded: {sorted(urls)}"
    assert all(r.status == 200 for r in checked.requests if r.url.startswith(server.base_url)), checked.requests
    checked.assert_same_origin()


def test_404_page_is_served_and_clean(open_page, server):
    checked = open_page(server.url("gibt-es-nicht/"))
    assert checked.status == 404
    assert checked.page.locator("h1").inner_text() == "Seite nicht gefunden"
    checked.assert_clean(expect_status=404)


def test_folder_without_slash_redirects(open_page, server):
    checked = open_page(server.url("kalender"))
    assert checked.page.url == server.url("kalender/")
    assert [r.status for r in checked.requests[:2]] == [301, 200]


def test_vnu_passes_valid_pages(vnu_report):
    assert set(vnu_report.files) == {"404.html", "index.html", "kalender/index.html", BROKEN_PAGE}
    for page in ("404.html", "index.html", "kalender/index.html"):
        assert vnu_report.errors[page] == [], vnu_report.format()


def test_axe_is_the_newest_bundled_version():
    version = axe_version(axe_source())
    assert tuple(int(x) for x in version.split(".")[:2]) >= (4, 14), version


# --------------------------------------------------------------------------- broken page


def test_broken_page_fails_axe(open_page, server):
    checked = open_page(server.url(BROKEN_PAGE.removesuffix("index.html")))
    violations = {v.id: v for v in checked.axe()}
    assert "image-alt" in violations, violations
    image_alt = violations["image-alt"]
    assert image_alt.targets == [f"#{MISSING_ALT_ID}"]
    assert image_alt.impact == "critical"
    assert set(image_alt.tags) & set(WCAG_TAGS)
    with pytest.raises(AssertionError, match=r"(?s)image-alt.*#ohne-alt"):
        checked.assert_accessible()


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "without-csp"])
def test_broken_page_fails_request_recorder(open_page, serve_static, sample_site, csp):
    # With the production CSP the browser blocks the load ("csp"), without it the
    # request goes out and fails to resolve – the recorder sees it either way.
    server = serve_static(sample_site, headers=None if csp else {})
    checked = open_page(server.url(BROKEN_PAGE.removesuffix("index.html")))
    foreign = checked.foreign_requests()
    assert [r.url for r in foreign] == [FOREIGN_IMAGE]
    assert foreign[0].resource_type == "image"
    assert foreign[0].failure == ("csp" if csp else "net::ERR_NAME_NOT_RESOLVED")
    with pytest.raises(AssertionError, match="tracker.example/pixel.gif"):
        checked.assert_same_origin()


def test_broken_page_violates_csp(open_page, server):
    checked = open_page(server.url(BROKEN_PAGE.removesuffix("index.html")))
    checked.page.evaluate("() => 0")  # deliver pending events
    found = {(v.directive, v.blocked) for v in checked.csp_violations}
    assert ("style-src-attr", "inline") in found, checked.csp_violations
    assert ("img-src", FOREIGN_IMAGE) in found, checked.csp_violations


def test_broken_page_fails_vnu(vnu_report):
    errors = vnu_report.errors[BROKEN_PAGE]
    messages = [e.message for e in errors]
    assert any("“img” element must have an “alt” attribute" in m for m in messages), messages
    assert any(m == "Stray end tag “span”." for m in messages), messages
    assert not vnu_report.ok
    assert BROKEN_PAGE in vnu_report.format()
    stray = next(e for e in errors if "Stray end tag" in e.message)
    assert stray.line is not None and "</span>" in stray.extract


def test_broken_page_fails_assert_clean(open_page, server):
    checked = open_page(server.url(BROKEN_PAGE.removesuffix("index.html")))
    with pytest.raises(AssertionError) as failure:
        checked.assert_clean()
    report = str(failure.value)
    assert "foreign request: GET https://tracker.example/pixel.gif" in report
    assert "CSP violation: style-src-attr blocked inline" in report
    assert "axe: [critical] image-alt" in report


# --------------------------------------------------------------------------- real nginx + browser


def test_pages_through_real_nginx(open_page, nginx_server, sample_site):
    """The production config (CSP included) serves the valid pages cleanly and
    the broken page's problems show up there as well."""
    nginx = nginx_server(sample_site)
    open_page(nginx.url("")).assert_clean()
    open_page(nginx.url("gibt-es-nicht/")).assert_clean(expect_status=404)
    broken = open_page(nginx.url(BROKEN_PAGE.removesuffix("index.html")))
    problems = "\n".join(broken.problems(axe=False))
    assert "tracker.example" in problems and "CSP violation" in problems
