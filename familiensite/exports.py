"""The machine-readable outputs beside the pages: calendars, the feed, the open data.

Pure like render.py: the validated content and the site model in, output path → bytes out
(or, for a large build, the files they were spilled to: spill.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from .cache import cache_folder, template_cache
from .feed import render_feed
from .opendata import render_open_data
from .sitemodel import SiteModel
from .spill import Put, Spillable, in_memory
from .templating import make_environment
from .validate import Content


def render_exports(
    content: Content, model: SiteModel, templates: Path, today: date, stamp: datetime, put: Put = in_memory,
) -> dict[str, Spillable]:
    """termine.ics (and one per conference with dates), feed.atom, daten/*.json and daten/*.csv.

    ``put``: what becomes of each file as soon as it is made (a large build spills it, spill.py,
    so that the exports never are in memory all at once).
    """
    from .calendar_export import render_calendars  # here: icalendar (50 ms) is imported while Pagefind indexes (pipeline.complete_outputs)

    # templates is the project's templates/ (pipeline.py): calendars and compiled templates are kept in its cache folder
    outputs = render_calendars(model, today, stamp, cache_folder(templates.parent), put)
    outputs.update((path, put(path, data)) for path, data in render_feed(model, make_environment(templates, template_cache(templates.parent)), stamp).items())
    outputs.update(render_open_data(content, model, put))
    return outputs
