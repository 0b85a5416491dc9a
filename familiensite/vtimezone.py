"""A VTIMEZONE component that calendar programs read the same way.

``icalendar.Timezone.from_tzid`` derives the observances from the time zone database, but lists
the transitions as multi-valued RDATEs and dates each one at the first wall-clock time *after*
the change (03:00 for the spring change in Berlin instead of the onset at 02:00). Parsers
differ on such RDATE lists (vobject keeps only the first value; Outlook is known to want RRULEs),
so this module rewrites each observance the way most producers publish Europe/Berlin: the exact
onset in local time of the offset before the change (RFC 5545 3.6.5), and a yearly RRULE
("last Sunday of March") when every transition in the range follows one; otherwise one RDATE
property per transition.

``vtimezone_ical`` is what the calendars use: the serialised component, built once per process
for each time zone and range of years (a build asks for the same few ranges thousands of times).
"""

from __future__ import annotations

import calendar
import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

DAY_NAMES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _transition(zone: ZoneInfo, wall: datetime, offset_to: timedelta) -> datetime:
    """The UTC instant of the change that made ``wall`` (first local time after it) use ``offset_to``."""
    high = (wall - offset_to).replace(tzinfo=UTC)
    low = high - timedelta(days=1)
    while high - low > timedelta(seconds=1):  # bisection; changes happen on whole seconds
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_to:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def _yearly_rule(onsets: list[datetime]) -> dict[str, object] | None:
    """FREQ=YEARLY;BYMONTH=m;BYDAY=-1SU (or 1SU …) if every onset is that weekday of that month at one time."""
    first = onsets[0]
    years = [o.year for o in onsets]
    if years != list(range(first.year, first.year + len(onsets))):
        return None
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    if all(o.day + 7 > calendar.monthrange(o.year, o.month)[1] for o in onsets):
        position = -1
    elif len({(o.day - 1) // 7 for o in onsets}) == 1:
        position = (first.day - 1) // 7 + 1
    else:
        return None
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{position}{DAY_NAMES[first.weekday()]}"}


def build_vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """VTIMEZONE for ``tzid`` valid from ``first`` to ``last``."""
    zone = ZoneInfo(tzid)
    generated = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    result = Timezone()
    result.add("tzid", tzid)
    for observance in generated.subcomponents:
        offset_from = observance.decoded("tzoffsetfrom")
        offset_to = observance.decoded("tzoffsetto")
        walls = [observance.decoded("dtstart")]
        rdates = observance.get("rdate", [])
        for prop in rdates if isinstance(rdates, list) else [rdates]:
            walls += [value.dt for value in prop.dts]
        if offset_from == offset_to:  # the state at the start of the range, not a change
            onsets = sorted(walls)
        else:
            onsets = sorted((_transition(zone, wall, offset_to) + offset_from).replace(tzinfo=None) for wall in walls)
        rewritten = TimezoneDaylight() if isinstance(observance, TimezoneDaylight) else TimezoneStandard()
        rewritten.add("tzname", observance["tzname"])
        rewritten.add("tzoffsetfrom", offset_from)
        rewritten.add("tzoffsetto", offset_to)
        rewritten.add("dtstart", onsets[0])
        rule = _yearly_rule(onsets) if offset_from != offset_to else None
        if rule is not None:
            rewritten.add("rrule", rule)
        else:
            for onset in onsets[1:]:
                rewritten.add("rdate", onset)
        result.add_component(rewritten)
    return result


@functools.lru_cache(maxsize=256)
def vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """``build_vtimezone`` for the whole years ``first_year`` to ``last_year``, serialised by icalendar.

    Memoised: the result depends only on the arguments and the time zone database, which a
    process reads once (``ZoneInfo`` caches it too).
    """
    return bytes(build_vtimezone(tzid, date(first_year, 1, 1), date(last_year + 1, 1, 1)).to_ical())
