"""The basemap of the page's map view: a simplified outline of China's provinces, shipped as data.

The map view must open offline and never ask a tile server for anything, so the outline travels inside
the page. It comes from Apache ECharts 4.9.0 (npm package `echarts`, Apache-2.0), whose
`map/json/china.json` holds the 34 provincial divisions in a compact delta/zig-zag encoding, and whose
`lib/coord/geo/fix/nanhai.js` draws the South China Sea islands inset. `build_outline` decodes both,
simplifies every ring with Douglas–Peucker and rounds to 0.01°, giving `assets/china-provinces.json`
(about 100 KB); it is run once by hand, not at render time::

    npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz
    python -m graphkit.render.geo package/map/json/china.json graphkit/render/assets/china-provinces.json

At render time `provinces()` only reads that file.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

ASSET = Path(__file__).resolve().parent / "assets" / "china-provinces.json"
ATTRIBUTION = (
    "Province outlines: Apache ECharts 4.9.0 map/json/china.json and the 南海诸岛 inset of "
    "lib/coord/geo/fix/nanhai.js (Apache License 2.0), simplified by graphkit"
)
Point = tuple[float, float]
Ring = list[Point]

# ECharts' 南海诸岛 inset (lib/coord/geo/fix/nanhai.js): drawn in a box south-east of Taiwan.
_NANHAI_ORIGIN = (126.0, 25.0)
_NANHAI: list[list[list[float]]] = [
    [[0, 3.5], [7, 11.2], [15, 11.9], [30, 7], [42, 0.7], [52, 0.7], [56, 7.7], [59, 0.7], [64, 0.7], [64, 0],
     [5, 0], [0, 3.5]],
    [[13, 16.1], [19, 14.7], [16, 21.7], [11, 23.1], [13, 16.1]],
    [[12, 32.2], [14, 38.5], [15, 38.5], [13, 32.2], [12, 32.2]],
    [[16, 47.6], [12, 53.2], [13, 53.2], [18, 47.6], [16, 47.6]],
    [[6, 64.4], [8, 70], [9, 70], [8, 64.4], [6, 64.4]],
    [[23, 82.6], [29, 79.8], [30, 79.8], [25, 82.6], [23, 82.6]],
    [[37, 70.7], [43, 62.3], [44, 62.3], [39, 70.7], [37, 70.7]],
    [[48, 51.1], [51, 45.5], [53, 45.5], [50, 51.1], [48, 51.1]],
    [[51, 35], [51, 28.7], [53, 28.7], [53, 35], [51, 35]],
    [[52, 22.4], [55, 17.5], [56, 17.5], [53, 22.4], [52, 22.4]],
    [[58, 12.6], [62, 7], [63, 7], [60, 12.6], [58, 12.6]],
    [[0, 3.5], [0, 93.1], [64, 93.1], [64, 0], [63, 0], [63, 92.4], [1, 92.4], [1, 3.5], [0, 3.5]],
]  # fmt: skip


@cache
def provinces() -> dict[str, Any]:
    """The shipped outline: {"attribution", "provinces": [{adcode, name, cp, rings}], "inset": [rings]}."""
    return json.loads(ASSET.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- building the asset (run by hand)


def decode_ring(encoded: str, offset: Sequence[int], scale: float = 1024.0) -> Ring:
    """One ring of ECharts' encoded GeoJSON: zig-zag deltas from `offset`, two characters per point."""
    ring: Ring = []
    x, y = offset
    for i in range(0, len(encoded) - 1, 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append((x / scale, y / scale))
    return ring


def simplify(points: Sequence[Point], tolerance: float) -> Ring:
    """Douglas–Peucker: keep the points farther than `tolerance` from the chord of their span.

    Iterative (a stack of spans), so a long coastline cannot exhaust Python's recursion limit.
    """
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if distance > worst:
                worst, index = distance, i
        if index > 0 and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_area(ring: Sequence[Point]) -> float:
    """Absolute area of a ring in square degrees (shoelace)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True))) / 2


def _rounded(ring: Sequence[Point], digits: int = 2) -> list[list[float]]:
    """Rounded coordinates with consecutive duplicates dropped."""
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, digits), round(y, digits)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build_outline(source: dict[str, Any], tolerance: float = 0.03, min_area: float = 0.004) -> dict[str, Any]:
    """The asset from ECharts' china.json: provinces with simplified rings; islets below `min_area` dropped.

    Each province keeps at least its largest ring, so small ones (澳门) never vanish.
    """
    out: list[dict[str, Any]] = []
    features: list[dict[str, Any]] = source["features"]
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        offsets = geometry["encodeOffsets"] if geometry["type"] == "MultiPolygon" else [geometry["encodeOffsets"]]
        rings = [decode_ring(ring, offset) for polygon, poly_offsets in zip(polygons, offsets, strict=True)
                 for ring, offset in zip(polygon, poly_offsets, strict=True)]  # fmt: skip
        rings.sort(key=_ring_area, reverse=True)
        kept = [rings[0], *(ring for ring in rings[1:] if _ring_area(ring) >= min_area)]
        simplified = [_rounded(simplify(ring, tolerance)) for ring in kept]
        props = feature["properties"]
        out.append({
            "adcode": str(props["id"]), "name": props["name"], "cp": [round(c, 3) for c in props["cp"]],
            "rings": [ring for ring in simplified if len(ring) >= 3],
        })  # fmt: skip
    ox, oy = _NANHAI_ORIGIN
    inset = [[[round(x / 10.5 + ox, 3), round(y / (-10.5 / 0.75) + oy, 3)] for x, y in ring] for ring in _NANHAI]
    return {"attribution": ATTRIBUTION, "provinces": out, "inset": inset}


def main(argv: Sequence[str] | None = None) -> None:
    """python -m graphkit.render.geo ECHARTS_CHINA_JSON [OUT]: write the simplified outline asset."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        raise SystemExit(main.__doc__)
    source = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    target = Path(args[1]) if len(args) > 1 else ASSET
    text = json.dumps(build_outline(source), ensure_ascii=False, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target}: {len(text.encode()) // 1024} KB")


if __name__ == "__main__":
    main()
