"""Every text an editor sees in a problem report, in one place.

Keys are stable identifiers; the values are German. Another language is a second
dictionary with the same keys (see ``CATALOGUES``).
"""

from __future__ import annotations

from typing import Any

GERMAN: dict[str, str] = {
    # Reading files
    "file_too_large": "Die Datei ist {size} groß; erlaubt sind höchstens {limit}.",
    "file_too_large_hint": "Große Dokumente gehören nicht in Inhaltsdateien; Anhänge als eigene Datei ablegen.",
    "file_symlink": "Die Datei ist eine symbolische Verknüpfung; Verknüpfungen werden aus Sicherheitsgründen nicht gelesen.",
    "file_symlink_hint": "Die Datei selbst in den Ordner content/ kopieren.",
    "folder_symlink": "Der Ordner ist eine symbolische Verknüpfung; Verknüpfungen werden aus Sicherheitsgründen nicht gelesen.",
    "folder_symlink_hint": "Den Ordner mit seinen Dateien selbst in den Ordner content/ kopieren.",
    "file_not_utf8": "Die Datei ist nicht in UTF-8 gespeichert (ungültiges Byte 0x{byte:02x}).",
    "file_not_utf8_hint": "Im Editor „Speichern mit Kodierung: UTF-8“ wählen (die Datei ist vermutlich Latin-1/Windows-1252).",
    "file_bom": "Die Datei beginnt mit einer Byte-Reihenfolge-Markierung (BOM); sie wurde ignoriert.",
    "file_bom_hint": "Im Editor als „UTF-8“ (ohne BOM) speichern.",
    "file_empty": "Die Datei ist leer.",
    "file_empty_hint": "Inhalt eintragen oder die Datei löschen. Vorlage: python build.py new …",
    "file_unknown_type": "Unbekannte Datei im Inhaltsordner „{folder}“: erwartet werden Dateien mit der Endung {expected}.",
    "file_unknown_type_hint": "Datei umbenennen oder an einen anderen Ort verschieben.",
    "file_missing": "Die Pflichtdatei fehlt.",
    "file_missing_hint": "Datei anlegen; ein Beispiel steht in docs/redaktion.md.",
    "too_many_files": "Der Inhaltsordner enthält {count} Dateien; erlaubt sind höchstens {limit}.",
    # YAML syntax
    "front_matter_missing": "Die Datei beginnt nicht mit dem Vorspann („---“ in der ersten Zeile).",
    "front_matter_missing_hint": "Die erste Zeile muss genau „---“ lauten, dann folgen die Felder, dann wieder „---“.",
    "front_matter_unclosed": "Der Vorspann wird nicht mit „---“ abgeschlossen.",
    "front_matter_unclosed_hint": "Nach dem letzten Feld eine Zeile mit genau „---“ einfügen.",
    "yaml_tab": "Tabulatorzeichen zum Einrücken sind in YAML nicht erlaubt.",
    "yaml_tab_hint": "Mit Leerzeichen einrücken (zwei pro Ebene).",
    "yaml_syntax": "YAML-Syntaxfehler: {problem}.",
    "yaml_syntax_hint": "Häufige Ursachen: ein Doppelpunkt im Text ohne Anführungszeichen, falsche Einrückung, ein fehlendes Leerzeichen nach „-“ oder „:“.",
    # what libyaml reports, in the editors' words (yamlstrict maps its English texts to these keys)
    "yaml_problem_colon": "„: “ an einer Stelle, an der kein neues Feld beginnen kann",
    "yaml_problem_list_item": "erwartet wurde ein weiterer Listeneintrag („- “) in derselben Einrückung",
    "yaml_problem_end": "die Datei endet mitten in einem Wert (fehlt ein schließendes Anführungszeichen?)",
    "yaml_problem_bracket": "die Liste in eckigen Klammern wird nicht mit „]“ geschlossen",
    "yaml_problem_brace": "die Gruppe in geschweiften Klammern wird nicht mit „}}“ geschlossen",
    "yaml_problem_start_char": "hier steht ein Zeichen, mit dem kein Wert ohne Anführungszeichen beginnen kann (etwa @, `, % oder ein Tabulator)",
    "yaml_problem_escape": "unbekannte Zeichenfolge mit „\\“ in doppelten Anführungszeichen (einfache Anführungszeichen verwenden)",
    "yaml_problem_colon_missing": "nach dem Feldnamen fehlt „:“",
    "yaml_problem_key": "erwartet wurde ein Feldname (die Einrückung prüfen)",
    "yaml_alias": "Anker und Verweise (&name, *name) sind nicht erlaubt.",
    "yaml_alias_hint": "Den Wert an jeder Stelle ausschreiben.",
    "yaml_tag": "Typangaben wie „{tag}“ sind nicht erlaubt.",
    "yaml_tag_hint": "Die Typangabe entfernen; Texte bei Bedarf in Anführungszeichen setzen.",
    "yaml_too_deep": "Die Daten sind zu tief verschachtelt (mehr als {limit} Ebenen).",
    "yaml_too_deep_hint": "Inhaltsdateien brauchen nur wenige Ebenen; die Einrückung prüfen.",
    "yaml_duplicate_key": "Das Feld „{key}“ steht doppelt (zuerst in Zeile {first_line}).",
    "yaml_duplicate_key_hint": "Eines der beiden Felder löschen; sonst ist unklar, welcher Wert gilt.",
    "yaml_complex_key": "Feldnamen müssen einfache Wörter sein.",
    "yaml_multiple_documents": "Die Datei enthält mehrere YAML-Dokumente (getrennt durch „---“).",
    "yaml_multiple_documents_hint": "Pro Datei nur ein Dokument; bei Markdown-Dateien steht „---“ nur vor und nach dem Vorspann.",
    "yaml_not_mapping": "Erwartet werden Felder der Form „name: wert“, gefunden wurde {found}.",
    "yaml_not_list": "Erwartet wird eine Liste (Zeilen, die mit „- “ beginnen), gefunden wurde {found}.",
    # Field validation
    "field_unknown": "Unbekanntes Feld „{key}“.",
    "field_missing": "Das Pflichtfeld „{key}“ fehlt.",
    "field_missing_hint": "Ergänzen Sie „{key}:“ mit einem Wert.",
    "field_empty": "Das Feld darf nicht leer sein.",
    "field_expected_text": "Erwartet wird ein Text, gefunden wurde {found}.",
    "field_expected_list": "Erwartet wird eine Liste (Zeilen, die mit „- “ beginnen), gefunden wurde {found}.",
    "field_expected_mapping": "Erwartet werden Unterfelder („name: wert“), gefunden wurde {found}.",
    "field_expected_integer": "Erwartet wird eine ganze Zahl, gefunden wurde „{value}“.",
    "field_expected_number": "Erwartet wird eine Zahl mit Punkt als Dezimaltrenner, gefunden wurde „{value}“.",
    "field_expected_boolean": "Erwartet wird true oder false, gefunden wurde „{value}“.",
    "field_choice": "„{value}“ ist hier nicht möglich; erlaubt sind: {choices}.",
    "field_number_range": "Der Wert {value} liegt außerhalb des erlaubten Bereichs ({low} bis {high}).",
    "field_too_long": "Der Text ist {length} Zeichen lang; erlaubt sind höchstens {limit}.",
    "field_invalid": "Ungültiger Wert: {detail}.",
    "date_format": "„{value}“ ist kein Datum im Format JJJJ-MM-TT.",
    "date_format_hint": "Zum Beispiel „2014-03-15“ für den 15. März 2014.",
    "partial_date_format": "„{value}“ ist kein Datum im Format JJJJ, JJJJ-MM oder JJJJ-MM-TT.",
    "partial_date_format_hint": "Zum Beispiel „2013“, „2013-06“ oder „2013-06-14“.",
    "datetime_format": "„{value}“ ist kein Zeitpunkt im Format JJJJ-MM-TT HH:MM (oder ein Datum JJJJ-MM-TT für ganztägige Termine).",
    "datetime_format_hint": "Zum Beispiel „2014-03-15 18:30“ für den 15. März 2014 um 18:30 Uhr.",
    "date_invalid": "Das Datum „{value}“ gibt es nicht.",
    "email_format": "„{value}“ ist keine gültige E-Mail-Adresse.",
    "email_format_hint": "Zum Beispiel „familie@hannover-stadt.de“ (ohne „mailto:“).",
    "phone_format": "„{value}“ ist keine gültige Telefonnummer.",
    "phone_format_hint": "Ziffern mit Vorwahl, z. B. „0511 168-12345“ oder „+49 511 168-12345“.",
    "postal_code_format": "„{value}“ ist keine fünfstellige Postleitzahl.",
    "postal_code_format_hint": "Postleitzahlen haben genau fünf Ziffern, z. B. „01067“.",
    "url_format": "„{value}“ ist keine gültige Webadresse.",
    "url_format_hint": "Vollständig mit „https://“ angeben, z. B. „https://www.hannover.de/“.",
    "url_scheme": "Webadressen müssen mit https:// oder http:// beginnen, nicht mit „{scheme}:“.",
    "url_scheme_hint": "Nur Adressen im Web sind erlaubt; „javascript:“, „data:“ und ähnliche werden aus Sicherheitsgründen abgelehnt.",
    "base_url_format": "Die Basisadresse muss mit https:// oder http:// beginnen und mit „/“ enden.",
    "base_url_format_hint": "Zum Beispiel „https://www.hannover.de/familie/“.",
    "color_format": "„{value}“ ist keine Farbe im Format #RRGGBB.",
    "color_format_hint": "Zum Beispiel „#005ea8“.",
    "color_contrast": (
        "Die Akzentfarbe {value} hat auf hellem Hintergrund (Weiß, Hellgrau von Navigation und Fußbereich) nur einen Kontrast "
        "von {ratio}:1; nötig sind mindestens 4,5:1 (WCAG 2.1 AA)."
    ),
    "color_contrast_hint": "Eine dunklere Farbe wählen.",
    "slug_format": "„{value}“ ist kein gültiger Adressname (nur Kleinbuchstaben a–z, Ziffern und Bindestriche).",
    "slug_format_hint": "Meinten Sie „{suggestion}“?",
    "path_format": "„{value}“ ist kein erlaubter Dateipfad.",
    "path_format_hint": "Pfad relativ zum Ordner content/ angeben, ohne „..“ und ohne führenden „/“, z. B. „dokumente/bericht.pdf“.",
    "timezone_unknown": "Die Zeitzone „{value}“ ist unbekannt.",
    "timezone_unknown_hint": "Für Deutschland „Europe/Berlin“.",
    "internal_link_format": "„{value}“ ist kein Ziel innerhalb der Website.",
    "internal_link_format_hint": "Pfade innerhalb der Website beginnen ohne „/“ und enden mit „/“, z. B. „familienkonferenzen/“; für die Startseite „“.",
    # Relations between files
    "conference_district_required": "Für eine Stadtteilkonferenz (format: district) muss ein Stadtteil angegeben sein.",
    "conference_district_required_hint": "„district:“ mit dem Adressnamen eines Stadtteils ergänzen, z. B. „bemerode“.",
    "conference_district_forbidden": "Eine Konferenz im Format „{format}“ hat keinen Stadtteil.",
    "conference_district_forbidden_hint": "Das Feld „district“ löschen oder „format: district“ setzen.",
    "end_before_start": "Das Ende ({end}) liegt vor dem Beginn ({start}).",
    "end_before_start_hint": "Beginn und Ende prüfen; ein Termin über Mitternacht braucht das Datum des Folgetags.",
    "end_kind_mismatch": "Beginn und Ende müssen beide ein Datum oder beide Datum mit Uhrzeit sein.",
    "date_venue_or_online": "Ein Termin braucht einen Ort („venue“) oder einen Online-Link („online_url“).",
    "date_venue_or_online_hint": "Ist der Ort noch offen, den Termin weglassen und „dates_note“ verwenden.",
    "reference_unknown_district": "Es gibt keinen Stadtteil mit dem Adressnamen „{value}“.",
    "reference_unknown_conference": "Es gibt keine Konferenz mit dem Adressnamen „{value}“.",
    "reference_unknown_member": "Es gibt kein Mitglied mit dem Adressnamen „{value}“.",
    "reference_unknown_page": "Es gibt keine Seite mit dem Adressnamen „{value}“.",
    "reference_unknown_hint_none": "Vorhandene Adressnamen stehen in {where}.",
    "did_you_mean": "Meinten Sie „{suggestion}“?",
    "file_reference_missing": "Die Datei „{value}“ gibt es nicht im Ordner content/.",
    "duplicate_slug": "Der Adressname „{slug}“ wird schon von {other} verwendet.",
    "duplicate_slug_hint": "Adressnamen müssen eindeutig sein (Groß-/Kleinschreibung und Umlaute zählen nicht als Unterschied). Eine der Dateien umbenennen.",
    "duplicate_output": "Diese Seite würde dieselbe Adresse „{url}“ erzeugen wie {other}.",
    "duplicate_output_section": "Diese Seite würde die Adresse „{url}“ belegen, unter der ein Bereich der Website steht.",
    "duplicate_output_section_hint": "Die Datei umbenennen oder mit „slug:“ einen anderen Adressnamen angeben; vergeben sind: {reserved}.",
    "duplicate_slug_unicode": "Es gibt zwei Dateien „{name}“; ihre Namen unterscheiden sich nur in der Kodierung der Umlaute (zusammengesetzt und zerlegt).",
    "duplicate_slug_unicode_hint": "Eine der beiden Dateien löschen; Dateinamen am besten ohne Umlaute schreiben, z. B. „{slug}{suffix}“.",
    "legal_page_missing": "Die Pflichtseite „{role}“ ({slug}) fehlt.",
    "legal_page_missing_hint": "Eine Seite content/pages/{slug}.md mit „type: {type}“ anlegen; jede Website einer Behörde braucht Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit.",
    "legal_page_wrong_type": "Die Seite „{slug}“ ist als {role} eingetragen, hat aber „type: {actual}“.",
    "legal_page_wrong_type_hint": "In der Seite „type: {type}“ setzen.",
    "accessibility_review_old": "Die Erklärung zur Barrierefreiheit wurde zuletzt am {date} überprüft, vor mehr als einem Jahr.",
    "accessibility_review_old_hint": "Die Erklärung überprüfen und „reviewed“ auf das Datum der Überprüfung setzen.",
    "statement_only_for_accessibility": "Das Feld „statement“ gibt es nur bei „type: accessibility“.",
    "statement_required": "Die Erklärung zur Barrierefreiheit braucht das Feld „statement“ (Stand, Mängel, Kontakt, Durchsetzungsverfahren).",
    "navigation_target_unknown": "Das Navigationsziel „{value}“ gibt es nicht auf der Website.",
    "member_without_coordinates": "Für {city} sind keine Koordinaten angegeben; die Stadt fehlt auf der Karte.",
    "member_without_coordinates_hint": "„coordinates:“ mit „lat:“ und „lon:“ ergänzen.",
    # Build
    "link_broken": "Der Link „{href}“ auf der Seite {page} führt ins Leere.",
    "link_broken_hint": "Ziel prüfen; interne Ziele werden ohne Domain angegeben.",
    "fragment_broken": "Der Link „{href}“ auf der Seite {page} verweist auf den Abschnitt „#{fragment}“, den es dort nicht gibt.",
    "markdown_unsafe_removed": "Nicht erlaubtes HTML wurde aus dem Text entfernt: {what}.",
    "markdown_unsafe_removed_hint": "Skripte, eingebettete Fremdinhalte und Formatierungen per HTML sind nicht erlaubt; Markdown verwenden.",
    "template_error": "Fehler in der Vorlage {template}: {detail}",
    "output_write_failed": "Die Website konnte nicht nach {path} geschrieben werden: {detail}. Die bisherige Website bleibt unverändert.",
    "build_locked": "Ein anderer Bau läuft bereits für {path} (Prozess {pid}).",
    "build_locked_hint": "Warten, bis er fertig ist, und dann erneut starten.",
    "build_up_to_date": "Website ist aktuell: seit dem letzten Bau hat sich nichts geändert ({path} unverändert).",
    "build_restored": "Website aus dem Zwischenspeicher übernommen: dieselben Inhalte, Vorlagen und Programmversion wie beim letzten Bau ({path}).",
    "search_index_failed": "Der Suchindex konnte nicht erstellt werden: {detail}",
    "search_index_failed_hint": "Das Programm Pagefind gehört zur Installation (make build installiert es); bleibt der Fehler, bitte an die Entwicklung melden.",
}

