"""The calendar cache's key (calendar_cache.py) names every input a calendar depends on, and nothing it does not."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from familiensite.calendar_cache import CALENDAR_FILE, calendar_salt, conference_key
from familiensite.calendar_export import render_calendars
from familiensite.sitemodel import AddressView, ConferenceView, DateView, ImageView, SiteModel, SiteView
from tests.conftest import TODAY
from tests.support.dated import DATED_SLUG, dated_model

STAMP = datetime(2026, 9, 21, 14, 13, 20, tzinfo=UTC)
SPECIAL: dict[str, object] = {"timezone": "Europe/Vienna", "origin": "https://example.com", "base_path": "/andere/"}


def other(name: str, value: object) -> object:
    """A different value of the same kind for a field of a view record (None where no other is known)."""
    if name in SPECIAL:
        return SPECIAL[name]
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "-anders"
    if isinstance(value, date):  # date and datetime
        return value + timedelta(days=1)
    if isinstance(value, AddressView):
        return AddressView((*value.lines, "Hinterhaus"))
    if isinstance(value, ImageView):
        return dataclasses.replace(value, alt=value.alt + "-anders")
    if isinstance(value, tuple):
        return value[:-1] if value else None
    if value is None:
        return {"end": None, "venue_address": AddressView(("Neu 1",))}.get(name, "neu")
    return None


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> SiteModel:
    return dated_model(tmp_path_factory.mktemp("key"))


def calendars(model: SiteModel, stamp: datetime = STAMP) -> list[bytes]:
    """The calendars' bytes in output order (a changed output path alone is no change of content)."""
    outputs = render_calendars(model, TODAY, stamp)
    return [outputs[path] for path in sorted(outputs)]


def with_conference(model: SiteModel, conference: ConferenceView) -> SiteModel:
    return dataclasses.replace(model, conferences=tuple(conference if c.slug == DATED_SLUG else c for c in model.conferences))


def test_every_conference_field_that_changes_its_calendars_changes_its_key(model: SiteModel) -> None:
    conference = next(c for c in model.conferences if c.slug == DATED_SLUG)
    salt = calendar_salt(model.site, STAMP)
    before, key = calendars(model), conference_key(salt, conference)
    checked = []
    variants: list[tuple[str, ConferenceView]] = []
    for field in dataclasses.fields(ConferenceView):
        if field.name != "dates" and (value := other(field.name, getattr(conference, field.name))) is not None:
            variants.append((field.name, dataclasses.replace(conference, **{field.name: value})))
    for index, d in enumerate(conference.dates):
        for field in dataclasses.fields(DateView):
            value = other(field.name, getattr(d, field.name))
            if value is not None and not (field.name == "end" and d.end is None):
                dates = (*conference.dates[:index], dataclasses.replace(d, **{field.name: value}), *conference.dates[index + 1:])
                variants.append((f"dates[{index}].{field.name}", dataclasses.replace(conference, dates=dates)))
    for name, changed in variants:
        if calendars(with_conference(model, changed)) != before:
            assert conference_key(salt, changed) != key, f"{name} changes the calendar but not the cache key"
            checked.append(name)
    assert {"title", "teaser", "url", "slug", "dates[1].note", "dates[3].online_url", "dates[4].cancelled"} <= set(checked)
    # the body is no input of the calendar: an edited text keeps the key (a warm build reuses the calendar)
    assert conference_key(salt, dataclasses.replace(conference, description_html="<p>neu</p>")) == key


def test_every_site_field_that_changes_the_calendars_changes_the_salt(model: SiteModel) -> None:
    before, salt = calendars(model), calendar_salt(model.site, STAMP)
    checked = []
    for field in dataclasses.fields(SiteView):
        value = other(field.name, getattr(model.site, field.name))
        if value is None:
            continue
        site = dataclasses.replace(model.site, **{field.name: value})
        if calendars(dataclasses.replace(model, site=site)) != before:
            assert calendar_salt(site, STAMP) != salt, f"{field.name} changes the calendars but not the cache key"
            checked.append(field.name)
    assert {"origin", "base_path", "timezone", "organisation", "title"} <= set(checked)
    assert calendars(model, STAMP + timedelta(seconds=1)) != before
    assert calendar_salt(model.site, STAMP + timedelta(seconds=1)) != salt


def test_a_calendar_from_the_cache_equals_one_made_afresh(model: SiteModel, tmp_path: Path) -> None:
    fresh = render_calendars(model, TODAY, STAMP)
    assert render_calendars(model, TODAY, STAMP, tmp_path) == fresh  # cold: written
    assert (tmp_path / CALENDAR_FILE).is_file()
    assert render_calendars(model, TODAY, STAMP, tmp_path) == fresh  # warm: read
    (tmp_path / CALENDAR_FILE).write_bytes(b"\x00kaputt")
    assert render_calendars(model, TODAY, STAMP, tmp_path) == fresh
