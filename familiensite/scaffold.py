"""``python build.py new conference|result|member|page NAME``: a new content file from the model.

The file lists every field of the content type in model order, each under a
comment with its German description from model.py and whether it is required.
Groups (an image, an address) and list entries (dates, contacts) are shown as
commented-out examples with their own fields. Required fields stay empty unless
NAME gives them (a title typed as NAME becomes the title), so ``check`` reports
exactly the fields the editor still has to fill, at their lines; the command
prints the same list.
"""

from __future__ import annotations

import json
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import messages as m
from .model import Conference, Member, Page, Result
from .slugs import slugify


@dataclass(frozen=True, slots=True)
class Kind:
    model: type[BaseModel]
    folder: str
    suffix: str
    schema: str
    title_field: str  # the field a NAME like "Familienkonferenz Bemerode" fills


KINDS: dict[str, Kind] = {
    "conference": Kind(Conference, "conferences", ".md", "conference.schema.json", "title"),
    "result": Kind(Result, "results", ".md", "result.schema.json", "title"),
    "member": Kind(Member, "members", ".yaml", "member.schema.json", "city"),
    "page": Kind(Page, "pages", ".md", "page.schema.json", "title"),
}


@dataclass(frozen=True, slots=True)
class Scaffold:
    path: str  # relative to the project, e.g. "content/conferences/bemerode-2025.md"
    text: str
    to_fill: tuple[tuple[str, int, str], ...]  # (field, line, description) of the required fields left empty


def _inner(annotation: Any) -> tuple[Any, bool]:
    """(the type inside Optional/Annotated, whether it is a list)."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation, is_list
        elif origin is list:
            is_list, annotation = True, typing.get_args(annotation)[0]
        else:
            return annotation, is_list


def _model_of(annotation: Any) -> type[BaseModel] | None:
    inner, _ = _inner(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _choices(annotation: Any) -> list[str]:
    inner, _ = _inner(annotation)
    return [str(v) for v in typing.get_args(inner)] if typing.get_origin(inner) is Literal else []


def _note(info: FieldInfo, annotation: Any) -> str:
    note = "Pflichtfeld" if info.is_required() else "freiwillig"
    choices = _choices(annotation)
    if choices:
        note += "; einer von: " + ", ".join(choices)
    return note


def _default(info: FieldInfo) -> str:
    """The value written for an optional field: its default, or nothing."""
    if info.default_factory is not None:
        return " []"
    default = info.default
    if default is None or str(default) == "PydanticUndefined":
        return ""
    if isinstance(default, bool):
        return " true" if default else " false"
    return f" {default}"


def _example(model: type[BaseModel], indent: str, first_prefix: str = "") -> list[str]:
    """Commented-out YAML of a group's fields (nested groups included), each with its description."""
    lines: list[str] = []
    for index, (name, info) in enumerate(model.model_fields.items()):
        prefix = first_prefix if index == 0 else " " * len(first_prefix)
        description = (info.description or "").strip()
        lines.append(f"#{indent}{prefix}{name}:  # {description} ({_note(info, info.annotation)})")
        nested = _model_of(info.annotation)
        if nested is not None:
            _, is_list = _inner(info.annotation)
            child = indent + " " * len(prefix) + "  "
            lines.extend(_example(nested, child, "- " if is_list else ""))
    return lines


def scaffold(kind_name: str, name: str) -> Scaffold | None:
    """The new file for NAME, or None when NAME gives no address name."""
    kind = KINDS[kind_name]
    slug = slugify(name)
    if not slug:
        return None
    human = name.strip() if name.strip() != slug else ""
    path = f"content/{kind.folder}/{slug}{kind.suffix}"
    lines: list[str] = []
    if kind.suffix == ".yaml":
        lines.append(f"# yaml-language-server: $schema=../../schemas/{kind.schema}")
    else:
        lines.append("---")
    lines += [
        f"# {(kind.model.__doc__ or '').strip()}",
        f"# Angelegt mit „python build.py new {kind_name} {name}“. Zu jedem Feld steht darüber, was es bedeutet und ob es",
        "# Pflicht ist. Freiwillige Felder dürfen leer bleiben oder gelöscht werden. Alle Felder: docs/felder.md",
    ]
    if kind.suffix == ".md":
        lines.append("# Nach dem zweiten „---“ folgt der Text der Seite in Markdown.")
    to_fill: list[tuple[str, int, str]] = []
    for field_name, info in kind.model.model_fields.items():
        description = (info.description or "").strip()
        lines.append("")
        lines.append(f"# {description} ({_note(info, info.annotation)})")
        nested = _model_of(info.annotation)
        if nested is not None:
            _, is_list = _inner(info.annotation)
            lines.append("# So sieht ein Eintrag aus (ohne „#“ übernehmen und ausfüllen):" if is_list else "# Ausgefüllt so (ohne „#“ übernehmen):")
            if is_list:
                lines.append(f"# {field_name}:")
                lines.extend(_example(nested, "   ", "- "))
            else:
                lines.append(f"# {field_name}:")
                lines.extend(_example(nested, "   "))
        if info.is_required():
            if field_name == kind.title_field and human:
                lines.append(f"{field_name}: {json.dumps(human, ensure_ascii=False)}")
            else:
                lines.append(f"{field_name}:")
                to_fill.append((field_name, len(lines), description))
        else:
            lines.append(f"{field_name}:{_default(info)}")
    if kind.suffix == ".md":
        lines += ["---", ""]
    return Scaffold(path, "\n".join(lines) + "\n", tuple(to_fill))


def scaffold_command(project: Path, kind_name: str, name: str) -> int:
    """Write the new file (never over an existing one) and tell the editor what to fill in."""
    result = scaffold(kind_name, name)
    if result is None:
        print(f"{m.text('new_bad_name', name=name)}\n    Hinweis: {m.hint('new_bad_name')}", file=sys.stderr)
        return 1
    target = project / result.path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as stream:  # "x": fails if the file exists
            stream.write(result.text)
    except FileExistsError:
        print(f"{m.text('new_exists', path=result.path)}\n    Hinweis: {m.hint('new_exists')}", file=sys.stderr)
        return 1
    print(m.text("new_created", path=result.path))
    if result.to_fill:
        print(m.text("new_fill_in"))
        for field_name, line, description in result.to_fill:
            print(m.text("new_fill_in_line", line=line, field=field_name, description=description))
    else:
        print(m.text("new_valid"))
    print(m.text("new_next"))
    return 0
