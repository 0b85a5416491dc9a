"""deploy/nginx.conf in a real nginx, and the test static server's parity with it."""

from __future__ import annotations

import gzip
import http.client
from pathlib import Path

import pytest

from tests.serving.nginx_harness import NGINX_TEMPLATE, render_site_conf
from tests.support.sample_site import CSS, make_sample_site
from tests.support.static_server import ASSET_CACHE_CONTROL, CONTENT_TYPES, DEFAULT_CACHE_CONTROL, SECURITY_HEADERS, resolve, serve_static


def fetch(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_sample_site(tmp_path_factory.mktemp("nginx") / "site", with_broken=False)
    for ext in CONTENT_TYPES:  # one file of every declared type
        (root / "typen").mkdir(exist_ok=True)
        (root / "typen" / f"datei{ext}").write_bytes(b"x")
    (root / "typen" / "unbekannt.xyz").write_bytes(b"x")
    (root / ".versteckt").write_text("geheim")
    (root / "assets" / "gross.0123abcd.css").write_text("a{color:#000}\n" * 500)
    return root


@pytest.fixture
def nginx(nginx_server, site):
    return nginx_server(site)


def test_page_200(nginx):
    status, headers, body = fetch(nginx.port, "/familie/kalender/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Kalender</h1>" in body.decode()


def test_unknown_url_404_with_custom_page(nginx, site):
    for path in (
        "/familie/gibt-es-nicht/",
        "/familie/gibt/es/nicht.html",
        "/familie/assets/fehlt.css",
        "/",
        "/anderswo/",
        "/familie/.versteckt",
        "/familie/leer/",
    ):
        status, headers, body = fetch(nginx.port, path)
        assert status == 404, path
        assert body == (site / "404.html").read_bytes(), path
        assert headers["content-type"] == "text/html; charset=utf-8", path


def test_ics_is_text_calendar(nginx):
    status, headers, body = fetch(nginx.port, "/familie/kalender/termine.ics")
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize("path", ["/familie/", "/familie/kalender", "/familie/nix", f"/familie/{CSS}"])
def test_security_headers_on_every_response(nginx, path):
    status, headers, _ = fetch(nginx.port, path)
    assert status in (200, 301, 404)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, (path, name)
    assert "server" not in headers or headers["server"] == "nginx"  # server_tokens off: no version


def test_caching(nginx):
    assert fetch(nginx.port, f"/familie/{CSS}")[1]["cache-control"] == ASSET_CACHE_CONTROL
    assert fetch(nginx.port, "/familie/")[1]["cache-control"] == DEFAULT_CACHE_CONTROL
    assert fetch(nginx.port, "/familie/kalender/termine.ics")[1]["cache-control"] == DEFAULT_CACHE_CONTROL
    # a missing asset is answered by the 404 page, which must not be cached for a year
    assert fetch(nginx.port, "/familie/assets/fehlt.css")[1]["cache-control"] == DEFAULT_CACHE_CONTROL


def test_clean_url_redirects_are_relative(nginx):
    assert fetch(nginx.port, "/familie")[:2][0] == 301
    assert fetch(nginx.port, "/familie")[1]["location"] == "/familie/"
    status, headers, _ = fetch(nginx.port, "/familie/kalender?x=1")
    assert (status, headers["location"]) == (301, "/familie/kalender/?x=1")


def test_gzip(nginx):
    status, headers, body = fetch(nginx.port, "/familie/assets/gross.0123abcd.css", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body).startswith(b"a{color:#000}")
    assert "accept-encoding" in headers.get("vary", "").lower()


def _parity_paths(site: Path) -> list[tuple[str, str]]:
    paths = [
        "/familie/",
        "/familie",
        "/familie/index.html",
        "/familie/kalender/",
        "/familie/kalender",
        "/familie/kalender?a=b",
        "/familie//kalender/",
        "/familie/kalender/termine.ics",
        "/familie/sitemap.xml",
        "/familie/robots.txt",
        f"/familie/{CSS}",
        "/familie/gibt-es-nicht",
        "/familie/gibt-es-nicht/",
        "/familie/leer/",
        "/familie/leer",
        "/familie/.versteckt",
        "/familie/404.html",
        "/",
        "/familie%2F",
        "/familie/kalender/%74ermine.ics",
        "/familie/typen/unbekannt.xyz",
    ]
    paths += [f"/familie/typen/datei{ext}" for ext in CONTENT_TYPES]
    return [("GET", p) for p in paths] + [("HEAD", "/familie/"), ("HEAD", "/familie/nix"), ("POST", "/familie/")]


def test_static_server_behaves_like_nginx(nginx, site):
    """The browser tests' static server answers every probe like the real nginx:
    status, Content-Type, Location, Cache-Control, security headers, body."""
    mismatches = []
    with serve_static(site) as static:
        for method, path in _parity_paths(site):
            a = fetch(nginx.port, path, method)
            b = fetch(static.port, path, method)
            if a[0] != b[0]:
                mismatches.append(f"{method} {path}: status nginx={a[0]} static={b[0]}")
                continue
            if a[0] == 405:
                continue
            keys = ["location", "cache-control", *(k.lower() for k in SECURITY_HEADERS)]
            if a[0] != 301:
                keys.append("content-type")
            for key in keys:
                if a[1].get(key) != b[1].get(key):
                    mismatches.append(f"{method} {path}: {key} nginx={a[1].get(key)!r} static={b[1].get(key)!r}")
            if a[0] != 301 and a[2] != b[2]:
                mismatches.append(f"{method} {path}: bodies differ")
    assert not mismatches, "\n".join(mismatches)


def test_template_placeholders(tmp_path):
    text = render_site_conf(tmp_path, "127.0.0.1:8080")
    assert f"alias {tmp_path.resolve()}/;" in text and "listen 127.0.0.1:8080;" in text
    bad = tmp_path / "bad.conf"
    bad.write_text(NGINX_TEMPLATE.read_text() + "\nlocation /x { alias __OTHER__; }\n")
    with pytest.raises(ValueError, match="__OTHER__"):
        render_site_conf(tmp_path, "80", bad)


def test_resolve_unit(site):
    assert resolve(site, "/familie/", "/familie/kalender/").file == site / "kalender" / "index.html"
    assert resolve(site, "/familie/", "/familie/kalender").location == "/familie/kalender/"
    assert resolve(site, "/familie/", "/familie/../etc/passwd").status == 404
    assert resolve(site, "/familie/", "/familie/%2e%2e/%2e%2e/etc/passwd").status == 404
