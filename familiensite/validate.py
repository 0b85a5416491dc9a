"""Validate stage: positioned YAML trees → typed records, and checks across files.

Pure: takes what load.py read, returns ``Content`` (typed, checked records) and
the problems, each placed at the file, line, column and field it is about.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, RootModel, ValidationError

from . import messages as m
from .load import Asset, LoadedContent, SourceDocument
from .model import Conference, DistrictList, Home, Member, Network, Page, Result, SiteSettings
from .parse_cache import KeyedMemo
from .problems import Problem, Severity
from .slugs import slugify
from .yamlstrict import Mapping, Node, Pos, Scalar, Sequence

T = TypeVar("T", bound=BaseModel)
Loc = tuple[str | int, ...]

# Output folders the build owns; a page may not take their names.
RESERVED_SLUGS = {"familienkonferenzen", "ergebnisse", "netzwerk", "assets", "medien", "404", "suche", "daten", "pagefind"}
LEGAL_ROLES = {"imprint": "Impressum", "privacy": "Datenschutzerklärung", "accessibility": "Erklärung zur Barrierefreiheit"}


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """A validated content file: its record, its address name and its Markdown body."""

    slug: str
    source: str
    meta: T
    body: str = ""
    body_line: int = 0


@dataclass(frozen=True, slots=True)
class DistrictEntry:
    slug: str
    name: str


@dataclass(slots=True)
class Content:
    """Everything the site is built from, checked."""

    site: SiteSettings
    home: Entry[Home]
    network: Entry[Network]
    districts: list[DistrictEntry]
    conferences: list[Entry[Conference]]
    results: list[Entry[Result]]
    members: list[Entry[Member]]
    pages: list[Entry[Page]]
    assets: dict[str, Asset] = field(default_factory=dict)


@dataclass(slots=True)
class _Positions:
    values: dict[Loc, Pos]
    keys: dict[Loc, Pos]


def to_data(node: Node) -> tuple[Any, _Positions]:
    """Plain Python data (str/None/list/dict) and the position of every value and key."""
    positions = _Positions({}, {})

    def convert(current: Node, loc: Loc) -> Any:
        positions.values[loc] = current.pos
        if isinstance(current, Scalar):
            return current.value
        if isinstance(current, Sequence):
            return [convert(item, (*loc, index)) for index, item in enumerate(current.items)]
        result = {}
        for key, value in current.entries.items():
            positions.keys[(*loc, key)] = current.key_pos[key]
            result[key] = convert(value, (*loc, key))
        return result

    return convert(node, ()), positions


def field_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unwrap(annotation: Any) -> list[Any]:
    """The classes inside Optional/Annotated/list/Literal wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [inner for arg in typing.get_args(annotation) for inner in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, RootModel):
            current = next((c for c in _unwrap(current.model_fields["root"].annotation) if isinstance(c, type)), None)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        candidates = [c for c in _unwrap(current.model_fields[part].annotation) if isinstance(c, type) and issubclass(c, BaseModel)]
        current = candidates[0] if candidates else None
    if isinstance(current, type) and issubclass(current, RootModel):
        current = next((c for c in _unwrap(current.model_fields["root"].annotation) if isinstance(c, type)), None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def suggest(value: str, candidates: typing.Iterable[str]) -> str:
    """"Meinten Sie …?" for the closest candidate, or ""."""
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return m.text("did_you_mean", suggestion=lowered[value.lower()])
    slugged = slugify(value)
    if slugged in options and slugged != value:
        return m.text("did_you_mean", suggestion=slugged)
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return m.text("did_you_mean", suggestion=close[0]) if close else ""


def _describe_input(value: Any) -> str:
    if value is None:
        return "ein leerer Wert"
    if isinstance(value, dict):
        return "eine Gruppe von Unterfeldern"
    if isinstance(value, list):
        return "eine Liste"
    return f"der Text „{value}“"


_TYPE_KEYS = {
    "string_type": "field_expected_text",
    "list_type": "field_expected_list",
    "model_type": "field_expected_mapping",
    "model_attributes_type": "field_expected_mapping",
    "dict_type": "field_expected_mapping",
}


def _explain(error: Any, model: type[BaseModel], loc: Loc) -> tuple[str, str]:
    """German message and hint for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        key = str(loc[-1])
        special = m.GERMAN.get(f"field_missing_{key}_hint")
        return m.text("field_missing", key=key), special or m.hint("field_missing", key=key)
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        options = list(parent.model_fields) if parent else []
        return m.text("field_unknown", key=loc[-1]), suggest(str(loc[-1]), options)
    if kind in _TYPE_KEYS or (value is None and kind in ("string_too_short", "float_type", "int_type", "bool_type")):
        if value is None or (isinstance(value, str) and not value.strip()):
            return m.text("field_empty"), m.GERMAN.get(f"field_missing_{loc[-1]}_hint", "")
        return m.text(_TYPE_KEYS.get(kind, "field_expected_text"), found=_describe_input(value)), ""
    if kind == "string_too_short":
        return m.text("field_empty"), m.GERMAN.get(f"field_missing_{loc[-1]}_hint", "")
    if kind == "string_too_long":
        return m.text("field_too_long", length=len(value), limit=ctx.get("max_length")), ""
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return m.text("field_expected_integer", value=value), ""
    if kind in ("float_parsing", "float_type"):
        return m.text("field_expected_number", value=value), ""
    if kind == "greater_than_equal":
        return m.text("number_too_small", value=value, limit=_number(ctx.get("ge"))), ""
    if kind == "less_than_equal":
        return m.text("number_too_large", value=value, limit=_number(ctx.get("le"))), ""
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if value is None or (isinstance(value, str) and not value.strip()):  # e.g. a `format:` left empty by `new`
            return m.text("field_empty"), m.text("field_choice_empty_hint", choices=", ".join(choices))
        return m.text("field_choice", value=value, choices=", ".join(choices)), suggest(str(value), choices)
    if kind in m.GERMAN:
        values = {k: v for k, v in ctx.items() if k != "at"}
        values.setdefault("value", value)
        return m.text(kind, **values), m.hint(kind, **values)
    return m.text("field_invalid", detail=error.get("msg", kind)), ""


def _number(value: Any) -> str:
    """A limit as editors write it: 90 rather than 90.0, a decimal comma otherwise."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _position(positions: _Positions, loc: Loc, key_first: bool) -> Pos:
    if key_first and loc in positions.keys:
        return positions.keys[loc]
    probe = loc
    while probe:
        if probe in positions.values:
            return positions.values[probe]
        if probe in positions.keys:
            return positions.keys[probe]
        probe = probe[:-1]
    return positions.values.get((), Pos(1, 1))


def validate_record(document: SourceDocument, model: type[T]) -> tuple[T | None, _Positions, list[Problem]]:
    """One document against its model: the record, or every problem with its place."""
    assert document.data is not None
    data, positions = to_data(document.data)
    try:
        return model.model_validate(data), positions, []
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            loc: Loc = tuple(item["loc"])
            if issubclass(model, RootModel):
                loc = tuple(part for part in loc if part != "root") if loc[:1] == ("root",) else loc
            at = (item.get("ctx") or {}).get("at")
            if at:
                loc = (*loc, *at.split("."))
            message, hint = _explain(item, model, loc)
            pos = _position(positions, loc, key_first=item["type"] in ("extra_forbidden",))
            if item["type"] in ("missing", "field_missing"):
                pos = _position(positions, loc[:-1], key_first=True)
            problems.append(Problem(document.path, pos.line, pos.column, field_path(loc), message, hint))
        return None, positions, problems


@dataclass(slots=True)
class _Checked(Generic[T]):
    entry: Entry[T]
    positions: _Positions

    def problem(self, loc: Loc, key: str, severity: Severity = Severity.ERROR, hint: str | None = None, **values: Any) -> Problem:
        pos = _position(self.positions, loc, key_first=False)
        return Problem(
            self.entry.source, pos.line, pos.column, field_path(loc), m.text(key, **values),
            m.hint(key, **values) if hint is None else hint, severity,
        )


def _intended_slug(document: SourceDocument) -> str:
    """The address name of a file whose record is invalid: it exists, so references to it stay quiet."""
    if isinstance(document.data, Mapping):
        slug = document.data.entries.get("slug")
        if isinstance(slug, Scalar) and slug.value:
            return slug.value
    return slugify(document.stem)


def _validate_collection(
    documents: list[SourceDocument], model: type[T], problems: list[Problem], broken: set[str] | None = None,
    memo: KeyedMemo | None = None,
) -> list[_Checked[T]]:
    """Valid entries of one collection; the slugs of invalid files go into ``broken``.

    ``documents`` is emptied, and each document let go once it is validated: its parsed tree
    then makes room for the records of the next ones instead of every file's tree being held
    until the last is validated (16 MiB less resident at 10,000 items, in the build and in
    every worker forked from it later).
    """
    checked: list[_Checked[T]] = []
    seen: dict[str, str] = {}
    # files named by their file name claim their slug first: a "slug:" that takes a name already
    # in use is reported at that field, not in the file it collides with
    ordered = cast("list[SourceDocument | None]", sorted(documents, key=lambda d: isinstance(d.data, Mapping) and "slug" in d.data.entries))
    documents.clear()
    for index in range(len(ordered)):
        document = ordered[index]
        assert document is not None
        ordered[index] = None
        record, positions, found = (
            memo.get(document, (model,), functools.partial(validate_record, document, model)) if memo else validate_record(document, model)
        )
        problems.extend(found)
        if record is None:
            if broken is not None:
                broken.add(_intended_slug(document))
            continue
        slug = getattr(record, "slug", None) or slugify(document.stem)
        entry = Entry(slug, document.path, record, document.body, document.body_line)
        item = _Checked(entry, positions)
        if not slug:
            problems.append(item.problem(("slug",), "slug_format", value=document.stem, suggestion="beispiel"))
            continue
        if slug in seen and seen[slug] == document.path:  # same name in NFC and NFD: two files, one path
            name, _, suffix = document.path.rpartition("/")[2].rpartition(".")
            problems.append(item.problem((), "duplicate_slug_unicode", name=f"{name}.{suffix}", slug=slug, suffix=f".{suffix}"))
            continue
        if slug in seen:
            problems.append(item.problem(("slug",) if getattr(record, "slug", None) else (), "duplicate_slug", slug=slug, other=seen[slug]))
            continue
        seen[slug] = document.path
        checked.append(item)
    return checked


def _single(loaded: LoadedContent, name: str, model: type[T], problems: list[Problem]) -> _Checked[T] | None:
    document = loaded.singles.get(name)
    if document is None:
        return None
    record, positions, found = validate_record(document, model)
    problems.extend(found)
    if record is None:
        return None
    return _Checked(Entry(name, document.path, record, document.body, document.body_line), positions)


def _check_reference(item: _Checked[Any], loc: Loc, value: str, valid: dict[str, str], kind: str, where: str) -> Problem | None:
    """``kind``: district, conference, member or page (the message key's suffix)."""
    if value in valid:
        return None
    hint = suggest(value, valid) or m.text("reference_unknown_hint_none", where=where)
    return item.problem(loc, f"reference_unknown_{kind}", hint=hint, value=value)


def _check_file(item: _Checked[Any], loc: Loc, path: str, assets: dict[str, Asset]) -> Problem | None:
    if path in assets:
        return None
    return item.problem(loc, "file_reference_missing", hint=suggest(path, assets), value=path)


def _image_problems(item: _Checked[Any], assets: dict[str, Asset]) -> list[Problem]:
    found = []
    image = getattr(item.entry.meta, "image", None)
    if image is not None:
        problem = _check_file(item, ("image", "file"), image.file, assets)
        if problem:
            found.append(problem)
    return found


def validate_content(loaded: LoadedContent, today: date, memo: KeyedMemo | None = None) -> tuple[Content | None, list[Problem]]:
    """Check every document and the references between them; ``today`` dates the review warning.

    ``memo`` (the preview's) reuses the records of documents it validated before (parse_cache.py).
    The collections of ``loaded`` are emptied on the way (``_validate_collection``).
    """
    problems = list(loaded.problems)
    site = _single(loaded, "site", SiteSettings, problems)
    home = _single(loaded, "home", Home, problems)
    network = _single(loaded, "network", Network, problems)
    districts_item = _single(loaded, "districts", DistrictList, problems)
    # slugs of files that exist but have errors of their own: references to them are not reported again
    broken = {name: {slugify(stem) for stem in loaded.unreadable.get(name, [])} for name in ("conferences", "results", "members", "pages")}
    conferences = _validate_collection(loaded.collections.get("conferences", []), Conference, problems, broken["conferences"], memo)
    results = _validate_collection(loaded.collections.get("results", []), Result, problems, broken["results"], memo)
    members = _validate_collection(loaded.collections.get("members", []), Member, problems, broken["members"], memo)
    pages = _validate_collection(loaded.collections.get("pages", []), Page, problems, broken["pages"], memo)

    districts: list[DistrictEntry] = []
    if districts_item is not None:
        seen: dict[str, int] = {}
        for index, district in enumerate(districts_item.entry.meta.root):
            slug = district.slug or slugify(district.name)
            if slug in seen:
                problems.append(districts_item.problem((index, "name"), "duplicate_slug", slug=slug, other=f"Eintrag {seen[slug] + 1}"))
                continue
            seen[slug] = index
            districts.append(DistrictEntry(slug, district.name))
    district_slugs = {d.slug: d.name for d in districts}
    conference_slugs = {**dict.fromkeys(broken["conferences"], ""), **{c.entry.slug: c.entry.source for c in conferences}}
    member_slugs = {**dict.fromkeys(broken["members"], ""), **{c.entry.slug: c.entry.source for c in members}}
    page_slugs = {**dict.fromkeys(broken["pages"], ""), **{c.entry.slug: c.entry.source for c in pages}}
    assets = loaded.assets

    def add(problem: Problem | None) -> None:
        if problem is not None:
            problems.append(problem)

    for item in conferences:
        if item.entry.meta.district is not None and districts_item is not None:
            add(_check_reference(item, ("district",), item.entry.meta.district, district_slugs, "district", "content/districts.yaml"))
        problems.extend(_image_problems(item, assets))
    for result_item in results:
        for index, slug in enumerate(result_item.entry.meta.conferences):
            add(_check_reference(result_item, ("conferences", index), slug, conference_slugs, "conference", "content/conferences/"))
        for index, document in enumerate(result_item.entry.meta.documents):
            add(_check_file(result_item, ("documents", index, "file"), document.file, assets))
        problems.extend(_image_problems(result_item, assets))
    others: list[_Checked[Any]] = [*members, *([network] if network else []), *([home] if home else [])]
    for other in others:
        problems.extend(_image_problems(other, assets))
    for member_item in members:  # kept in the list, but the network map cannot place it
        if member_item.entry.meta.coordinates is None:
            problems.append(member_item.problem((), "member_without_coordinates", Severity.WARNING, city=member_item.entry.meta.city))
    if network is not None:
        add(_check_reference(network, ("initiator",), network.entry.meta.initiator, member_slugs, "member", "content/members/"))
    if home is not None:
        for index, slug in enumerate(home.entry.meta.featured_pages):
            add(_check_reference(home, ("featured_pages", index), slug, page_slugs, "page", "content/pages/"))
    for page_item in pages:
        problems.extend(_image_problems(page_item, assets))
        if page_item.entry.slug in RESERVED_SLUGS:
            problems.append(
                page_item.problem(("slug",), "duplicate_output_section", url=f"{page_item.entry.slug}/", reserved=", ".join(sorted(RESERVED_SLUGS)))
            )
        statement = page_item.entry.meta.statement
        if statement is not None and statement.reviewed < today - timedelta(days=365):
            problems.append(page_item.problem(("statement", "reviewed"), "accessibility_review_old", Severity.WARNING, date=statement.reviewed.isoformat()))
    if site is not None:
        problems.extend(_site_problems(site, pages, conferences, assets, broken))

    if site is None or home is None or network is None or districts_item is None or any(p.is_error for p in problems):
        return None, problems
    content = Content(
        site=site.entry.meta,
        home=home.entry,
        network=network.entry,
        districts=districts,
        conferences=[c.entry for c in conferences],
        results=[r.entry for r in results],
        members=[c.entry for c in members],
        pages=[p.entry for p in pages],
        assets=assets,
    )
    return content, problems


def _site_problems(
    site: _Checked[SiteSettings], pages: list[_Checked[Page]], conferences: list[_Checked[Conference]], assets: dict[str, Asset],
    broken: dict[str, set[str]],
) -> list[Problem]:
    problems: list[Problem] = []
    settings = site.entry.meta
    pages_by_slug = {p.entry.slug: p.entry.meta for p in pages}
    for role, label in LEGAL_ROLES.items():
        slug = getattr(settings.legal, role)
        page = pages_by_slug.get(slug)
        if page is None:
            if slug in broken["pages"]:
                continue  # the page exists; its own errors are reported
            problems.append(site.problem(("legal", role), "legal_page_missing", role=label, slug=slug, type=role))
        elif page.type != role:
            problems.append(site.problem(("legal", role), "legal_page_wrong_type", slug=slug, role=label, actual=page.type, type=role))
    targets = {"", "familienkonferenzen/", "ergebnisse/", "netzwerk/", "suche/", "daten/"}
    targets |= {f"{slug}/" for slug in pages_by_slug}
    targets |= {f"familienkonferenzen/{c.entry.slug}/" for c in conferences}
    targets |= {f"{slug}/" for slug in broken["pages"]} | {f"familienkonferenzen/{slug}/" for slug in broken["conferences"]}
    for index, item in enumerate(settings.navigation):
        if item.target not in targets:
            problems.append(
                site.problem(("navigation", index, "target"), "navigation_target_unknown", hint=suggest(item.target, targets), value=item.target)
            )
    if settings.theme.logo is not None:
        problem = _check_file(site, ("theme", "logo", "file"), settings.theme.logo.file, assets)
        if problem:
            problems.append(problem)
    return problems
