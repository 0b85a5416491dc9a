"""The publication instant of a build: DTSTAMP of the calendars, ``updated`` of the feed.

Never the clock. ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC; CI sets it to the time of the
last commit) wins. Without it the instant is derived from the content alone: midnight UTC of
the latest *publication* date found there – a result's ``published`` date (its first day when
only the year or month is known), the accessibility statement's ``prepared`` and ``reviewed``
dates, and 1 January of the network's founding year. Conference dates are left out on purpose:
they lie in the future, and a stamp must not. So two builds of the same content give the same
bytes, on any day, with or without the variable.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time

from .validate import Content


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` as an integer, or None when unset or not a number."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def content_date(content: Content) -> date:
    """The latest publication date in the content (see the module docstring)."""
    dates = [date(content.network.meta.founded, 1, 1)]
    dates += [r.meta.published.first_day() for r in content.results if r.meta.published is not None]
    for page in content.pages:
        statement = page.meta.statement
        if statement is not None:
            dates += [statement.prepared, statement.reviewed]
    return max(dates)


def publication_stamp(content: Content, epoch: int | None) -> datetime:
    """The build's publication instant, timezone-aware in UTC."""
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC)
    return datetime.combine(content_date(content), time(0, 0), tzinfo=UTC)
