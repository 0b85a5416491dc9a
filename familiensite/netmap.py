"""The network map: member cities on an outline of Germany, laid out at build time for inline SVG.

Pure geometry: coordinates in, SVG user units out. The outline is Natural Earth's (public
domain), extracted once into mapdata/germany.json (see mapdata/README.md). The projection is
equirectangular with the longitude scaled by cos(51°), the middle of Germany: at this scale it
is indistinguishable from a conformal projection and keeps the code obvious. The template
(templates/partials/network_map.html) only draws what is decided here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

OUTLINE_FILE = Path(__file__).resolve().parent / "mapdata" / "germany.json"
HEIGHT = 560  # SVG user units; the width follows from the outline's proportions
MARGIN = 12
REFERENCE_LATITUDE = 51.0
FONT_SIZE = 13
DOT_RADIUS = 5
CHAR_WIDTH = 0.56  # average glyph width of the sans-serif labels, in em (for collision boxes)


@dataclass(frozen=True, slots=True)
class Place:
    """A member city as the map needs it."""

    slug: str
    city: str
    lat: float | None
    lon: float | None
    is_initiator: bool = False


@dataclass(frozen=True, slots=True)
class MapPoint:
    slug: str
    city: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor: start | end | middle
    is_initiator: bool


@dataclass(frozen=True, slots=True)
class NetworkMap:
    width: int
    height: int
    outline: str  # SVG path data of Germany
    points: tuple[MapPoint, ...]
    missing: tuple[str, ...]  # cities without coordinates: listed in the caption, not on the map
    source: str  # credit line of the outline
    font_size: int = FONT_SIZE
    radius: int = DOT_RADIUS


@dataclass(frozen=True, slots=True)
class _Outline:
    rings: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat)
    source: str


@lru_cache(maxsize=1)
def load_outline(path: Path = OUTLINE_FILE) -> _Outline:
    data = json.loads(path.read_text(encoding="utf-8"))
    rings = tuple(tuple((float(lon), float(lat)) for lon, lat in ring) for ring in data["rings"])
    return _Outline(rings, data["source"])


class _Projection:
    def __init__(self, rings: tuple[tuple[tuple[float, float], ...], ...]) -> None:
        self.k = math.cos(math.radians(REFERENCE_LATITUDE))
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        self.west, self.north = min(lons), max(lats)
        span_x, span_y = (max(lons) - self.west) * self.k, self.north - min(lats)
        self.scale = (HEIGHT - 2 * MARGIN) / span_y
        self.width = math.ceil(span_x * self.scale + 2 * MARGIN)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(MARGIN + (lon - self.west) * self.k * self.scale, 1),
            round(MARGIN + (self.north - lat) * self.scale, 1),
        )


def _path(rings: tuple[tuple[tuple[float, float], ...], ...], project: _Projection) -> str:
    parts = []
    for ring in rings:
        points = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label(x: float, y: float, city: str, width: int, taken: list[Box]) -> tuple[float, float, str, Box]:
    """The first of right, left, above, below where the label hits nothing placed so far."""
    w, h, gap = len(city) * FONT_SIZE * CHAR_WIDTH, FONT_SIZE, DOT_RADIUS + 3
    candidates = [
        (x + gap, y + h * 0.35, "start", (x + gap, y - h * 0.65, x + gap + w, y + h * 0.35)),
        (x - gap, y + h * 0.35, "end", (x - gap - w, y - h * 0.65, x - gap, y + h * 0.35)),
        (x, y - gap - 2, "middle", (x - w / 2, y - gap - 2 - h, x + w / 2, y - gap - 2)),
        (x, y + gap + h, "middle", (x - w / 2, y + gap, x + w / 2, y + gap + h)),
    ]
    inside = [c for c in candidates if c[3][0] >= 0 and c[3][2] <= width and c[3][1] >= 0 and c[3][3] <= HEIGHT]
    for candidate in inside or candidates:
        if not any(_overlaps(candidate[3], box) for box in taken):
            return candidate
    return (inside or candidates)[0]


def build_network_map(places: list[Place]) -> NetworkMap:
    """Dots and labels for every place with coordinates; the others are named in ``missing``."""
    outline = load_outline()
    project = _Projection(outline.rings)
    located = sorted((p for p in places if p.lat is not None and p.lon is not None), key=lambda p: (p.city, p.slug))
    projected = [(p, *project(p.lon, p.lat)) for p in located]  # type: ignore[arg-type]
    taken: list[Box] = [(x - DOT_RADIUS, y - DOT_RADIUS, x + DOT_RADIUS, y + DOT_RADIUS) for _, x, y in projected]
    points = []
    for place, x, y in projected:
        label_x, label_y, anchor, box = _label(x, y, place.city, project.width, taken)
        taken.append(box)
        points.append(MapPoint(place.slug, place.city, x, y, round(label_x, 1), round(label_y, 1), anchor, place.is_initiator))
    missing = tuple(sorted(p.city for p in places if p.lat is None or p.lon is None))
    return NetworkMap(project.width, HEIGHT, _path(outline.rings, project), tuple(points), missing, outline.source)
