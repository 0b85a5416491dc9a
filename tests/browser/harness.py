"""Browser test helpers: Chromium launch, request recorder, CSP/console capture, axe-core.

Used through the fixtures in ``tests/browser/conftest.py`` (see its docstring for
the API); importable on its own for other test packages.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.env import NODE_MODULES, missing_tool

# ---------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------

DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: Flags for Debian's Chromium in a sandbox-less, network-less CI container.
#: The last one makes every host name except the loopback addresses fail to
#: resolve at once inside Chromium: a page that references another host gets a
#: recorded, failed request instead of a DNS lookup leaving the machine.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
)


def find_chromium() -> str | None:
    """Path of the Chromium binary (env CHROMIUM, else /usr/bin/chromium), or None."""
    candidate = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    resolved = shutil.which(candidate) if os.sep not in candidate else candidate
    if resolved and Path(resolved).is_file() and os.access(resolved, os.X_OK):
        return resolved
    return None


# ---------------------------------------------------------------------------
# axe-core
# ---------------------------------------------------------------------------

#: WCAG 2.1 level A + AA (what BITV 2.0 / EN 301 549 require).
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

AXE_PATH = NODE_MODULES / "axe-core" / "axe.min.js"


@cache
def _read_axe(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def axe_source(path: Path | None = None) -> str:
    """The text of axe.min.js (env AXE_CORE_JS overrides the path); skip/fail if missing."""
    path = Path(os.environ.get("AXE_CORE_JS") or path or AXE_PATH)
    if not path.is_file():
        missing_tool(f"axe-core not found at {path}", hint="run `npm ci --ignore-scripts` in the repository root")
    return _read_axe(str(path))


def axe_version(source: str) -> str:
    """'4.14.1' from the banner of axe.min.js."""
    first = source.lstrip()[:80]
    return first.split("axe v", 1)[1].split()[0] if "axe v" in first else "unknown"


@dataclass(frozen=True)
class AxeNode:
    target: str  # CSS selector; frames/shadow roots joined with " >>> "
    html: str
    failure_summary: str


@dataclass(frozen=True)
class AxeViolation:
    id: str  # rule id, e.g. "image-alt"
    impact: str | None  # "minor" | "moderate" | "serious" | "critical"
    help: str
    help_url: str
    tags: tuple[str, ...]
    nodes: tuple[AxeNode, ...]

    @property
    def targets(self) -> list[str]:
        return [n.target for n in self.nodes]

    def __str__(self) -> str:
        lines = [f"[{self.impact or '-'}] {self.id}: {self.help} ({self.help_url})"]
        for node in self.nodes:
            lines.append(f"    at {node.target}: {node.html[:160]}")
            summary = " ".join(node.failure_summary.split())
            if summary:
                lines.append(f"       {summary[:300]}")
        return "\n".join(lines)


_AXE_RUN_JS = """
async ([tags, context, disableRules]) => {
  const rules = {};
  for (const id of disableRules) rules[id] = { enabled: false };
  const result = await axe.run(context || document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
    rules,
  });
  const flat = (t) => Array.isArray(t) ? t.map(flat).join(' >>> ') : String(t);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map(n => ({ target: n.target.map(flat).join(' >>> '), html: n.html,
                               failureSummary: n.failureSummary || '' })),
  }));
}
"""


def run_axe(
    page, *, tags: Sequence[str] = WCAG_TAGS, context: str | None = None, disable_rules: Iterable[str] = (), source: str | None = None
) -> list[AxeViolation]:
    """Inject axe-core into ``page`` (if not yet there) and return its violations.

    Injection uses ``page.evaluate`` (CDP), so it works under the site's strict
    CSP (``script-src 'self'``) without weakening it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source or axe_source())
    raw = page.evaluate(_AXE_RUN_JS, [list(tags), context, list(disable_rules)])
    return [
        AxeViolation(
            id=v["id"],
            impact=v.get("impact"),
            help=v["help"],
            help_url=v["helpUrl"],
            tags=tuple(v["tags"]),
            nodes=tuple(AxeNode(n["target"], n["html"], n["failureSummary"]) for n in v["nodes"]),
        )
        for v in raw
    ]


def format_axe(violations: Sequence[AxeViolation], url: str = "") -> str:
    head = f"{len(violations)} axe-core violation(s)" + (f" on {url}" if url else "")
    return head + ":\n" + "\n".join(str(v) for v in violations)


