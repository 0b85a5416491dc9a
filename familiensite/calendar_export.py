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

Cost: the library serialises only what differs between calendars. The VTIMEZONE is serialised
once per range of years (vtimezone.py), the site's own calendar properties once per build, each
event once for its conference's calendar and the site's; ``splice_calendar`` joins the bytes.
With a cache folder, each conference's parts come from calendar_cache.py when its key matches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText, vUri

from .calendar_cache import CalendarCache, CalendarParts
from .parallel import parallel_map
from .sitemodel import ConferenceView, DateView, SiteModel, SiteView
from .spill import Put, Spillable, in_memory
from .vtimezone import vtimezone_ical


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


def conference_event(site: SiteView, conference: ConferenceView, d: DateView, uid: str, stamp: datetime, zone: ZoneInfo) -> Event:
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


def calendar_shell(site: SiteView, name: str, url: str) -> Calendar:
    """The VCALENDAR with its properties and no component yet."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{site.organisation}//{site.title}//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    _add_names(calendar, name, url)
    calendar.add("x-wr-timezone", site.timezone)
    return calendar


def _add_names(calendar: Calendar, name: str, url: str) -> None:
    # vText: icalendar writes these two unescaped otherwise, and a line break in a title would end the build
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("url", vUri(url))


BEGIN = b"BEGIN:VCALENDAR\r\n"
END = b"END:VCALENDAR\r\n"
# The order icalendar writes calendar_shell's properties in (Calendar.canonical_order, then by name):
# the calendar's own NAME, X-WR-CALNAME and URL lie between properties that are the same for the whole site.
_SITE_FIRST, _OWN, _SITE_LAST = ("VERSION", "PRODID", "CALSCALE", "METHOD"), ("NAME", "X-WR-CALNAME", "URL"), ("X-WR-TIMEZONE",)


def _property_lines(calendar: Calendar) -> bytes:
    """The serialised lines of a VCALENDAR's properties (it has no components): to_ical() without BEGIN and END."""
    data = bytes(calendar.to_ical())
    assert data.startswith(BEGIN) and data.endswith(END), data
    return data[len(BEGIN) : -len(END)]


SiteLines = tuple[bytes, bytes] | None  # see site_lines


def site_lines(site: SiteView) -> SiteLines:
    """The serialised property lines before and after a calendar's own (BEGIN included), the same for the
    whole site; None if the library orders the properties otherwise (then each head is serialised whole)."""
    shell = calendar_shell(site, "-", "https://-")
    if [str(key).upper() for key in shell.sorted_keys()] != [*_SITE_FIRST, *_OWN, *_SITE_LAST]:
        return None
    first, last = Calendar(), Calendar()
    for key in _SITE_FIRST:
        first[key] = shell[key]
    for key in _SITE_LAST:
        last[key] = shell[key]
    return BEGIN + _property_lines(first), _property_lines(last)


def calendar_head(site: SiteView, lines: SiteLines, name: str, url: str) -> bytes:
    """``calendar_shell(site, name, url).to_ical()`` without its END line; ``lines`` is ``site_lines(site)``."""
    if lines is None:
        return bytes(calendar_shell(site, name, url).to_ical())[: -len(END)]
    own = Calendar()
    _add_names(own, name, url)
    return lines[0] + _property_lines(own) + lines[1]


def splice_calendar(shell: bytes, vtimezone: bytes, events: Iterable[bytes]) -> bytes:
    """The whole calendar from serialised parts: the same bytes as icalendar's ``Calendar.to_ical()``.

    ``shell`` is a VCALENDAR without components serialised by icalendar (``calendar_shell(...).to_ical()``;
    ``calendar_head`` gives it without its last line), ``vtimezone`` and each of ``events``
    a component's own ``to_ical()``. Why the result is the library's serialisation of the shell
    with these components added (icalendar 7, ``Component.content_lines`` and
    ``Contentlines.to_ical``): a component is written as its BEGIN line, its properties (in
    ``sorted_keys`` order), every subcomponent's lines in order and its END line; each line is
    escaped and folded on its own (``Contentline.to_ical``), and every line ends with CRLF. A
    subcomponent's own ``to_ical()`` is exactly the lines it contributes there, so the calendar
    is the shell's lines up to END:VCALENDAR, the parts, and that line. ``calendar_head`` uses the
    same fact for properties. tests/test_calendar_splice.py compares the result with the
    library's serialisation of the whole calendar, for the fixture and for arbitrary text.
    """
    head = shell.removesuffix(END)
    if not head.startswith(BEGIN) or not head.endswith(b"\r\n"):
        raise ValueError("not a serialised VCALENDAR without components")
    return b"".join((head, vtimezone, *events, END))


