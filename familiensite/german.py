"""German formatting of dates, times and sizes, independent of the machine's locale."""

from __future__ import annotations

from datetime import date, datetime

from .fieldtypes import PartialDate

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember")
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def format_day(day: date) -> str:
    """``Samstag, 15. März 2014``"""
    return f"{WEEKDAYS[day.weekday()]}, {day.day}. {MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_span(start: date | datetime, end: date | datetime | None) -> str:
    """A date's span as people say it: ``Samstag, 15. März 2014, 10:00 bis 16:00 Uhr``."""
    if isinstance(start, datetime):
        text = f"{format_day(start)}, {format_time(start)}"
        if isinstance(end, datetime):
            if end.date() == start.date():
                return f"{text} bis {format_time(end)} Uhr"
            return f"{text} Uhr bis {format_day(end)}, {format_time(end)} Uhr"
        return f"{text} Uhr"
    if end is not None and end != start:
        return f"{format_day(start)} bis {format_day(end)}"
    return format_day(start)


def format_partial(value: PartialDate) -> str:
    if value.day:
        return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"
    if value.month:
        return f"{MONTHS[value.month - 1]} {value.year}"
    return str(value.year)


def format_size(size: int) -> str:
    """``1,2 MB``, ``340 KB``"""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} KB"
