"""Which files from content/ may be published as they are (images and documents), and which never.

Every file in content/ that is not a content file is copied to the site unchanged
and served from the site's own origin. The Content-Security-Policy allows scripts
from that origin (``script-src 'self'``), so an editor who could publish
``x.html`` with ``<script src="x.js">`` beside it would run code on the site.
Hence an allow-list of file types, names that are safe on every file system and in
every URL, and SVG images (XML that browsers run scripts in when opened directly)
without active content. See docs/security.md.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from . import messages as m
from .problems import Problem

IMAGE_EXTENSIONS = ("avif", "gif", "jpeg", "jpg", "png", "svg", "webp")
DOCUMENT_EXTENSIONS = ("csv", "doc", "docx", "epub", "mp3", "mp4", "odp", "ods", "odt", "pdf", "ppt", "pptx", "rtf", "txt", "webm", "xls", "xlsx", "zip")
ASSET_EXTENSIONS = frozenset(IMAGE_EXTENSIONS + DOCUMENT_EXTENSIONS)

_UNSAFE_NAME = re.compile(r'[\\:*?"<>|]')
# Case-insensitive on purpose (stricter than XML): script elements with any namespace prefix,
# elements that embed other documents, event-handler attributes, script URLs, entity declarations.
_SVG_ACTIVE = (
    (re.compile(rb"<\s*([\w.-]+:)?script\b", re.IGNORECASE), "<script>"),
    (re.compile(rb"<\s*([\w.-]+:)?(foreignObject|iframe|embed|object|handler|listener)\b", re.IGNORECASE), "eingebettete Inhalte"),
    (re.compile(rb"[\s\"'/]on[a-z]+\s*=", re.IGNORECASE), "Ereignis-Attribut „on…“"),
    (re.compile(rb"(java|vb)script\s*:|data\s*:\s*text/html", re.IGNORECASE), "Skript-Link"),
    (re.compile(rb"<!ENTITY", re.IGNORECASE), "Entity-Deklaration"),
)


def asset_problem(path: Path, rel: str, inner: str) -> Problem | None:
    """Why the asset at ``path`` (``rel`` to the project, ``inner`` to content/) may not be published, or None."""
    name = inner.rsplit("/", 1)[-1]
    if _UNSAFE_NAME.search(inner) or any(unicodedata.category(c).startswith("C") for c in inner) or inner.startswith("-"):
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)  # "zeile\\nzwei.png", on one line
        return Problem(rel, 0, 0, "", m.text("asset_name_invalid", name=shown), m.hint("asset_name_invalid"))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ASSET_EXTENSIONS:
        allowed = ", ".join(sorted(ASSET_EXTENSIONS))
        shown = f".{extension}" if extension else "(keine)"
        return Problem(rel, 0, 0, "", m.text("asset_type_forbidden", extension=shown), m.hint("asset_type_forbidden", allowed=allowed))
    if extension == "svg":
        data = path.read_bytes()
        for pattern, what in _SVG_ACTIVE:
            found = pattern.search(data)
            if found:
                line = data.count(b"\n", 0, found.start()) + 1
                column = found.start() - (data.rfind(b"\n", 0, found.start()) + 1) + 1
                return Problem(rel, line, column, "", m.text("svg_active_content", what=what), m.hint("svg_active_content"))
    return None
