"""The real content/: builds without a single problem, and its pages carry the client's facts."""

from __future__ import annotations

import calendar
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from familiensite.pipeline import BuildResult, build_project
from tests.conftest import ROOT, TODAY, make_project
from tests.support.content import Elements

CITIES = [
    "Berlin", "Dortmund", "Essen", "Frankfurt am Main", "Hamburg", "Hamm", "Hannover", "Heidelberg", "Jena",
    "Karlsruhe", "Koblenz", "Leipzig", "Magdeburg", "München", "Nürnberg",
]
NAME_ONLY = {"Essen", "Heidelberg", "Karlsruhe", "Leipzig", "Magdeburg"}
DISTRICTS = {"Bemerode": "bemerode", "Linden-Süd": "linden-sued", "Nordstadt": "nordstadt", "Südstadt": "suedstadt",
             "Vahrenwald": "vahrenwald", "Wettbergen": "wettbergen"}
# member slug → (person or organisation quoted, street, postal code and city, website, opening words of the quote)
MEMBERS = {
    "berlin": ("Gabriele Schmitz", "Ostseestr. 109", "10409 Berlin", "https://www.familienbeirat-berlin.de/",
               "Großstädte müssen für Familien ähnliche Herausforderungen meistern."),
    "dortmund": ("Tina Rosecker", "Märkische Str. 24-26", "44141 Dortmund", "https://www.dortmund.de/",
                 "Stadt-Ziele der Stadt Dortmund sind u.a., dass Kinder in Dortmund über sich hinauswachsen können."),
    "frankfurt": ("Frankfurter Bündnis für Familien", "Schleiermacherstraße 7", "60316 Frankfurt am Main",
                  "https://www.frankfurter-buendnis-fuer-familien.de/",
                  "Das Frankfurter Bündnis für Familien profitiert sehr von den städteübergreifenden Verbindungen."),
    "hamburg": ("Frank Jäkel", "Hamburger Straße 37", "22083 Hamburg", "https://www.hamburg.de/familienallianz",
                "Hamburg als attraktive Stadt für Familien mit Kindern weiterzuentwickeln"),
    "hamm": ("Dr. Nicolas Apitzsch", "Theodor-Heuss-Platz 12 - Innenhof Nr.: 6", "59065 Hamm", "https://www.hamm.de/familienfreundlichst",
             "Für Hamm ist die bestmögliche Unterstützung von Familien eine der zentralen politischen Zielsetzungen."),
    "hannover": ("Wiebke Stärk", "Joachimstraße 8", "30159 Hannover", None,
                 "Der offene, solidarische Gedanke des Austausches ist ein großes Geschenk."),
    "jena": ("Stefanie Frommann", "Dornburger Straße 26", "07743 Jena", "https://www.familienbuendnis-jena.de/",
             "Das Jenaer Bündnis für Familie stellt Familien in den Mittelpunkt"),
    "koblenz": ("Minka Bäumges", "Rathauspassage 2", "56068 Koblenz", "https://www.familienbuendnis-koblenz.de/",
                "Wer in seiner Stadt etwas für Familien erreichen will"),
    "muenchen": ("Angelika Gramenz", "Prielmayerstr.1", "80335 München", "https://www.muenchen.de/familie",
                 "Das Münchner Familienbündnis besteht bereits seit 2007"),
    "nuernberg": ("Nicole Hummel", "Hans-Sachs-Platz 2", "90403 Nürnberg", "https://www.bff-nbg.de/",
                  "Das Bündnis für Familie in Nürnberg nahm 2001 seine Arbeit auf"),
}
PEOPLE = ["Gabriele Schmitz", "Tina Rosecker", "Frank Jäkel", "Dr. Nicolas Apitzsch", "Wiebke Stärk", "Stefanie Frommann",
          "Minka Bäumges", "Angelika Gramenz", "Nicole Hummel"]
