"""Rendering hostile content: every text field is escaped, every Markdown body sanitised."""

from __future__ import annotations

import json
import re
from itertools import count
from pathlib import Path

import pytest

from familiensite.pipeline import BuildResult, render_project
from tests.conftest import TODAY, MakeSite, make_project
from tests.support.content import Elements, fixture_text

_numbers = count(1)
FIELDS: dict[str, int] = {}  # field path → marker number


def hostile(field: str) -> str:
    """A YAML scalar that tries to leave its attribute and open a script: ``'"><script>x7</script>'``."""
    FIELDS[field] = next(_numbers)
    return f"'\"><script>x{FIELDS[field]}</script>'"


# Reach no page by design: the logo sits inside the home link next to the site title, so its
# image is decorative there (alt=""); the site contact's role and e-mail are not shown in the footer.
NOT_SHOWN = {"site.theme.logo.alt", "site.contact.role"}

H = hostile
SITE = f"""title: {H("site.title")}
city: {H("site.city")}
base_url: https://example.org/familie/
description: {H("site.description")}
theme:
  organisation: {H("site.theme.organisation")}
  accent_color: "#0b5d8f"
  logo:
    file: bilder/foto.svg
    alt: {H("site.theme.logo.alt")}
navigation:
  - label: {H("site.navigation.label")}
    target: ""
legal:
  imprint: impressum
  privacy: datenschutz
  accessibility: barrierefreiheit
contact:
  name: {H("site.contact.name")}
  role: {H("site.contact.role")}
  organisation: {H("site.contact.organisation")}
contact_address:
  recipient:
    - {H("site.contact_address.recipient")}
  street: {H("site.contact_address.street")}
  postal_code: "30159"
  locality: {H("site.contact_address.locality")}
"""
DISTRICTS = f"""- name: {H("districts.name")}
  slug: linden-sued
- name: Nordstadt
"""
HOME = f"""---
title: {H("home.title")}
description: {H("home.description")}
featured_pages:
  - impressum
---
Willkommen.
"""
CONFERENCE = f"""---
title: {H("conference.title")}
motto: {H("conference.motto")}
format: district
district: linden-sued
status: planned
teaser: {H("conference.teaser")}
period: {H("conference.period")}
dates:
  - start: 2027-05-04 10:00
    end: 2027-05-04 16:00
    note: {H("conference.dates.note")}
    venue:
      name: {H("conference.dates.venue.name")}
      directions: {H("conference.dates.venue.directions")}
      address:
        recipient:
          - {H("conference.dates.venue.address.recipient")}
        street: {H("conference.dates.venue.address.street")}
        postal_code: "30449"
        locality: {H("conference.dates.venue.address.locality")}
contacts:
  - name: {H("conference.contacts.name")}
    role: {H("conference.contacts.role")}
    organisation: {H("conference.contacts.organisation")}
    email: erika.muster@example.org
    phone: 0511 123456
image:
  file: bilder/foto.svg
  alt: {H("conference.image.alt")}
  credit: {H("conference.image.credit")}
---
Beschreibung.
"""
CITYWIDE = f"""---
title: Stadtweit
format: citywide
theme: {H("conference.theme")}
status: planned
teaser: Stadtweit.
dates_note: {H("conference.dates_note")}
---
Text.
"""
RESULT = f"""---
title: {H("result.title")}
subtitle: {H("result.subtitle")}
teaser: {H("result.teaser")}
published: "2013"
conferences:
  - online
documents:
  - title: {H("result.documents.title")}
    file: dokumente/bericht.pdf
image:
  file: bilder/foto.svg
  alt: {H("result.image.alt")}
  credit: {H("result.image.credit")}
---
Der Bericht.
"""
MEMBER = f"""city: {H("member.city")}
contact_person: {H("member.contact_person")}
role: {H("member.role")}
organisation: {H("member.organisation")}
quote: {H("member.quote")}
address:
  recipient:
    - {H("member.address.recipient")}
  street: {H("member.address.street")}
  postal_code: "60316"
  locality: {H("member.address.locality")}
website: https://www.example.org/?q="><script>x{next(_numbers)}</script>
website_label: {H("member.website_label")}
coordinates:
  lat: 50.1109
  lon: 8.6821
"""
FIELDS["member.website"] = int(re.findall(r"x(\d+)</script>\n", MEMBER)[0])
NETWORK = f"""name: {H("network.name")}
founded: 2010
initiator: frankfurt
description: Ein Netzwerk.
image:
  file: bilder/foto.svg
  alt: {H("network.image.alt")}
  credit: {H("network.image.credit")}
"""
IMPRINT = f"""---
title: {H("page.title")}
description: {H("page.description")}
teaser: {H("page.teaser")}
type: imprint
image:
  file: bilder/foto.svg
  alt: {H("page.image.alt")}
---
Herausgeberin.
"""
ACCESSIBILITY = f"""---
title: Barrierefreiheit
type: accessibility
statement:
  conformance: partial
  prepared: 2026-01-10
  reviewed: 2026-01-10
  method: {H("statement.method")}
  barriers:
    - issue: {H("statement.barriers.issue")}
      reason: {H("statement.barriers.reason")}
      alternative: {H("statement.barriers.alternative")}
  feedback:
    name: {H("statement.feedback.name")}
    role: {H("statement.feedback.role")}
    organisation: {H("statement.feedback.organisation")}
    email: barrierefreiheit@example.org
  enforcement:
    name: {H("statement.enforcement.name")}
    address:
      street: {H("statement.enforcement.address.street")}
      postal_code: "10117"
      locality: {H("statement.enforcement.address.locality")}
---
Text.
"""
HOSTILE_FILES: dict[str, str | bytes | None] = {
    "content/site.yaml": SITE,
    "content/districts.yaml": DISTRICTS,
    "content/home.md": HOME,
    "content/conferences/linden-sued.md": CONFERENCE,
    "content/conferences/stadtweit.md": CITYWIDE,
    "content/results/erste-ergebnisse.md": RESULT,
    "content/dokumente/bericht.pdf": b"%PDF-1.4",
    "content/members/frankfurt.yaml": MEMBER,
    "content/network.yaml": NETWORK,
    "content/pages/impressum.md": IMPRINT,
    "content/pages/barrierefreiheit.md": ACCESSIBILITY,
}