# ---------------------------------------------------------------------------
# Requests, CSP violations, console errors
# ---------------------------------------------------------------------------

#: Schemes that never touch the network.
LOCAL_SCHEMES = ("data", "blob", "about")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class RecordedRequest:
    url: str
    method: str
    resource_type: str
    status: int | None = None  # HTTP status, None while pending / when failed
    failure: str | None = None  # e.g. "net::ERR_NAME_NOT_RESOLVED", "csp"

    def __str__(self) -> str:
        outcome = self.failure or (str(self.status) if self.status is not None else "pending")
        return f"{self.method} {self.url} [{self.resource_type}] → {outcome}"


@dataclass
class CspViolation:
    directive: str
    blocked: str  # blocked URL or "inline" / "eval"
    source: str  # document/script where it happened
    line: int | None = None
    sample: str = ""

    def __str__(self) -> str:
        where = f" ({self.source}:{self.line})" if self.line else f" ({self.source})"
        sample = f" sample={self.sample!r}" if self.sample else ""
        return f"{self.directive} blocked {self.blocked}{where}{sample}"


_CSP_LISTENER_JS = """
document.addEventListener('securitypolicyviolation', (e) => {
  try {
    window.__harnessCsp(JSON.stringify({
      directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI,
      source: e.sourceFile || e.documentURI, line: e.lineNumber || null, sample: e.sample || '',
    }));
  } catch (_) {}
}, true);
"""

#: Console errors that are no fault of the page: the browser's own probe for
#: /favicon.ico at the origin root (outside the site's prefix; a page can avoid
#: it with <link rel="icon">).
IGNORED_CONSOLE_URL_SUFFIXES = ("/favicon.ico",)


class RequestRecorder:
    """Records every request made in a browser context (pages, frames, workers).

    ``page.on("request")`` semantics, attached to the context so that iframes and
    popups are covered as well. CSP-blocked loads are recorded too (failure
    "csp"). :meth:`reset` starts a new, empty record (used between pages of a
    reused tab); late events of requests from before the reset are ignored.
    """

    def __init__(self, context) -> None:
        self.requests: list[RecordedRequest] = []
        self._by_obj: dict[int, RecordedRequest] = {}
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_failed)

    def reset(self) -> list[RecordedRequest]:
        self.requests = []
        self._by_obj = {}
        return self.requests

    def _on_request(self, request) -> None:
        rec = RecordedRequest(request.url, request.method, request.resource_type)
        self._by_obj[id(request)] = rec
        self.requests.append(rec)

    def _on_response(self, response) -> None:
        rec = self._by_obj.get(id(response.request))
        if rec is not None:
            rec.status = response.status

    def _on_failed(self, request) -> None:
        rec = self._by_obj.get(id(request))
        if rec is not None:
            rec.failure = request.failure or "failed"

    def foreign(self, origin: str) -> list[RecordedRequest]:
        return foreign_requests(self.requests, origin)

    def broken(self, origin: str) -> list[RecordedRequest]:
        return broken_requests(self.requests, origin)

    def assert_only_origin(self, origin: str) -> None:
        assert_only_origin(self.requests, origin)


def foreign_requests(requests: Sequence[RecordedRequest], origin: str) -> list[RecordedRequest]:
    """Requests that left ``origin`` (data:/blob:/about: are not requests)."""
    return [r for r in requests if urlsplit(r.url).scheme not in LOCAL_SCHEMES and origin_of(r.url) != origin]


def broken_requests(requests: Sequence[RecordedRequest], origin: str) -> list[RecordedRequest]:
    """Same-origin requests that failed or got a status >= 400."""
    return [r for r in requests if origin_of(r.url) == origin and (r.failure or (r.status is not None and r.status >= 400))]


def assert_only_origin(requests: Sequence[RecordedRequest], origin: str) -> None:
    foreign = foreign_requests(requests, origin)
    if foreign:
        raise AssertionError(f"{len(foreign)} request(s) to other origins than {origin}:\n" + "\n".join(f"  {r}" for r in foreign))


