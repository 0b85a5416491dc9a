"""The network map: inline SVG from the members' coordinates, every city a link to its entry, text alternative."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from familiensite.netmap import OUTLINE_FILE, Place, build_network_map
from familiensite.pipeline import BuildResult, render_project
from familiensite.problems import Severity
from tests.conftest import TODAY, MakeSite


class _Map(HTMLParser):
    """Links and ids of a page, and what sits inside the map's <svg>."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.svg_links: list[str] = []
        self.svg_texts: list[str] = []
        self.in_svg = self.in_text = False
        self.svg_attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "svg":
            self.in_svg, self.svg_attrs = True, values
        elif self.in_svg and tag == "a":
            self.svg_links.append(values.get("href") or "")
        elif self.in_svg and tag == "text":
            self.in_text = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg = False
        if tag == "text":
            self.in_text = False

    def handle_data(self, data: str) -> None:
        if self.in_text:
            self.svg_texts.append(data)


def _parse(html: str) -> _Map:
    parser = _Map()
    parser.feed(html)
    return parser


def test_every_member_with_coordinates_is_a_labelled_link_to_its_entry(real_build: BuildResult, real_site: Path) -> None:
    html = (real_site / "netzwerk" / "index.html").read_text(encoding="utf-8")
    page = _parse(html)
    members = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "content" / "members").glob("*.yaml"))
    assert sorted(link.removeprefix("#") for link in page.svg_links) == members
    assert all(link.removeprefix("#") in page.ids for link in page.svg_links)
    assert "Hannover" in page.svg_texts and "Frankfurt am Main" in page.svg_texts
    assert page.svg_attrs["role"] == "group" and page.svg_attrs["aria-labelledby"] == "netzkarte-titel"
    assert "Die Karte zeigt die Lage von 15 der 15 Mitgliedsstädte" in html
    assert "<script" not in html.split('<figure class="network-map"', 1)[1].split("</figure>", 1)[0]
    assert not re.search(r'(src|href)="https?://[^"]*(tile|openstreetmap|maps)', html)


def test_cities_lie_inside_the_map_and_where_they_belong() -> None:
    places = [Place("kiel", "Kiel", 54.32, 10.14), Place("muenchen", "München", 48.14, 11.58), Place("aachen", "Aachen", 50.78, 6.08)]
    drawn = build_network_map(places)
    by_slug = {p.slug: p for p in drawn.points}
    for point in drawn.points:
        assert 0 < point.x < drawn.width and 0 < point.y < drawn.height
    assert by_slug["kiel"].y < by_slug["aachen"].y < by_slug["muenchen"].y  # north to south
    assert by_slug["aachen"].x < by_slug["kiel"].x < by_slug["muenchen"].x  # west to east
    assert drawn.outline.startswith("M") and drawn.outline.count("Z") == len(json.loads(OUTLINE_FILE.read_text())["rings"])


def test_close_cities_get_labels_that_do_not_overlap() -> None:
    ruhr = [Place("essen", "Essen", 51.4556, 7.0116), Place("dortmund", "Dortmund", 51.5136, 7.4653),
            Place("hamm", "Hamm", 51.6739, 7.8150), Place("bochum", "Bochum", 51.4818, 7.2162)]
    points = build_network_map(ruhr).points
    assert len({(p.label_x, p.label_y) for p in points}) == 4
    assert build_network_map(ruhr) == build_network_map(list(reversed(ruhr)))  # deterministic, order-independent


def test_a_member_without_coordinates_is_a_warning_stays_in_the_list_and_is_named_under_the_map(make_site: MakeSite) -> None:
    project = make_site(files={"content/members/kassel.yaml": "city: Kassel\norganisation: Bündnis Kassel\n"})
    result = render_project(project, TODAY, search=False)
    warnings = [p for p in result.problems if p.severity is Severity.WARNING]
    assert [(p.file, p.message) for p in warnings] == [
        ("content/members/kassel.yaml", "Für Kassel sind keine Koordinaten angegeben; die Stadt fehlt auf der Karte."),
    ]
    assert result.ok
    data = result.outputs["netzwerk/index.html"]
    assert isinstance(data, bytes)
    html = data.decode()
    page = _parse(html)
    assert "#kassel" not in page.svg_links
    assert 'href="#kassel">Kassel</a>' in html  # still in the list, with its entry
    assert "Ohne Angabe der Lage und deshalb nicht auf der Karte: Kassel." in html


def test_the_outline_ships_with_its_source_and_licence() -> None:
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and "Public domain" in data["license"]
    readme = (OUTLINE_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert "public domain" in readme and "world-atlas" in readme
    assert OUTLINE_FILE.stat().st_size < 20_000
