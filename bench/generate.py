"""Deterministic synthetic content: the same N items for familiensite, Hugo and Pelican.

``N`` counts items that get a page of their own: 80 % conferences (dates, venue,
contacts), 20 % results (referencing conferences); each has a Markdown body of
300–500 words with headings, a list, emphasis and a link. Members of the network
(one per 100 items, at least 3, at most 400) appear on the network page only.
Everything comes from ``random.Random(seed)``: the same N gives the same bytes.

The Hugo and Pelican projects get the same items with the same front-matter
values and the same bodies, and a minimal layout doing comparable work: one page
per item showing its facts and body, plus one list page of all items.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "minimal" / "content"

WORDS = [
    "Familie", "Kinder", "Eltern", "Stadtteil", "Nachbarschaft", "Schule", "Kita", "Spielplatz", "Jugend", "Zukunft", "Beteiligung", "Ideen",
    "Gespräch", "Austausch", "Verwaltung", "Angebot", "Beratung", "Betreuung", "Freizeit", "Sport", "Kultur", "Bildung", "Wohnen", "Verkehr",
    "Sicherheit", "Gesundheit", "Ernährung", "Ausflug", "Treffpunkt", "Ehrenamt", "Verein", "Projekt", "Werkstatt", "Ergebnis", "Vorschlag", "Wunsch",
    "Alltag", "Zusammenleben", "Generationen", "Großeltern", "Alleinerziehende", "Vielfalt", "Sprache", "Integration", "Arbeit", "Beruf", "Vereinbarkeit", "Zeit",
    "Raum", "Grünfläche", "Radweg", "Bücherei", "Schwimmbad", "Hausaufgaben", "Ferien", "Programm",
]
FILLERS = [
    "und", "mit", "für", "die", "der", "das", "im", "in", "am", "vom", "zum", "zur",
    "über", "nach", "vor", "bei", "auch", "sehr", "viele", "neue", "gute", "mehr",
]
STREETS = ("Hauptstraße", "Schulweg", "Lindenallee", "Marktplatz", "Bahnhofstraße", "Am Park", "Gartenweg", "Kirchstraße")
FIRST = ("Anna", "Ben", "Clara", "David", "Emine", "Fritz", "Greta", "Hakan", "Ida", "Jonas", "Kübra", "Lena", "Mehmet", "Nora")
LAST = ("Albers", "Becker", "Çelik", "Dreyer", "Engel", "Fuchs", "Günther", "Hoffmann", "Jansen", "Krüger", "Lange", "Meyer")
CITIES = ("Aachen", "Berlin", "Bochum", "Bonn", "Bremen", "Dortmund", "Dresden", "Erfurt", "Essen", "Freiburg", "Jena", "Kiel")
DISTRICT_COUNT = 40
SOURCE_DATE_EPOCH = "1798070400"  # 2026-12-24: fixed "today" for every tool


@dataclass(frozen=True, slots=True)
class Item:
    """One item with its own page, in a neutral form each writer turns into its tool's format."""

    kind: str  # "conference" | "result"
    slug: str
    title: str
    teaser: str
    body: str
    district: int  # index into districts (conferences)
    status: str
    start: str  # "2015-03-14 10:00"
    end: str
    venue: str
    street: str
    postal_code: str
    contacts: tuple[tuple[str, str, str], ...]  # (name, email, phone)
    published: str  # results: "2016-05"
    conferences: tuple[str, ...]  # results: referenced conference slugs


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS if rng.random() < 0.6 else FILLERS) for _ in range(rng.randint(7, 14))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def body(rng: random.Random, target_words: int) -> str:
    """Markdown of about ``target_words`` words: paragraphs, headings, a list, emphasis, a link."""
    blocks: list[str] = []
    count = 0
    section = 0
    while count < target_words:
        if count > 0 and section < 3 and rng.random() < 0.25:
            section += 1
            heading = f"## {rng.choice(WORDS)} und {rng.choice(WORDS)} {section}"
            blocks.append(heading)
            count += 3
            continue
        if rng.random() < 0.15:
            items = [f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))]
            blocks.append("\n".join(items))
            count += sum(len(i.split()) - 1 for i in items)
            continue
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.3:
            sentences[0] = f"**{sentences[0][:-1]}** ist *wichtig*."
        if rng.random() < 0.1:
            sentences.append("Mehr dazu auf [der Übersicht](/familienkonferenzen/).")
        text = " ".join(sentences)
        blocks.append(text)
        count += len(text.split())
    return "\n\n".join(blocks) + "\n"


