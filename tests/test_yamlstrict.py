"""The strict YAML profile: every YAML 1.1 trap becomes the right text or an error with its place."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from familiensite.validate import to_data
from familiensite.yamlstrict import MAX_DEPTH, Mapping, Scalar, parse_yaml
from tests.conftest import ROOT

TAB_HINT = "Mit Leerzeichen einrücken (zwei pro Ebene)."
ALIAS = ("Anker und Verweise (&name, *name) sind nicht erlaubt.", "Den Wert an jeder Stelle ausschreiben.")
START_CHAR = "hier steht ein Zeichen, mit dem kein Wert ohne Anführungszeichen beginnen kann (etwa @, `, % oder ein Tabulator)"
SYNTAX_HINT = (
    "Häufige Ursachen: ein Doppelpunkt im Text ohne Anführungszeichen, falsche Einrückung, "
    "ein fehlendes Leerzeichen nach „-“ oder „:“."
)


def data(text: str) -> object:
    result = parse_yaml(text, "content/x.yaml")
    assert result.problems == []
    assert result.node is not None
    return to_data(result.node)[0]


def problems(text: str) -> list[tuple[int, int, str, str, str]]:
    result = parse_yaml(text, "content/x.yaml")
    assert result.node is None, "a file with an error must not give a tree"
    return [(p.line, p.column, p.field, p.message, p.hint) for p in result.problems]


def test_a_duplicate_key_is_an_error_at_the_second_one_naming_the_first_line() -> None:
    assert problems("title: Erste\nteaser: x\ntitle: Zweite\n") == [
        (3, 1, "title", "Das Feld „title“ steht doppelt (zuerst in Zeile 1).",
         "Eines der beiden Felder löschen; sonst ist unklar, welcher Wert gilt."),
    ]


def test_a_duplicate_key_in_a_nested_group_or_flow_mapping_is_an_error_too() -> None:
    assert problems("address:\n  street: A\n  street: B\n")[0][:3] == (3, 3, "street")
    assert problems("coordinates: {lat: 1, lat: 2}\n")[0][:3] == (1, 23, "lat")


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("18:30", "18:30"),  # YAML 1.1: the sexagesimal number 1110
        ("2014-03-15 18:30", "2014-03-15 18:30"),  # YAML 1.1: a timestamp
        ("2014-03-15", "2014-03-15"),  # YAML 1.1: a date object
        ("01067", "01067"),  # YAML 1.1: octal, 1067 at best
        ("no", "no"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),  # YAML 1.1 booleans
        ("true", "true"), ("false", "false"), ("2010", "2010"), ("52.3759", "52.3759"),
        ("0x1F", "0x1F"), ("1e3", "1e3"), (".inf", ".inf"), (".nan", ".nan"),
    ],
)
def test_every_unquoted_scalar_arrives_exactly_as_typed(typed: str, text: str) -> None:
    assert data(f"value: {typed}\n") == {"value": text}


def test_quoting_is_remembered_and_empty_values_are_none() -> None:
    result = parse_yaml('a: "01067"\nb:\nc: ~\nd: ""\ne: null\n', "content/x.yaml")
    assert isinstance(result.node, Mapping)
    a = result.node.entries["a"]
    assert isinstance(a, Scalar) and a.quoted and a.value == "01067"
    assert to_data(result.node)[0] == {"a": "01067", "b": None, "c": None, "d": "", "e": None}


def test_values_and_keys_remember_line_and_column() -> None:
    result = parse_yaml("title: A\naddress:\n  street: Joachimstraße 8\n", "content/x.yaml")
    assert isinstance(result.node, Mapping)
    address = result.node.entries["address"]
    assert isinstance(address, Mapping)
    assert (address.key_pos["street"].line, address.key_pos["street"].column) == (3, 3)
    street = address.entries["street"]
    assert (street.pos.line, street.pos.column) == (3, 11)


def test_front_matter_lines_count_from_the_top_of_the_file() -> None:
    result = parse_yaml("title: A\ntitle: B\n", "content/pages/x.md", line_offset=1)
    assert [(p.line, p.column) for p in result.problems] == [(3, 1)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("title: A\naddress:\n\tstreet: B\n", 3, 1),
        ("title: A\naddress:\n  \tstreet: B\n", 3, 3),
    ],
)
def test_a_tab_in_the_indentation_is_an_error_at_the_tab(text: str, line: int, column: int) -> None:
    assert problems(text) == [(line, column, "", "Tabulatorzeichen zum Einrücken sind in YAML nicht erlaubt.", TAB_HINT)]


def test_a_tab_inside_a_value_is_kept() -> None:
    assert data("title: 'A\tB'\n") == {"title": "A\tB"}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: &name Text\nb: *name\n", 1, 4),
        ("a: x\nb: *name\n", 2, 4),  # an alias without its anchor is refused the same way
        ("base: &b {x: 1}\nother:\n  <<: *b\n", 1, 7),  # merge keys need anchors
    ],
)
def test_anchors_and_aliases_are_errors(text: str, line: int, column: int) -> None:
    assert problems(text) == [(line, column, "", *ALIAS)]


def test_an_alias_bomb_is_refused_at_its_first_anchor() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(c)}: &{chr(c)} [{', '.join([f'*{chr(c - 1)}'] * 9)}]\n" for c in range(ord("b"), ord("j"))
    )
    assert problems(bomb) == [(1, 4, "", *ALIAS)]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!int 3\n", "tag:yaml.org,2002:int"),
        ("a: !!str 3\n", "tag:yaml.org,2002:str"),
        ("a: !!python/object/apply:os.system [ls]\n", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("a: !Ref x\n", "!Ref"),
        ("a: !!map {x: 1}\n", "tag:yaml.org,2002:map"),
    ],
)
def test_explicit_tags_are_errors(text: str, tag: str) -> None:
    assert problems(text) == [
        (1, 4, "", f"Typangaben wie „{tag}“ sind nicht erlaubt.",
         "Die Typangabe entfernen; Texte bei Bedarf in Anführungszeichen setzen."),
    ]


def test_a_second_document_in_one_file_is_an_error() -> None:
    assert problems("city: Essen\n---\ncity: Jena\n") == [
        (2, 1, "", "Die Datei enthält mehrere YAML-Dokumente (getrennt durch „---“).",
         "Pro Datei nur ein Dokument; bei Markdown-Dateien steht „---“ nur vor und nach dem Vorspann."),
    ]


def test_a_list_or_group_as_a_field_name_is_an_error() -> None:
    assert problems("? [a, b]\n: 1\n") == [(1, 3, "", "Feldnamen müssen einfache Wörter sein.", "")]


@pytest.mark.parametrize(
    ("text", "line", "column", "detail"),
    [
        ("title: Konferenz: Bemerode\n", 1, 17, "„: “ an einer Stelle, an der kein neues Feld beginnen kann"),
        ('title: "Bemerode\n', 2, 1, "die Datei endet mitten in einem Wert (fehlt ein schließendes Anführungszeichen?)"),
        ("a: [1, 2\n", 2, 1, "die Liste in eckigen Klammern wird nicht mit „]“ geschlossen"),
        ("a: {x: 1\n", 2, 1, "die Gruppe in geschweiften Klammern wird nicht mit „}“ geschlossen"),
        ("a: @home\n", 1, 4, START_CHAR),
        ("items:\n  -\tx\n", 2, 4, START_CHAR),  # a tab after the dash: libyaml's error, at the tab
        ("a:\n  b: 1\n c: 2\n", 3, 2, "erwartet wurde ein Feldname (die Einrückung prüfen)"),
        ("a:\n  - x\n  y: 1\n", 3, 3, "erwartet wurde ein weiterer Listeneintrag („- “) in derselben Einrückung"),
        ("a: b\nc\n", 3, 1, "nach dem Feldnamen fehlt „:“"),
    ],
)
def test_a_syntax_error_is_explained_in_german_at_its_place(text: str, line: int, column: int, detail: str) -> None:
    assert problems(text) == [(line, column, "", f"YAML-Syntaxfehler: {detail}.", SYNTAX_HINT)]


def test_a_block_nested_one_level_too_deep_is_refused_and_one_level_less_is_read() -> None:
    def nested(levels: int) -> str:  # "a:" mappings, innermost "b: 1": levels + 1 containers
        return "".join("  " * i + "a:\n" for i in range(levels)) + "  " * levels + "b: 1\n"

    assert parse_yaml(nested(MAX_DEPTH - 1), "x").problems == []
    assert problems(nested(MAX_DEPTH)) == [
        (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1, "", f"Die Daten sind zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen).",
         "Inhaltsdateien brauchen nur wenige Ebenen; die Einrückung prüfen."),
    ]


DEEP_SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from familiensite.yamlstrict import parse_yaml
    text = "title: " + "[" * 30000 + "]" * 30000 + "\\n"
    result = parse_yaml(text, "content/x.yaml")
    print(json.dumps([(p.line, p.column, p.message) for p in result.problems]))
    """
)


def test_thirty_thousand_nested_brackets_give_a_clear_error_and_no_crash() -> None:
    # In a child process: a C stack overflow would kill it (and fail this test), not pytest.
    run = subprocess.run([sys.executable, "-c", DEEP_SCRIPT, str(ROOT)], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [[1, 7 + MAX_DEPTH, f"Die Daten sind zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen)."]]


def test_the_c_parser_is_used_when_libyaml_is_installed() -> None:
    import yaml

    from familiensite import yamlstrict

    assert yaml.__with_libyaml__, "PyYAML without libyaml: the build is 5-10x slower"
    assert yamlstrict._Parser is yaml.CSafeLoader