@dataclass
class CheckedPage:
    """One page load in a :class:`BrowserTab`, with everything recorded for it.

    Valid until the tab opens the next URL (``.page`` is the tab's page).
    """

    page: object  # playwright.sync_api.Page
    url: str
    origin: str
    status: int | None = None
    requests: list[RecordedRequest] = field(default_factory=list)
    csp_violations: list[CspViolation] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def _flush(self) -> None:
        self.page.evaluate("() => 0")  # round trip: deliver pending console/CSP events

    # -- requests --
    def foreign_requests(self) -> list[RecordedRequest]:
        return foreign_requests(self.requests, self.origin)

    def broken_requests(self) -> list[RecordedRequest]:
        """Same-origin requests (incl. the page itself) that failed or returned >= 400."""
        return broken_requests(self.requests, self.origin)

    def assert_same_origin(self) -> None:
        assert_only_origin(self.requests, self.origin)

    # -- accessibility --
    def axe(self, **kwargs) -> list[AxeViolation]:
        return run_axe(self.page, **kwargs)

    def assert_accessible(self, **kwargs) -> None:
        violations = self.axe(**kwargs)
        if violations:
            raise AssertionError(format_axe(violations, self.url))

    # -- everything --
    def problems(self, *, axe: bool = True, expect_status: int | None = 200) -> list[str]:
        """All findings as readable lines; empty list = page is clean."""
        self._flush()
        out: list[str] = []
        if expect_status is not None and self.status != expect_status:
            out.append(f"status {self.status}, expected {expect_status}")
        out += [f"foreign request: {r}" for r in self.foreign_requests()]
        out += [f"broken request: {r}" for r in self.broken_requests() if not (r.url == self.url and r.status == expect_status)]
        out += [f"CSP violation: {v}" for v in self.csp_violations]
        # "Failed to load resource …" and CSP console lines repeat what the
        # request recorder / CSP listener already reported above.
        out += [
            f"console error: {m}"
            for m in self.console_errors
            if not m.startswith("Failed to load resource") and "Content Security Policy" not in m
        ]
        out += [f"page error: {m}" for m in self.page_errors]
        if axe:
            out += [f"axe: {v}" for v in self.axe()]
        return out

    def assert_clean(self, **kwargs) -> None:
        """Same-origin only, no broken requests, no CSP/console/JS errors, no axe violations."""
        problems = self.problems(**kwargs)
        if problems:
            raise AssertionError(f"{len(problems)} problem(s) on {self.url}:\n" + "\n".join(problems))


DEFAULT_CONTEXT_OPTIONS = {"locale": "de-DE", "timezone_id": "Europe/Berlin", "service_workers": "block"}


class BrowserTab:
    """One browser context with one page, reused for many page loads.

    Recorders (requests, CSP violations, console errors, JS errors) are
    attached once, before any navigation; :meth:`open` starts a fresh record
    for each URL. axe-core is injected only when ``CheckedPage.axe()`` is
    called (measured: registering it as an init script instead is no faster
    per page and makes every new tab ~0.6 s slower).
    """

    def __init__(self, browser, *, context_options: dict | None = None) -> None:
        self.context = browser.new_context(**{**DEFAULT_CONTEXT_OPTIONS, **(context_options or {})})
        self._current: CheckedPage | None = None
        self.recorder = RequestRecorder(self.context)
        self.context.expose_function("__harnessCsp", self._on_csp)
        self.context.add_init_script(_CSP_LISTENER_JS)
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_pageerror)

    def _on_csp(self, payload: str) -> None:
        if self._current is None:
            return
        data = json.loads(payload)
        self._current.csp_violations.append(
            CspViolation(
                data.get("directive") or "", data.get("blocked") or "", data.get("source") or "", data.get("line"), data.get("sample") or ""
            )
        )

    def _on_console(self, msg) -> None:
        if self._current is None or msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if where.endswith(IGNORED_CONSOLE_URL_SUFFIXES):
            return
        self._current.console_errors.append(f"{msg.text} ({where})" if where else msg.text)

    def _on_pageerror(self, exc) -> None:
        if self._current is not None:
            self._current.page_errors.append(str(exc))

    def open(self, url: str, *, origin: str | None = None, wait_until: str = "load", timeout: float = 30_000) -> CheckedPage:
        """Navigate to ``url`` and return its :class:`CheckedPage`."""
        if self._current is not None:
            self._current = None  # events of the previous page go nowhere
            self.page.goto("about:blank")
        checked = CheckedPage(page=self.page, url=url, origin=origin or origin_of(url))
        checked.requests = self.recorder.reset()
        self._current = checked
        response = self.page.goto(url, wait_until=wait_until, timeout=timeout)
        checked.status = response.status if response is not None else None
        return checked

    def close(self) -> None:
        self._current = None
        self.context.close()
