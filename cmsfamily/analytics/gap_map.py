"""The gap matrix's world map, drawn on the server as SVG (no script, no tiles, no CDN): each
Party coloured by the chosen target's status, matched to its geometry by ISO 3166 code.

The geometry is world-atlas's countries-110m (ISC licence; Natural Earth, public domain), turned
into SVG paths once by `scripts/build_world_map.py`, which gives each feature's ISO numeric code
its alpha-2 and alpha-3 codes. Parties too small for that scale, or not a country (the European
Union), have no geometry: the page lists them under the map. The table is the accessible
alternative; the map says nothing the table does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cmsfamily.analytics.gaps import PARTIES, Cell, Column, Gaps

DATA = Path(__file__).resolve().parent / "data" / "world-110m.json"


@cache
def geometry() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass
class Shape:
    d: str
    name: str
    column: Column | None = None
    cell: Cell | None = None

    @property
    def status(self) -> str:
        return self.cell.status if self.cell else "outside"


@dataclass
class WorldMap:
    width: float
    height: float
    shapes: list[Shape]
    unplaced: list[tuple[Column, Cell]]  # Parties with no geometry


def world_map(gaps: Gaps) -> WorldMap:
    """The map of the chosen target: Parties by status, other countries plain."""
    world = geometry()
    parties = {column.code: (column, cell) for column, cell in gaps.target_cells(PARTIES)}
    shapes, placed = [], set()
    for feature in world["features"]:
        found = parties.get(feature["alpha3"])
        if found:
            placed.add(feature["alpha3"])
        column, cell = found or (None, None)
        shapes.append(
            Shape(feature["d"], column.label if column else feature["name"], column, cell)
        )
    unplaced = [(column, cell) for code, (column, cell) in parties.items() if code not in placed]
    return WorldMap(world["width"], world["height"], shapes, unplaced)
