"""A conference with every kind of date, overlaid on the minimal fixture (tests of calendars, feed, open data).

Today in the tests is 2026-11-21 (tests/conftest.py TODAY): the 2025 date is past, the others upcoming.
"""

from __future__ import annotations

from pathlib import Path

from familiensite.pipeline import render_project
from familiensite.sitemodel import SiteModel
from tests.conftest import TODAY, make_project

DATED_SLUG = "termine-test"

DATED_CONFERENCE = """---
title: "Familienkonferenz Döhren; Süd, Wülfel"
motto: Wie will ich leben in Döhren?
format: citywide
theme: Wohnen & Zusammenleben <im> Stadtteil
status: planned
teaser: "Alle Familien sind eingeladen: Ideen, Wünsche; Kritik – alles zählt."
dates:
  - start: 2025-06-01 10:00
    end: 2025-06-01 12:00
    venue:
      name: Altes Rathaus
      address:
        street: Marktplatz 1
        postal_code: "30159"
        locality: Hannover
  - start: 2027-03-13
    venue:
      name: "Freizeitheim Döhren; großer Saal, Erdgeschoss"
      address:
        recipient:
          - Kulturtreff Döhren-Wülfel
        street: An der Wollwäscherei 2
        postal_code: "30519"
        locality: Hannover
      directions: Stadtbahn 1, 2, 8 bis „Peiner Straße“; stufenloser Zugang.
    note: |
      Anmeldung bis 1. März bei Frau Jäger; Kinderbetreuung, Imbiss
      Bitte mitbringen: gute Laune.
  - start: 2027-04-01
    end: 2027-04-03
    venue:
      name: Stadtteilzentrum Süd
      address:
        street: Große Straße 5
        postal_code: "30519"
        locality: Hannover
  - start: 2027-05-08 18:30
    end: 2027-05-08 21:00
    online_url: https://konferenz.example.org/raum?id=7&lang=de
  - start: 2027-06-12 10:00
    end: 2027-06-12 16:00
    cancelled: true
    venue:
      name: Haus der Jugend
      address:
        street: Maschstraße 24
        postal_code: "30169"
        locality: Hannover
    online_url: https://konferenz.example.org/juni
    note: Abgesagt wegen Umbau; ein neuer Termin folgt.
---
Beschreibung mit Ümläuten.
"""

DATED_FILES: dict[str, str | bytes | None] = {f"content/conferences/{DATED_SLUG}.md": DATED_CONFERENCE}


def dated_model(folder: Path) -> SiteModel:
    """The site model of the minimal fixture with the dated conference (no search index)."""
    result = render_project(make_project(folder, files=DATED_FILES), TODAY, search=False)
    assert result.model is not None, [p.message for p in result.problems]
    return result.model
