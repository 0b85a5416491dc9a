"""Limits on Markdown text, checked before Python-Markdown ever sees it.

Python-Markdown is not built for hostile input: nested emphasis recurses once per
level (``RecursionError`` at a few hundred levels), unclosed ``[`` and ``<`` are
rescanned to the end of their paragraph (minutes for a 60 KB file of brackets),
and identical headings get their ids in quadratic time. Real pages use a tiny
fraction of each limit below (the longest body of the real site has 4,000
characters, about 30 links and 20 headings); a text beyond one is refused with
its place, so no content file can hang or crash the build.

Measured on the project's machine (2 cores): the worst text within these limits
renders in at most about five seconds; the same patterns ten times larger take
minutes.
docs/security.md lists the limits; tests/corpus/ and tests/test_properties.py
prove them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_MARKDOWN_CHARS = 100_000  # characters of one body (or Markdown field)
MAX_MARKDOWN_HEADINGS = 300  # heading lines (and "---"/"===" lines, which may underline one)
MAX_MARKDOWN_ANGLES = 100  # "<" characters: raw HTML tags and <https://…> links
MAX_MARKDOWN_NESTING = 32  # open "[", open emphasis, and quote/list levels at a line start

_HEADING = re.compile(r" {0,3}(#{1,6}(\s|$)|=+\s*$|-+\s*$)")
_LINE_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_DELIMITER_RUN = re.compile(r"[*_]+")
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.DOTALL)


@dataclass(frozen=True, slots=True)
class MarkdownLimit:
    """Where a text crosses a limit: 1-based line and column in the text, message key and values."""

    line: int
    column: int
    key: str
    values: dict[str, object] = field(default_factory=dict)


def _prefix_depth(prefix: str) -> int:
    markers = prefix.count(">") + len(re.findall(r"(?:^|[ \t>])(?:[-*+]|\d{1,9}[.)])(?=[ \t])", prefix))
    spaces = len(prefix.expandtabs(4)) - len(prefix.replace(" ", "").replace("\t", ""))
    return markers + spaces // 4


def _inline_depths(line: str, depth: tuple[int, int]) -> tuple[tuple[int, int], int | None]:
    """Open brackets and open emphasis after ``line``; the column where either passes the limit."""
    brackets, emphasis = depth
    if "[" in line or "]" in line:  # most lines have none: the scan below is the costly part of the check
        for found in _BRACKET_OR_ESCAPE.finditer(line):  # an escape consumes the next character, bracket or not
            char = found.group()
            if char == "[":
                brackets += 1
            elif char == "]":
                brackets = max(0, brackets - 1)
            if brackets > MAX_MARKDOWN_NESTING:
                return (brackets, emphasis), found.start() + 1
    for run in _DELIMITER_RUN.finditer(line):
        before = line[run.start() - 1] if run.start() else " "
        after = line[run.end()] if run.end() < len(line) else " "
        opens, closes = not after.isspace(), not before.isspace()
        if opens and not closes:
            emphasis += len(run.group())  # "***" may open three levels
        elif closes and not opens:
            emphasis = max(0, emphasis - len(run.group()))
        if max(brackets, emphasis) > MAX_MARKDOWN_NESTING:
            return (brackets, emphasis), run.start() + 1
    return (brackets, emphasis), None


def _german(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 100.000


def check_markdown(text: str) -> MarkdownLimit | None:
    """The first limit ``text`` exceeds, or None. Linear in the length of the text."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return MarkdownLimit(1, 1, "markdown_too_long", {"length": _german(len(text)), "limit": _german(MAX_MARKDOWN_CHARS)})
    headings = angles = 0
    depth = (0, 0)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            depth = (0, 0)  # a blank line ends the paragraph: nothing stays open across it
            continue
        if _HEADING.match(line):
            headings += 1
            if headings > MAX_MARKDOWN_HEADINGS:
                return MarkdownLimit(number, 1, "markdown_too_many_headings", {"limit": MAX_MARKDOWN_HEADINGS})
        if angles + line.count("<") > MAX_MARKDOWN_ANGLES:
            column = [index for index, char in enumerate(line) if char == "<"][MAX_MARKDOWN_ANGLES - angles] + 1
            return MarkdownLimit(number, column, "markdown_too_many_angles", {"limit": MAX_MARKDOWN_ANGLES})
        angles += line.count("<")
        prefix = _LINE_PREFIX.match(line)
        # a prefix cannot be deeper than it is long (each level takes at least one character)
        if prefix and len(prefix.group()) > MAX_MARKDOWN_NESTING and _prefix_depth(prefix.group()) > MAX_MARKDOWN_NESTING:
            return MarkdownLimit(number, 1, "markdown_too_deep", {"limit": MAX_MARKDOWN_NESTING})
        depth, too_deep = _inline_depths(line, depth)
        if too_deep is not None:
            return MarkdownLimit(number, too_deep, "markdown_too_deep", {"limit": MAX_MARKDOWN_NESTING})
    return None
