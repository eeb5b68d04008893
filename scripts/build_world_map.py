"""Turn the vendored world-atlas TopoJSON into the SVG paths the gap matrix's map draws on the
server (no JavaScript, no tiles, no CDN). Run once when world-atlas is updated:

    pip install iso3166          # for this build only: ISO 3166 numeric -> alpha-2/alpha-3
    python scripts/build_world_map.py

Reads  cmsfamily/analytics/data/world-atlas/countries-110m.json (world-atlas 2.0.2, ISC licence;
       its geometry is Natural Earth's, public domain), whose features carry the ISO 3166 numeric
       code as their id;
writes cmsfamily/analytics/data/world-110m.json: for each feature, its numeric code, the alpha-2
       and alpha-3 codes of that numeric code, its name and an SVG path in an equirectangular
       projection (Antarctica left out). A Party is matched to its geometry by these codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import iso3166  # type: ignore[import-not-found]

DATA = Path(__file__).resolve().parent.parent / "cmsfamily" / "analytics" / "data"
SOURCE = DATA / "world-atlas" / "countries-110m.json"
TARGET = DATA / "world-110m.json"
SCALE = 2.5  # pixels per degree
NORTH, SOUTH = 84.0, -58.0  # the band drawn (Antarctica left out)
WIDTH, HEIGHT = 360 * SCALE, (NORTH - SOUTH) * SCALE


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def path(polygons: list[list[list[int]]], arcs) -> str:
    parts = []
    for polygon in polygons:
        for indexes in polygon:
            points = ring(indexes, arcs)
            if any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
                # A ring across the antimeridian (Fiji, Chukotka): drawn whole east of it, where
                # the frame cuts it, rather than as a band across the world.
                points = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
            xy = [
                (round((lon + 180) * SCALE, 1), round((NORTH - lat) * SCALE, 1))
                for lon, lat in points
            ]
            steps = [f"{x:g},{y:g}" for x, y in xy]
            parts.append("M" + "L".join(steps) + "Z")
    return "".join(parts)


def main() -> None:
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    arcs = decoded_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id")
        if numeric in (None, "010"):  # no code (a disputed area), or Antarctica
            continue
        country = iso3166.countries_by_numeric.get(numeric)
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        features.append(
            {
                "numeric": numeric,
                "alpha2": country.alpha2 if country else "",
                "alpha3": country.alpha3 if country else "",
                "name": geometry["properties"]["name"],
                "d": path(polygons, arcs),
            }
        )
    TARGET.write_text(
        json.dumps(
            {
                "source": "world-atlas 2.0.2 countries-110m.json (ISC); Natural Earth",
                "width": WIDTH,
                "height": HEIGHT,
                "features": features,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(features)} countries -> {TARGET}")


if __name__ == "__main__":
    main()
