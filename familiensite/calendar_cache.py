"""The conferences' calendars kept in the build cache between builds, by a hash of their inputs.

Even with the VTIMEZONE serialised once (calendar_export.py), icalendar needs about a
millisecond for a conference's calendar, and a build with the cache of the last one (CI) would
redo all of them. A calendar is a pure function of a few fields of its conference's view, a
few site settings and the publication stamp, so its serialised parts are stored under a hash of
exactly these, the source of the calendar modules and the icalendar version, in
``calendars.v1.marshal`` of the cache folder (cache.py). A change of any of them misses; an
unreadable file or entry is a miss; the file keeps only the entries the last build used.

Stored are the parts, not the file: the calendar's lines up to its components and each event.
The VTIMEZONE is spliced in by every build (vtimezone.py, once per range of years), so an update
of the time zone database is never hidden by the cache, and the events serve termine.ics too.
tests/test_calendar_export.py checks that every field a calendar depends on is part of the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path

from .cache import read_parts, write_parts
from .parallel import parallel_map
from .sitemodel import ConferenceView, DateView, SiteView

CALENDAR_FILE = "calendars.v1.marshal"
_PACKAGE = Path(__file__).resolve().parent
_SOURCES = ("calendar_export.py", "vtimezone.py", "calendar_cache.py")

CalendarParts = tuple[bytes, tuple[bytes, ...]]  # the calendar up to its components; each event (VEVENT)


def calendar_salt(site: SiteView, stamp: datetime) -> bytes:
    """Everything besides the conference that its calendar depends on."""
    hasher = hashlib.sha256()
    for name in _SOURCES:
        hasher.update((_PACKAGE / name).read_bytes())
    try:
        version = metadata.version("icalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        version = "?"
    fields = (version, site.origin, site.base_path, site.timezone, site.organisation, site.title, stamp.isoformat())
    hasher.update(repr(fields).encode("utf-8", "surrogatepass"))
    return hasher.digest()


def _date_fields(d: DateView) -> tuple[object, ...]:
    address = d.venue_address.lines if d.venue_address is not None else None
    return (d.start_iso, d.start, d.end, d.venue_name, address, d.directions, d.online_url, d.cancelled, d.note)


def conference_key(salt: bytes, conference: ConferenceView) -> str:
    """The hash of the fields of ``conference`` its calendar uses, keyed by ``calendar_salt``."""
    fields = (conference.slug, conference.url, conference.title, conference.teaser, tuple(_date_fields(d) for d in conference.dates))
    return hashlib.blake2b(repr(fields).encode("utf-8", "surrogatepass"), digest_size=20, key=salt).hexdigest()


def _valid(value: object) -> bool:
    return (
        isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bytes)
        and isinstance(value[1], tuple) and all(isinstance(event, bytes) for event in value[1])
    )


class CalendarCache:
    """The stored parts of the last build's calendars, and those this build uses."""

    def __init__(self, folder: Path, site: SiteView, stamp: datetime) -> None:
        self.path = folder / CALENDAR_FILE
        self.salt = calendar_salt(site, stamp)
        self.misses = 0
        self._used: dict[str, CalendarParts] = {}
        self._stored: dict[object, object] = read_parts(self.path) or {}

    def parts(self, conferences: Sequence[ConferenceView], make: Callable[[ConferenceView], CalendarParts]) -> list[CalendarParts]:
        """``[make(c) for c in conferences]``, stored parts where the key matches, the rest over processes."""
        keys = [conference_key(self.salt, conference) for conference in conferences]
        found: dict[str, CalendarParts] = {}
        missing: dict[str, ConferenceView] = {}
        for key, conference in zip(keys, conferences):
            stored = self._stored.get(key)
            if _valid(stored):
                found[key] = stored  # type: ignore[assignment]  # checked by _valid
            else:
                missing.setdefault(key, conference)
        found.update(zip(missing, parallel_map(make, list(missing.values()))))
        self.misses += len(missing)
        self._used.update(found)
        return [found[key] for key in keys]

    def save(self) -> None:
        """Keep exactly the entries this build used (nothing is written when they did not change)."""
        if self._used.keys() == self._stored.keys():
            return
        write_parts(self.path, self._used)