MARKUP_OUTPUTS = (".html", ".xml", ".atom", ".rss", ".svg")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Rendered once for the module (in memory; nothing is written)."""
    result = render_project(make_project(tmp_path_factory.mktemp("hostile"), files=HOSTILE_FILES), today=TODAY)
    assert [p for p in result.problems if p.is_error] == []
    return result


def markup(result: BuildResult) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in result.outputs.items() if path.endswith(MARKUP_OUTPUTS) and isinstance(data, bytes)}


def test_hostile_text_in_any_field_never_becomes_a_tag(hostile_site: BuildResult) -> None:
    pages = markup(hostile_site)
    for field, number in FIELDS.items():
        for path, text in pages.items():
            assert f"<script>x{number}<" not in text, f"{field} is not escaped in {path}"


@pytest.mark.parametrize("field", sorted(set(FIELDS) - NOT_SHOWN))
def test_hostile_text_in_every_shown_field_appears_escaped_on_a_page(hostile_site: BuildResult, field: str) -> None:
    escaped = f"&#34;&gt;&lt;script&gt;x{FIELDS[field]}&lt;/script&gt;"
    pages = [path for path, text in markup(hostile_site).items() if path.endswith(".html") and escaped in text]
    assert pages, f"{field} reaches no page"


def test_the_only_scripts_are_our_own_files_or_json_data_that_cannot_be_closed_early(hostile_site: BuildResult) -> None:
    for path, text in markup(hostile_site).items():
        if not path.endswith(".html"):
            continue
        page = Elements(text)
        scripts = [attributes for tag, attributes in page.tags if tag == "script"]
        assert len(scripts) == len(page.scripts)
        for attributes, script in zip(scripts, page.scripts):
            if "src" in attributes:  # a file of the site itself, nothing inline
                assert (attributes["src"] or "").startswith("/familie/assets/") and script == "", (path, attributes)
                continue
            assert attributes == {"type": "application/ld+json"}, (path, attributes)
            assert "<" not in script, path
            json.loads(script)


def test_no_page_has_an_event_handler_or_a_script_url(hostile_site: BuildResult) -> None:
    for path, text in markup(hostile_site).items():
        if not path.endswith(".html"):
            continue
        for tag, attributes in Elements(text).tags:
            assert tag not in ("iframe", "object", "embed", "style", "base"), (path, tag)
            if tag == "form":  # e.g. the site search: only to the site itself
                assert (attributes.get("action") or "").startswith("/familie/"), (path, attributes)
            for name, value in attributes.items():
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src", "action"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE), (path, tag, value)


MARKDOWN_ATTACK = """# Kapitel

## Überschrift

