"""Loading content/: encodings, empty files, front matter and unusual files, each an exact problem."""

from __future__ import annotations

import os

import pytest

from familiensite.load import load_content
from familiensite.pipeline import check_content
from tests.conftest import TODAY, MakeSite
from tests.support.content import edited, errors_in, fixture_text, warnings_in

ESSEN = "content/members/essen.yaml"
DISTRICTS = "content/districts.yaml"
ONLINE = "content/conferences/online.md"
EMPTY = ("Die Datei ist leer.", "Inhalt eintragen oder die Datei löschen. Vorlage: python build.py new …")
NOT_UTF8_HINT = "Im Editor „Speichern mit Kodierung: UTF-8“ wählen (die Datei ist vermutlich Latin-1/Windows-1252)."
FENCE_MISSING = (
    "Die Datei beginnt nicht mit dem Vorspann („---“ in der ersten Zeile).",
    "Die erste Zeile muss genau „---“ lauten, dann folgen die Felder, dann wieder „---“.",
)


def test_a_byte_order_mark_is_a_warning_and_the_file_is_still_read(make_site: MakeSite) -> None:
    project = make_site(files={DISTRICTS: b"\xef\xbb\xbf- name: Linden-S\xc3\xbcd\n- name: Nordstadt\n- name: Bemerode\n"})
    assert errors_in(project) == []
    assert warnings_in(project, DISTRICTS) == [
        (DISTRICTS, 1, 1, "", "Die Datei beginnt mit einer Byte-Reihenfolge-Markierung (BOM); sie wurde ignoriert.",
         "Im Editor als „UTF-8“ (ohne BOM) speichern."),
    ]
    content, _ = check_content(project, today=TODAY)
    assert content is not None
    assert [d.name for d in content.districts] == ["Linden-Süd", "Nordstadt", "Bemerode"]


def test_a_byte_order_mark_before_the_front_matter_fence_is_only_a_warning(make_site: MakeSite) -> None:
    project = make_site(files={ONLINE: b"\xef\xbb\xbf" + fixture_text(ONLINE).encode()})
    assert errors_in(project) == []
    assert [w[:3] for w in warnings_in(project, ONLINE)] == [(ONLINE, 1, 1)]


@pytest.mark.parametrize(
    ("raw", "line", "column", "byte"),
    [
        ("city: Essen\nquote: Grüße aus Essen\n".encode("latin-1"), 2, 10, "fc"),
        ("city: Essen\norganisation: „Bündnis“\n".encode("cp1252"), 2, 15, "84"),
        (b"city: Essen\xa0\n", 1, 12, "a0"),
    ],
)
def test_a_file_that_is_not_utf8_is_an_error_at_the_first_bad_byte(make_site: MakeSite, raw: bytes, line: int, column: int, byte: str) -> None:
    project = make_site(files={ESSEN: raw})
    assert errors_in(project) == [
        (ESSEN, line, column, "", f"Die Datei ist nicht in UTF-8 gespeichert (ungültiges Byte 0x{byte}).", NOT_UTF8_HINT),
    ]


@pytest.mark.parametrize(
    ("raw", "line", "column"),
    [(b"", 0, 0), (b"\n  \n\n", 0, 0), (b"# nur ein Kommentar\n", 1, 1)],
    ids=["no-bytes", "blank-lines", "comment-only"],
)
def test_an_empty_file_is_an_error(make_site: MakeSite, raw: bytes, line: int, column: int) -> None:
    assert errors_in(make_site(files={ESSEN: raw})) == [(ESSEN, line, column, "", *EMPTY)]


def test_a_markdown_file_without_front_matter_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={ONLINE: "title: Online-Familienkonferenz\nformat: online\n---\nText\n"})
    assert errors_in(project) == [(ONLINE, 1, 1, "", *FENCE_MISSING)]


def test_a_fence_with_trailing_text_is_not_a_fence(make_site: MakeSite) -> None:
    project = make_site(files={ONLINE: "--- Vorspann\n" + fixture_text(ONLINE).split("\n", 1)[1]})
    assert errors_in(project) == [(ONLINE, 1, 1, "", *FENCE_MISSING)]


def test_fences_with_trailing_blanks_are_still_fences(make_site: MakeSite) -> None:
    lines = fixture_text(ONLINE).split("\n")
    project = make_site(files={ONLINE: "--- \t\n" + "\n".join(lines[1:]).replace("\n---\n", "\n---  \n", 1)})
    assert errors_in(project) == []


def test_front_matter_that_is_never_closed_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={ONLINE: "---\ntitle: Online-Familienkonferenz\nformat: online\n\nBeschreibung.\n"})
    assert errors_in(project) == [
        (ONLINE, 1, 1, "", "Der Vorspann wird nicht mit „---“ abgeschlossen.", "Nach dem letzten Feld eine Zeile mit genau „---“ einfügen."),
    ]