def district_names() -> list[tuple[str, str]]:
    """(slug, name) of the synthetic districts."""
    return [(f"bezirk-{i:02d}", f"Bezirk {i:02d}") for i in range(DISTRICT_COUNT)]


def make_items(n: int, seed: int = 6) -> list[Item]:
    """The N items, always the same for the same N and seed."""
    rng = random.Random(seed)
    conferences = max(1, n * 4 // 5)
    items: list[Item] = []
    for i in range(n):
        kind = "conference" if i < conferences else "result"
        year = 2008 + rng.randint(0, 17)
        month, day, hour = rng.randint(1, 12), rng.randint(1, 28), rng.randint(9, 17)
        planned = kind == "conference" and rng.random() < 0.03
        if planned:
            year = 2027
        contacts = tuple(
            (f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"kontakt{i}-{k}@example.org", f"0511 {rng.randint(100000, 999999)}")
            for k in range(rng.randint(1, 2))
        )
        refs: tuple[str, ...] = ()
        if kind == "result":
            refs = tuple(sorted({f"konferenz-{rng.randrange(conferences):06d}" for _ in range(rng.randint(1, 2))}))
        slug = f"konferenz-{i:06d}" if kind == "conference" else f"ergebnis-{i - conferences:06d}"
        district = rng.randrange(DISTRICT_COUNT)
        title = f"Familienkonferenz {district_names()[district][1]} Nr. {i}" if kind == "conference" else f"Ergebnisse {i - conferences}"
        items.append(
            Item(
                kind=kind,
                slug=slug,
                title=title,
                teaser=_sentence(rng),
                body=body(rng, rng.randint(290, 420)),
                district=district,
                status="planned" if planned else "held",
                start=f"{year}-{month:02d}-{day:02d} {hour:02d}:00",
                end=f"{year}-{month:02d}-{day:02d} {hour + 3:02d}:00",
                venue=f"Stadtteilzentrum {rng.choice(WORDS)}",
                street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                postal_code=f"30{rng.randint(100, 999)}",
                contacts=contacts,
                published=f"{year}-{month:02d}",
                conferences=refs,
            )
        )
    return items


def edited_body(item: Item, revision: int) -> str:
    """The body after an editor's change (one sentence appended), different for every revision."""
    return item.body + f"\nNachtrag {revision}: Die Konferenz wurde ergänzt.\n"


# --- familiensite -------------------------------------------------------------------------------


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ours_item(item: Item, body_text: str | None = None) -> str:
    """One content file in familiensite's format."""
    text = body_text if body_text is not None else item.body
    if item.kind == "result":
        refs = "".join(f"  - {slug}\n" for slug in item.conferences)
        return f"---\ntitle: {_q(item.title)}\nteaser: {_q(item.teaser)}\npublished: {_q(item.published)}\nconferences:\n{refs}---\n{text}"
    contacts = "".join(f"  - name: {name}\n    email: {email}\n    phone: {phone}\n" for name, email, phone in item.contacts)
    return (
        f"---\ntitle: {_q(item.title)}\nformat: district\ndistrict: {district_names()[item.district][0]}\n"
        f"status: {item.status}\nteaser: {_q(item.teaser)}\ndates:\n  - start: {item.start}\n    end: {item.end}\n"
        f"    venue:\n      name: {item.venue}\n      address:\n        street: {item.street}\n"
        f"        postal_code: \"{item.postal_code}\"\n        locality: Hannover\ncontacts:\n{contacts}---\n{text}"
    )


def item_path(tool: str, item: Item) -> str:
    """Where the item's content file lives inside the tool's project."""
    if tool == "ours":
        return f"content/{'conferences' if item.kind == 'conference' else 'results'}/{item.slug}.md"
    if tool == "hugo":
        return f"content/{'konferenzen' if item.kind == 'conference' else 'ergebnisse'}/{item.slug}.md"
    return f"content/{item.slug}.md"


def item_text(tool: str, item: Item, body_text: str | None = None) -> str:
    return {"ours": ours_item, "hugo": hugo_item, "pelican": pelican_item}[tool](item, body_text)


def write_ours(target: Path, items: list[Item]) -> Path:
    """A familiensite project: the minimal fixture's settings and pages, the synthetic items."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(FIXTURE, target / "content")
    (target / "templates").symlink_to(REPO / "templates")
    content = target / "content"
    for folder in ("conferences", "results", "members"):
        shutil.rmtree(content / folder)
        (content / folder).mkdir()
    (content / "districts.yaml").write_text("".join(f"- name: {name}\n  slug: {slug}\n" for slug, name in district_names()), encoding="utf-8")
    members = min(400, max(3, len(items) // 100))
    rng = random.Random(len(items))
    for i in range(members):
        city = f"{CITIES[i % len(CITIES)]} {i}"
        (content / "members" / f"stadt-{i:04d}.yaml").write_text(
            f"city: {city}\ncontact_person: {rng.choice(FIRST)} {rng.choice(LAST)}\nquote: {_q(_sentence(rng))}\n"
            f"website: https://stadt-{i}.example.org/\ncoordinates:\n  lat: {rng.uniform(47.6, 54.6):.4f}\n  lon: {rng.uniform(6.2, 14.8):.4f}\n",
            encoding="utf-8",
        )
    (content / "network.yaml").write_text(
        (content / "network.yaml").read_text(encoding="utf-8").replace("initiator: frankfurt", "initiator: stadt-0000"), encoding="utf-8"
    )
    for item in items:
        (target / item_path("ours", item)).write_text(ours_item(item), encoding="utf-8")
    return target


# --- Hugo ---------------------------------------------------------------------------------------

HUGO_CONFIG = """baseURL = "https://example.org/familie/"
languageCode = "de"
title = "Familien leben in Teststadt"
disableKinds = ["taxonomy", "term", "rss"]
[markup.goldmark.renderer]
unsafe = false
[markup.goldmark.parser.attribute]
title = true
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title>
<meta name="description" content="{{ .Params.teaser }}"><link rel="canonical" href="{{ .Permalink }}"></head>
<body><nav><a href="{{ site.Home.RelPermalink }}">Start</a></nav><main>{{ block "main" . }}{{ end }}</main>
<footer>Stadt Teststadt</footer></body></html>
"""

HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.teaser }}</p>
{{ with .Params.dates }}<ul>{{ range . }}<li><time datetime="{{ .start }}">{{ .start }}</time> {{ .venue.name }},
{{ .venue.address.street }}, {{ .venue.address.postal_code }} {{ .venue.address.locality }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.contacts }}<ul>{{ range . }}<li>{{ .name }} <a href="mailto:{{ .email }}">{{ .email }}</a> {{ .phone }}</li>{{ end }}</ul>{{ end }}
<div>{{ .Content }}</div></article>{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .RegularPagesRecursive }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.teaser }}</li>{{ end }}</ul>{{ end }}
"""


def hugo_item(item: Item, body_text: str | None = None) -> str:
    text = body_text if body_text is not None else item.body
    contacts = "".join(f"  - name: {name}\n    email: {email}\n    phone: \"{phone}\"\n" for name, email, phone in item.contacts)
    return (
        f"---\ntitle: {_q(item.title)}\nteaser: {_q(item.teaser)}\nstatus: {item.status}\n"
        f"district: {district_names()[item.district][0]}\ndates:\n  - start: \"{item.start}\"\n    end: \"{item.end}\"\n"
        f"    venue:\n      name: {item.venue}\n      address:\n        street: {item.street}\n"
        f"        postal_code: \"{item.postal_code}\"\n        locality: Hannover\ncontacts:\n{contacts}---\n{text}"
    )


def write_hugo(target: Path, items: list[Item]) -> Path:
    if target.exists():
        shutil.rmtree(target)
    (target / "layouts").mkdir(parents=True)
    (target / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (target / "layouts" / "baseof.html").write_text(HUGO_BASEOF, encoding="utf-8")
    (target / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (target / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (target / "layouts" / "home.html").write_text(HUGO_LIST, encoding="utf-8")
    for folder in ("konferenzen", "ergebnisse"):
        (target / "content" / folder).mkdir(parents=True)
    for item in items:
        (target / item_path("hugo", item)).write_text(hugo_item(item), encoding="utf-8")
    return target


# --- Pelican ------------------------------------------------------------------------------------

PELICAN_CONFIG = """SITENAME = "Familien leben in Teststadt"
SITEURL = "https://example.org/familie"
PATH = "content"
THEME = "theme"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "de"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
DIRECT_TEMPLATES = ["index"]
TAGS_SAVE_AS = CATEGORIES_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = ""
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
STATIC_PATHS = []
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
MARKDOWN = {
    "extensions": ["markdown.extensions.tables", "markdown.extensions.sane_lists", "markdown.extensions.toc"],
    "output_format": "html5",
}
"""

PELICAN_BASE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title></head>
<body><nav><a href="{{ SITEURL }}/">Start</a></nav><main>{% block main %}{% endblock %}</main>
<footer>Stadt Teststadt</footer></body></html>
"""

PELICAN_ARTICLE = """{% extends "base.html" %}{% block title %}{{ article.title }} – {{ SITENAME }}{% endblock %}
{% block main %}<article><h1>{{ article.title }}</h1><p>{{ article.teaser }}</p>
<ul><li><time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time> {{ article.venue }},
{{ article.street }}, {{ article.postal_code }} Hannover</li></ul>
<ul>{% for c in article.contacts.split(";") %}<li>{{ c }}</li>{% endfor %}</ul>
<div>{{ article.content }}</div></article>{% endblock %}
"""

PELICAN_INDEX = """{% extends "base.html" %}{% block main %}<h1>Alle Einträge</h1><ul>{% for a in articles %}
<li><a href="{{ SITEURL }}/{{ a.url }}">{{ a.title }}</a> {{ a.teaser }}</li>{% endfor %}</ul>{% endblock %}
"""


def pelican_item(item: Item, body_text: str | None = None) -> str:
    text = body_text if body_text is not None else item.body
    contacts = "; ".join(f"{name} {email} {phone}" for name, email, phone in item.contacts)
    return (
        f"Title: {item.title}\nDate: {item.start}\nSlug: {item.slug}\nCategory: {item.kind}\nTeaser: {item.teaser}\n"
        f"Status: published\nDistrict: {district_names()[item.district][0]}\nVenue: {item.venue}\nStreet: {item.street}\n"
        f"Postal_code: {item.postal_code}\nContacts: {contacts}\n\n{text}"
    )


def write_pelican(target: Path, items: list[Item]) -> Path:
    if target.exists():
        shutil.rmtree(target)
    (target / "theme" / "templates").mkdir(parents=True)
    (target / "content").mkdir()
    (target / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for name, text in (("base.html", PELICAN_BASE), ("article.html", PELICAN_ARTICLE), ("index.html", PELICAN_INDEX)):
        (target / "theme" / "templates" / name).write_text(text, encoding="utf-8")
    for item in items:
        (target / item_path("pelican", item)).write_text(pelican_item(item), encoding="utf-8")
    return target


WRITERS = {"ours": write_ours, "hugo": write_hugo, "pelican": write_pelican}
