"""The REAL site in a real nginx with deploy/nginx.conf, under /familie/ as in production."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import lxml.html
import pytest

from tests.support.site_pages import UNKNOWN_PATH

BASE_URL = "https://www.hannover.de/familie/"
PREFIX = "/familie/"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

#: What nginx must send for each kind of file the site has (the issue's list and the rest).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
#: Pagefind's index files are fetched by its script as bytes; their type does not matter.
BINARY_SUFFIXES = {".pagefind", ".pf_fragment", ".pf_index", ".pf_meta"}
ASSET_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300"


def fetch(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def nginx(nginx_server_session, real_site: Path):
    return nginx_server_session(real_site)


@pytest.fixture(scope="module")
def sitemap_paths(nginx) -> list[str]:
    status, _, body = fetch(nginx.port, PREFIX + "sitemap.xml")
    assert status == 200
    locs = [loc.text or "" for loc in ElementTree.fromstring(body).iter(f"{SITEMAP_NS}loc")]
    assert locs and all(loc.startswith(BASE_URL) for loc in locs), locs
    return [urlsplit(loc).path for loc in locs]


def test_every_page_of_the_sitemap_answers_200_with_its_html(nginx, sitemap_paths, real_site):
    assert len(sitemap_paths) >= 20
    for path in sitemap_paths:
        status, headers, body = fetch(nginx.port, path)
        assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8"), path
        assert body == (real_site / path.removeprefix(PREFIX) / "index.html").read_bytes(), path


def test_every_internal_link_and_source_of_every_page_answers_200_under_the_sub_path(nginx, real_site):
    targets: dict[str, str] = {}
    for page in sorted(real_site.rglob("*.html")):
        tree = lxml.html.fromstring(page.read_bytes())
        for value in tree.xpath("//@href | //@src"):
            parts = urlsplit(value)
            if not parts.scheme and not parts.netloc and parts.path:
                assert parts.path.startswith(PREFIX), (page, value)  # root-relative, under the base path
                targets.setdefault(parts.path, page.relative_to(real_site).as_posix())
    assert len(targets) > 30
    statuses = {path: (page, fetch(nginx.port, path)[0]) for path, page in targets.items()}
    failed = {path: found for path, found in statuses.items() if found[1] != 200}
    assert not failed, failed


@pytest.mark.parametrize("path", [f"{PREFIX}{UNKNOWN_PATH}", f"{PREFIX}netzwerk/gibt-es-nicht", f"{PREFIX}assets/fehlt.css", "/"])
def test_an_unknown_address_answers_404_with_the_sites_own_page(nginx, real_site, path):
    status, headers, body = fetch(nginx.port, path)
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body == (real_site / "404.html").read_bytes()
    assert "<h1>Seite nicht gefunden</h1>" in body.decode()
    assert headers["cache-control"] == SHORT_CACHE


def test_every_file_is_served_with_its_content_type(nginx, real_site):
    suffixes: set[str] = set()
    for file in sorted(p for p in real_site.rglob("*") if p.is_file()):
        relative = file.relative_to(real_site).as_posix()
        path = PREFIX + (relative.removesuffix("index.html") if file.name == "index.html" else relative)
        status, headers, body = fetch(nginx.port, path)
        assert status == 200 and body == file.read_bytes(), relative
        if file.suffix in BINARY_SUFFIXES:
            continue
        assert file.suffix in CONTENT_TYPES, f"{relative}: no content type declared for {file.suffix} (deploy/nginx.conf and this test)"
        assert headers["content-type"] == CONTENT_TYPES[file.suffix], relative
        suffixes.add(file.suffix)
    assert {".html", ".css", ".svg", ".xml", ".ics", ".json", ".csv", ".txt"} <= suffixes, suffixes


def _csp(header: str) -> dict[str, list[str]]:
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("path", [PREFIX, f"{PREFIX}netzwerk", f"{PREFIX}{UNKNOWN_PATH}", f"{PREFIX}sitemap.xml", f"{PREFIX}termine.ics"])
def test_the_security_headers_are_on_every_kind_of_response(nginx, path):
    status, headers, _ = fetch(nginx.port, path)
    assert status in (200, 301, 404)
    csp = _csp(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly; no inline script, no eval
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert (csp["object-src"], csp["frame-ancestors"], csp["base-uri"]) == (["'none'"], ["'none'"], ["'self'"])
    assert not any("unsafe-inline" in s or s == "'unsafe-eval'" or s == "*" for sources in csp.values() for s in sources)
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_hashed_assets_are_cached_for_a_year_and_everything_else_briefly(nginx, real_site):
    assets = sorted((real_site / "assets").iterdir())
    assert assets
    for asset in assets:
        assert re.fullmatch(r"[a-z-]+\.[0-9a-f]{10}\.[a-z]+", asset.name), f"{asset.name} is not content-hashed"
        assert fetch(nginx.port, f"{PREFIX}assets/{asset.name}")[1]["cache-control"] == ASSET_CACHE, asset.name
    for path in (PREFIX, f"{PREFIX}netzwerk/", f"{PREFIX}sitemap.xml", f"{PREFIX}termine.ics", f"{PREFIX}medien/bilder/logo.svg"):
        assert fetch(nginx.port, path)[1]["cache-control"] == SHORT_CACHE, path


def test_a_page_address_without_trailing_slash_redirects_to_the_clean_url(nginx, sitemap_paths):
    for path in [p for p in sitemap_paths if p != PREFIX] + [PREFIX]:
        status, headers, _ = fetch(nginx.port, path.rstrip("/"))
        assert (status, headers.get("location")) == (301, path), path