def _vtimezone(site: SiteView, years: Iterable[int]) -> bytes:
    """Always one VTIMEZONE: it makes a calendar without events valid (RFC 5545 asks for at least one component)."""
    year_list = sorted(years)
    return vtimezone_ical(site.timezone, year_list[0], year_list[-1])


def _years(dates: Iterable[DateView]) -> set[int]:
    return {year for d in dates for year in (d.start.year, _ends(d).year)}


def dated_events(model: SiteModel) -> list[tuple[ConferenceView, DateView, str]]:
    """Every date of the site with its conference and UID, in date order."""
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for conference in sorted(model.conferences, key=lambda c: c.slug):
        for d in conference.dates:  # sorted by start in the site model
            key = (conference.slug, _compact(d.start))
            seen[key] += 1
            found.append((conference, d, event_uid(model.site, conference, d.start, seen[key])))
    return sorted(found, key=lambda item: (item[1].start_iso, item[0].slug, item[2]))


def render_calendars(model: SiteModel, today: date, stamp: datetime, cache: Path | None = None, put: Put = in_memory) -> dict[str, Spillable]:
    """Every .ics file of the site, by output path; ``cache``: the build cache folder (calendar_cache.py), if any.

    ``put``: what becomes of each file as soon as it is made (exports.render_exports).
    """
    site = model.site
    zone = ZoneInfo(site.timezone)
    base = site.base_path
    dated = dated_events(model)
    by_conference: dict[str, list[tuple[DateView, str]]] = {}  # grouped once: a scan per conference is quadratic
    for c, d, uid in dated:
        by_conference.setdefault(c.slug, []).append((d, uid))

    def conference_parts(conference: ConferenceView) -> CalendarParts:
        """The conference's calendar up to its components, and each of its events, serialised."""
        head = calendar_head(site, lines, conference.title, site.origin + conference.url)
        return head, tuple(bytes(conference_event(site, conference, d, uid, stamp, zone).to_ical()) for d, uid in by_conference[conference.slug])

    with_dates = [c for c in model.conferences if c.calendar_url is not None]
    lines = site_lines(site)  # once per build, before the workers are forked
    store = CalendarCache(cache, site, stamp) if cache is not None else None
    parts = store.parts(with_dates, conference_parts) if store is not None else parallel_map(conference_parts, with_dates)
    event_bytes: dict[str, bytes] = {}  # by UID: each event serialised once, for both calendars
    outputs: dict[str, Spillable] = {}
    for conference, (head, events) in zip(with_dates, parts):
        assert conference.calendar_url is not None
        own = by_conference[conference.slug]
        path = conference.calendar_url[len(base):]
        outputs[path] = put(path, splice_calendar(head, _vtimezone(site, _years(d for d, _ in own)), events))
        event_bytes.update((uid, data) for (_, uid), data in zip(own, events))
    upcoming = [(c, d, uid) for c, d, uid in dated if _ends(d) >= today]
    site_events = [event_bytes.get(uid) or bytes(conference_event(site, c, d, uid, stamp, zone).to_ical()) for c, d, uid in upcoming]
    years = {stamp.year} | _years(d for _, d, _ in upcoming)
    head = calendar_head(site, lines, f"{site.title}: Termine", site.origin + site.base_path)
    path = site.calendar_url[len(base):]
    outputs[path] = put(path, splice_calendar(head, _vtimezone(site, years), site_events))
    if store is not None:
        store.save()
    return outputs
