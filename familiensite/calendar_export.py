"""iCalendar files (RFC 5545) of the conference dates, built with the ``icalendar`` package.

* ``familienkonferenzen/<slug>/termine.ics``: every date of one conference, past ones too; only
  for conferences that have dates (the page says so otherwise).
* ``termine.ics``: every date of the site that has not ended before the build's "today",
  cancelled ones included so that subscribers see the cancellation. Without any such date it
  still is a valid calendar: it always carries the VTIMEZONE component.

Event by event: UID from the site's host, its path, the conference's slug and the start (stable
while the date keeps its start; two dates with the same start get -2, -3 … in date order);
DTSTAMP the build's publication instant in UTC (stamp.py, never the clock); local times with
TZID and a VTIMEZONE generated from the time zone database for the years in use (vtimezone.py); all-day dates
as VALUE=DATE with the exclusive DTEND of RFC 5545 (the day after the last day); LOCATION the
venue with its postal address, or the online link; URL the conference's page; STATUS CANCELLED
or CONFIRMED. Escaping and line folding (75 octets, never inside a UTF-8 character) are the
library's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText, vUri

from .parallel import parallel_map
from .sitemodel import ConferenceView, DateView, SiteModel, SiteView
from .vtimezone import build_vtimezone


def _uid_base(site: SiteView) -> tuple[str, str]:
    """("familie.", "www.hannover.de"): the base path's segments as a prefix, the host after the @."""
    host = site.origin.split("://", 1)[1]
    segments = [part for part in site.base_path.split("/") if part]
    return "".join(f"{part}." for part in segments), host


def _compact(value: date | datetime) -> str:
    return value.strftime("%Y%m%dT%H%M") if isinstance(value, datetime) else value.strftime("%Y%m%d")


def event_uid(site: SiteView, conference: ConferenceView, when: date | datetime, occurrence: int = 1) -> str:
    prefix, host = _uid_base(site)
    suffix = f"-{occurrence}" if occurrence > 1 else ""
    return f"{prefix}{conference.slug}.{_compact(when)}{suffix}@{host}"


def location(d: DateView) -> str | None:
    """Venue name and postal address on one line, or the online link."""
    if d.venue_name:
        return ", ".join([d.venue_name, *(d.venue_address.lines if d.venue_address else ())])
    return d.online_url


def description(conference: ConferenceView, d: DateView, page: str) -> str:
    parts = ["Abgesagt." if d.cancelled else "", conference.teaser, d.note or "", d.directions or ""]
    if d.online_url:
        parts.append(f"Online teilnehmen: {d.online_url}")
    parts.append(f"Weitere Informationen: {page}")
    return "\n\n".join(part for part in parts if part)


def _event(site: SiteView, conference: ConferenceView, d: DateView, uid: str, stamp: datetime, zone: ZoneInfo) -> Event:
    page = site.origin + conference.url
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", f"Abgesagt: {conference.title}" if d.cancelled else conference.title)
    if isinstance(d.start, datetime):
        event.add("dtstart", d.start.replace(tzinfo=zone))
        if isinstance(d.end, datetime):
            event.add("dtend", d.end.replace(tzinfo=zone))
    else:
        last_day = d.end if isinstance(d.end, date) and not isinstance(d.end, datetime) else d.start
        event.add("dtstart", d.start)
        event.add("dtend", last_day + timedelta(days=1))  # exclusive (RFC 5545 3.6.1)
    where = location(d)
    if where:
        event.add("location", where)
    event.add("description", description(conference, d, page))
    event.add("url", vUri(page))
    event.add("status", "CANCELLED" if d.cancelled else "CONFIRMED")
    return event


def _ends(d: DateView) -> date:
    last = d.end or d.start
    return last.date() if isinstance(last, datetime) else last


def _calendar(site: SiteView, name: str, url: str, events: list[Event], years: Iterable[int]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{site.organisation}//{site.title}//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # vText: icalendar writes these two unescaped otherwise, and a line break in a title would end the build
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", site.timezone)
    calendar.add("url", vUri(url))
    year_list = sorted(years)
    # Always one VTIMEZONE: it makes a calendar without events valid (RFC 5545 asks for at least one component).
    calendar.add_component(build_vtimezone(site.timezone, date(year_list[0], 1, 1), date(year_list[-1] + 1, 1, 1)))
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _dated(model: SiteModel) -> list[tuple[ConferenceView, DateView, str]]:
    """Every date of the site with its conference and UID, in date order."""
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for conference in sorted(model.conferences, key=lambda c: c.slug):
        for d in conference.dates:  # sorted by start in the site model
            key = (conference.slug, _compact(d.start))
            seen[key] += 1
            found.append((conference, d, event_uid(model.site, conference, d.start, seen[key])))
    return sorted(found, key=lambda item: (item[1].start_iso, item[0].slug, item[2]))


def render_calendars(model: SiteModel, today: date, stamp: datetime) -> dict[str, bytes]:
    """Every .ics file of the site, by output path."""
    site = model.site
    zone = ZoneInfo(site.timezone)
    base = site.base_path
    dated = _dated(model)
    outputs: dict[str, bytes] = {}
    by_conference: dict[str, list[tuple[DateView, str]]] = {}  # grouped once: a scan per conference is quadratic
    for c, d, uid in dated:
        by_conference.setdefault(c.slug, []).append((d, uid))

    def conference_calendar(conference: ConferenceView) -> bytes:
        own = by_conference.get(conference.slug, [])
        events = [_event(site, conference, d, uid, stamp, zone) for d, uid in own]
        years = {d.start.year for d, _ in own} | {_ends(d).year for d, _ in own}
        return _calendar(site, conference.title, site.origin + conference.url, events, years)

    with_dates = [c for c in model.conferences if c.calendar_url is not None]
    for conference, data in zip(with_dates, parallel_map(conference_calendar, with_dates)):  # pure: over processes
        assert conference.calendar_url is not None
        outputs[conference.calendar_url[len(base):]] = data
    upcoming = [(c, d, uid) for c, d, uid in dated if _ends(d) >= today]
    events = [_event(site, c, d, uid, stamp, zone) for c, d, uid in upcoming]
    years = {stamp.year} | {d.start.year for _, d, _ in upcoming} | {_ends(d).year for _, d, _ in upcoming}
    outputs[site.calendar_url[len(base):]] = _calendar(site, f"{site.title}: Termine", site.origin + site.base_path, events, years)
    return outputs
