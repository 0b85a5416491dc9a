"""The one place where problems are printed: text for people, JSON for tools, GitHub annotations, GitLab code quality."""

from __future__ import annotations

import hashlib
import json

from .problems import Problem, Severity


def _place(p: Problem) -> str:
    # a line break in a file name must not start a line of its own (that could fake a report line)
    place = "".join(c if c.isprintable() else repr(c)[1:-1] for c in p.file)
    if p.line:
        place += f":{p.line}"
        if p.column:
            place += f":{p.column}"
    return place


def format_text(problems: list[Problem]) -> str:
    """``path:line:column: field: message`` and an indented hint, then a German summary."""
    lines = []
    for p in problems:
        label = "" if p.is_error else "Warnung: "
        field = f"{p.field}: " if p.field else ""
        lines.append(f"{_place(p)}: {label}{field}{p.message}")
        if p.hint:
            lines.append(f"    Hinweis: {p.hint}")
    lines.append(summary(problems))
    return "\n".join(lines)


def summary(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.file for p in problems if p.is_error})
    if not errors:
        return "Keine Fehler." + (f" {warnings} Warnung(en)." if warnings else "")
    text = f"{errors} Fehler in {files} Datei(en)"
    if warnings:
        text += f", {warnings} Warnung(en)"
    return text + "."


def format_json(problems: list[Problem]) -> str:
    return json.dumps(
        [
            {
                "file": p.file, "line": p.line, "column": p.column, "field": p.field,
                "message": p.message, "hint": p.hint, "severity": p.severity.value,
            }
            for p in problems
        ],
        ensure_ascii=False,
        indent=2,
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands: the problems appear on the pull request's lines."""
    lines = []
    for p in problems:
        command = "error" if p.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(p.file)}"]
        if p.line:
            props.append(f"line={p.line}")
        if p.column:
            props.append(f"col={p.column}")
        props.append(f"title={_escape_property(p.field or 'Inhalt')}")
        message = p.message + (f" Hinweis: {p.hint}" if p.hint else "")
        lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


def format_gitlab(problems: list[Problem]) -> str:
    """GitLab code-quality report (the Code Climate subset GitLab reads): shown on the merge request.

    The fingerprint leaves out the line, so a problem keeps its identity when lines above it
    change; a counter tells identical messages in the same file apart.
    """
    seen: dict[tuple[str, str, str], int] = {}
    issues = []
    for p in problems:
        key = (p.file, p.field, p.message)
        seen[key] = seen.get(key, 0) + 1
        identity = "\0".join((*key, str(seen[key])))
        issues.append({
            "description": (f"{p.field}: " if p.field else "") + p.message + (f" Hinweis: {p.hint}" if p.hint else ""),
            "check_name": f"familiensite.{p.severity.value}",
            "fingerprint": hashlib.sha256(identity.encode("utf-8")).hexdigest(),
            "severity": "major" if p.is_error else "minor",
            "location": {"path": p.file or ".", "lines": {"begin": max(p.line, 1)}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github, "gitlab": format_gitlab}
