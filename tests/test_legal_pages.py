"""Legal pages in the built site: the build refuses a site without them, every page links them,
the accessibility statement shows its legal parts, and a Leichte-Sprache page is offered on the
home page when there is one.

What `check` reports for a missing or mistyped legal page, for a statement without feedback
address and for a review older than a year is tested in tests/test_validate.py.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from familiensite.pipeline import BuildResult, build_project, render_project
from tests.conftest import TODAY, MakeSite, make_project
from tests.support.content import fixture_text

SITE = "content/site.yaml"
ACCESSIBILITY = "content/pages/barrierefreiheit.md"
EASY = "content/pages/leichte-sprache.md"

STATEMENT = """---
title: Barrierefreiheit
type: accessibility
statement:
  conformance: partial
  prepared: 2026-01-10
  reviewed: 2026-02-01
  method: Selbstbewertung
  barriers:
    - issue: Alte PDF-Berichte sind nicht barrierefrei.
      reason: Unverhältnismäßige Belastung.
      alternative: Die Berichte als Text auf Anfrage.
  feedback:
    name: Familienbüro
    email: barrierefreiheit@example.org
  enforcement:
    name: Schlichtungsstelle nach dem NBGG
    email: schlichtung@example.org
    website: https://schlichtung.example.org/
---
Text.
"""


def html_pages(result: BuildResult) -> dict[str, lxml.html.HtmlElement]:
    return {out: lxml.html.fromstring(data) for out, data in result.outputs.items() if out.endswith(".html") and isinstance(data, bytes)}


def render(project: Path) -> BuildResult:
    result = render_project(project, today=TODAY, search=False)
    assert [p.message for p in result.problems if p.is_error] == []
    return result


@pytest.mark.parametrize(("slug", "role"), [("impressum", "imprint"), ("datenschutz", "privacy"), ("barrierefreiheit", "accessibility")])
def test_the_build_refuses_a_site_without_a_legal_page(make_site: MakeSite, slug: str, role: str) -> None:
    project = make_site(files={f"content/pages/{slug}.md": None})
    result = build_project(project, project / "site", today=TODAY)
    assert not result.written and not (project / "site").exists()
    assert [(p.file, p.field) for p in result.problems if p.is_error] == [(SITE, f"legal.{role}")]


def test_every_page_links_the_legal_pages_named_in_site_yaml_from_its_footer(make_site: MakeSite) -> None:
    renamed = {
        "content/pages/impressum.md": None, "content/pages/datenschutz.md": None, ACCESSIBILITY: None,
        "content/pages/anbieter.md": fixture_text("content/pages/impressum.md").replace("title: Impressum", "title: Anbieterkennung"),
        "content/pages/daten-schutz.md": fixture_text("content/pages/datenschutz.md"),
        "content/pages/zugang.md": fixture_text(ACCESSIBILITY),
        SITE: fixture_text(SITE).replace("imprint: impressum", "imprint: anbieter").replace("privacy: datenschutz", "privacy: daten-schutz")
                                .replace("accessibility: barrierefreiheit", "accessibility: zugang"),
    }
    pages = html_pages(render(make_site(files=renamed)))
    assert len(pages) >= 8 and "404.html" in pages
    expected = ["/familie/anbieter/", "/familie/daten-schutz/", "/familie/zugang/"]
    for output, tree in pages.items():
        footer = tree.xpath('/html/body/footer//nav[@aria-label="Rechtliches"]')
        assert len(footer) == 1, output
        links = footer[0].xpath(".//a")
        assert [a.get("href") for a in links] == expected, output
        assert links[0].text_content() == "Anbieterkennung", output


@pytest.fixture(scope="module")
def statement_page(tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    result = render(make_project(tmp_path_factory.mktemp("statement"), files={ACCESSIBILITY: STATEMENT}))
    return html_pages(result)["barrierefreiheit/index.html"]


def section(tree: lxml.html.HtmlElement, heading: str) -> str:
    [found] = tree.xpath(f'//main//section[h2[normalize-space()="{heading}"]]')
    return " ".join(found.text_content().split())


def test_the_statement_names_what_is_not_accessible_and_why(statement_page) -> None:
    text = section(statement_page, "Nicht barrierefreie Inhalte")
    assert "Alte PDF-Berichte sind nicht barrierefrei." in text
    assert "Begründung: Unverhältnismäßige Belastung." in text
    assert "Alternative: Die Berichte als Text auf Anfrage." in text


def test_the_statement_gives_the_feedback_contact(statement_page) -> None:
    text = section(statement_page, "Barrieren melden: Feedback und Kontakt")
    assert "Familienbüro" in text
    assert statement_page.xpath('//main//section[@aria-labelledby="feedback"]//a/@href') == ["mailto:barrierefreiheit@example.org"]


def test_the_statement_describes_the_enforcement_procedure_with_the_conciliation_body(statement_page) -> None:
    text = section(statement_page, "Durchsetzungsverfahren und Schlichtungsstelle")
    assert "Schlichtungsstelle nach dem NBGG" in text and "keine zufriedenstellende Antwort" in text
    links = statement_page.xpath('//main//section[@aria-labelledby="durchsetzung"]//a/@href')
    assert links == ["mailto:schlichtung@example.org", "https://schlichtung.example.org/"]


def test_the_statement_shows_its_conformance_and_the_dates_of_preparation_and_last_review(statement_page) -> None:
    text = section(statement_page, "Stand der Vereinbarkeit mit den Anforderungen")
    assert "teilweise" in text and "WCAG 2.1" in text and "Selbstbewertung" in text
    assert statement_page.xpath('//section[@aria-labelledby="stand"]//time/@datetime') == ["2026-01-10", "2026-02-01"]


# --- Leichte Sprache ------------------------------------------------------------------------------

EASY_PAGE = "---\ntitle: Leichte Sprache\ntype: easy-language\n---\nDiese Website ist von der Stadt.\n"


def test_a_leichte_sprache_page_is_linked_from_the_home_page_and_every_footer(make_site: MakeSite) -> None:
    pages = html_pages(render(make_site(files={EASY: EASY_PAGE})))
    assert pages["index.html"].xpath('//main//a[@href="/familie/leichte-sprache/"]')
    for output, tree in pages.items():
        assert tree.xpath('//footer//a[@href="/familie/leichte-sprache/"]'), output
    assert "Diese Website ist von der Stadt." in pages["leichte-sprache/index.html"].xpath("//main")[0].text_content()


def test_without_a_leichte_sprache_page_there_is_no_link_to_one(make_site: MakeSite) -> None:
    pages = html_pages(render(make_site()))
    for output, tree in pages.items():
        assert not tree.xpath('//a[contains(@href, "leichte-sprache")]'), output
        assert "Leichte Sprache" not in tree.xpath("//body")[0].text_content(), output


def test_the_real_home_page_links_its_leichte_sprache_page(real_site: Path) -> None:
    home = lxml.html.fromstring((real_site / "index.html").read_bytes())
    assert home.xpath('//main//a[@href="/familie/leichte-sprache/"]')
