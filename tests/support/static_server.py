"""A tiny threaded static HTTP server that serves a built site like nginx does.

Reusable by the browser tests and by the dev-server tests::

    from tests.support.static_server import serve_static

    with serve_static(tmp_path / "site", prefix="/familie/") as server:
        server.base_url            # "http://127.0.0.1:41234/familie/"
        server.url("kalender/")    # "http://127.0.0.1:41234/familie/kalender/"
        server.origin              # "http://127.0.0.1:41234"
        server.served              # [ServedRequest(method, path, status), …]

Behaviour (kept identical to ``deploy/nginx.conf``; ``tests/serving`` proves
the parity against a real nginx):

* Only ``127.0.0.1`` on a free port (port 0 = chosen by the kernel).
* The output folder is mounted under ``prefix`` (``/familie/``):
  ``/familie/x/`` → ``x/index.html``; ``/familie/`` → ``index.html``;
  ``/familie/x/file.css`` → ``x/file.css``.
* ``/familie/x`` where ``x`` is a folder → ``301`` to ``/familie/x/`` (query
  string kept, relative ``Location`` like nginx with ``absolute_redirect off``);
  ``/familie`` → ``301`` to ``/familie/``.
* Anything else (unknown file, folder without index.html, paths outside the
  prefix, dot-files, ``..``) → status ``404`` with the body of the site's own
  ``404.html`` (from the output root), like ``error_page 404 /familie/404.html``.
* ``GET`` and ``HEAD`` only (others: 405).
* Content types from :data:`CONTENT_TYPES` (``.ics`` → ``text/calendar``,
  ``.svg`` → ``image/svg+xml``, …), ``charset=utf-8`` on text types.
* Every response carries :data:`SECURITY_HEADERS` (CSP etc., pass
  ``headers={}`` to switch them off) and the same ``Cache-Control`` as nginx
  (:func:`cache_control_for`), so the browser tests run under the production
  Content-Security-Policy.
"""

from __future__ import annotations

import contextlib
import http.server
import posixpath
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self
from urllib.parse import unquote

#: Security headers sent on every response (2xx, 3xx and 404). Must be kept in
#: sync with ``deploy/nginx.conf`` – tests/serving asserts that they match.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
}

#: File extension → Content-Type, as ``deploy/nginx.conf`` declares them
#: (``types {…}`` + ``charset utf-8`` + ``charset_types``).
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

#: Cache-Control for hashed, immutable files under ``<prefix>assets/``.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"
#: Cache-Control for everything else (HTML, sitemap, .ics, 404 page …).
DEFAULT_CACHE_CONTROL = "public, max-age=300"


def content_type_for(path: str | Path) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), DEFAULT_CONTENT_TYPE)


def cache_control_for(url_path: str, prefix: str = "/familie/") -> str:
    """Cache-Control nginx sends for the (final, after error_page) URI."""
    return ASSET_CACHE_CONTROL if url_path.startswith(prefix + "assets/") else DEFAULT_CACHE_CONTROL


@dataclass(frozen=True)
class Resolution:
    """What the server does with a request path."""

    status: int  # 200, 301 or 404
    file: Path | None = None  # file to send for 200
    location: str | None = None  # for 301
    uri: str = ""  # the (decoded) URI that is finally served (404 → prefix + "404.html")