BASE = "/familie/"


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, <br> as line breaks, whitespace collapsed per line."""
    fragment = re.sub(r"<br\s*/?>", "\n", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def member_article(network: str, slug: str) -> str:
    match = re.search(rf'<article class="member" id="{slug}".*?</article>', network, re.DOTALL)
    assert match, f"no article for {slug}"
    return match.group(0)


def test_the_real_content_builds_without_a_single_problem(real_build: BuildResult) -> None:
    assert [(p.file, p.line, p.message) for p in real_build.problems] == []
    assert real_build.written


def test_the_network_page_lists_all_fifteen_cities_including_those_with_only_a_name(real_site: Path) -> None:
    network = page(real_site, "netzwerk/index.html")
    index = re.search(r'<ul class="member-index">(.*?)</ul>', network, re.DOTALL)
    assert index
    assert [text_of(item) for item in re.findall(r"<li>(.*?)</li>", index.group(1), re.DOTALL)] == CITIES
    assert "Die 15 Mitgliedsstädte" in network
    for city in NAME_ONLY:  # listed, without an entry of their own
        assert f'aria-labelledby="{city.lower()}-titel"' not in network


def test_the_six_districts_have_their_conference_pages_with_clean_urls(real_site: Path) -> None:
    listing = page(real_site, "familienkonferenzen/index.html")
    for name, slug in DISTRICTS.items():
        url = f"{BASE}familienkonferenzen/{slug}/"
        assert f'href="{url}"' in listing, name
        conference = page(real_site, f"familienkonferenzen/{slug}/index.html")
        assert f"Familienkonferenz {name}" in text_of(conference)
        assert f'<link rel="canonical" href="https://www.hannover.de{url}">' in conference


def test_every_contact_person_of_the_seed_is_on_the_network_page(real_site: Path) -> None:
    network = text_of(page(real_site, "netzwerk/index.html"))
    for person in PEOPLE:
        assert person in network, person


@pytest.mark.parametrize("slug", sorted(MEMBERS))
def test_every_detailed_member_shows_its_address_website_and_attributed_quote(real_site: Path, slug: str) -> None:
    who, street, locality, website, quote = MEMBERS[slug]
    article = member_article(page(real_site, "netzwerk/index.html"), slug)
    [address] = re.findall(r"<address>(.*?)</address>", article, re.DOTALL)
    lines = text_of(address).split("\n")
    assert lines[-2:] == [street, locality]
    if website:
        assert f'<a href="{website}">' in article
    [blockquote] = re.findall(r"<blockquote>(.*?)</blockquote>", article, re.DOTALL)
    assert text_of(blockquote).startswith(quote)
    [caption] = re.findall(r"<figcaption>(.*?)</figcaption>", article, re.DOTALL)
    assert text_of(caption).startswith(f"— {who}")


def test_the_network_photo_carries_its_credit(real_site: Path) -> None:
    assert '<figcaption class="credit">Foto: Rudi Ott</figcaption>' in page(real_site, "netzwerk/index.html")


def test_the_seed_results_and_mottos_are_on_their_pages(real_site: Path) -> None:
    results = text_of(page(real_site, "ergebnisse/index.html"))
    for title in ("Erste Ergebnisse", "Repräsentativerhebung 2013", "Familienpolitische Handlungsleitlinien 2016 bis 2021"):
        assert title in results
    first = text_of(page(real_site, "ergebnisse/erste-ergebnisse-online-familienkonferenz/index.html"))
    assert "Auswertung der Online-Familienkonferenz" in first and "Diskussionsforen wurden gut angenommen" in first
    assert "Wie will ich leben in Linden-Süd?" in text_of(page(real_site, "familienkonferenzen/linden-sued/index.html"))
    assert "Mein Hannover 2030" in text_of(page(real_site, "familienkonferenzen/index.html")) + text_of(page(real_site, "index.html"))


def test_every_page_is_german_with_exactly_one_h1_and_the_legal_pages_in_its_footer(real_site: Path) -> None:
    all_pages = pages(real_site)
    assert len(all_pages) >= 20
    for path, text in all_pages.items():
        assert re.search(r'<html lang="de"[ >]', text), path
        assert len(re.findall(r"<h1[ >]", text)) == 1, path
        footer = re.search(r'<footer class="site-footer">(.*?)</footer>', text, re.DOTALL)
        assert footer, path
        links = dict(re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', footer.group(1)))
        assert links.get(f"{BASE}impressum/") == "Impressum", path
        assert links.get(f"{BASE}datenschutz/") in ("Datenschutz", "Datenschutzerklärung"), path
        assert "Barrierefreiheit" in links.get(f"{BASE}barrierefreiheit/", ""), path


def test_no_link_says_only_lesen_or_similar(real_site: Path) -> None:
    vague = {"lesen", "weiterlesen", "mehr", "mehr lesen", "hier", "link", "klicken sie hier"}
    for path, text in pages(real_site).items():
        for label in re.findall(r"<a\b[^>]*>(.*?)</a>", text, re.DOTALL):
            assert text_of(label).lower().strip(" .…»›→") not in vague, (path, label)


def test_internal_links_are_clean_urls_under_the_base_path(real_site: Path) -> None:
    for path, text in pages(real_site).items():
        for tag, attributes in Elements(text).tags:
            href = attributes.get("href") if tag == "a" else None
            if not href or href.startswith("#") or re.match(r"[a-z][a-z0-9+.-]*:", href):
                continue  # same page, or another scheme (https, mailto, tel, webcal)
            assert href.startswith(BASE), (path, href)
            target = href.split("#", 1)[0]
            if target == f"{BASE}404.html":
                continue  # the error page's own address (the server shows it for every unknown path)
            if target.startswith((f"{BASE}medien/", f"{BASE}assets/")) or re.search(r"\.(xml|ics|json|atom|csv|txt|pdf)$", target):
                continue  # files, not pages
            assert target.endswith("/") and ".html" not in target, (path, href)


def test_two_builds_of_the_real_site_with_source_date_epoch_are_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # one build by `python build.py` in its own process (another hash seed, another folder), one here
    epoch = str(calendar.timegm(TODAY.timetuple()))
    first, second = (make_project(tmp_path / name, content_from=ROOT / "content") for name in ("eins", "zwei"))
    run = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--project", str(first), "build"],
                           env={**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONDONTWRITEBYTECODE": "1"},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert build_project(second, second / "site").written
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0 and "Traceback" not in err, err
    one, two = ({f.relative_to(p / "site").as_posix(): f.read_bytes() for f in sorted((p / "site").rglob("*")) if f.is_file()}
                for p in (first, second))
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
