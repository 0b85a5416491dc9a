"""The Atom feed (RFC 4287): results and newly announced conferences.

Entries are typed records decided here; templates/feed.atom lays them out (autoescaped, so every
text is XML-safe). Entry ids are the pages' absolute URLs: stable as long as the address name
(slug) stays, which is also what keeps the page itself findable.

Dates, never from the clock:
* a result is ``updated`` at midnight UTC of its ``published`` date (the first day of the year
  or month when only that is known);
* a result without ``published`` and an announced conference (content has no announcement
  date) carry the build's publication instant (stamp.py: SOURCE_DATE_EPOCH, else derived from
  the content);
* the feed's own ``updated`` is the latest of its entries', or the publication instant when it
  has none.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import jinja2

from .sitemodel import ConferenceView, ResultView, SiteModel

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    id: str
    url: str
    title: str
    category: str
    updated: str  # RFC 3339, UTC
    summary: str
    content_html: str | None  # sanitised HTML of the page's text, shown escaped (type="html")


@dataclass(frozen=True, slots=True)
class FeedView:
    id: str
    self_url: str
    site_url: str
    title: str
    subtitle: str
    author: str
    updated: str
    entries: tuple[FeedEntry, ...]


def _result_entry(origin: str, result: ResultView, stamp: datetime) -> tuple[datetime, FeedEntry]:
    when = stamp
    if result.published_iso:
        parts = [int(p) for p in result.published_iso.split("-")] + [1, 1]
        when = datetime(parts[0], parts[1], parts[2], tzinfo=UTC)
    title = f"{result.title}: {result.subtitle}" if result.subtitle else result.title
    entry = FeedEntry(origin + result.url, origin + result.url, _xml(title), "Ergebnis", rfc3339(when), _xml(result.teaser), _xml(result.body_html) or None)
    return when, entry


def _conference_summary(conference: ConferenceView) -> str:
    if conference.dates:
        shown = [("abgesagt: " if d.cancelled else "") + d.label for d in conference.dates]
        return f"{conference.teaser} Termine: {'; '.join(shown)}."
    return f"{conference.teaser} {conference.dates_note}"


def _conference_entry(origin: str, conference: ConferenceView, stamp: datetime) -> tuple[datetime, FeedEntry]:
    url = origin + conference.url
    entry = FeedEntry(url, url, _xml(conference.title), "Familienkonferenz", rfc3339(stamp), _xml(_conference_summary(conference)), None)
    return stamp, entry


def build_feed(model: SiteModel, stamp: datetime) -> FeedView:
    """Every result, and every conference that is planned and not over (``upcoming`` in the site model)."""
    site = model.site
    dated = [_result_entry(site.origin, r, stamp) for r in model.results]
    dated += [_conference_entry(site.origin, c, stamp) for c in model.conferences if c.upcoming]
    dated.sort(key=lambda item: (-item[0].timestamp(), item[1].title, item[1].id))
    updated = max((when for when, _ in dated), default=stamp)
    return FeedView(
        id=site.origin + site.feed_url,
        self_url=site.origin + site.feed_url,
        site_url=site.base_url,
        title=_xml(site.title),
        subtitle=f"Neue Ergebnisse und angekündigte Familienkonferenzen – {site.organisation}",
        author=_xml(site.organisation),
        updated=rfc3339(updated),
        entries=tuple(entry for _, entry in dated),
    )


def render_feed(model: SiteModel, env: jinja2.Environment, stamp: datetime) -> dict[str, bytes]:
    """feed.atom, by output path."""
    feed = build_feed(model, stamp)
    path = model.site.feed_url[len(model.site.base_path):]
    # Encoded piece by piece: rendering to one string first held the template's pieces, the string and
    # its encoding at once (about 40 MiB at 10,000 items, while Pagefind runs beside: pipeline.py).
    output = io.BytesIO()
    for piece in env.get_template("feed.atom").generate(feed=feed):
        output.write(piece.encode("utf-8"))
    return {path: output.getvalue()}