def resolve(root: Path, prefix: str, raw_path: str) -> Resolution:
    """Map a raw request target (path + optional query) to a :class:`Resolution`.

    Pure function, no I/O except ``stat`` – also usable by dev-server tests.
    """
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"prefix must start and end with '/': {prefix!r}")
    not_found = Resolution(404, uri=prefix + "404.html")
    path, _, query = raw_path.partition("?")
    path = path.split("#", 1)[0]
    decoded = unquote(path)
    if "\x00" in decoded or "\\" in decoded:
        return not_found
    if decoded == prefix.rstrip("/"):
        return Resolution(301, location=prefix + (f"?{query}" if query else ""), uri=decoded)
    if not decoded.startswith(prefix):
        return not_found
    rel = decoded[len(prefix) :]
    segments = rel.split("/")
    if any(seg == ".." or (seg.startswith(".") and seg != ".") for seg in segments):
        return not_found  # no traversal, no dot-files (nginx: location ~ /\. { return 404; })
    clean = [seg for seg in segments if seg not in ("", ".")]
    target = root.joinpath(*clean) if clean else root
    try:
        target.resolve().relative_to(root.resolve())
    except ValueError:  # symlink pointing outside the root
        return not_found
    if rel == "" or rel.endswith("/"):
        index = target / "index.html"
        if target.is_dir() and index.is_file():
            return Resolution(200, file=index, uri=decoded)
        return not_found
    if target.is_file():
        return Resolution(200, file=target, uri=decoded)
    if target.is_dir():
        location = posixpath.join(prefix, *clean) + "/"
        return Resolution(301, location=location + (f"?{query}" if query else ""), uri=decoded)
    return not_found


@dataclass(frozen=True)
class ServedRequest:
    method: str
    path: str
    status: int


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: faster page loads in the browser
    server_version = "familiensite-test"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end by themselves
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet; requests are recorded in StaticServer.served

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _method_not_allowed(self) -> None:
        self._send(405, b"405 Method Not Allowed\n", "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"}, send_body=True, uri="")

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _respond(self, *, send_body: bool) -> None:
        site = self.server.site
        res = resolve(site.root, site.prefix, self.path)
        if res.status == 200 and res.file is not None:
            body = res.file.read_bytes()
            self._send(200, body, content_type_for(res.file), send_body=send_body, uri=res.uri)
        elif res.status == 301:
            body = b"<html><body>301 Moved Permanently</body></html>\n"
            self._send(301, body, "text/html; charset=utf-8", extra={"Location": res.location or ""}, send_body=send_body, uri=res.uri)
        else:
            page_404 = site.root / "404.html"
            body = page_404.read_bytes() if page_404.is_file() else b"<!DOCTYPE html><title>404</title>404\n"
            self._send(404, body, "text/html; charset=utf-8", send_body=send_body, uri=res.uri)

    def _send(
        self, status: int, body: bytes, content_type: str, *, send_body: bool, uri: str, extra: Mapping[str, str] | None = None
    ) -> None:
        site = self.server.site
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if uri:
                self.send_header("Cache-Control", cache_control_for(uri, site.prefix))
            for name, value in {**site.headers, **(extra or {})}.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            site._record(ServedRequest(self.command, self.path, status))


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: StaticServer


class StaticServer:
    """Serve ``root`` under ``prefix`` on 127.0.0.1 in a background thread."""

    def __init__(
        self,
        root: Path | str,
        prefix: str = "/familie/",
        *,
        headers: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site folder does not exist: {self.root}")
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise ValueError(f"prefix must start and end with '/': {prefix!r}")
        self.prefix = prefix
        self.headers: dict[str, str] = dict(SECURITY_HEADERS if headers is None else headers)
        self._host, self._port = host, port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._served: list[ServedRequest] = []

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> Self:
        httpd = _Server((self._host, self._port), _Handler)
        httpd.site = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=f"static-server:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ---------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + self.prefix

    def url(self, path: str = "") -> str:
        """Absolute URL of a site path; accepts "x/", "/x/" or "/familie/x/"."""
        if path.startswith(self.prefix):
            return self.origin + path
        return self.base_url + path.lstrip("/")

    # -- request log -------------------------------------------------------
    def _record(self, entry: ServedRequest) -> None:
        with self._lock:
            self._served.append(entry)

    @property
    def served(self) -> list[ServedRequest]:
        with self._lock:
            return list(self._served)

    def clear_log(self) -> None:
        with self._lock:
            self._served.clear()


@contextlib.contextmanager
def serve_static(root: Path | str, prefix: str = "/familie/", **kwargs: object) -> Iterator[StaticServer]:
    """Context manager: start a :class:`StaticServer`, yield it, stop it."""
    server = StaticServer(root, prefix, **kwargs)  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()
