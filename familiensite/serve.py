"""``python build.py serve``: the editors' live preview.

A thin shell around preview.PreviewBuilder (the same pipeline as ``build``):

* serves the preview folder on 127.0.0.1 under the site's own base path
  (``/familie/``), answering like deploy/nginx.conf does (folder → index.html,
  folder without "/" → 301, anything else → 404 with the site's 404 page);
* watches content/ and templates/ (site settings, content assets, stylesheet
  included; watch.py: file system events, polling where there are none), rebuilds
  the pages once per burst of saves, loading only the files that changed, and only
  then tells the browser to reload, through the livereload package's websocket and
  livereload.js; calendars, downloads, the search index and the link check follow in
  a background thread (``RestRunner``), so the edited page never waits for them;
* while the content has errors, answers every address with the German error page
  (status 500: the preview cannot show the site) and prints the same problems in
  the terminal; the next good save brings the site back. Nothing in the content or
  the templates stops the server.

Why not ``livereload.Server.watch``: its watcher runs tasks on the server's event
loop once per 0.8 s poll, and it drops a reload that comes less than 3 s after the
previous one (``LiveReloadHandler.DEFAULT_RELOAD_TIME``), so the second of two
quick saves would never reach the browser. Here a thread (watch.Watcher) waits
for the burst of saves to end (``Debounce``), rebuilds, and then calls livereload's
``LiveReloadHandler.reload_waiters`` on the event loop. The HTTP side, the
websocket protocol, the injected script and livereload.js are livereload's.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

import livereload.watcher  # type: ignore[import-untyped]  # livereload ships no type hints
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler  # type: ignore[import-untyped]
from livereload.server import LiveScriptInjector  # type: ignore[import-untyped]
from tornado import httpserver, netutil, web

from . import messages as m
from .preview import PendingRest, PreviewBuilder, RebuildReport, RestOutcome, render_error_page
from .problems import Problem
from .report import format_text
from .watch import Snapshot, Watcher, snapshot, watched_roots
from .write import LockedError, output_lock

SWITCH_INTERVAL_SECONDS = 0.001
PREVIEW_FOLDER = Path(".cache") / "preview"

# livereload.Server's snippet: loads livereload.js from this server, which opens the websocket.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b"var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)

CONTENT_TYPES = {  # as deploy/nginx.conf declares them
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/x-icon", ".pdf": "application/pdf", ".woff2": "font/woff2",
}


# --- shared state -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServedState:
    """What the HTTP side serves right now (replaced as a whole after each rebuild)."""

    base_path: str | None
    error: tuple[str, bytes] | None  # (content type, body) while the content has errors


class Preview:
    """The builder, its folder and the state the HTTP handlers read."""

    def __init__(self, project: Path, today: date | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> None:
        self.project = project
        self.folder = project / PREVIEW_FOLDER
        self.builder = PreviewBuilder(project, self.folder, today)
        self.state = ServedState(None, ("text/plain; charset=utf-8", b""))
        self.out, self.err = out, err
        self.rebuilds = 0

    def rebuild(self) -> bool:
        """Rebuild all of it, update what is served, tell the terminal; True when the browser should reload."""
        return self._apply(self.builder.rebuild())

    def rebuild_pages(self, changed: Collection[str] | None = None) -> bool:
        """The pages first (what the browser shows); ``finish_rest`` applies the rest, computed in a ``RestRunner``.

        ``changed``: the paths the watcher reported changed since the last rebuild (None: unknown).
        """
        return self._apply(self.builder.rebuild_pages(changed))

    def quick_rebuild(self, changed: Collection[str]) -> bool:
        """The pages of a text-only save, written before ``rebuild_pages`` (quick_edit.py); True when the browser should reload."""
        if self.state.error is not None:  # the error page is served: only a full rebuild can bring the site back
            return False
        started = time.perf_counter()
        written = self.builder.quick_rebuild(changed)
        if written:
            seconds = f"{time.perf_counter() - started:.3f}".replace(".", ",")
            print(m.text("preview_quick", seconds=seconds, pages=", ".join(written)), file=self.err, flush=True)
        return bool(written)

    def finish_rest(self, job: PendingRest, outcome: RestOutcome) -> bool:
        """Apply a second half computed in the background; True only when that changes what the
        browser shows (a broken link found, or the error page gone)."""
        report = self.builder.apply_rest(job, outcome)
        if report is None:  # a newer save's pages are written: its own second half follows
            return False
        if report.ok and self.state.error is None:
            self._tell_completed(report)
            return False
        return self._apply(report)

    def _apply(self, report: RebuildReport) -> bool:
        self.rebuilds += 1
        before = self.state
        if report.ok:
            self.state = ServedState(report.base_path, None)
        else:
            self.state = ServedState(report.base_path, render_error_page(self.project, report.problems))
        self._tell(report, before)
        if report.ok:
            return before.error is not None or not report.changes.empty
        return before.error != self.state.error

    def _tell_completed(self, report: RebuildReport) -> None:
        warnings: list[Problem] = [p for p in report.problems if not p.is_error]
        if warnings:
            print(format_text(warnings), file=self.err)
        seconds = f"{report.seconds:.2f}".replace(".", ",")
        print(m.text("preview_completed", seconds=seconds, written=len(report.changes.write), deleted=len(report.changes.delete)),
              file=self.err, flush=True)

    def _tell(self, report: RebuildReport, before: ServedState) -> None:
        if report.crashed:
            print(report.crashed, file=self.err, flush=True)
        if not report.ok:
            print(format_text(report.problems), file=self.err)
            print(m.text("preview_broken"), file=self.err, flush=True)
            return
        warnings: list[Problem] = [p for p in report.problems if not p.is_error]
        if warnings:
            print(format_text(warnings), file=self.err)
        if before.error is not None and self.rebuilds > 1:
            print(m.text("preview_recovered"), file=self.err)
        seconds = f"{report.seconds:.2f}".replace(".", ",")
        print(m.text("preview_built", seconds=seconds, pages=len(report.rendered), written=len(report.changes.write),
                     deleted=len(report.changes.delete)), file=self.err, flush=True)


# --- HTTP ---------------------------------------------------------------------------------------


def resolve(folder: Path, base: str, path: str) -> tuple[int, Path | str | None]:
    """(status, file or redirect target) for a request path, the way deploy/nginx.conf answers."""
    decoded = unquote(path.split("?", 1)[0])
    if "\0" in decoded or "\\" in decoded:
        return 404, None
    if decoded in ("/", base.rstrip("/")) and decoded != base:
        return 301, base
    if not decoded.startswith(base):
        return 404, None
    relative = decoded[len(base):]
    parts = relative.split("/")
    if any(part == ".." or part.startswith(".") for part in parts if part):
        return 404, None
    target = folder.joinpath(*[p for p in parts if p])
    if relative == "" or relative.endswith("/"):
        index = target / "index.html"
        return (200, index) if index.is_file() else (404, None)
    if target.is_file():
        return 200, target
    if target.is_dir():
        return 301, decoded + "/"
    return 404, None


class SiteHandler(web.RequestHandler):
    preview: Preview

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def get(self) -> None:
        self._answer(include_body=True)

    def head(self) -> None:
        self._answer(include_body=False)

    def _answer(self, include_body: bool) -> None:
        state = self.preview.state
        if state.error is not None or state.base_path is None:
            content_type, body = state.error or ("text/plain; charset=utf-8", b"")
            self._send(500, content_type, body, include_body)
            return
        status, target = resolve(self.preview.folder, state.base_path, self.request.path)
        if status == 301:
            self.redirect(str(target), permanent=True)
            return
        if status == 200 and isinstance(target, Path):
            try:
                self._send(200, CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream"), target.read_bytes(), include_body)
                return
            except OSError:  # replaced or deleted by a rebuild just now
                pass
        not_found = self.preview.folder / "404.html"
        body = not_found.read_bytes() if not_found.is_file() else b""
        self._send(404, "text/html; charset=utf-8", body, include_body)

    def _send(self, status: int, content_type: str, body: bytes, include_body: bool) -> None:
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        if include_body:
            self.write(body)
        else:
            self.set_header("Content-Length", str(len(body)))


class _Injector(LiveScriptInjector):  # type: ignore[misc]
    script = LIVE_SCRIPT


def make_app(preview: Preview) -> web.Application:
    LiveReloadHandler.watcher = livereload.watcher.Watcher()  # only read for its log line
    LiveReloadHandler.live_css = False  # the stylesheet's name changes with its content: reload the page
    return web.Application(
        [(r"/livereload", LiveReloadHandler), (r"/livereload\.js", LiveReloadJSHandler), (r"/.*", SiteHandler, {"preview": preview})],
        transforms=[_Injector],
        log_function=lambda handler: None,  # no access log: the terminal is for the editors' problems
    )


# --- the command --------------------------------------------------------------------------------


def serve(project: Path, port: int = 8000, today: date | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the preview until Ctrl+C or SIGTERM; the exit code for the command line."""
    for name in ("livereload", "tornado.access", "tornado.application", "tornado.general"):
        logging.getLogger(name).setLevel(logging.ERROR)
    preview = Preview(project, today, out, err)
    # The rebuilds run in threads beside the HTTP server, and one thread at a time runs Python: hand
    # over every millisecond instead of every 5, so a page request never waits long behind a rebuild.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    try:
        with output_lock(preview.folder):
            baseline = snapshot(watched_roots(project))  # saves during the first build are found by the watcher's first audit
            preview.rebuild()
            try:
                sockets = netutil.bind_sockets(port, "127.0.0.1")
            except OSError as error:
                detail = os.strerror(error.errno) if error.errno else str(error)
                print(f"{m.text('preview_port_busy', port=port, detail=detail)}\n    Hinweis: {m.hint('preview_port_busy')}", file=err)
                return 1
            try:
                return asyncio.run(_run(preview, sockets, baseline))
            except KeyboardInterrupt:
                print(m.text("preview_stopped"), file=err, flush=True)
                return 0
    except LockedError as error:
        print(f"{m.text('preview_locked', path=preview.folder, pid=error.holder)}\n    Hinweis: {m.hint('preview_locked')}", file=err)
        return 1


async def _run(preview: Preview, sockets: list[Any], baseline: Snapshot) -> int:
    loop = asyncio.get_running_loop()
    server = httpserver.HTTPServer(make_app(preview))
    server.add_sockets(sockets)
    actual = sockets[0].getsockname()[1]
    print(m.text("preview_folder", path=preview.folder), file=preview.err, flush=True)
    print(m.text("preview_ready", url=f"http://127.0.0.1:{actual}{preview.state.base_path or '/'}"), file=preview.out, flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C arrives as KeyboardInterrupt instead
            pass
    watcher = Watcher(preview, lambda: loop.call_soon_threadsafe(LiveReloadHandler.reload_waiters, "*"), baseline)
    watcher.start()
    try:
        await stop.wait()
    finally:
        watcher.stopping.set()
        server.stop()
        watcher.join(timeout=5)
    print(m.text("preview_stopped"), file=preview.err, flush=True)
    return 0
