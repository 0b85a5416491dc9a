"""The calendars are assembled from serialised parts (calendar_export.splice_calendar): the result
is byte for byte what icalendar writes for the whole calendar, for the fixture and for arbitrary text."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from familiensite.calendar_export import (
    calendar_head,
    calendar_shell,
    conference_event,
    dated_events,
    render_calendars,
    site_lines,
    splice_calendar,
)
from familiensite.sitemodel import AddressView, ConferenceView, DateView, SiteModel
from familiensite.vtimezone import build_vtimezone, vtimezone_ical
from tests.conftest import TODAY
from tests.support.dated import DATED_SLUG, dated_model

STAMP = datetime(2026, 9, 21, 14, 13, 20, tzinfo=UTC)


def last_day(d: DateView) -> date:
    last = d.end or d.start
    return last.date() if isinstance(last, datetime) else last


def whole_calendar(model: SiteModel, today: date, stamp: datetime) -> dict[str, bytes]:
    """The reference: every calendar built as one icalendar component and serialised by the library in one call."""
    site, zone = model.site, ZoneInfo(model.site.timezone)
    dated = dated_events(model)

    def serialise(name: str, url: str, chosen: list[tuple[ConferenceView, DateView, str]], years: set[int]) -> bytes:
        calendar = calendar_shell(site, name, url)
        years = years | {d.start.year for _, d, _ in chosen} | {last_day(d).year for _, d, _ in chosen}
        calendar.add_component(build_vtimezone(site.timezone, date(min(years), 1, 1), date(max(years) + 1, 1, 1)))
        for c, d, uid in chosen:
            calendar.add_component(conference_event(site, c, d, uid, stamp, zone))
        return bytes(calendar.to_ical())

    outputs = {}
    for conference in model.conferences:
        if conference.calendar_url is not None:
            own = [item for item in dated if item[0].slug == conference.slug]
            outputs[conference.calendar_url[len(site.base_path):]] = serialise(conference.title, site.origin + conference.url, own, set())
    upcoming = [item for item in dated if last_day(item[1]) >= today]
    outputs[site.calendar_url[len(site.base_path):]] = serialise(f"{site.title}: Termine", site.origin + site.base_path, upcoming, {stamp.year})
    return outputs


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    return dated_model(tmp_path_factory.mktemp("splice"))


def test_every_calendar_of_the_fixture_equals_the_librarys_serialisation_of_the_whole_calendar(model: SiteModel) -> None:
    ours = render_calendars(model, TODAY, STAMP)
    assert ours == whole_calendar(model, TODAY, STAMP)
    assert f"familienkonferenzen/{DATED_SLUG}/termine.ics" in ours and len(ours) >= 3
    for data in ours.values():
        assert len(icalendar.Calendar.from_ical(data).walk("VTIMEZONE")) == 1
        assert vobject.readOne(data.decode("utf-8")).name == "VCALENDAR"


def test_without_any_upcoming_date_the_spliced_site_calendar_equals_the_library_too(model: SiteModel) -> None:
    later = date(2030, 1, 1)
    ours = render_calendars(model, later, STAMP)
    assert ours == whole_calendar(model, later, STAMP)
    assert b"BEGIN:VEVENT" not in ours["termine.ics"]


def test_the_vtimezone_is_serialised_once_per_range_and_equals_the_component() -> None:
    assert vtimezone_ical("Europe/Berlin", 2025, 2027) is vtimezone_ical("Europe/Berlin", 2025, 2027)
    assert vtimezone_ical("Europe/Berlin", 2025, 2027) == build_vtimezone("Europe/Berlin", date(2025, 1, 1), date(2028, 1, 1)).to_ical()
    assert vtimezone_ical("America/New_York", 2026, 2026) == build_vtimezone("America/New_York", date(2026, 1, 1), date(2027, 1, 1)).to_ical()


def test_splice_refuses_what_is_not_a_calendar_without_components() -> None:
    with pytest.raises(ValueError):
        splice_calendar(b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", b"", ())


# Text as validated content can hold it: no control characters but the line break of a multi-line field.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\n"), min_size=1, max_size=200)
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=120)


@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=LINE, teaser=TEXT, note=TEXT, venue=LINE, street=LINE, organisation=LINE, site_title=LINE, path=st.text("abcäß-/;,:\\ ", max_size=40))
def test_arbitrary_text_spliced_equals_the_library_whole(
    model: SiteModel, title: str, teaser: str, note: str, venue: str, street: str, organisation: str, site_title: str, path: str,
) -> None:
    conference = next(c for c in model.conferences if c.slug == DATED_SLUG)
    dates = list(conference.dates)
    dates[1] = dataclasses.replace(dates[1], note=note, venue_name=venue, venue_address=AddressView((street, "30519 Hannover")))
    changed = dataclasses.replace(conference, title=title, teaser=teaser, dates=tuple(dates), url=conference.url + path)
    site = dataclasses.replace(model.site, organisation=organisation, title=site_title)
    mutated = dataclasses.replace(model, site=site, conferences=tuple(changed if c is conference else c for c in model.conferences))
    ours = render_calendars(mutated, TODAY, STAMP)
    assert ours == whole_calendar(mutated, TODAY, STAMP)
    # the head without the site's lines serialised apart (the path taken if icalendar ordered them otherwise)
    assert calendar_head(site, None, title, site.origin + changed.url) == calendar_head(site, site_lines(site), title, site.origin + changed.url)


def test_a_later_stamp_and_another_time_zone_are_spliced_like_the_library(model: SiteModel) -> None:
    site = dataclasses.replace(model.site, timezone="America/New_York")
    other = dataclasses.replace(model, site=site)
    stamp = STAMP + timedelta(days=800)
    assert render_calendars(other, TODAY, stamp) == whole_calendar(other, TODAY, stamp)