CATALOGUES: dict[str, dict[str, str]] = {"de": GERMAN}


LANGUAGE = "de"


def text(key: str, /, **values: Any) -> str:
    """The message for ``key`` with ``values`` filled in."""
    return CATALOGUES[LANGUAGE][key].format(**values)


def hint(key: str, /, **values: Any) -> str:
    """The hint that goes with ``key``, or "" if there is none."""
    template = CATALOGUES[LANGUAGE].get(key + "_hint", "")
    return template.format(**values) if template else ""

GERMAN.update(
    {
        "number_too_small": "Der Wert {value} ist zu klein; erlaubt ist mindestens {limit}.",
        "number_too_large": "Der Wert {value} ist zu groß; erlaubt ist höchstens {limit}.",
        "field_missing_alt_hint": "Beschreiben Sie, was das Bild zeigt. Für rein schmückende Bilder ausdrücklich alt: \"\" angeben.",
    }
)

# Preview server (serve.py, preview.py), scaffolding (scaffold.py) and template errors
GERMAN.update(
    {
        "template_error_hint": "Die Vorlage an der genannten Zeile prüfen (Vorlagen betreut das Entwicklungsteam).",
        "field_choice_empty_hint": "Einen dieser Werte eintragen: {choices}.",
        "preview_ready": "Vorschau: {url}  (beenden mit Strg+C)",
        "preview_folder": "Die Vorschau liegt in {path}; die veröffentlichte Website (site/) bleibt unberührt.",
        "preview_built": "Neu gebaut in {seconds} s: {pages} Seite(n) neu erzeugt, {written} Datei(en) geschrieben, {deleted} gelöscht.",
        "preview_quick": "Text übernommen in {seconds} s: {pages} – der Rest der Website folgt.",
        "preview_completed": "Kalender, Downloads und Suche aktualisiert in {seconds} s: {written} Datei(en) geschrieben, {deleted} gelöscht.",
        "preview_broken": "Die Vorschau zeigt die Fehlerseite, bis die Fehler behoben sind.",
        "preview_recovered": "Alle Fehler behoben – die Vorschau ist wieder aktuell.",
        "preview_locked": "Für {path} läuft bereits eine Vorschau (Prozess {pid}).",
        "preview_locked_hint": "Die andere Vorschau beenden (Strg+C in ihrem Terminal) oder deren Adresse im Browser öffnen.",
        "preview_port_busy": "Die Vorschau kann Port {port} nicht verwenden: {detail}.",
        "preview_port_busy_hint": "Einen anderen Port wählen, z. B. python build.py serve --port 8001",
        "preview_internal_error": "Interner Fehler beim Bauen der Vorschau: {detail}",
        "preview_internal_error_hint": "Das ist ein Fehler im Programm, nicht in den Inhalten: bitte dem Entwicklungsteam melden und die Ausgabe im Terminal mitschicken.",
        "preview_stopped": "Vorschau beendet.",
        # watch.py: when file system events are unavailable, the preview polls (said once, at the start)
        "preview_polling_limit": "Das System meldet keine weiteren Dateiänderungen (die Grenze der überwachten Ordner ist erreicht); die Vorschau sieht deshalb regelmäßig selbst in content/ und templates/ nach. Gespeichertes erscheint dadurch etwas später.",
        "preview_polling_limit_hint": "Die Grenze erhöhen, z. B. mit „sudo sysctl fs.inotify.max_user_watches=524288“, andere Programme schließen, die viele Ordner überwachen, und die Vorschau neu starten.",
        "preview_polling_filesystem": "Das Laufwerk des Projekts ({filesystem}) meldet Dateiänderungen nicht zuverlässig; die Vorschau sieht deshalb regelmäßig selbst in content/ und templates/ nach. Gespeichertes erscheint dadurch etwas später.",
        "preview_polling_filesystem_hint": "Für eine sofortige Aktualisierung das Projekt auf ein lokales Laufwerk legen (nicht auf ein Netzlaufwerk oder einen geteilten Ordner).",
        "preview_polling_forced": "WATCHFILES_FORCE_POLLING ist gesetzt; die Vorschau sieht deshalb regelmäßig selbst in content/ und templates/ nach. Gespeichertes erscheint dadurch etwas später.",
        "preview_polling_forced_hint": "Ohne diese Umgebungsvariable meldet das System Änderungen sofort.",
        "preview_polling_error": "Dateiänderungen können nicht beobachtet werden ({detail}); die Vorschau sieht deshalb regelmäßig selbst in content/ und templates/ nach. Gespeichertes erscheint dadurch etwas später.",
        "preview_polling_error_hint": "Die Vorschau funktioniert weiter. Tritt das immer wieder auf, bitte dem Entwicklungsteam melden.",
        "new_created": "Angelegt: {path}",
        "new_fill_in": "Bitte noch ausfüllen (bis dahin meldet „python build.py check“ genau diese Felder):",
        "new_fill_in_line": "  Zeile {line}: {field} – {description}",
        "new_valid": "Die Datei ist gültig; die übrigen Felder sind freiwillig.",
        "new_next": "Prüfen mit „python build.py check“, ansehen mit „python build.py serve“.",
        "new_exists": "Die Datei {path} gibt es schon; sie wird nicht überschrieben.",
        "new_exists_hint": "Einen anderen Namen wählen oder die vorhandene Datei bearbeiten.",
        "new_bad_name": "„{name}“ ergibt keinen gültigen Adressnamen.",
        "new_bad_name_hint": "Buchstaben oder Ziffern verwenden, z. B. „bemerode-2025“ oder „Familienkonferenz Bemerode“.",
    }
)

