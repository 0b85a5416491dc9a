"""Open data: conferences (with dates and venues), results and network members as JSON and CSV.

One definition per dataset (``DATASETS``): its columns with a German description feed the CSV
header, the keys of the JSON items, the field table on the "Offene Daten" page and
docs/open-data.md (a test keeps that file in step). Built from the validated ``Content`` (the
structured addresses live there) plus the page URLs of the site model.

Personal data stays out: contact persons, their roles and quotes are shown on the pages, but
they are not republished as bulk data (the data licence cannot cover them).

CSV follows RFC 4180 (comma, CRLF, double quotes) in UTF-8 *with* a byte order mark, so that
Excel recognises UTF-8 when the file is opened directly; Python reads it with
``encoding="utf-8-sig"``. Text cells that a spreadsheet would run as a formula (first character
= + - @, tab or carriage return) get a leading apostrophe; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .model import Address, SiteSettings
from .spill import Put, Spillable, in_memory
from .validate import Content

if TYPE_CHECKING:
    from .sitemodel import SiteModel

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | float | bool | None | list[Any]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    description: str  # German: shown on the page and in docs/open-data.md


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str  # file name without extension
    title: str
    description: str
    columns: tuple[Column, ...]


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(name, description) for name, description in pairs)


DATE_COLUMNS = _columns(
    ("start", "Beginn in Ortszeit: „2027-03-13T10:00“, bei ganztägigen Terminen nur das Datum."),
    ("end", "Ende in derselben Form; leer, wenn nicht angegeben (bei ganztägigen Terminen einschließlich dieses Tages)."),
    ("all_day", "true bei ganztägigen Terminen."),
    ("timezone", "Zeitzone der Ortszeit, z. B. „Europe/Berlin“."),
    ("venue_name", "Name des Veranstaltungsortes."),
    ("venue_street", "Straße und Hausnummer des Ortes."),
    ("venue_postal_code", "Postleitzahl des Ortes."),
    ("venue_locality", "Ort."),
    ("venue_directions", "Hinweise zur Anreise und Barrierefreiheit."),
    ("online_url", "Link zur Online-Teilnahme."),
    ("cancelled", "true, wenn der Termin abgesagt ist."),
    ("note", "Hinweis zum Termin, z. B. zur Anmeldung."),
)

CONFERENCES = Dataset(
    "konferenzen", "Familienkonferenzen",
    "Alle Familienkonferenzen mit Art, Stadtteil und Stand. In der JSON-Datei stehen die Termine mit Ort "
    "bei jeder Konferenz (Feld „dates“, Felder wie in „Termine“); in CSV stehen sie in einer eigenen Datei.",
    _columns(
        ("slug", "Adressname: eindeutige, dauerhafte Kennung der Konferenz."),
        ("url", "Adresse der Seite der Konferenz."),
        ("title", "Titel."),
        ("motto", "Motto."),
        ("format", "Art: district (im Stadtteil), online, citywide (stadtweit)."),
        ("format_label", "Art in Worten."),
        ("district", "Adressname des Stadtteils (nur bei district)."),
        ("district_name", "Name des Stadtteils."),
        ("theme", "Thema einer stadtweiten Konferenz."),
        ("status", "Stand: planned (geplant), held (durchgeführt), cancelled (abgesagt)."),
        ("status_label", "Stand in Worten."),
        ("teaser", "Kurzbeschreibung."),
        ("period", "Zeitraum in Worten, wenn keine genauen Termine bekannt sind."),
        ("dates_note", "Hinweis, wenn keine Termine angegeben sind."),
        ("date_count", "Anzahl der Termine."),
        ("calendar_url", "Alle Termine der Konferenz als iCalendar-Datei; leer, solange es keine gibt."),
        ("results", "Adressnamen der Ergebnisse aus dieser Konferenz (CSV: durch Leerzeichen getrennt)."),
    ),
)
DATES = Dataset(
    "termine", "Termine der Familienkonferenzen",
    "Jeder Termin mit Ort oder Online-Link, auch vergangene und abgesagte.",
    (*_columns(("conference", "Adressname der Konferenz (Feld „slug“ in „Familienkonferenzen“)."), ("conference_title", "Titel der Konferenz.")), *DATE_COLUMNS),
)
RESULTS = Dataset(
    "ergebnisse", "Ergebnisse",
    "Berichte und Dokumente aus den Familienkonferenzen.",
    _columns(
        ("slug", "Adressname: eindeutige, dauerhafte Kennung des Ergebnisses."),
        ("url", "Adresse der Seite des Ergebnisses."),
        ("title", "Titel."),
        ("subtitle", "Untertitel."),
        ("teaser", "Kurzbeschreibung."),
        ("published", "Veröffentlicht: „2013“, „2013-06“ oder „2013-06-14“, so genau wie bekannt."),
        ("conferences", "Adressnamen der Konferenzen, aus denen das Ergebnis stammt (CSV: durch Leerzeichen getrennt)."),
        ("documents", "Angehängte Dokumente (JSON: Liste mit „title“ und „url“; CSV: die Adressen, durch Leerzeichen getrennt)."),
    ),
)
MEMBERS = Dataset(
    "netzwerk", "Mitgliedsstädte des Netzwerks",
    "Die Städte des Großstädtenetzwerks mit Stelle, Anschrift und Lage. Ansprechpersonen und Zitate "
    "stehen auf der Netzwerkseite, werden als personenbezogene Daten aber nicht hier veröffentlicht.",
    _columns(
        ("slug", "Adressname: eindeutige, dauerhafte Kennung des Mitglieds."),
        ("url", "Adresse des Eintrags auf der Netzwerkseite."),
        ("city", "Stadt."),
        ("organisation", "Bündnis oder Stelle."),
        ("website", "Website."),
        ("address_recipient", "Zeilen der Anschrift über der Straße (JSON: Liste; CSV: durch „; “ getrennt)."),
        ("street", "Straße und Hausnummer."),
        ("postal_code", "Postleitzahl."),
        ("locality", "Ort."),
        ("lat", "Breitengrad (WGS 84) der Stadt; leer, wenn nicht angegeben."),
        ("lon", "Längengrad (WGS 84) der Stadt; leer, wenn nicht angegeben."),
        ("initiator", "true für die Stadt, auf deren Initiative das Netzwerk entstand."),
    ),
)
DATASETS = (CONFERENCES, DATES, RESULTS, MEMBERS)
FORMATS = {"json": "JSON", "csv": "CSV"}


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DataFile:
    url: str
    format: str  # "JSON" | "CSV"


@dataclass(frozen=True, slots=True)
class DatasetView:
    name: str
    title: str
    description: str
    files: tuple[DataFile, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True, slots=True)
class OpenDataView:
    publisher: str
    license_name: str | None
    license_url: str | None
    datasets: tuple[DatasetView, ...]


def open_data_view(settings: SiteSettings, page_url: str) -> OpenDataView:
    """What the "Offene Daten" page lists: every dataset with its files and fields, and the licence."""
    licence = settings.data_license
    datasets = tuple(
        DatasetView(d.name, d.title, d.description, tuple(DataFile(f"{page_url}{d.name}.{ext}", label) for ext, label in FORMATS.items()), d.columns)
        for d in DATASETS
    )
    return OpenDataView(settings.theme.organisation, licence.name if licence else None, licence.url if licence else None, datasets)


# --- the records --------------------------------------------------------------------------------


def _iso(value: date | datetime) -> str:
    """Local time to the minute, or the date of an all-day date (as on the pages)."""
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else value.isoformat()


def _address(address: Address | None, prefix: str = "") -> dict[str, Value]:
    return {
        f"{prefix}street": address.street if address else None,
        f"{prefix}postal_code": address.postal_code if address else None,
        f"{prefix}locality": address.locality if address else None,
    }


def _items(content: Content, model: SiteModel) -> Iterator[tuple[Dataset, list[dict[str, Value]]]]:
    """Every dataset with its items, keys in column order (JSON-only extras such as nested dates last).

    One dataset after the other, each let go of before the next is made (at 100,000 items the
    conferences' items alone are hundreds of megabytes): the caller drops its reference first.
    """
    absolute = model.site.origin
    tz = content.site.timezone
    views = {c.slug: c for c in model.conferences}
    results_by_conference: dict[str, list[str]] = {}
    for result in sorted(content.results, key=lambda r: r.slug):
        for slug in result.meta.conferences:
            results_by_conference.setdefault(slug, []).append(result.slug)
    conferences: list[dict[str, Value]] = []
    for entry in sorted(content.conferences, key=lambda c: c.slug):
        view, meta = views[entry.slug], entry.meta
        own_dates: list[dict[str, Value]] = []
        for d in sorted(meta.dates, key=lambda d: _iso(d.start)):
            own_dates.append({
                "start": _iso(d.start), "end": _iso(d.end) if d.end else None, "all_day": not isinstance(d.start, datetime), "timezone": tz,
                "venue_name": d.venue.name if d.venue else None, **_address(d.venue.address if d.venue else None, "venue_"),
                "venue_directions": d.venue.directions if d.venue else None,
                "online_url": d.online_url, "cancelled": d.cancelled, "note": d.note,
            })
        conferences.append({
            "slug": entry.slug, "url": absolute + view.url, "title": meta.title, "motto": meta.motto, "format": meta.format,
            "format_label": view.format_label, "district": meta.district, "district_name": view.district, "theme": meta.theme,
            "status": meta.status, "status_label": view.status_label, "teaser": meta.teaser, "period": meta.period,
            "dates_note": None if meta.dates else view.dates_note, "date_count": len(meta.dates),
            "calendar_url": absolute + view.calendar_url if view.calendar_url else None,
            "results": results_by_conference.get(entry.slug, []), "dates": own_dates,
        })
    yield CONFERENCES, conferences
    dates = [{"conference": c["slug"], "conference_title": c["title"], **d} for c in conferences for d in c["dates"]]  # type: ignore[union-attr, dict-item]
    del conferences
    yield DATES, dates
    del dates
    result_urls = {r.slug: r.url for r in model.results}
    results: list[dict[str, Value]] = [
        {
            "slug": r.slug, "url": absolute + result_urls[r.slug], "title": r.meta.title, "subtitle": r.meta.subtitle,
            "teaser": r.meta.teaser, "published": r.meta.published.isoformat() if r.meta.published else None,
            "conferences": list(r.meta.conferences),
            "documents": [{"title": doc.title, "url": f"{model.site.base_url}medien/{doc.file}"} for doc in r.meta.documents],
        }
        for r in sorted(content.results, key=lambda r: r.slug)
    ]
    yield RESULTS, results
    del results
    network_url = absolute + model.site.base_path + "netzwerk/"
    initiator = content.network.meta.initiator
    members: list[dict[str, Value]] = [
        {
            "slug": e.slug, "url": f"{network_url}#{e.slug}", "city": e.meta.city, "organisation": e.meta.organisation,
            "website": e.meta.website, "address_recipient": list(e.meta.address.recipient) if e.meta.address else [],
            **_address(e.meta.address), "lat": e.meta.coordinates.lat if e.meta.coordinates else None,
            "lon": e.meta.coordinates.lon if e.meta.coordinates else None, "initiator": e.slug == initiator,
        }
        for e in sorted(content.members, key=lambda e: e.slug)
    ]
    yield MEMBERS, members


# --- the files ----------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _cell(value: Value, join: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        parts = [v["url"] if isinstance(v, dict) else str(v) for v in value]
        return safe_cell(join.join(parts))
    return safe_cell(value)


CSV_JOINS: dict[str, str] = {"address_recipient": "; "}


def to_csv(dataset: Dataset, items: list[dict[str, Value]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark first: no copy of the whole text to put it in front
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in dataset.columns])
    for item in items:
        writer.writerow([_cell(item[c.name], CSV_JOINS.get(c.name, " ")) for c in dataset.columns])
    return buffer.getvalue().encode("utf-8")


def to_json(dataset: Dataset, items: list[dict[str, Value]], settings: SiteSettings, page_url: str) -> bytes:
    licence = settings.data_license
    document = {
        "title": dataset.title,
        "description": dataset.description,
        "publisher": settings.theme.organisation,
        "license": {"name": licence.name, "url": licence.url} if licence else None,
        "source": page_url,
        "fields": [{"name": c.name, "description": c.description} for c in dataset.columns],
    }
    # One item per line: readable, diffable, and written by json's C encoder (with ``indent`` the
    # pure-Python one runs: 3.6 s instead of 0.3 s for 10,000 items).
    # Written item by item as bytes: joining the lines, then the document, then encoding it held
    # four copies of the largest file at once (about 40 MiB for the conferences at 10,000 items).
    head = json.dumps(document, ensure_ascii=False, indent=2)
    assert head.endswith("\n}")
    output = io.BytesIO()
    output.write(f'{head[:-2]},\n  "items": '.encode())
    separator = b"[\n    "
    for item in items:
        output.write(separator)
        output.write(json.dumps(item, ensure_ascii=False).encode())
        separator = b",\n    "
    output.write(b"\n  ]\n}\n" if items else b"[]\n}\n")
    return output.getvalue()


Renderer = Callable[[Dataset, list[dict[str, Value]]], bytes]


def render_open_data(content: Content, model: SiteModel, put: Put = in_memory) -> dict[str, Spillable]:
    """daten/<dataset>.json and .csv for every dataset, by output path (``put``: see exports.render_exports)."""
    base = model.site.base_path
    folder = model.site.open_data_url[len(base):]
    page_url = model.site.origin + model.site.open_data_url
    outputs: dict[str, Spillable] = {}
    datasets = _items(content, model)
    for dataset, items in datasets:
        json_path, csv_path = f"{folder}{dataset.name}.json", f"{folder}{dataset.name}.csv"
        outputs[json_path] = put(json_path, to_json(dataset, items, content.site, page_url))
        outputs[csv_path] = put(csv_path, to_csv(dataset, items))
        del items  # the generator makes the next dataset only once this one is gone
    return outputs
