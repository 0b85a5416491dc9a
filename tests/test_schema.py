"""The exported JSON Schemas: up to date, and the real content is valid against them as an IDE sees it.

What does an editor's IDE feed the schema? yaml-language-server (VS Code's YAML extension) reads
YAML 1.2 with the core schema: ``founded: 2010`` is the integer 2010, ``lat: 52.37`` a number,
``true`` a boolean, while ``no``, ``18:30``, ``2014-03-15`` and everything else stay strings. That
is PyYAML's ``safe_load`` minus its YAML 1.1 conversions (yes/no/on/off as booleans, 18:30 as
1110, dates as date objects, 01067 as octal), which would be wrong here: no IDE sees them, and a
date object is not even JSON. So the test reads each file with our strict loader (duplicate keys,
tabs, anchors … are already errors there) and types each unquoted scalar by the YAML 1.2 core
rules; quoted and block scalars stay text. The schemas therefore keep ``integer``/``number`` for
founded/lat/lon (the IDE completes and checks them as numbers) instead of accepting numeric
strings, which would have made a number in the IDE an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from familiensite.load import split_front_matter
from familiensite.schema import expected_files
from familiensite.yamlstrict import Mapping, Node, Scalar, Sequence, parse_yaml
from tests.conftest import ROOT, MakeSite
from tests.support.content import MINIMAL, errors_in

SCHEMA_FOR = {  # content file (glob below content/) → schema in schemas/
    "site.yaml": "site.schema.json",
    "districts.yaml": "districts.schema.json",
    "home.md": "home.schema.json",
    "network.yaml": "network.schema.json",
    "conferences/*.md": "conference.schema.json",
    "results/*.md": "result.schema.json",
    "members/*.yaml": "member.schema.json",
    "pages/*.md": "page.schema.json",
}

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def core_value(text: str) -> Any:
    """An unquoted scalar as YAML 1.2's core schema (and so yaml-language-server) types it."""
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text, 8) if text.startswith("0o") else int(text, 16) if text.startswith("0x") else int(text)
    if _FLOAT.fullmatch(text) or re.fullmatch(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)", text):
        return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf").lower().replace(".nan", "nan"))
    return text


def as_ide_sees_it(node: Node) -> Any:
    if isinstance(node, Scalar):
        if node.value is None or node.quoted:
            return node.value
        return core_value(node.value)
    if isinstance(node, Sequence):
        return [as_ide_sees_it(item) for item in node.items]
    assert isinstance(node, Mapping)
    return {key: as_ide_sees_it(value) for key, value in node.entries.items()}


def ide_data(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    offset = 0
    if path.suffix == ".md":
        split = split_front_matter(text, str(path))
        assert isinstance(split, tuple), split
        text, offset = split[0], 1
    result = parse_yaml(text, str(path), line_offset=offset)
    assert result.problems == [] and result.node is not None
    return as_ide_sees_it(result.node)


def validator(schema_name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((ROOT / "schemas" / schema_name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def content_files(content: Path) -> list[tuple[str, Path]]:
    return [(schema, path) for pattern, schema in SCHEMA_FOR.items() for path in sorted(content.glob(pattern))]


def errors(schema_name: str, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(schema_name).iter_errors(data)]


def test_the_committed_schemas_and_field_reference_equal_a_fresh_export() -> None:
    for relative, text in expected_files().items():
        assert (ROOT / relative).read_text(encoding="utf-8") == text, f"{relative} is stale: run python build.py schema"
    assert sorted(p.name for p in (ROOT / "schemas").glob("*.json")) == sorted(
        r.removeprefix("schemas/") for r in expected_files() if r.startswith("schemas/")
    )


@pytest.mark.parametrize("content", [ROOT / "content", MINIMAL / "content"], ids=["real", "minimal"])
def test_every_content_file_is_valid_against_its_schema_as_an_ide_sees_it(content: Path) -> None:
    files = content_files(content)
    all_content = {p for p in content.rglob("*") if p.suffix in (".md", ".yaml")}
    assert {path for _, path in files} == all_content  # every content file has its schema
    for schema, path in files:
        assert errors(schema, ide_data(path)) == [], path


def test_numbers_are_numbers_for_the_ide_and_the_schema_says_so() -> None:
    network = ide_data(ROOT / "content/network.yaml")
    assert isinstance(network["founded"], int)
    schema = json.loads((ROOT / "schemas/network.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["founded"]["type"] == "integer"


@pytest.mark.parametrize(
    ("schema", "yaml", "complaint"),
    [
        ("member.schema.json", "city: Essen\nwebsit: https://www.essen.de/\n", "Additional properties are not allowed ('websit' was unexpected)"),
        ("member.schema.json", "organisation: Bündnis\n", "'city' is a required property"),
        ("page.schema.json", "title: Impressum\nplaceholder: no\n", "placeholder: 'no' is not of type 'boolean'"),
        ("network.schema.json", "name: N\nfounded: zweitausendzehn\ninitiator: frankfurt\ndescription: D\n",
         "founded: 'zweitausendzehn' is not of type 'integer'"),
        ("member.schema.json", "city: Jena\nwebsite: javascript:alert(1)\n", "website: 'javascript:alert(1)' does not match '^https?://'"),
        ("member.schema.json", "city: Jena\naddress:\n  street: A 1\n  postal_code: 1067\n  locality: Jena\n",
         "address/postal_code: 1067 is not of type 'string'"),
    ],
)
def test_the_schemas_reject_what_check_rejects(schema: str, yaml: str, complaint: str) -> None:
    result = parse_yaml(yaml, "x.yaml")
    assert result.node is not None

    def explained(error: jsonschema.ValidationError) -> list[str]:  # with the reasons inside anyOf
        own = f"{'/'.join(map(str, error.absolute_path))}: {error.message}".removeprefix(": ")
        return [own, *(line for inner in error.context or [] for line in explained(inner))]

    found = [line for error in validator(schema).iter_errors(as_ide_sees_it(result.node)) for line in explained(error)]
    assert complaint in found


def test_yaml_12_typing_keeps_the_yaml_11_traps_as_text() -> None:
    result = parse_yaml("a: no\nb: 18:30\nc: 2014-03-15\nd: '01067'\ne: 2010\nf: 52.37\ng: true\nh:\n", "x.yaml")
    assert result.node is not None
    assert as_ide_sees_it(result.node) == {"a": "no", "b": "18:30", "c": "2014-03-15", "d": "01067", "e": 2010, "f": 52.37, "g": True, "h": None}


@pytest.mark.parametrize("word", ["true", "True", "TRUE", "false", "FALSE", "no", "yes", "on", "off", "1"])
def test_the_ide_and_check_agree_on_yes_no_values(word: str, make_site: MakeSite) -> None:
    page = f"---\ntitle: Impressum\ntype: imprint\nplaceholder: {word}\n---\nText.\n"
    result = parse_yaml(page.split("---\n")[1], "x.md")
    assert result.node is not None
    ide_accepts = errors("page.schema.json", as_ide_sees_it(result.node)) == []
    check_accepts = errors_in(make_site(files={"content/pages/impressum.md": page})) == []
    assert ide_accepts == check_accepts == (word.lower() in ("true", "false"))
