"""Strict YAML: a tree of values that remember their line and column.

PyYAML reads YAML 1.1, which silently turns ``18:30`` into 1110, ``no`` into
False, ``01067`` into 1067 and dates into date objects, keeps the last of two
equal keys and expands aliases without bound. Here the C parser only produces
events; this module builds the tree itself, iteratively, and

* keeps every scalar as text (the content model decides what a field's text
  means, so ``18:30``, ``no`` and ``01067`` arrive exactly as typed),
* rejects duplicate keys, anchors, aliases, explicit tags and deep nesting,
* reports tabs in indentation and syntax errors with their position.

Nothing here recurses, so hostile nesting cannot exhaust the stack.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import messages as m
from .problems import Problem

try:  # the C parser is 5-10x faster; positions are the same
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - only without libyaml
    _Parser = yaml.SafeLoader

MAX_DEPTH = 12
# libyaml's English problem texts → message keys, so editors read the syntax error in German
LIBYAML_PROBLEMS = {
    "mapping values are not allowed in this context": "yaml_problem_colon",
    "did not find expected '-' indicator": "yaml_problem_list_item",
    "found unexpected end of stream": "yaml_problem_end",
    "did not find expected ',' or ']'": "yaml_problem_bracket",
    "did not find expected ',' or '}'": "yaml_problem_brace",
    "found character that cannot start any token": "yaml_problem_start_char",
    "found unknown escape character": "yaml_problem_escape",
    "could not find expected ':'": "yaml_problem_colon_missing",
    "did not find expected key": "yaml_problem_key",
}
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True, slots=True)
class Pos:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True)
class Scalar:
    value: str | None  # None for an empty value or null
    pos: Pos
    quoted: bool = False


@dataclass(slots=True)
class Sequence:
    items: list[Node]
    pos: Pos


@dataclass(slots=True)
class Mapping:
    entries: dict[str, Node]
    key_pos: dict[str, Pos]
    pos: Pos


Node = Scalar | Sequence | Mapping

# Positions are shared (``Pos`` is immutable): files of one kind have their fields at the same places,
# and one object per value and key was a third of a parsed tree (17 MiB of 10,000 files' trees).
_SHARED_POS: dict[tuple[int, int], Pos] = {}
_SHARED_POS_LIMIT = 100_000


def _position(line: int, column: int) -> Pos:
    key = (line, column)
    found = _SHARED_POS.get(key)
    if found is None:
        found = Pos(line, column)
        if len(_SHARED_POS) < _SHARED_POS_LIMIT:
            _SHARED_POS[key] = found
    return found


@dataclass(slots=True)
class ParseResult:
    node: Node | None
    problems: list[Problem] = field(default_factory=list)


def describe(node: Node) -> str:
    """German words for what an editor wrote, used in messages."""
    if isinstance(node, Mapping):
        return "eine Gruppe von Unterfeldern"
    if isinstance(node, Sequence):
        return "eine Liste"
    if node.value is None:
        return "ein leerer Wert"
    return f"der Text „{node.value}“"


def _problem(file: str, line: int, column: int, key: str, **values: object) -> Problem:
    return Problem(file, line, column, "", m.text(key, **values), m.hint(key, **values))


def _find_tabs(text: str, file: str, line_offset: int) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            problems.append(
                _problem(file, number + line_offset, line.index("\t") + 1, "yaml_tab")
            )
    return problems


def parse_yaml(text: str, file: str, line_offset: int = 0) -> ParseResult:
    """Parse one YAML document into a positioned tree, or say why not.

    ``line_offset`` is added to every line so that front matter reports the
    line in the whole file.
    """
    tab_problems = _find_tabs(text, file, line_offset)
    if tab_problems:
        return ParseResult(None, tab_problems)

    def pos(mark: Any) -> Pos:  # yaml.Mark, or the C parser's own mark type
        return _position(mark.line + 1 + line_offset, mark.column + 1)

    stack: list[tuple[Mapping | Sequence, str | None]] = []  # container, pending key
    root: Node | None = None
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Parser):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    p = pos(event.start_mark)
                    return ParseResult(None, [_problem(file, p.line, p.column, "yaml_multiple_documents")])
                continue
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                p = pos(event.start_mark)
                return ParseResult(None, [_problem(file, p.line, p.column, "yaml_alias")])
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                p = pos(event.start_mark)
                return ParseResult(None, [_problem(file, p.line, p.column, "yaml_tag", tag=tag)])

            node: Node | None = None
            if isinstance(event, yaml.ScalarEvent):
                quoted = event.style not in (None, "")
                value: str | None = event.value
                if not quoted and value in NULL_WORDS:
                    value = None
                node = Scalar(value, pos(event.start_mark), quoted)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    p = pos(event.start_mark)
                    return ParseResult(None, [_problem(file, p.line, p.column, "yaml_too_deep", limit=MAX_DEPTH)])
                container: Mapping | Sequence
                if isinstance(event, yaml.MappingStartEvent):
                    container = Mapping({}, {}, pos(event.start_mark))
                else:
                    container = Sequence([], pos(event.start_mark))
                problem = _attach(stack, container, file)
                if problem:
                    return ParseResult(None, [problem])
                if not stack:
                    root = container
                stack.append((container, None))
                continue
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            else:
                continue

            if not stack:
                root = node
                continue
            problem = _attach(stack, node, file)
            if problem:
                return ParseResult(None, [problem])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1 + line_offset, mark.column + 1) if mark else (0, 0)
        detail = (error.problem or "unerwartetes Zeichen").strip()
        detail = m.text(LIBYAML_PROBLEMS[detail]) if detail in LIBYAML_PROBLEMS else detail
        return ParseResult(None, [_problem(file, line, column, "yaml_syntax", problem=detail)])
    except yaml.reader.ReaderError as error:  # a control character (NUL, ESC …): no mark, only a position
        before = text[: error.position]
        line, column = before.count("\n") + 1 + line_offset, error.position - (before.rfind("\n") + 1) + 1
        return ParseResult(None, [_problem(file, line, column, "yaml_control_character", code=f"U+{error.character:04X}")])
    except yaml.YAMLError as error:  # pragma: no cover - errors without a mark
        return ParseResult(None, [_problem(file, 0, 0, "yaml_syntax", problem=str(error))])
    return ParseResult(root)


def _attach(stack: list[tuple[Mapping | Sequence, str | None]], node: Node, file: str) -> Problem | None:
    """Put ``node`` into the innermost open container (as key or as value)."""
    if not stack:
        return None
    container, pending_key = stack[-1]
    if isinstance(container, Sequence):
        container.items.append(node)
        return None
    if pending_key is None:
        if not isinstance(node, Scalar) or node.value is None:
            return _problem(file, node.pos.line, node.pos.column, "yaml_complex_key")
        key = sys.intern(node.value)  # one object for a field name in every file (a key is a new string each time)
        if key in container.entries or key in container.key_pos:
            first = container.key_pos[key]
            return Problem(
                file,
                node.pos.line,
                node.pos.column,
                key,
                m.text("yaml_duplicate_key", key=key, first_line=first.line),
                m.hint("yaml_duplicate_key"),
            )
        container.key_pos[key] = node.pos
        stack[-1] = (container, key)
        return None
    container.entries[pending_key] = node
    stack[-1] = (container, None)
    return None
