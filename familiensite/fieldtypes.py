"""Field types of the content model: parse editors' text, explain mistakes in German.

Every scalar arrives as text (see yamlstrict). Each type here turns that text
into a value or raises a ``PydanticCustomError`` whose type is a key of the
message catalogue, so the report can print the German message and hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from .markdown_limits import check_markdown
from .slugs import SLUG_PATTERN, is_slug, slugify

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
WHEN_PATTERN = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2})?$"
EMAIL_PATTERN = r"^[^@\s:/]+@[^@\s:/]+\.[A-Za-z]{2,}$"
PHONE_PATTERN = r"^\+?\(?[0-9][0-9 ()/\-]{4,24}$"  # "(0511) 123 45 67" is how many people write it
POSTAL_CODE_PATTERN = r"^[0-9]{5}$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
CONTENT_PATH_PATTERN = r"^(?!/)(?!.*(^|/)\.\.?(/|$))[^\\:*?\"<>|]+$"
INTERNAL_PATH_PATTERN = r"^$|^(?!/)[a-z0-9\-/]*/$"


def _error(kind: str, value: Any, **extra: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, kind, {"value": value, **extra})


def _text_of(value: Any, kind: str) -> str:
    if not isinstance(value, str):
        raise _error(kind, value)
    return value.strip()


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = _text_of(value, "date_format")
    if not re.match(DATE_PATTERN, text):
        raise _error("date_format", text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _error("date_invalid", text) from None


def _parse_when(value: Any) -> date | datetime:
    if isinstance(value, date):
        return value
    text = _text_of(value, "datetime_format")
    if not re.match(WHEN_PATTERN, text):
        raise _error("datetime_format", text)
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise _error("date_invalid", text) from None


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A year, a month or a day: the seeds often know only the year."""

    year: int
    month: int = 0
    day: int = 0

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def isoformat(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


def _parse_partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = _text_of(value, "partial_date_format")
    if not re.match(PARTIAL_DATE_PATTERN, text):
        raise _error("partial_date_format", text)
    numbers = [int(part) for part in text.split("-")]
    try:
        date(numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1)
    except ValueError:
        raise _error("date_invalid", text) from None
    return PartialDate(*numbers)


def _pattern_type(kind: str, pattern: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        text = _text_of(value, kind)
        if not compiled.match(text):
            raise _error(kind, text, suggestion=slugify(text) or "beispiel")
        return text

    return check


def _parse_web_url(value: Any) -> str:
    text = _text_of(value, "url_format")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _error("url_format", text) from None
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        raise _error("url_scheme", text, scheme=scheme)
    if not scheme or "." not in parts.netloc or any(c.isspace() for c in text):
        raise _error("url_format", text)
    return text


def _parse_base_url(value: Any) -> str:
    text = _text_of(value, "base_url_format")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.path.endswith("/") or parts.query or parts.fragment:
        raise _error("base_url_format", text)
    return text


def _parse_timezone(value: Any) -> str:
    text = _text_of(value, "timezone_unknown")
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error("timezone_unknown", text) from None
    return text


def _parse_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):  # YAML 1.2's booleans, as editors' IDEs read them
        return bool(value.lower() == "true")
    raise PydanticCustomError("field_expected_boolean", "field_expected_boolean", {"value": value})


_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _without_control_characters(value: str) -> str:
    """No invisible control characters (only possible as YAML escapes such as "\\b"): XML forbids them,
    so one would break the feed and the sitemap, and on a page they are never what an editor meant."""
    found = _CONTROL_CHARACTER.search(value)
    if found:
        raise PydanticCustomError("field_control_character", "field_control_character", {"code": f"U+{ord(found.group()):04X}"})
    return value


def _within_markdown_limits(value: str) -> str:
    """A Markdown field obeys the same limits as a body (markdown_limits.py)."""
    limit = check_markdown(value)
    if limit is not None:
        raise PydanticCustomError(limit.key, limit.key, dict(limit.values))
    return value


def _none_to_empty_list(value: Any) -> Any:
    return [] if value is None else value


def _string(pattern: str | None = None, fmt: str | None = None, **extra: Any) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", **extra}
    if pattern:
        schema["pattern"] = pattern
    if fmt:
        schema["format"] = fmt
    return WithJsonSchema(schema)


_Visible = AfterValidator(_without_control_characters)
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000), _Visible]
MarkdownText = Annotated[Text, AfterValidator(_within_markdown_limits)]  # a field rendered as Markdown
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), _Visible]
AltText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), _Visible]
Slug = Annotated[str, PlainValidator(_pattern_type("slug_format", SLUG_PATTERN)), _string(SLUG_PATTERN)]
Date = Annotated[date, PlainValidator(_parse_date), _string(DATE_PATTERN, "date")]
When = Annotated[
    date | datetime,
    PlainValidator(_parse_when),
    _string(WHEN_PATTERN, description="JJJJ-MM-TT HH:MM (Ortszeit) oder JJJJ-MM-TT für ganztägig"),
]
Partial = Annotated[PartialDate, PlainValidator(_parse_partial_date), _string(PARTIAL_DATE_PATTERN)]
Email = Annotated[str, PlainValidator(_pattern_type("email_format", EMAIL_PATTERN)), _string(EMAIL_PATTERN, "email")]
Phone = Annotated[str, PlainValidator(_pattern_type("phone_format", PHONE_PATTERN)), _string(PHONE_PATTERN)]
PostalCode = Annotated[str, PlainValidator(_pattern_type("postal_code_format", POSTAL_CODE_PATTERN)), _string(POSTAL_CODE_PATTERN)]
Color = Annotated[str, PlainValidator(_pattern_type("color_format", COLOR_PATTERN)), _string(COLOR_PATTERN)]
ContentPath = Annotated[str, PlainValidator(_pattern_type("path_format", CONTENT_PATH_PATTERN)), _string(CONTENT_PATH_PATTERN)]
InternalPath = Annotated[
    str, PlainValidator(_pattern_type("internal_link_format", INTERNAL_PATH_PATTERN)), _string(INTERNAL_PATH_PATTERN)
]
WebUrl = Annotated[str, PlainValidator(_parse_web_url), _string(r"^https?://", "uri")]
BaseUrl = Annotated[str, PlainValidator(_parse_base_url), _string(r"^https?://[^/]+(/.*)?/$", "uri")]
TimeZone = Annotated[str, PlainValidator(_parse_timezone), _string()]
Flag = Annotated[bool, PlainValidator(_parse_flag), WithJsonSchema({"type": "boolean"})]
EmptyIsNone = BeforeValidator(_none_to_empty_list)

__all__ = [
    "AltText", "BaseUrl", "Color", "ContentPath", "Date", "Email", "EmptyIsNone", "Flag", "InternalPath", "MarkdownText",
    "Partial", "PartialDate", "Phone", "PostalCode", "ShortText", "Slug", "Text", "TimeZone", "WebUrl",
    "When", "is_slug",
]
