"""The preview's quick path: a save that changed only the text of conferences or results.

The text (Markdown body) of a conference or a result shows on its own page and nowhere else
among the pages: the lists and the home page show cards (sitemodel.ConferenceCard), the
sitemap shows URLs, the JSON-LD shows title, teaser and dates. So when every file of a
burst of saves is such a file and only its text changed, the dev server renders just those
pages from the last site model with the new text, writes them and reloads the browser
(a few milliseconds at any size); the full rebuild follows once saves pause (watch.py). That
rebuild renders the same page from scratch, finds it equal and writes no page
(tests/test_quick_edit.py holds the quick page against a fresh full build, byte for byte).

Everything else goes the full way only: a changed front matter (the record differs), a new,
deleted or renamed file, a template or the site settings, and a file with any problem or
warning (the full rebuild reports it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from .load import file_stem, parse_document
from .model import Conference, Result
from .sitemodel import ConferenceView, PageSpec, ResultView, SiteModel
from .validate import Content, Entry, validate_record

ITEM_PAGES: dict[str, tuple[str, type[BaseModel]]] = {"conference.html": ("conference", Conference), "result.html": ("result", Result)}


@dataclasses.dataclass(frozen=True, slots=True)
class TextEdit:
    """One page whose text changed: its spec as last rendered and the new Markdown text."""

    spec: PageSpec
    body: str


def text_edits(content: Content, model: SiteModel, files: Mapping[str, bytes]) -> list[TextEdit] | None:
    """The pages to re-render for ``files`` (content path → new bytes), or None when the quick path does not apply.

    ``content`` and ``model``: those of the last rebuild whose pages are in the preview folder.
    """
    entries: dict[str, Entry[Any]] = {entry.source: entry for entry in content.conferences}
    entries.update((entry.source, entry) for entry in content.results)
    wanted = set(files)
    specs = {spec.source: spec for spec in model.pages if spec.source in wanted and spec.template in ITEM_PAGES}
    edits: list[TextEdit] = []
    for path, raw in sorted(files.items()):
        entry, spec = entries.get(path), specs.get(path)
        if entry is None or spec is None:
            return None
        document, problems = parse_document(raw, path, file_stem(path.rsplit("/", 1)[-1]), markdown=True)
        if problems or document is None:
            return None
        record, _, problems = validate_record(document, ITEM_PAGES[spec.template][1])
        if problems or record != entry.meta:
            return None
        if document.body != entry.body:
            edits.append(TextEdit(spec, document.body))
    return edits


def edited_spec(edit: TextEdit, render_markdown: Callable[[str], str]) -> PageSpec:
    """The page's spec with the new text: what the full rebuild's site model makes of the same file."""
    name, _ = ITEM_PAGES[edit.spec.template]
    view = edit.spec.records[name]
    html = render_markdown(edit.body)
    if isinstance(view, ConferenceView):
        view = dataclasses.replace(view, description_html=html)
    elif isinstance(view, ResultView):
        view = dataclasses.replace(view, body_html=html)
    return dataclasses.replace(edit.spec, records={name: view})
