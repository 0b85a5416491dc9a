"""Open data: JSON and CSV parsed back (json, csv modules), safe for spreadsheets, documented, linked."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from familiensite.opendata import DATASETS, safe_cell
from familiensite.pipeline import BuildResult, render_project
from tests.conftest import ROOT, TODAY, make_project
from tests.support.content import output_bytes
from tests.support.dated import DATED_FILES, DATED_SLUG

HOSTILE_MEMBER = """city: "=HYPERLINK(\\"https://evil.example\\",\\"Klick\\")"
organisation: "@SUM(1+1)"
website: https://www.example.org/
coordinates:
  lat: 40.4168
  lon: -3.7038
"""


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    files = {**DATED_FILES, "content/members/madrid.yaml": HOSTILE_MEMBER}
    result = render_project(make_project(tmp_path_factory.mktemp("data"), files=files), TODAY, search=False)
    assert result.ok, [p.message for p in result.problems]
    return result


def _csv(result: BuildResult, name: str) -> list[dict[str, str]]:
    data = output_bytes(result, f"daten/{name}.csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    assert b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _json(result: BuildResult, name: str) -> dict:
    return json.loads(output_bytes(result, f"daten/{name}.json"))


def test_every_dataset_exists_as_json_and_csv_with_the_documented_columns(dated: BuildResult) -> None:
    for dataset in DATASETS:
        rows = _csv(dated, dataset.name)
        document = _json(dated, dataset.name)
        names = [c.name for c in dataset.columns]
        header = next(csv.reader(io.StringIO(output_bytes(dated, f"daten/{dataset.name}.csv").decode("utf-8-sig"))))
        assert header == names
        assert [f["name"] for f in document["fields"]] == names
        assert len(rows) == len(document["items"])
        for item in document["items"]:
            assert set(names) <= set(item)


def test_conference_dates_and_venues_match_the_content(dated: BuildResult) -> None:
    conferences = {c["slug"]: c for c in _json(dated, "konferenzen")["items"]}
    dated_conference = conferences[DATED_SLUG]
    assert dated_conference["date_count"] == 5
    assert dated_conference["calendar_url"] == f"https://example.org/familie/familienkonferenzen/{DATED_SLUG}/termine.ics"
    assert conferences["online"]["calendar_url"] is None
    assert conferences["online"]["dates_note"] == "Termine werden bekannt gegeben."
    second = dated_conference["dates"][1]
    assert second == {
        "start": "2027-03-13", "end": None, "all_day": True, "timezone": "Europe/Berlin",
        "venue_name": "Freizeitheim Döhren; großer Saal, Erdgeschoss", "venue_street": "An der Wollwäscherei 2",
        "venue_postal_code": "30519", "venue_locality": "Hannover",
        "venue_directions": "Stadtbahn 1, 2, 8 bis „Peiner Straße“; stufenloser Zugang.",
        "online_url": None, "cancelled": False,
        "note": "Anmeldung bis 1. März bei Frau Jäger; Kinderbetreuung, Imbiss\nBitte mitbringen: gute Laune.",
    }
    rows = [r for r in _csv(dated, "termine") if r["conference"] == DATED_SLUG]
    assert [r["start"] for r in rows] == ["2025-06-01T10:00", "2027-03-13", "2027-04-01", "2027-05-08T18:30", "2027-06-12T10:00"]
    assert rows[1]["note"] == second["note"]  # newlines survive the CSV round trip
    assert rows[4]["cancelled"] == "true" and rows[4]["online_url"] == "https://konferenz.example.org/juni"
    assert rows[3]["venue_name"] == "" and rows[3]["online_url"] == "https://konferenz.example.org/raum?id=7&lang=de"


def test_results_and_members_match_the_content_without_personal_data(dated: BuildResult) -> None:
    (result,) = _json(dated, "ergebnisse")["items"]
    assert result["published"] == "2013" and result["conferences"] == ["online"]
    members = {m["slug"]: m for m in _json(dated, "netzwerk")["items"]}
    frankfurt = members["frankfurt"]
    assert frankfurt["address_recipient"] == ["Frankfurter Kinderbüro"]
    assert (frankfurt["lat"], frankfurt["lon"], frankfurt["initiator"]) == (50.1109, 8.6821, True)
    assert frankfurt["url"] == "https://example.org/familie/netzwerk/#frankfurt"
    text = output_bytes(dated, "daten/netzwerk.json").decode() + output_bytes(dated, "daten/netzwerk.csv").decode("utf-8-sig")
    assert "Der Austausch gibt Anstöße" not in text  # quotes (personal statements) are not republished
    conference_data = output_bytes(dated, "daten/konferenzen.json").decode()
    assert "Erika Muster" not in conference_data and "erika.muster@example.org" not in conference_data


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_but_numbers_stay_numbers(dated: BuildResult) -> None:
    madrid = next(r for r in _csv(dated, "netzwerk") if r["slug"] == "madrid")
    assert madrid["city"] == "'=HYPERLINK(\"https://evil.example\",\"Klick\")"
    assert madrid["organisation"] == "'@SUM(1+1)"
    assert madrid["lon"] == "-3.7038"
    assert _json(dated, "netzwerk")["items"][2]["city"].startswith("=")  # JSON keeps the data as it is
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Hannover") == "Hannover"


def test_the_licence_comes_from_the_site_settings(dated: BuildResult, real_build: BuildResult, real_site: Path) -> None:
    assert _json(dated, "konferenzen")["license"] is None
    page = output_bytes(dated, "daten/index.html").decode()
    assert "noch keine Lizenz festgelegt" in page
    real = json.loads((real_site / "daten" / "ergebnisse.json").read_text(encoding="utf-8"))
    assert real["license"] == {"name": "Datenlizenz Deutschland – Namensnennung 2.0", "url": "https://www.govdata.de/dl-de/by-2-0"}
    assert real["publisher"] == "Landeshauptstadt Hannover"
    real_page = (real_site / "daten" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://www.govdata.de/dl-de/by-2-0" rel="license">Datenlizenz Deutschland – Namensnennung 2.0</a>' in real_page


def test_the_open_data_page_links_every_file_and_is_linked_from_every_page(real_build: BuildResult, real_site: Path) -> None:
    page = (real_site / "daten" / "index.html").read_text(encoding="utf-8")
    for dataset in DATASETS:
        for extension in ("json", "csv"):
            assert f'href="/familie/daten/{dataset.name}.{extension}"' in page
            assert (real_site / "daten" / f"{dataset.name}.{extension}").is_file()
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in page
    for html in real_site.rglob("*.html"):
        if "pagefind" not in html.parts:
            assert 'href="/familie/daten/"' in html.read_text(encoding="utf-8"), html


def test_docs_open_data_lists_every_file_and_field() -> None:
    text = (ROOT / "docs" / "open-data.md").read_text(encoding="utf-8")
    for dataset in DATASETS:
        section = text.split(f"### {dataset.name}", 1)[1].split("\n### ", 1)[0]
        documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
        assert documented == [c.name for c in dataset.columns], dataset.name