def test_empty_front_matter_is_reported_as_empty(make_site: MakeSite) -> None:
    assert errors_in(make_site(files={ONLINE: "---\n---\nNur Text.\n"})) == [(ONLINE, 1, 1, "", *EMPTY)]


def test_windows_line_endings_are_read_and_lines_still_count(make_site: MakeSite) -> None:
    text = fixture_text(ONLINE).replace("status: planned", "status: geplant").replace("\n", "\r\n")
    errors = errors_in(make_site(files={ONLINE: text.encode()}))
    assert [e[:4] for e in errors] == [(ONLINE, 4, 9, "status")]


def test_a_markdown_body_keeps_the_line_it_starts_on(make_site: MakeSite) -> None:
    loaded = load_content(make_site())
    linden = next(d for d in loaded.collections["conferences"] if d.stem == "linden-sued")
    assert linden.body_line == 22
    assert linden.body.startswith("## Ablauf\n")


def test_a_file_with_the_wrong_extension_in_a_content_folder_is_an_error(make_site: MakeSite) -> None:
    project = make_site(files={"content/conferences/bemerode.yaml": "title: Bemerode\n", "content/members/jena.yml": "city: Jena\n"})
    assert errors_in(project) == [
        ("content/conferences/bemerode.yaml", 0, 0, "",
         "Unbekannte Datei im Inhaltsordner „conferences“: erwartet werden Dateien mit der Endung .md.",
         "Datei umbenennen oder an einen anderen Ort verschieben."),
        ("content/members/jena.yml", 0, 0, "",
         "Unbekannte Datei im Inhaltsordner „members“: erwartet werden Dateien mit der Endung .yaml.",
         "Datei umbenennen oder an einen anderen Ort verschieben."),
    ]


@pytest.mark.parametrize("name", ["site.yaml", "districts.yaml", "home.md", "network.yaml"])
def test_a_missing_required_file_is_an_error(make_site: MakeSite, name: str) -> None:
    errors = errors_in(make_site(files={f"content/{name}": None}))
    assert (f"content/{name}", 0, 0, "", "Die Pflichtdatei fehlt.", "Datei anlegen; ein Beispiel steht in docs/redaktion.md.") in errors


def test_a_symlinked_content_file_is_refused_and_not_followed(make_site: MakeSite, tmp_path: os.PathLike[str]) -> None:
    project = make_site()
    outside = project.parent / "geheim.yaml"
    outside.write_text("city: Geheim\n", encoding="utf-8")
    (project / "content/members/geheim.yaml").symlink_to(outside)
    assert errors_in(project) == [
        ("content/members/geheim.yaml", 0, 0, "",
         "Die Datei ist eine symbolische Verknüpfung; Verknüpfungen werden aus Sicherheitsgründen nicht gelesen.",
         "Die Datei selbst in den Ordner content/ kopieren."),
    ]


def test_hidden_files_such_as_editor_backups_are_ignored(make_site: MakeSite) -> None:
    project = make_site(files={"content/members/.essen.yaml.swp": b"\x00\xff", "content/.DS_Store": b"\x00\x01"})
    assert errors_in(project) == []
    assert ".DS_Store" not in load_content(project).assets


def test_a_content_file_over_one_megabyte_is_refused(make_site: MakeSite) -> None:
    big = "city: Essen\nquote: >-\n" + "  Viel Text.\n" * 90_000
    assert errors_in(make_site(files={ESSEN: big})) == [
        (ESSEN, 0, 0, "", "Die Datei ist 1,1 MB groß; erlaubt sind höchstens 1,0 MB.",
         "Große Dokumente gehören nicht in Inhaltsdateien; Anhänge als eigene Datei ablegen."),
    ]


def test_other_files_are_assets_with_their_size(make_site: MakeSite) -> None:
    project = make_site(files={"content/dokumente/bericht.pdf": b"%PDF-1.4 " + b"x" * 2000})
    assets = load_content(project).assets
    assert sorted(assets) == ["bilder/foto.svg", "dokumente/bericht.pdf"]
    assert assets["dokumente/bericht.pdf"].size == 2009


def test_a_bad_file_is_reported_together_with_the_good_ones_checked(make_site: MakeSite) -> None:
    overlay = {ESSEN: "city: Essen\n\tquote: x\n", **edited("content/network.yaml", "founded: 2010", "founded: 20I0")}
    assert [e[:4] for e in errors_in(make_site(files=overlay))] == [
        (ESSEN, 2, 1, ""),
        ("content/network.yaml", 2, 10, "founded"),
    ]
