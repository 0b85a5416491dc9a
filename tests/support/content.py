"""Helpers for the content tests: overlays on the minimal fixture and problems as plain tuples."""

from __future__ import annotations

import html.parser
from pathlib import Path

from familiensite.pipeline import BuildResult, check_content
from familiensite.problems import Problem
from tests.conftest import TODAY

MINIMAL = Path(__file__).resolve().parent.parent / "fixtures" / "minimal"

# (file, line, column, field, message, hint): what an editor reads, comparable with ==
Found = tuple[str, int, int, str, str, str]


def fixture_text(relative: str) -> str:
    """A file of the minimal fixture, e.g. ``fixture_text("content/site.yaml")``."""
    return (MINIMAL / relative).read_text(encoding="utf-8")


def edited(relative: str, old: str, new: str) -> dict[str, str]:
    """An overlay: the fixture file with ``old`` replaced once (which must be there)."""
    text = fixture_text(relative)
    assert text.count(old) == 1, f"{old!r} is not exactly once in {relative}; the fixture changed"
    return {relative: text.replace(old, new)}


def as_tuple(problem: Problem) -> Found:
    return (problem.file, problem.line, problem.column, problem.field, problem.message, problem.hint)


def problems_in(project: Path) -> list[Problem]:
    _, problems = check_content(project, today=TODAY)
    return problems


def errors_in(project: Path) -> list[Found]:
    """Every error (not warnings) of ``check`` as tuples, in report order."""
    return [as_tuple(p) for p in problems_in(project) if p.is_error]


def warnings_in(project: Path, file: str) -> list[Found]:
    """The warnings about one file (other files may have warnings of their own)."""
    return [as_tuple(p) for p in problems_in(project) if not p.is_error and p.file == file]


class Elements(html.parser.HTMLParser):
    """Every start tag of a page with its attributes, and the text of chosen elements."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def output_bytes(result: BuildResult, path: str) -> bytes:
    """A rendered output that must be bytes (not a file copied as it is)."""
    data = result.outputs[path]
    assert isinstance(data, bytes)
    return data
