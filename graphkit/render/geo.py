"""The basemap of the page's map view: a simplified outline of China's provinces, shipped as data.

The map view must open offline and never ask a tile server for anything, so the outline travels inside
the page: `assets/china-provinces.json` (about 100 KB), made once from Apache ECharts 4.9.0's
`map/json/china.json` and its South China Sea inset by `scripts/build-basemap` (a tool of the
repository, not of the installed package). At render time `provinces()` only reads that file.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ASSET = Path(__file__).resolve().parent / "assets" / "china-provinces.json"
ATTRIBUTION = (
    "Province outlines: Apache ECharts 4.9.0 map/json/china.json and the 南海诸岛 inset of "
    "lib/coord/geo/fix/nanhai.js (Apache License 2.0), simplified by graphkit"
)
@cache
def provinces() -> dict[str, Any]:
    """The shipped outline: {"attribution", "provinces": [{adcode, name, cp, rings}], "inset": [rings]}."""
    return json.loads(ASSET.read_text(encoding="utf-8"))


