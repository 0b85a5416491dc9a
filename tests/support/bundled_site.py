"""A small site whose search index comes in several bundles (search_bundles.py).

``bundled_project(target)`` is the minimal fixture plus one conference per entry of
``WORDS``, each word only in its conference's body (the lists and the home page show
titles and teasers), so a search for it finds exactly that page, and ``HOME_WORD``
only on the home page. Build it with
``FAMILIENSITE_SEARCH_BUNDLE_PAGES`` set to ``BUNDLE_PAGES``: 19 indexed pages
in bundles of 3.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_project

BUNDLE_PAGES = 3
WORDS = {
    "thema-1": "Wasserbüffel",
    "thema-2": "Zitronenfalter",
    "thema-3": "Sternschnuppe",
    "thema-4": "Leuchtturmwärter",
    "thema-5": "Pusteblume",
    "thema-6": "Feuersalamander",
    "thema-7": "Schneeeule",
    "thema-8": "Kastanienigel",
}
HOME_WORD = "Regenbogenbrücke"  # only in the home page's text (an overview: always in the primary bundle)
HOME = "---\ntitle: Aktiv werden\n---\nWillkommen in **Teststadt** an der {word}.\n"
CONFERENCE = """---
title: Familienkonferenz {title}
format: online
status: planned
teaser: Ein Thema im Gespräch.
---
Heute geht es um den {word} und um vieles mehr.
"""


def conference_file(slug: str, word: str) -> str:
    return CONFERENCE.format(title=slug.replace("-", " ").title(), word=word)


def bundled_project(target: Path) -> Path:
    files: dict[str, str | bytes | None] = {f"content/conferences/{slug}.md": conference_file(slug, word) for slug, word in WORDS.items()}
    files["content/home.md"] = HOME.format(word=HOME_WORD)
    return make_project(target, files=files)


def conference_output(slug: str) -> str:
    return f"familienkonferenzen/{slug}/index.html"
