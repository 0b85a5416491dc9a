"""Export the content model: JSON Schemas (schemas/) and the field reference (docs/felder.md).

Both are generated from model.py, the single definition of every content type;
a test checks that the committed files equal a fresh export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from .model import Conference, DistrictList, Home, Member, Network, Page, Result, SiteSettings

# schema file → (model, content files it applies to, title)
SCHEMAS: dict[str, tuple[type[BaseModel], str, str]] = {
    "site.schema.json": (SiteSettings, "content/site.yaml", "Einstellungen der Website"),
    "districts.schema.json": (DistrictList, "content/districts.yaml", "Stadtteile"),
    "home.schema.json": (Home, "content/home.md (Vorspann)", "Startseite"),
    "conference.schema.json": (Conference, "content/conferences/*.md (Vorspann)", "Familienkonferenz"),
    "result.schema.json": (Result, "content/results/*.md (Vorspann)", "Ergebnis"),
    "network.schema.json": (Network, "content/network.yaml", "Netzwerk"),
    "member.schema.json": (Member, "content/members/*.yaml", "Mitgliedsstadt"),
    "page.schema.json": (Page, "content/pages/*.md (Vorspann)", "Seite"),
}


class _Generator(GenerateJsonSchema):
    def generate(self, schema: Any, mode: Any = "validation") -> dict[str, Any]:
        result = super().generate(schema, mode=mode)
        result["$schema"] = "http://json-schema.org/draft-07/schema#"
        return result


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(schema_generator=_Generator)
    schema["title"] = title
    return schema


def _type_label(info: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in info:
        name = info["$ref"].rsplit("/", 1)[-1]
        return f"Gruppe ({defs.get(name, {}).get('title', name)})"
    if "anyOf" in info:
        options = [o for o in info["anyOf"] if o.get("type") != "null"]
        return " oder ".join(_type_label(o, defs) for o in options) if options else "leer"
    if "enum" in info:
        return "einer von: " + ", ".join(f"`{v}`" for v in info["enum"])
    if "const" in info:
        return f"`{info['const']}`"
    kind = info.get("type")
    if kind == "array":
        return "Liste von " + _type_label(info.get("items", {}), defs)
    fmt = info.get("format")
    return {"string": "Text", "integer": "ganze Zahl", "number": "Zahl", "boolean": "true/false"}.get(str(kind), str(kind)) + (
        f" ({fmt})" if fmt else ""
    )


def field_reference() -> str:
    """docs/felder.md: every content type and every field, generated from the model."""
    lines = [
        "# Feldreferenz",
        "",
        "Diese Datei wird aus `familiensite/model.py` erzeugt (`python build.py schema`); bitte nicht von Hand ändern.",
        "Pflichtfelder sind mit **ja** markiert.",
        "",
    ]
    for model, files, title in SCHEMAS.values():
        schema = json_schema(model, title)
        defs = schema.get("$defs", {})
        lines += [f"## {title}", "", f"Datei: `{files}`", ""]
        sections = [(title, schema)]
        seen: set[str] = set()
        queue = list(_refs(schema))
        while queue:
            name = queue.pop(0)
            if name in seen or name not in defs:
                continue
            seen.add(name)
            sections.append((defs[name].get("title", name), defs[name]))
            queue.extend(_refs(defs[name]))
        for heading, part in sections:
            if "properties" not in part:
                part = defs.get(_refs(part)[0], part) if _refs(part) else part
                if "properties" not in part:
                    continue
            if heading != title:
                lines += [f"### {heading}", ""]
            if part.get("description"):
                lines += [part["description"], ""]
            lines += ["| Feld | Pflicht | Art | Bedeutung |", "| --- | --- | --- | --- |"]
            required = set(part.get("required", []))
            for name, info in part["properties"].items():
                description = info.get("description", "").replace("|", "\\|")
                lines.append(f"| `{name}` | {'**ja**' if name in required else 'nein'} | {_type_label(info, defs)} | {description} |")
            lines.append("")
    return "\n".join(lines)


def _refs(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value.rsplit("/", 1)[-1])
            elif key != "$defs":
                found.extend(_refs(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(_refs(item))
    return list(dict.fromkeys(found))


def expected_files() -> dict[str, str]:
    files = {
        f"schemas/{name}": json.dumps(json_schema(model, title), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for name, (model, _, title) in SCHEMAS.items()
    }
    files["docs/felder.md"] = field_reference()
    return files


def export_all(project: Path, check_only: bool = False) -> list[str]:
    """Write (or with check_only, compare) the generated files; returns those that differed."""
    stale = []
    for relative, text in expected_files().items():
        path = project / relative
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(relative)
            if not check_only:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale


