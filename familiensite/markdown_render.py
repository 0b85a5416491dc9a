"""Markdown to safe HTML: Python-Markdown, then the nh3 sanitiser.

nh3 (Rust's ammonia) is a maintained allow-list sanitiser: whatever raw HTML an
editor writes, only the tags and attributes below survive, and links keep only
http(s), mailto and tel schemes (no javascript:, data: or vbscript:).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .slugs import slugify

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "abbr", "sub", "sup", "dl", "dt", "dd",
    "address",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}, "td": set(), "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


class _SiteLinks(Treeprocessor):
    """Headings one level down (the page title is the only h1); "/x/" links under the base path."""

    def __init__(self, md: markdown.Markdown, base_path: str) -> None:
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        self._outline(root)
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if href.startswith("/") and not href.startswith("//"):
                    element.set("href", self.base_path + href[1:])
            elif element.tag == "th":
                element.set("scope", "col")
            elif element.tag == "p" and _is_postal_address(element):
                element.tag = "address"


    @staticmethod
    def _outline(root: etree.Element) -> None:
        """Headings without gaps below the page's h1: the body's top level becomes h2.

        Editors may start with "#" or "##"; either way the outline stays h1 → h2 → h3,
        and a jump such as "##" to "####" is closed up (screen-reader users navigate by it).
        """
        open_levels: list[int] = []  # the editor's levels of the headings that enclose this one
        for element in root.iter():
            if element.tag not in ("h1", "h2", "h3", "h4", "h5", "h6"):
                continue
            level = int(element.tag[1])
            while open_levels and open_levels[-1] >= level:
                open_levels.pop()
            element.tag = f"h{min(2 + len(open_levels), 6)}"
            open_levels.append(level)


_POSTAL_CODE_LINE = re.compile(r"\d{5} [^\W\d][^\s.!?,;:]*(?: [^\s.!?,;:]+){0,3}")  # "30159 Hannover", "60316 Frankfurt am Main"


def _is_postal_address(paragraph: etree.Element) -> bool:
    """A paragraph of lines ending in "30159 Hannover" is an address (editors write one line per
    hard break); it becomes <address>, as the templates mark theirs."""
    breaks = [child for child in paragraph if child.tag == "br"]
    return bool(breaks) and breaks[-1] is paragraph[-1] and bool(_POSTAL_CODE_LINE.fullmatch((breaks[-1].tail or "").strip()))


class _SiteExtension(Extension):
    def __init__(self, base_path: str) -> None:
        super().__init__()
        self.base_path = base_path

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_SiteLinks(md, self.base_path), "familiensite_links", 5)


def _heading_id(value: str, separator: str) -> str:
    return slugify(value) or "abschnitt"


class MarkdownRenderer:
    """One reusable converter per build (creating Python-Markdown instances is costly)."""

    def __init__(self, base_path: str) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "toc", _SiteExtension(base_path)],
            extension_configs={"toc": {"slugify": _heading_id, "toc_depth": "2-6"}},
            output_format="html",
        )

    def render(self, text: str) -> str:
        html = self._md.reset().convert(text)
        return sanitise(html)


@functools.cache
def _renderer(base_path: str) -> MarkdownRenderer:
    return MarkdownRenderer(base_path)


def render_markdown(base_path: str, text: str) -> str:
    """``MarkdownRenderer(base_path).render(text)`` with one renderer per process and base path.

    In this form (a module-level function) the step can be sent to the workers that a
    large build forks before it loads the content (parallel.early_workers).
    """
    return _renderer(base_path).render(text)


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in HTML; pasted in by accident


def sanitise(html: str) -> str:
    return nh3.clean(
        _CONTROL_CHARACTERS.sub("", html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