Text mit **fett**, *kursiv* und [einem Link](https://www.hannover.de/) und [intern](/netzwerk/).

- eins
- zwei

| Spalte | Wert |
| --- | --- |
| a | b |

<script>alert("md-script")</script>
<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<p onclick="alert('md-onclick')" style="color: red">Absatz mit Handler</p>
<img src="x" onerror="alert('md-onerror')">
<a href="javascript:alert('md-js-html')">js html</a>
<a href="JaVaScRiPt:alert('md-js-case')">js case</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data html</a>
<a href="vbscript:msgbox('md-vb')">vb</a>
<object data="evil.swf"></object><embed src="evil.swf">
<form action="https://evil.example/"><input name="q"></form>
<svg onload="alert('md-svg')"><circle r="1"/></svg>

[md js](javascript:alert(1)) [md data](data:text/html,x) ![bild](javascript:alert(2))

<a href="https://www.hannover.de/" onmouseover="alert('md-over')">erlaubter Link</a>
"""


@pytest.fixture(scope="module")
def markdown_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    body = fixture_text("content/pages/datenschutz.md").split("---\n", 2)
    project = make_project(tmp_path_factory.mktemp("markdown"), files={"content/pages/datenschutz.md": f"---\n{body[1]}---\n{MARKDOWN_ATTACK}"})
    result = render_project(project, today=TODAY)
    assert [p for p in result.problems if p.is_error] == []
    data = result.outputs["datenschutz/index.html"]
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    return text[text.index('<div class="prose">'):text.index("</article>")]


def test_markdown_keeps_headings_lists_links_tables_and_emphasis(markdown_page: str) -> None:
    assert '<h2 id="kapitel">Kapitel</h2>' in markdown_page  # one level below the page's h1
    assert '<h3 id="ueberschrift">Überschrift</h3>' in markdown_page
    assert "<strong>fett</strong>" in markdown_page and "<em>kursiv</em>" in markdown_page
    assert '<a href="https://www.hannover.de/" rel="noopener noreferrer">einem Link</a>' in markdown_page
    assert '<a href="/familie/netzwerk/" rel="noopener noreferrer">intern</a>' in markdown_page  # under the base path
    assert "<li>eins</li>" in markdown_page
    assert '<th scope="col">Spalte</th>' in markdown_page and "<td>b</td>" in markdown_page


def test_markdown_loses_scripts_frames_styles_handlers_and_script_urls(markdown_page: str) -> None:
    tags = Elements(markdown_page).tags
    assert {tag for tag, _ in tags} <= {"div", "h2", "h3", "p", "strong", "em", "a", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}
    for tag, attributes in tags:
        assert not any(name.startswith("on") or name == "style" for name in attributes), (tag, attributes)
        if tag == "a" and "href" in attributes:
            assert attributes["href"] in ("https://www.hannover.de/", "/familie/netzwerk/"), attributes
    for leftover in ("md-script", "display: none", "md-onclick", "md-onerror", "md-js", "md-vb", "md-svg", "md-over", "evil",
                     "javascript", "vbscript", "data:", "<img"):
        assert leftover not in markdown_page.lower(), leftover
    assert "Absatz mit Handler" in markdown_page and "erlaubter Link" in markdown_page  # the text survives


def test_the_network_description_is_markdown_sanitised_too(make_site: MakeSite) -> None:
    network = fixture_text("content/network.yaml").replace(
        "description: Ein Netzwerk für Tests.", "description: '**Netzwerk** <script>alert(1)</script><a href=\"javascript:x()\">j</a>'"
    )
    result = render_project(make_site(files={"content/network.yaml": network}), today=TODAY)
    data = result.outputs["netzwerk/index.html"]
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    assert "<strong>Netzwerk</strong>" in text
    assert "alert(1)" not in text and "javascript:" not in text


def test_an_image_with_an_explicitly_empty_alt_is_rendered_with_alt_empty(make_site: MakeSite) -> None:
    network = fixture_text("content/network.yaml").replace("alt: Menschen an einem Tisch", 'alt: ""')
    result = render_project(make_site(files={"content/network.yaml": network}), today=TODAY)
    data = result.outputs["netzwerk/index.html"]
    assert isinstance(data, bytes)
    images = [a for tag, a in Elements(data.decode("utf-8")).tags if tag == "img" and "foto.svg" in (a.get("src") or "")]
    assert images and all(a["alt"] == "" for a in images)


def test_the_photo_credit_is_shown_with_the_image(make_site: MakeSite) -> None:
    data = render_project(make_site(), today=TODAY).outputs["netzwerk/index.html"]
    assert isinstance(data, bytes)
    assert '<figcaption class="credit">Foto: Rudi Ott</figcaption>' in data.decode("utf-8")


def test_the_rendered_outputs_stay_inside_the_site(hostile_site: BuildResult) -> None:
    for path in hostile_site.outputs:
        assert not path.startswith("/") and ".." not in Path(path).parts and "\\" not in path, path
