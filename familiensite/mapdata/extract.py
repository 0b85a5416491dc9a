"""Extract Germany's outline from Natural Earth (npm package world-atlas) into germany.json.

Run once by hand when the outline should change; the build only reads germany.json.

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python familiensite/mapdata/extract.py package/countries-50m.json > familiensite/mapdata/germany.json

Decodes the TopoJSON (quantised, delta-encoded arcs), takes the country with ISO 3166-1
numeric code 276, simplifies every ring with Douglas–Peucker and drops islands smaller
than MIN_AREA square degrees. Output is sorted and rounded, so a rerun gives the same bytes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GERMANY = "276"
TOLERANCE = 0.01  # degrees (about 1 km): plenty for a map a few hundred pixels wide
MIN_AREA = 0.004  # square degrees: keeps Rügen, Fehmarn and the larger Frisian islands
DECIMALS = 3

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, iterative."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def area(points: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))) / 2


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    country = next(g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == GERMANY)
    polygons = country["arcs"] if country["type"] == "MultiPolygon" else [country["arcs"]]
    rings = []
    for polygon in polygons:
        outer = ring(polygon[0], arcs)  # holes: Germany has none at this scale
        if area(outer) < MIN_AREA:
            continue
        simple = simplify(outer, TOLERANCE)
        rings.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simple])
    rings.sort(key=lambda r: -area([tuple(p) for p in r]))
    document = {
        "name": "Deutschland",
        "source": "Natural Earth 1:50m Admin 0 – Countries, version 4.1.0, via npm world-atlas 2.0.2 (countries-50m.json)",
        "license": "Public domain (Natural Earth: https://www.naturalearthdata.com/about/terms-of-use/)",
        "tolerance_degrees": TOLERANCE,
        "rings": rings,
    }
    json.dump(document, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
