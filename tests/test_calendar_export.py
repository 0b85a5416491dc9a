"""The .ics files: parsed back with icalendar and, independently, with vobject; every event checked against its source."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from familiensite.pipeline import BuildResult, build_project, render_project
from familiensite.stamp import content_date
from tests.conftest import TODAY, MakeSite, make_project
from tests.support.content import output_bytes
from tests.support.dated import DATED_FILES, DATED_SLUG

BERLIN = ZoneInfo("Europe/Berlin")
CONFERENCE_ICS = f"familienkonferenzen/{DATED_SLUG}/termine.ics"
PAGE = f"https://example.org/familie/familienkonferenzen/{DATED_SLUG}/"
EPOCH = 1_790_000_000  # 2026-09-21T14:13:20Z


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The dated fixture rendered once (no search index: not needed here), with SOURCE_DATE_EPOCH set."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        result = render_project(make_project(tmp_path_factory.mktemp("dated"), files=DATED_FILES), TODAY, search=False)
    assert result.ok, [p.message for p in result.problems]
    return result


def _events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_a_conference_calendar_holds_every_date_as_written_in_the_content(dated: BuildResult) -> None:
    events = _events(output_bytes(dated, CONFERENCE_ICS))
    assert [e.decoded("dtstart") for e in events] == [
        datetime(2025, 6, 1, 10, 0, tzinfo=BERLIN),
        date(2027, 3, 13),
        date(2027, 4, 1),
        datetime(2027, 5, 8, 18, 30, tzinfo=BERLIN),
        datetime(2027, 6, 12, 10, 0, tzinfo=BERLIN),
    ]
    timed, single_day, three_days, online, cancelled = events
    assert timed.decoded("dtend") == datetime(2025, 6, 1, 12, 0, tzinfo=BERLIN)
    assert str(timed["dtstart"].params["TZID"]) == "Europe/Berlin"
    # all-day: DTEND is exclusive, the day after the last day
    assert single_day.decoded("dtend") == date(2027, 3, 14)
    assert three_days.decoded("dtend") == date(2027, 4, 4)
    assert str(single_day["location"]) == (
        "Freizeitheim Döhren; großer Saal, Erdgeschoss, Kulturtreff Döhren-Wülfel, An der Wollwäscherei 2, 30519 Hannover"
    )
    assert str(online["location"]) == "https://konferenz.example.org/raum?id=7&lang=de"
    assert str(cancelled["location"]).startswith("Haus der Jugend, Maschstraße 24")
    for event in events:
        assert str(event["url"]) == PAGE
        assert event.decoded("dtstamp") == datetime.fromtimestamp(EPOCH, tz=UTC)
    assert [str(e["status"]) for e in events] == ["CONFIRMED"] * 4 + ["CANCELLED"]
    assert str(cancelled["summary"]) == "Abgesagt: Familienkonferenz Döhren; Süd, Wülfel"
    assert str(timed["summary"]) == "Familienkonferenz Döhren; Süd, Wülfel"
    description = str(single_day["description"])
    assert "Anmeldung bis 1. März bei Frau Jäger; Kinderbetreuung, Imbiss\nBitte mitbringen: gute Laune." in description
    assert "Stadtbahn 1, 2, 8 bis „Peiner Straße“; stufenloser Zugang." in description
    assert "Online teilnehmen: https://konferenz.example.org/juni" in str(cancelled["description"])


def test_uids_are_stable_and_made_of_site_host_path_slug_and_start(dated: BuildResult, make_site: MakeSite) -> None:
    uids = [str(e["uid"]) for e in _events(output_bytes(dated, CONFERENCE_ICS))]
    assert uids == [
        f"familie.{DATED_SLUG}.20250601T1000@example.org",
        f"familie.{DATED_SLUG}.20270313@example.org",
        f"familie.{DATED_SLUG}.20270401@example.org",
        f"familie.{DATED_SLUG}.20270508T1830@example.org",
        f"familie.{DATED_SLUG}.20270612T1000@example.org",
    ]
    site_uids = [str(e["uid"]) for e in _events(output_bytes(dated, "termine.ics"))]
    assert set(site_uids) <= set(uids)


def test_two_dates_with_the_same_start_get_distinct_uids(make_site: MakeSite) -> None:
    twice = DATED_FILES[f"content/conferences/{DATED_SLUG}.md"]
    assert isinstance(twice, str)
    twice = twice.replace("  - start: 2027-04-01\n    end: 2027-04-03\n", "  - start: 2027-03-13\n    end: 2027-04-03\n")
    project = make_site(files={f"content/conferences/{DATED_SLUG}.md": twice})
    result = render_project(project, TODAY, search=False)
    uids = [str(e["uid"]) for e in _events(output_bytes(result, CONFERENCE_ICS))]
    assert len(set(uids)) == len(uids) == 5
    assert f"familie.{DATED_SLUG}.20270313-2@example.org" in uids


def test_the_site_calendar_has_the_upcoming_dates_of_every_conference_including_cancelled_ones(dated: BuildResult) -> None:
    events = _events(output_bytes(dated, "termine.ics"))
    starts = [e.decoded("dtstart") for e in events]
    assert datetime(2025, 6, 1, 10, 0, tzinfo=BERLIN) not in starts  # before today
    assert len(events) == 4
    assert [str(e["status"]) for e in events][-1] == "CANCELLED"
    calendar = icalendar.Calendar.from_ical(output_bytes(dated, "termine.ics"))
    assert str(calendar["method"]) == "PUBLISH"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_vobject_reads_every_file_with_the_same_events(dated: BuildResult) -> None:
    for path in (CONFERENCE_ICS, "termine.ics"):
        data = output_bytes(dated, path)
        theirs = vobject.readOne(data.decode("utf-8"))
        ours = _events(data)
        assert len(theirs.vevent_list) == len(ours)
        for parsed, event in zip(theirs.vevent_list, ours):
            assert parsed.uid.value == str(event["uid"])
            assert parsed.dtstart.value == event.decoded("dtstart")
            assert parsed.dtend.value == event.decoded("dtend")
            assert parsed.summary.value == str(event["summary"])
            assert parsed.location.value == str(event["location"])
            assert parsed.description.value == str(event["description"])
            assert parsed.status.value == str(event["status"])
            if isinstance(parsed.dtstart.value, datetime):
                assert parsed.dtstart.value.utcoffset() == timedelta(hours=1 if parsed.dtstart.value.month == 3 else 2)


def test_lines_are_folded_at_75_octets_without_splitting_a_character(dated: BuildResult) -> None:
    data = output_bytes(dated, CONFERENCE_ICS)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in lines)  # the long fields were folded
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # each physical line is valid UTF-8 on its own


def test_without_any_upcoming_date_the_site_calendar_is_valid_and_empty(make_site: MakeSite) -> None:
    project = make_site()  # the minimal fixture has one date, in 2013
    result = build_project(project, project / "site", today=TODAY)
    data = output_bytes(result, "termine.ics")
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.walk("VEVENT") == []
    assert len(calendar.walk("VTIMEZONE")) == 1  # RFC 5545 wants at least one component
    assert vobject.readOne(data.decode("utf-8")).name == "VCALENDAR"


def test_only_conferences_with_dates_get_a_calendar_and_their_pages_say_which(dated: BuildResult) -> None:
    assert "familienkonferenzen/online/termine.ics" not in dated.outputs
    assert "familienkonferenzen/linden-sued/termine.ics" in dated.outputs
    with_dates = dated.outputs[f"familienkonferenzen/{DATED_SLUG}/index.html"]
    without = dated.outputs["familienkonferenzen/online/index.html"]
    assert isinstance(with_dates, bytes) and isinstance(without, bytes)
    assert f'href="/familie/{CONFERENCE_ICS}"' in with_dates.decode()
    assert "In den Kalender eintragen" in with_dates.decode()
    assert "Sobald Termine feststehen" in without.decode()
    for html in (with_dates.decode(), without.decode()):
        assert 'href="webcal://example.org/familie/termine.ics"' in html
        assert 'href="/familie/termine.ics"' in html


def test_without_source_date_epoch_dtstamp_comes_from_the_content_not_the_clock(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = make_site(files=DATED_FILES)
    first = build_project(project, project / "site", today=TODAY)
    second = build_project(project, project / "site2", today=TODAY)
    assert first.outputs[CONFERENCE_ICS] == second.outputs[CONFERENCE_ICS]
    assert first.model is not None
    stamps = {e.decoded("dtstamp") for e in _events(output_bytes(first, CONFERENCE_ICS))}
    # the minimal fixture's latest publication date: the accessibility statement or the 2013 result
    from familiensite.load import load_content
    from familiensite.validate import validate_content

    content, _ = validate_content(load_content(project), TODAY)
    assert content is not None
    assert stamps == {datetime.combine(content_date(content), datetime.min.time(), tzinfo=UTC)}


def test_the_real_site_calendar_is_valid_although_no_conference_has_dates(real_build: BuildResult, real_site: Path) -> None:
    data = (real_site / "termine.ics").read_bytes()
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []
    assert vobject.readOne(data.decode("utf-8")).name == "VCALENDAR"
    assert not list(real_site.glob("familienkonferenzen/*/termine.ics"))


def test_the_vtimezone_gives_the_offsets_of_the_time_zone_database_at_every_hour(dated: BuildResult) -> None:
    from dateutil import tz

    data = output_bytes(dated, CONFERENCE_ICS).decode("utf-8")
    vtimezone = data[data.index("BEGIN:VTIMEZONE"):data.index("END:VTIMEZONE") + len("END:VTIMEZONE")]
    theirs = tz.tzical(__import__("io").StringIO(vtimezone)).get("Europe/Berlin")
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in vtimezone  # what Outlook and others expect
    day = date(2025, 1, 1)
    while day < date(2028, 1, 1):  # every 30 minutes in the last weeks of March and October, else daily
        dense = day.month in (3, 10) and day.day > 24
        for minutes in range(0, 24 * 60, 30) if dense else (12 * 60,):
            instant = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes)
            assert instant.astimezone(theirs).utcoffset() == instant.astimezone(BERLIN).utcoffset(), instant
        day += timedelta(days=1)


def test_a_held_conference_without_dates_does_not_promise_dates(real_build: BuildResult) -> None:
    held = real_build.outputs["familienkonferenzen/bemerode/index.html"]
    assert isinstance(held, bytes)
    assert "Sobald Termine feststehen" not in held.decode()
    assert "Die genauen Termine dieser Konferenz sind nicht mehr verfügbar." in held.decode()
