"""Validation: one test per rule, each asserting the exact place, field, German message and hint."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from familiensite.pipeline import check_content
from familiensite.validate import RESERVED_SLUGS, Content
from tests.conftest import TODAY, MakeSite
from tests.support.content import edited, errors_in, fixture_text, warnings_in

LINDEN = "content/conferences/linden-sued.md"
ONLINE = "content/conferences/online.md"
FRANKFURT = "content/members/frankfurt.yaml"
ESSEN = "content/members/essen.yaml"
NETWORK = "content/network.yaml"
SITE = "content/site.yaml"
HOME = "content/home.md"
RESULT = "content/results/erste-ergebnisse.md"
ACCESSIBILITY = "content/pages/barrierefreiheit.md"
IMPRINT = "content/pages/impressum.md"

DATETIME_FORMAT = (
    "ist kein Zeitpunkt im Format JJJJ-MM-TT HH:MM (oder ein Datum JJJJ-MM-TT für ganztägige Termine).",
    "Zum Beispiel „2014-03-15 18:30“ für den 15. März 2014 um 18:30 Uhr.",
)
DATE_FORMAT = ("ist kein Datum im Format JJJJ-MM-TT.", "Zum Beispiel „2014-03-15“ für den 15. März 2014.")
DUPLICATE_SLUG_HINT = (
    "Adressnamen müssen eindeutig sein (Groß-/Kleinschreibung und Umlaute zählen nicht als Unterschied). Eine der Dateien umbenennen."
)
URL_FORMAT_HINT = "Vollständig mit „https://“ angeben, z. B. „https://www.hannover.de/“."
URL_SCHEME_HINT = "Nur Adressen im Web sind erlaubt; „javascript:“, „data:“ und ähnliche werden aus Sicherheitsgründen abgelehnt."


def content_of(project: object) -> Content:
    content, problems = check_content(project, today=TODAY)  # type: ignore[arg-type]
    assert [p for p in problems if p.is_error] == []
    assert content is not None
    return content


def test_the_minimal_fixture_has_no_errors(make_site: MakeSite) -> None:
    assert errors_in(make_site()) == []


# --- values that YAML 1.1 would have changed ---------------------------------------------------


def test_an_unquoted_time_is_read_as_the_time_typed(make_site: MakeSite) -> None:
    overlay = edited(LINDEN, "start: 2013-05-04 10:00", "start: 2013-05-04 18:30\n    note: Einlass ab 18:30")
    overlay[LINDEN] = overlay[LINDEN].replace("end: 2013-05-04 16:00", "end: 2013-05-04 21:00")
    conference = next(c for c in content_of(make_site(files=overlay)).conferences if c.slug == "linden-sued")
    assert conference.meta.dates[0].start == datetime(2013, 5, 4, 18, 30)
    assert conference.meta.dates[0].note == "Einlass ab 18:30"


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "18:30", "2014-03-15", "01067"])
def test_a_title_that_yaml_11_would_convert_stays_the_text_typed(make_site: MakeSite, word: str) -> None:
    project = make_site(files=edited(ONLINE, "title: Online-Familienkonferenz", f"title: {word}"))
    conference = next(c for c in content_of(project).conferences if c.slug == "online")
    assert conference.meta.title == word


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "y", "1", "wahr"])
def test_a_yes_no_field_with_anything_but_true_or_false_is_an_error(make_site: MakeSite, word: str) -> None:
    project = make_site(files=edited(IMPRINT, "type: imprint", f"type: imprint\nplaceholder: {word}"))
    assert errors_in(project) == [
        (IMPRINT, 4, 14, "placeholder", f"Erwartet wird true oder false, gefunden wurde „{word}“.", ""),
    ]


@pytest.mark.parametrize(("word", "value"), [("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False)])
def test_true_and_false_are_the_yes_no_values_in_yaml_12_spellings(make_site: MakeSite, word: str, value: bool) -> None:
    project = make_site(files=edited(IMPRINT, "type: imprint", f"type: imprint\nplaceholder: {word}"))
    assert next(p for p in content_of(project).pages if p.slug == "impressum").meta.placeholder is value


def test_an_unquoted_date_is_validated_as_a_date(make_site: MakeSite) -> None:
    project = make_site(files=edited(ACCESSIBILITY, "prepared: 2026-01-10", "prepared: 2014-03-15"))
    page = next(p for p in content_of(project).pages if p.slug == "barrierefreiheit")
    assert page.meta.statement is not None
    assert page.meta.statement.prepared == date(2014, 3, 15)


def test_an_unquoted_postal_code_keeps_its_leading_zero(make_site: MakeSite) -> None:
    project = make_site(files=edited(FRANKFURT, 'postal_code: "60316"', "postal_code: 01067"))
    frankfurt = next(m for m in content_of(project).members if m.slug == "frankfurt")
    assert frankfurt.meta.address is not None
    assert frankfurt.meta.address.postal_code == "01067"


# --- fields ----------------------------------------------------------------------------------------


def test_an_unknown_field_is_an_error_that_suggests_the_closest_field(make_site: MakeSite) -> None:
    project = make_site(files={ESSEN: "city: Essen\nwebsit: https://www.essen.de/\n"})
    assert errors_in(project) == [(ESSEN, 2, 1, "websit", "Unbekanntes Feld „websit“.", "Meinten Sie „website“?")]


def test_an_unknown_nested_field_is_placed_at_its_key_with_the_full_field_path(make_site: MakeSite) -> None:
    project = make_site(files=edited(LINDEN, "        street: Testweg 1", "        strasse: Testweg 1"))
    assert errors_in(project) == [
        (LINDEN, 13, 7, "dates[0].venue.address.street", "Das Pflichtfeld „street“ fehlt.", "Ergänzen Sie „street:“ mit einem Wert."),
        (LINDEN, 14, 9, "dates[0].venue.address.strasse", "Unbekanntes Feld „strasse“.", "Meinten Sie „street“?"),
    ]


def test_an_unknown_field_far_from_every_field_has_no_suggestion(make_site: MakeSite) -> None:
    project = make_site(files={ESSEN: "city: Essen\nxyz: 1\n"})
    assert errors_in(project) == [(ESSEN, 2, 1, "xyz", "Unbekanntes Feld „xyz“.", "")]


def test_a_missing_required_field_is_an_error_at_its_group(make_site: MakeSite) -> None:
    project = make_site(files={ESSEN: "organisation: Bündnis für Familie\n"})
    assert errors_in(project) == [(ESSEN, 1, 1, "city", "Das Pflichtfeld „city“ fehlt.", "Ergänzen Sie „city:“ mit einem Wert.")]


@pytest.mark.parametrize(("value", "column"), [("", 7), ("''", 8), ('"   "', 8)])
def test_an_empty_title_is_an_error(make_site: MakeSite, value: str, column: int) -> None:
    project = make_site(files=edited(ONLINE, "title: Online-Familienkonferenz", f"title: {value}".rstrip()))
    assert errors_in(project) == [(ONLINE, 2, column, "title", "Das Feld darf nicht leer sein.", "")]


def test_a_list_where_a_text_belongs_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(ONLINE, "teaser: Mitdiskutieren im Internet.", "teaser:\n  - Mitdiskutieren"))
    assert errors_in(project) == [(ONLINE, 6, 3, "teaser", "Erwartet wird ein Text, gefunden wurde eine Liste.", "")]


def test_a_file_that_is_a_list_instead_of_fields_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={ESSEN: "- city: Essen\n"})
    assert errors_in(project) == [
        (ESSEN, 1, 1, "", "Erwartet werden Unterfelder („name: wert“), gefunden wurde eine Liste.", ""),
    ]


def test_a_value_outside_its_choices_is_an_error_that_suggests_the_right_spelling(make_site: MakeSite) -> None:
    project = make_site(files=edited(ONLINE, "format: online", "format: Online"))
    assert errors_in(project) == [
        (ONLINE, 3, 9, "format", "„Online“ ist hier nicht möglich; erlaubt sind: district, online, citywide.", "Meinten Sie „online“?"),
    ]


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("15.03.2014", f"„15.03.2014“ {DATETIME_FORMAT[0]}", DATETIME_FORMAT[1]),
        ("2014-3-5", f"„2014-3-5“ {DATETIME_FORMAT[0]}", DATETIME_FORMAT[1]),
        ("2014-03-15 18.30", f"„2014-03-15 18.30“ {DATETIME_FORMAT[0]}", DATETIME_FORMAT[1]),
        ("2014-02-30", "Das Datum „2014-02-30“ gibt es nicht.", ""),
        ("2014-03-15 24:30", "Das Datum „2014-03-15 24:30“ gibt es nicht.", ""),
    ],
)
def test_a_wrong_start_of_a_conference_date_is_an_error(make_site: MakeSite, value: str, message: str, hint: str) -> None:
    overlay = edited(LINDEN, "start: 2013-05-04 10:00", f"start: {value}")
    overlay[LINDEN] = overlay[LINDEN].replace("    end: 2013-05-04 16:00\n", "")
    assert errors_in(make_site(files=overlay)) == [(LINDEN, 9, 12, "dates[0].start", message, hint)]


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("15.03.2014", f"„15.03.2014“ {DATE_FORMAT[0]}", DATE_FORMAT[1]),
        ("2014-3-5", f"„2014-3-5“ {DATE_FORMAT[0]}", DATE_FORMAT[1]),
        ("2014-02-30", "Das Datum „2014-02-30“ gibt es nicht.", ""),
        ("2014-03-15 10:00", f"„2014-03-15 10:00“ {DATE_FORMAT[0]}", DATE_FORMAT[1]),
    ],
)
def test_a_wrong_date_is_an_error(make_site: MakeSite, value: str, message: str, hint: str) -> None:
    project = make_site(files=edited(ACCESSIBILITY, "prepared: 2026-01-10", f"prepared: {value}"))
    assert errors_in(project) == [(ACCESSIBILITY, 6, 13, "statement.prepared", message, hint)]


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("2013-13", "Das Datum „2013-13“ gibt es nicht.", ""),
        ("Juni 2013", "„Juni 2013“ ist kein Datum im Format JJJJ, JJJJ-MM oder JJJJ-MM-TT.", "Zum Beispiel „2013“, „2013-06“ oder „2013-06-14“."),
    ],
)
def test_a_wrong_publication_date_is_an_error(make_site: MakeSite, value: str, message: str, hint: str) -> None:
    project = make_site(files=edited(RESULT, 'published: "2013"', f"published: {value}"))
    assert errors_in(project) == [(RESULT, 5, 12, "published", message, hint)]


def test_an_end_before_the_start_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(LINDEN, "end: 2013-05-04 16:00", "end: 2013-05-04 09:30"))
    assert errors_in(project) == [
        (LINDEN, 10, 10, "dates[0].end", "Das Ende (2013-05-04 09:30) liegt vor dem Beginn (2013-05-04 10:00).",
         "Beginn und Ende prüfen; ein Termin über Mitternacht braucht das Datum des Folgetags."),
    ]


def test_an_end_without_a_time_after_a_start_with_one_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(LINDEN, "end: 2013-05-04 16:00", "end: 2013-05-05"))
    assert errors_in(project) == [
        (LINDEN, 10, 10, "dates[0].end", "Beginn und Ende müssen beide ein Datum oder beide Datum mit Uhrzeit sein.", ""),
    ]


def test_a_date_without_venue_or_online_link_is_an_error(make_site: MakeSite) -> None:
    text = fixture_text(LINDEN)
    venue = text[text.index("    venue:\n"):text.index("contacts:")]
    project = make_site(files={LINDEN: text.replace(venue, "")})
    assert errors_in(project) == [
        (LINDEN, 9, 5, "dates[0].venue", "Ein Termin braucht einen Ort („venue“) oder einen Online-Link („online_url“).",
         "Ist der Ort noch offen, den Termin weglassen und „dates_note“ verwenden."),
    ]


def test_a_district_conference_without_district_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(LINDEN, "district: linden-sued\n", ""))
    assert errors_in(project) == [
        (LINDEN, 2, 1, "district", "Für eine Stadtteilkonferenz (format: district) muss ein Stadtteil angegeben sein.",
         "„district:“ mit dem Adressnamen eines Stadtteils ergänzen, z. B. „bemerode“."),
    ]


@pytest.mark.parametrize("value", ["erika.muster(at)example.org", "mailto:erika.muster@example.org", "erika muster@example.org", "erika@localhost"])
def test_a_wrong_email_address_is_an_error(make_site: MakeSite, value: str) -> None:
    project = make_site(files=edited(LINDEN, "email: erika.muster@example.org", f"email: {value}"))
    assert errors_in(project) == [
        (LINDEN, 19, 12, "contacts[0].email", f"„{value}“ ist keine gültige E-Mail-Adresse.",
         "Zum Beispiel „familie@hannover-stadt.de“ (ohne „mailto:“)."),
    ]


@pytest.mark.parametrize("value", ["0511 ABC", "12", "Zentrale"])
def test_a_wrong_phone_number_is_an_error(make_site: MakeSite, value: str) -> None:
    project = make_site(files=edited(LINDEN, "phone: 0511 123456", f"phone: {value}"))
    assert errors_in(project) == [
        (LINDEN, 20, 12, "contacts[0].phone", f"„{value}“ ist keine gültige Telefonnummer.",
         "Ziffern mit Vorwahl, z. B. „0511 168-12345“ oder „+49 511 168-12345“."),
    ]


@pytest.mark.parametrize("value", ["+49 511 168-12345", "0511 168-12345", "(0511) 123 45 67"])
def test_usual_phone_numbers_are_accepted(make_site: MakeSite, value: str) -> None:
    assert errors_in(make_site(files=edited(LINDEN, "phone: 0511 123456", f"phone: {value}"))) == []


@pytest.mark.parametrize("value", ["1067", "304499", "D-60316", "6031a", "60316.0"])
def test_a_postal_code_that_is_not_five_digits_is_an_error(make_site: MakeSite, value: str) -> None:
    project = make_site(files=edited(FRANKFURT, 'postal_code: "60316"', f"postal_code: {value}"))
    assert errors_in(project) == [
        (FRANKFURT, 8, 16, "address.postal_code", f"„{value}“ ist keine fünfstellige Postleitzahl.",
         "Postleitzahlen haben genau fünf Ziffern, z. B. „01067“."),
    ]


@pytest.mark.parametrize(
    ("value", "scheme"),
    [("javascript:alert(1)", "javascript"), ("JavaScript:alert(1)", "javascript"), ("data:text/html,<b>x</b>", "data"),
     ("vbscript:msgbox(1)", "vbscript"), ("ftp://ftp.example.org/", "ftp"), ("file:///etc/passwd", "file")],
)
def test_a_website_with_another_scheme_than_http_is_an_error(make_site: MakeSite, value: str, scheme: str) -> None:
    project = make_site(files=edited(FRANKFURT, "website: https://www.frankfurter-buendnis-fuer-familien.de/", f"website: '{value}'"))
    assert errors_in(project) == [
        (FRANKFURT, 10, 10, "website", f"Webadressen müssen mit https:// oder http:// beginnen, nicht mit „{scheme}:“.", URL_SCHEME_HINT),
    ]


@pytest.mark.parametrize("value", ["www.frankfurt.de", "https://", "https://frankfurt", "https://www.frank furt.de/", "//www.frankfurt.de/"])
def test_an_incomplete_website_is_an_error(make_site: MakeSite, value: str) -> None:
    project = make_site(files=edited(FRANKFURT, "website: https://www.frankfurter-buendnis-fuer-familien.de/", f"website: {value}"))
    assert errors_in(project) == [(FRANKFURT, 10, 10, "website", f"„{value}“ ist keine gültige Webadresse.", URL_FORMAT_HINT)]


def test_a_plain_http_website_is_accepted(make_site: MakeSite) -> None:
    project = make_site(files=edited(FRANKFURT, "https://www.frankfurter-buendnis-fuer-familien.de/", "http://www.frankfurt.de/"))
    assert errors_in(project) == []


def test_an_online_link_with_javascript_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(LINDEN, "    venue:\n", "    online_url: javascript:alert(1)\n    venue:\n"))
    assert errors_in(project) == [
        (LINDEN, 11, 17, "dates[0].online_url", "Webadressen müssen mit https:// oder http:// beginnen, nicht mit „javascript:“.", URL_SCHEME_HINT),
    ]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"../../etc/passwd"', "path_format"),
        ('"/etc/passwd"', "path_format"),
        ('"bilder/../../geheim.svg"', "path_format"),
        ("bilder/Foto.svg", "missing"),
    ],
)
def test_an_image_file_outside_content_or_missing_is_an_error(make_site: MakeSite, value: str, problem: str) -> None:
    project = make_site(files=edited(NETWORK, "file: bilder/foto.svg", f"file: {value}"))
    shown = value.strip('"')
    expected = {
        "path_format": (f"„{shown}“ ist kein erlaubter Dateipfad.",
                        "Pfad relativ zum Ordner content/ angeben, ohne „..“ und ohne führenden „/“, z. B. „dokumente/bericht.pdf“."),
        "missing": ("Die Datei „bilder/Foto.svg“ gibt es nicht im Ordner content/.", "Meinten Sie „bilder/foto.svg“?"),
    }[problem]
    assert errors_in(project) == [(NETWORK, 6, 9, "image.file", *expected)]


def test_an_accent_colour_with_too_little_contrast_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(SITE, 'accent_color: "#0b5d8f"', 'accent_color: "#ffcc00"'))
    assert errors_in(project) == [
        (SITE, 7, 17, "theme.accent_color",
         ("Die Akzentfarbe #ffcc00 hat auf hellem Hintergrund (Weiß, Hellgrau von Navigation und Fußbereich) nur einen Kontrast "
          "von 1,38:1; nötig sind mindestens 4,5:1 (WCAG 2.1 AA)."),
         "Eine dunklere Farbe wählen."),
    ]


def test_an_accent_colour_readable_on_white_but_not_on_the_grey_of_navigation_and_footer_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(SITE, 'accent_color: "#0b5d8f"', 'accent_color: "#767676"'))  # 4,54:1 on white
    assert errors_in(project) == [
        (SITE, 7, 17, "theme.accent_color",
         ("Die Akzentfarbe #767676 hat auf hellem Hintergrund (Weiß, Hellgrau von Navigation und Fußbereich) nur einen Kontrast "
          "von 4,16:1; nötig sind mindestens 4,5:1 (WCAG 2.1 AA)."),
         "Eine dunklere Farbe wählen."),
    ]


def test_an_accent_colour_in_another_format_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(SITE, 'accent_color: "#0b5d8f"', "accent_color: blau"))
    assert errors_in(project) == [
        (SITE, 7, 17, "theme.accent_color", "„blau“ ist keine Farbe im Format #RRGGBB.", "Zum Beispiel „#005ea8“."),
    ]


ALT_HINT = 'Beschreiben Sie, was das Bild zeigt. Für rein schmückende Bilder ausdrücklich alt: "" angeben.'


def test_an_image_without_alt_text_is_an_error_whose_hint_mentions_the_empty_alt(make_site: MakeSite) -> None:
    project = make_site(files=edited(NETWORK, "  alt: Menschen an einem Tisch\n", ""))
    assert errors_in(project) == [(NETWORK, 5, 1, "image.alt", "Das Pflichtfeld „alt“ fehlt.", ALT_HINT)]


def test_an_alt_key_without_value_is_an_error_too(make_site: MakeSite) -> None:
    project = make_site(files=edited(NETWORK, "  alt: Menschen an einem Tisch", "  alt:"))
    assert errors_in(project) == [(NETWORK, 7, 7, "image.alt", "Das Feld darf nicht leer sein.", ALT_HINT)]


def test_an_explicitly_empty_alt_text_marks_a_decorative_image_and_is_accepted(make_site: MakeSite) -> None:
    project = make_site(files=edited(NETWORK, "  alt: Menschen an einem Tisch", '  alt: ""'))
    network = content_of(project).network
    assert network.meta.image is not None and network.meta.image.alt == ""


def test_numbers_are_checked_against_their_range_and_written_as_editors_write_them(make_site: MakeSite) -> None:
    overlay = {**edited(FRANKFURT, "lat: 50.1109", "lat: 95"), **edited(NETWORK, "founded: 2010", "founded: zweitausendzehn")}
    assert errors_in(make_site(files=overlay)) == [
        (FRANKFURT, 12, 8, "coordinates.lat", "Der Wert 95 ist zu groß; erlaubt ist höchstens 90.", ""),
        (NETWORK, 2, 10, "founded", "Erwartet wird eine ganze Zahl, gefunden wurde „zweitausendzehn“.", ""),
    ]


def test_a_decimal_comma_in_coordinates_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(FRANKFURT, "lat: 50.1109", "lat: 50,1109"))
    assert errors_in(project) == [
        (FRANKFURT, 12, 8, "coordinates.lat", "Erwartet wird eine Zahl mit Punkt als Dezimaltrenner, gefunden wurde „50,1109“.", ""),
    ]


# --- references between files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "place", "field", "message", "hint"),
    [
        (LINDEN, "district: linden-sued", "district: linden-sud", (5, 11), "district",
         "Es gibt keinen Stadtteil mit dem Adressnamen „linden-sud“.", "Meinten Sie „linden-sued“?"),
        (LINDEN, "district: linden-sued", "district: xyzzy", (5, 11), "district",
         "Es gibt keinen Stadtteil mit dem Adressnamen „xyzzy“.", "Vorhandene Adressnamen stehen in content/districts.yaml."),
        (RESULT, "  - online", "  - onlne", (7, 5), "conferences[0]",
         "Es gibt keine Konferenz mit dem Adressnamen „onlne“.", "Meinten Sie „online“?"),
        (NETWORK, "initiator: frankfurt", "initiator: frankfurt-am-main", (3, 12), "initiator",
         "Es gibt kein Mitglied mit dem Adressnamen „frankfurt-am-main“.", "Meinten Sie „frankfurt“?"),
        (HOME, "title: Aktiv werden", "title: Aktiv werden\nfeatured_pages:\n  - impresum", (4, 5), "featured_pages[0]",
         "Es gibt keine Seite mit dem Adressnamen „impresum“.", "Meinten Sie „impressum“?"),
        (SITE, "target: familienkonferenzen/", "target: familienkonferenz/", (12, 13), "navigation[1].target",
         "Das Navigationsziel „familienkonferenz/“ gibt es nicht auf der Website.", "Meinten Sie „familienkonferenzen/“?"),
    ],
)
def test_an_unknown_reference_is_an_error_that_suggests_the_closest_name(
    make_site: MakeSite, file: str, old: str, new: str, place: tuple[int, int], field: str, message: str, hint: str
) -> None:
    assert errors_in(make_site(files=edited(file, old, new))) == [(file, *place, field, message, hint)]


def test_a_document_that_is_not_in_content_is_an_error_that_suggests_the_closest_file(make_site: MakeSite) -> None:
    overlay: dict[str, str | bytes | None] = {
        **edited(RESULT, "conferences:", "documents:\n  - title: Bericht\n    file: dokumente/bericht.pdf\nconferences:")
    }
    overlay["content/dokumente/bericht-2013.pdf"] = b"%PDF-1.4"
    assert errors_in(make_site(files=overlay)) == [
        (RESULT, 8, 11, "documents[0].file", "Die Datei „dokumente/bericht.pdf“ gibt es nicht im Ordner content/.",
         "Meinten Sie „dokumente/bericht-2013.pdf“?"),
    ]


def test_a_reference_to_a_file_with_its_own_errors_is_not_reported_again(make_site: MakeSite) -> None:
    overlay = {
        **edited(ONLINE, "format: online", "format: Online"),  # results/erste-ergebnisse.md refers to it
        **edited(FRANKFURT, 'postal_code: "60316"', "postal_code: 6031"),  # network.yaml's initiator
        **edited(IMPRINT, "type: imprint", "type: imprint\nplacehoder: true"),  # site.yaml's legal page
        ACCESSIBILITY: "---\ntitle: Barrierefreiheit\ntype: accessibility\n\tstatement: x\n---\n",  # unreadable
    }
    assert [e[:4] for e in errors_in(make_site(files=overlay))] == [
        (ONLINE, 3, 9, "format"),
        (FRANKFURT, 8, 16, "address.postal_code"),
        (ACCESSIBILITY, 4, 1, ""),
        (IMPRINT, 4, 1, "placehoder"),
    ]


# --- address names and output paths ----------------------------------------------------------------


def test_two_file_names_differing_only_in_case_are_a_duplicate_slug(make_site: MakeSite) -> None:
    project = make_site(files={"content/conferences/Online.md": fixture_text(ONLINE)})
    assert errors_in(project) == [
        (ONLINE, 2, 1, "", "Der Adressname „online“ wird schon von content/conferences/Online.md verwendet.", DUPLICATE_SLUG_HINT),
    ]


def test_an_umlaut_and_its_transliteration_are_a_duplicate_slug(make_site: MakeSite) -> None:
    project = make_site(files={"content/conferences/Linden-Süd.md": fixture_text(LINDEN)})
    assert errors_in(project) == [
        (LINDEN, 2, 1, "", "Der Adressname „linden-sued“ wird schon von content/conferences/Linden-Süd.md verwendet.", DUPLICATE_SLUG_HINT),
    ]


def test_the_same_name_in_nfc_and_nfd_is_one_error_that_says_so(make_site: MakeSite) -> None:
    nfc, nfd = (unicodedata.normalize(form, "content/conferences/Linden-Süd.md") for form in ("NFC", "NFD"))
    assert nfc != nfd
    project = make_site(files={LINDEN: None, nfc: fixture_text(LINDEN), nfd: fixture_text(LINDEN)})
    assert errors_in(project) == [
        (nfc, 2, 1, "",
         "Es gibt zwei Dateien „Linden-Süd.md“; ihre Namen unterscheiden sich nur in der Kodierung der Umlaute (zusammengesetzt und zerlegt).",
         "Eine der beiden Dateien löschen; Dateinamen am besten ohne Umlaute schreiben, z. B. „linden-sued.md“."),
    ]


def test_a_file_name_in_nfd_gives_the_same_slug_and_path_as_in_nfc(make_site: MakeSite) -> None:
    nfd = unicodedata.normalize("NFD", "content/conferences/Linden-Süd.md")
    project = make_site(files={LINDEN: None, nfd: fixture_text(LINDEN)})
    conference = next(c for c in content_of(project).conferences if c.meta.format == "district")
    assert (conference.slug, conference.source) == ("linden-sued", unicodedata.normalize("NFC", nfd))


def test_an_explicit_slug_that_is_taken_is_an_error_at_the_slug(make_site: MakeSite) -> None:
    project = make_site(files={"content/conferences/online-2.md": fixture_text(ONLINE).replace("format: online", "format: online\nslug: online")})
    assert errors_in(project) == [
        ("content/conferences/online-2.md", 4, 7, "slug",
         "Der Adressname „online“ wird schon von content/conferences/online.md verwendet.", DUPLICATE_SLUG_HINT),
    ]


def test_two_districts_with_the_same_slug_are_an_error(make_site: MakeSite) -> None:
    project = make_site(files={"content/districts.yaml": "- name: Linden-Süd\n- name: Nordstadt\n- name: Linden Süd\n"})
    assert errors_in(project) == [
        ("content/districts.yaml", 3, 9, "[2].name", "Der Adressname „linden-sued“ wird schon von Eintrag 1 verwendet.", DUPLICATE_SLUG_HINT),
    ]


# the list grows with the site's sections; the sentence around it is what editors read
RESERVED_HINT = f"Die Datei umbenennen oder mit „slug:“ einen anderen Adressnamen angeben; vergeben sind: {', '.join(sorted(RESERVED_SLUGS))}."


@pytest.mark.parametrize("name", ["netzwerk", "familienkonferenzen", "ergebnisse", "medien", "assets"])
def test_a_page_named_like_a_section_of_the_site_is_an_error(make_site: MakeSite, name: str) -> None:
    project = make_site(files={f"content/pages/{name}.md": "---\ntitle: Eine Seite\n---\nText.\n"})
    assert errors_in(project) == [
        (f"content/pages/{name}.md", 2, 1, "slug", f"Diese Seite würde die Adresse „{name}/“ belegen, unter der ein Bereich der Website steht.", RESERVED_HINT),
    ]


def test_a_page_whose_slug_field_takes_a_section_is_an_error_at_the_slug(make_site: MakeSite) -> None:
    project = make_site(files={"content/pages/ueber-uns.md": "---\ntitle: Über uns\nslug: netzwerk\n---\nText.\n"})
    assert errors_in(project) == [
        ("content/pages/ueber-uns.md", 3, 7, "slug", "Diese Seite würde die Adresse „netzwerk/“ belegen, unter der ein Bereich der Website steht.", RESERVED_HINT),
    ]


def test_a_file_name_without_any_letter_or_digit_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={"content/members/___.yaml": "city: Nirgendwo\n"})
    assert errors_in(project) == [
        ("content/members/___.yaml", 1, 1, "slug", "„___“ ist kein gültiger Adressname (nur Kleinbuchstaben a–z, Ziffern und Bindestriche).",
         "Meinten Sie „beispiel“?"),
    ]


# --- legal pages ------------------------------------------------------------------------------------


LEGAL_MISSING_HINT = (
    "Eine Seite content/pages/{slug}.md mit „type: {type}“ anlegen; jede Website einer Behörde braucht Impressum, "
    "Datenschutzerklärung und Erklärung zur Barrierefreiheit."
)


@pytest.mark.parametrize(
    ("slug", "role", "type", "line", "column"),
    [("impressum", "Impressum", "imprint", 14, 12), ("datenschutz", "Datenschutzerklärung", "privacy", 15, 12),
     ("barrierefreiheit", "Erklärung zur Barrierefreiheit", "accessibility", 16, 18)],
)
def test_a_missing_legal_page_is_an_error(make_site: MakeSite, slug: str, role: str, type: str, line: int, column: int) -> None:
    project = make_site(files={f"content/pages/{slug}.md": None})
    assert errors_in(project) == [
        (SITE, line, column, f"legal.{type}", f"Die Pflichtseite „{role}“ ({slug}) fehlt.", LEGAL_MISSING_HINT.format(slug=slug, type=type)),
    ]


def test_a_legal_page_of_the_wrong_type_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited("content/pages/datenschutz.md", "type: privacy", "type: standard"))
    assert errors_in(project) == [
        (SITE, 15, 12, "legal.privacy", "Die Seite „datenschutz“ ist als Datenschutzerklärung eingetragen, hat aber „type: standard“.",
         "In der Seite „type: privacy“ setzen."),
    ]


def test_an_accessibility_statement_without_feedback_email_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files=edited(ACCESSIBILITY, "    email: barrierefreiheit@example.org\n", ""))
    assert errors_in(project) == [
        (ACCESSIBILITY, 9, 3, "statement.feedback.email", "Das Pflichtfeld „email“ fehlt.", "Ergänzen Sie „email:“ mit einem Wert."),
    ]


def test_an_accessibility_page_without_statement_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={ACCESSIBILITY: "---\ntitle: Barrierefreiheit\ntype: accessibility\n---\nText.\n"})
    assert errors_in(project) == [
        (ACCESSIBILITY, 2, 1, "statement",
         "Die Erklärung zur Barrierefreiheit braucht das Feld „statement“ (Stand, Mängel, Kontakt, Durchsetzungsverfahren).", ""),
    ]


def test_a_statement_on_another_page_type_is_an_error(make_site: MakeSite) -> None:
    statement = fixture_text(ACCESSIBILITY).split("statement:", 1)[1].split("---", 1)[0]
    project = make_site(files={"content/pages/hilfe.md": f"---\ntitle: Hilfe\nstatement:{statement}---\nText.\n"})
    assert errors_in(project) == [
        ("content/pages/hilfe.md", 4, 3, "statement", "Das Feld „statement“ gibt es nur bei „type: accessibility“.", ""),
    ]


def test_a_review_older_than_a_year_is_only_a_warning(make_site: MakeSite) -> None:
    project = make_site(files=edited(ACCESSIBILITY, "reviewed: 2026-01-10", "reviewed: 2025-11-20"))
    assert errors_in(project) == []
    assert warnings_in(project, ACCESSIBILITY) == [
        (ACCESSIBILITY, 7, 13, "statement.reviewed",
         "Die Erklärung zur Barrierefreiheit wurde zuletzt am 2025-11-20 überprüft, vor mehr als einem Jahr.",
         "Die Erklärung überprüfen und „reviewed“ auf das Datum der Überprüfung setzen."),
    ]
    assert check_content(project, today=TODAY)[0] is not None  # the site is still built


def test_a_review_exactly_a_year_ago_is_still_fine(make_site: MakeSite) -> None:
    project = make_site(files=edited(ACCESSIBILITY, "reviewed: 2026-01-10", "reviewed: 2025-11-21"))
    assert (errors_in(project), warnings_in(project, ACCESSIBILITY)) == ([], [])


# --- the whole run ----------------------------------------------------------------------------------


def test_every_problem_of_every_file_is_reported_in_one_run_sorted_by_file_and_line(make_site: MakeSite) -> None:
    overlay = {
        **edited(SITE, "city: Teststadt", "city: Teststadt\ncity: Hannover"),
        ESSEN: "city:\nwebsit: https://www.essen.de/\n",
        **edited(NETWORK, "founded: 2010", "founded: 20l0"),
        **edited(LINDEN, "end: 2013-05-04 16:00", "end: 2013-05-04 09:00"),
        **edited(LINDEN.replace("linden-sued", "online"), "status: planned", "status: geplant"),
    }
    overlay[LINDEN] = overlay[LINDEN].replace("phone: 0511 123456", "phone: null-fünf-elf")
    assert [e[:4] for e in errors_in(make_site(files=overlay))] == [
        (LINDEN, 10, 10, "dates[0].end"),
        (LINDEN, 20, 12, "contacts[0].phone"),
        (ONLINE, 4, 9, "status"),
        (ESSEN, 1, 6, "city"),
        (ESSEN, 2, 1, "websit"),
        (NETWORK, 2, 10, "founded"),
        (SITE, 3, 1, "city"),
    ]