# Limits against hostile or broken input (markdown_limits.py, load.py; see docs/security.md)
GERMAN.update(
    {
        "asset_too_large_hint": "Die Datei verkleinern (PDF „für das Web optimieren“, Bilder in geringerer Auflösung speichern) oder auf mehrere Dateien aufteilen.",
        "too_many_files_hint": "Alte Dokumente und Bilder, die keine Seite mehr verwendet, aus content/ löschen.",
        "markdown_too_long": "Der Text ist {length} Zeichen lang; erlaubt sind höchstens {limit}.",
        "markdown_too_long_hint": "Den Text auf mehrere Seiten aufteilen oder lange Teile als Dokument (PDF) anhängen.",
        "markdown_too_many_headings": "Der Text hat mehr als {limit} Überschriften.",
        "markdown_too_many_headings_hint": "Den Text auf mehrere Seiten aufteilen. Auch Zeilen nur aus „---“ oder „===“ zählen hier mit.",
        "markdown_too_many_angles": "Der Text enthält mehr als {limit} spitze Klammern „<“.",
        "markdown_too_many_angles_hint": "HTML ist in Texten nicht erlaubt; Markdown verwenden. Für „kleiner als“ das Wort schreiben.",
        "markdown_too_deep": "Der Text ist hier zu tief verschachtelt (mehr als {limit} offene Klammern „[“, Hervorhebungen „*“/„_“ oder Listen- und Zitatebenen).",
        "markdown_too_deep_hint": "Vermutlich fehlen schließende Zeichen („]“, „*“) oder die Einrückung ist zu tief; Sonderzeichen, die als Text gemeint sind, mit „\\“ davor schreiben.",
        "asset_type_forbidden": "Dateien mit der Endung „{extension}“ werden nicht veröffentlicht.",
        "asset_type_forbidden_hint": "Erlaubt sind Bilder und Dokumente ({allowed}). Webseiten, Skripte und Programme werden aus Sicherheitsgründen nie veröffentlicht; Inhaltsseiten gehören nach content/pages/.",
        "asset_name_invalid": "Der Dateiname „{name}“ ist nicht erlaubt.",
        "asset_name_invalid_hint": "Nur Buchstaben, Ziffern, Leerzeichen, Punkt, Binde- und Unterstrich verwenden; keine Zeichen wie \\ : * ? \" < > | und keine Steuerzeichen.",
        "svg_active_content": "Die SVG-Grafik enthält aktive Inhalte ({what}); solche Grafiken werden aus Sicherheitsgründen nicht veröffentlicht.",
        "yaml_control_character": "Die Datei enthält ein unsichtbares Steuerzeichen ({code}), das in YAML nicht erlaubt ist.",
        "yaml_control_character_hint": "Das Zeichen löschen; es kommt meist beim Kopieren aus anderen Programmen in den Text. Manche Editoren zeigen es mit „Steuerzeichen anzeigen“.",
        "os_error_ENOSPC": "Auf dem Datenträger ist kein Platz mehr",
        "os_error_EDQUOT": "Das Speicherkontingent ist erschöpft",
        "os_error_EFBIG": "Die Datei ist zu groß für das Dateisystem (oder der Datenträger ist voll)",
        "os_error_EACCES": "Keine Berechtigung, in diesen Ordner zu schreiben",
        "os_error_EPERM": "Keine Berechtigung, in diesen Ordner zu schreiben",
        "os_error_EROFS": "Das Dateisystem ist schreibgeschützt",
        "os_error_ENOENT": "Der Ordner oder die Datei gibt es nicht (mehr)",
        "os_error_EIO": "Lese- oder Schreibfehler des Datenträgers",
        "field_control_character": "Der Text enthält ein unsichtbares Steuerzeichen ({code}).",
        "field_control_character_hint": "Das Zeichen (in YAML meist als Escape-Folge wie „\\b“ oder „\\x07“ geschrieben) löschen.",
        "svg_active_content_hint": "Die Grafik ohne Skripte, Ereignis-Attribute („on…“), eingebettete Fremdinhalte und „javascript:“-Links speichern, z. B. in Inkscape als „Optimiertes SVG“ oder „Normales SVG“ exportieren.",
    }
)
