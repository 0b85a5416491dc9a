"""Link check of the rendered site: every internal link, image and #fragment must resolve.

Runs on the outputs before anything is published (a large build's pages are read
back from its spill folder, spill.py). External links are
collected (``external_links``) but never fetched.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from . import messages as m
from .problems import Problem
from .render import Output
from .sitemodel import SiteModel
from .spill import output_bytes

_LINK = re.compile(rb'\s(?:href|src)="([^"]*)"')  # on the bytes: pages are not decoded whole
_ID = re.compile(r'\sid="([^"]*)"')


def _target(path: str, base: str) -> str | None:
    """The output file a root-relative URL path resolves to, as a static host would."""
    if not path.startswith(base):
        return None
    inner = unquote(path[len(base):])
    if inner == "" or inner.endswith("/"):
        return inner + "index.html"
    return inner


def _links(html: bytes) -> list[str]:
    return [href.decode("utf-8").replace("&amp;", "&") for href in _LINK.findall(html)]

# What an href means, the same on every page: (target output or None, fragment, external?).
# Most links (navigation, footer, lists) repeat on every page, so each distinct href is split once.
_Resolved = tuple[str | None, str, bool]


def _resolve(href: str, base: str) -> _Resolved:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, "", True  # external (http, https, mailto, tel): listed, never fetched
    if parts.path == "" and parts.fragment:
        return "", parts.fragment, False  # "" = this page
    if parts.path.startswith("/"):
        return _target(parts.path, base), parts.fragment, False
    return None, parts.fragment, False


def check_links(outputs: dict[str, Output], model: SiteModel) -> list[Problem]:
    base = model.site.base_path
    pages = {spec.output: spec for spec in model.pages}
    ids: dict[str, set[str]] = {}
    resolved: dict[str, _Resolved] = {}
    problems: list[Problem] = []
    for output, data in sorted(outputs.items()):
        html = output_bytes(data) if output.endswith(".html") else None
        if html is None:
            continue
        spec = pages.get(output)
        source = spec.source if spec and spec.source else "templates/"
        page_url = spec.url if spec else base + output
        for href in _links(html):
            known = resolved.get(href)
            if known is None:
                known = resolved[href] = _resolve(href, base)
            target, fragment, external = known
            if external:
                continue
            if target == "":
                target = output
            if target is None or target not in outputs:
                problems.append(Problem(source, 0, 0, "", m.text("link_broken", href=href, page=page_url), m.hint("link_broken")))
                continue
            if fragment:
                if target not in ids:
                    target_html = output_bytes(outputs[target])
                    ids[target] = set(_ID.findall(target_html.decode("utf-8"))) if target_html is not None else set()
                if unquote(fragment) not in ids[target]:
                    problems.append(
                        Problem(source, 0, 0, "", m.text("fragment_broken", href=href, page=page_url, fragment=fragment), m.hint("link_broken"))
                    )
    return problems


def external_links(outputs: dict[str, Output]) -> dict[str, list[str]]:
    """Every external http(s) link and the pages that carry it (for `build.py links`)."""
    found: dict[str, set[str]] = {}
    for output, data in outputs.items():
        html = output_bytes(data) if output.endswith(".html") else None
        if html is not None:
            for href in _links(html):
                if urlsplit(href).scheme in ("http", "https"):
                    found.setdefault(href, set()).add(output)
    return {href: sorted(pages) for href, pages in sorted(found.items())}
