"""`python build.py new conference|result|member|page NAME`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from familiensite.cli import main
from familiensite.pipeline import check_content
from familiensite.scaffold import KINDS, _inner, _model_of
from tests.conftest import TODAY, MakeSite

# What an editor would type into the fields the new file asks for.
VALUES = {"title": "Familienkonferenz Test", "format": "online", "status": "planned", "teaser": "Ein Satz.", "city": "Jena"}


def run_new(project: Path, kind: str, name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--project", str(project), "new", kind, name])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def errors_by_file(project: Path) -> dict[str, set[tuple[str, int]]]:
    _, problems = check_content(project, TODAY)
    found: dict[str, set[tuple[str, int]]] = {}
    for p in problems:
        if p.is_error:
            found.setdefault(p.file, set()).add((p.field, p.line))
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_new_file_fails_check_with_exactly_the_fields_still_to_fill_and_passes_once_they_are_filled(
    kind: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_site()
    code, out, _ = run_new(project, kind, "neu-2025", capsys)
    assert code == 0
    path = f"content/{KINDS[kind].folder}/neu-2025{KINDS[kind].suffix}"
    assert f"Angelegt: {path}" in out
    # printed: every field still to fill, with its line
    printed = {(field, int(line)) for line, field in re.findall(r"Zeile (\d+): (\w+) – ", out)}
    required = {name for name, info in KINDS[kind].model.model_fields.items() if info.is_required()}
    assert {field for field, _ in printed} == required
    # check reports exactly these fields at exactly these lines, and nothing in any other file
    assert errors_by_file(project) == {path: printed}

    text = (project / path).read_text(encoding="utf-8")
    lines = text.split("\n")
    for field, line in printed:
        assert lines[line - 1] == f"{field}:"
        lines[line - 1] = f"{field}: {VALUES[field]}"
    (project / path).write_text("\n".join(lines), encoding="utf-8")
    assert errors_by_file(project) == {}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_title_as_name_fills_the_title_and_names_the_file_after_it(kind: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site()
    code, out, _ = run_new(project, kind, "Familienkonferenz Süd: Linden", capsys)
    assert code == 0
    path = project / f"content/{KINDS[kind].folder}/familienkonferenz-sued-linden{KINDS[kind].suffix}"
    title = KINDS[kind].title_field
    assert f'\n{title}: "Familienkonferenz Süd: Linden"\n' in path.read_text(encoding="utf-8")
    remaining = {field for field, _ in errors_by_file(project).get(str(path.relative_to(project)), set())}
    required = {name for name, info in KINDS[kind].model.model_fields.items() if info.is_required()}
    assert remaining == required - {title}
    if not remaining:  # member and page: valid as written
        assert "Die Datei ist gültig" in out


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_field_of_the_model_is_in_the_new_file_with_its_german_description(
    kind: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_site()
    run_new(project, kind, "alle-felder", capsys)
    text = (project / f"content/{KINDS[kind].folder}/alle-felder{KINDS[kind].suffix}").read_text(encoding="utf-8")

    def check(model: type[BaseModel], commented: bool) -> None:
        for name, info in model.model_fields.items():
            key = rf"^#\s+(- )?{name}:" if commented else rf"^{name}:"
            assert re.search(key, text, re.MULTILINE), f"{model.__name__}.{name} missing"
            assert (info.description or "").strip() in text, f"description of {model.__name__}.{name} missing"
            nested = _model_of(info.annotation)
            if nested is not None:
                check(nested, commented=True)

    check(KINDS[kind].model, commented=False)


def test_new_refuses_to_overwrite_an_existing_file(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site()
    existing = project / "content/conferences/online.md"
    before = existing.read_bytes()
    code, out, err = run_new(project, "conference", "online", capsys)
    assert code == 1
    assert "content/conferences/online.md gibt es schon" in err and "nicht überschrieben" in err
    assert existing.read_bytes() == before and out == ""


def test_a_name_without_letters_or_digits_is_refused(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site()
    code, _, err = run_new(project, "page", "!!!", capsys)
    assert code == 1 and "ergibt keinen gültigen Adressnamen" in err


def test_a_new_member_file_names_its_schema_for_the_editor() -> None:
    from familiensite.scaffold import scaffold

    result = scaffold("member", "jena")
    assert result is not None
    assert result.text.startswith("# yaml-language-server: $schema=../../schemas/member.schema.json\n")
    assert (Path(__file__).resolve().parent.parent / "content/members" / "../../schemas/member.schema.json").resolve().is_file()


def test_inner_type_unwraps_optional_lists_of_groups() -> None:
    from familiensite.model import Conference, ConferenceDate

    inner, is_list = _inner(Conference.model_fields["dates"].annotation)
    assert (inner, is_list) == (ConferenceDate, True)
