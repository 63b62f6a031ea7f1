"""Derive the generator's small LSOA tables from the shared boundary and police.uk files.

Run once, by hand; the generator reads only the CSVs this writes (never the GeoJSON):

    .venv/bin/python -m patternwatch.synth.derive_lsoa [--data-dir /work/shared/data]

It writes, into ``src/patternwatch/synth/data/``:

- ``herts_lsoa.csv``: ``lsoa_code, lsoa_name, district_code, district, town, lat, lon, area_km2,
  police_uk_crimes``. ``lat``/``lon`` is a point *inside* the polygon (the midpoint of the widest
  interior run of a few horizontal scan lines, so a concave or ring-shaped LSOA still gets an
  interior point, which its centroid need not be). ``area_km2`` uses an equirectangular projection
  at the polygon's latitude (good to well under 1% at this size). ``town`` is the nearest town
  centre in the same district (``places.TOWNS``). ``police_uk_crimes`` counts the LSOA's rows in
  the police.uk street files (Jan 2021 - Jan 2022, all crime types except anti-social behaviour);
  the generator uses it as the weight that gives hotspot clustering.
- ``herts_lsoa_points.csv``: ``lsoa_code, lat, lon``: POINTS_PER_LSOA points per LSOA drawn
  uniformly inside the polygon by bounding-box rejection with a pure-Python point-in-polygon test,
  seeded by the LSOA code, so re-running gives the same file.

Source data: Contains public sector information licensed under the Open Government Licence v3.0.
Boundaries: ONS LSOA (2011) via martinjc/UK-GeoJSON (Contains Ordnance Survey, Office for National
Statistics, National Records Scotland and LPS Intellectual Property data (c) Crown copyright and
database right 2016). Crime counts: data.police.uk.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from collections import Counter
from pathlib import Path

from patternwatch.synth.places import DISTRICTS, TOWNS, Town

POINTS_PER_LSOA = 12
SCAN_LINES = 9
OUT_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATA_DIR = Path("/work/shared/data")

Ring = list[tuple[float, float]]  # (lon, lat)


def _rings(geometry: dict) -> list[list[Ring]]:
    """Polygons as lists of rings (outer first), for Polygon and MultiPolygon geometries."""
    if geometry["type"] == "Polygon":
        polys = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polys = geometry["coordinates"]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly] for poly in polys]


def _inside(lon: float, lat: float, polygons: list[list[Ring]]) -> bool:
    """Even-odd rule over every ring (holes count as outside)."""
    inside = False
    for poly in polygons:
        for ring in poly:
            j = len(ring) - 1
            for i in range(len(ring)):
                xi, yi = ring[i]
                xj, yj = ring[j]
                if (yi > lat) != (yj > lat):
                    x_cross = xi + (lat - yi) * (xj - xi) / (yj - yi)
                    if lon < x_cross:
                        inside = not inside
                j = i
    return inside


def _bbox(polygons: list[list[Ring]]) -> tuple[float, float, float, float]:
    xs = [x for poly in polygons for ring in poly for x, _ in ring]
    ys = [y for poly in polygons for ring in poly for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _area_km2(polygons: list[list[Ring]]) -> float:
    _, min_y, _, max_y = _bbox(polygons)
    lat0 = math.radians((min_y + max_y) / 2)
    kx, ky = 111.320 * math.cos(lat0), 110.574  # km per degree
    total = 0.0
    for poly in polygons:
        for index, ring in enumerate(poly):
            s = 0.0
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                s += (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
            area = abs(s) / 2
            total += area if index == 0 else -area
    return total


def _interior_point(polygons: list[list[Ring]]) -> tuple[float, float]:
    """Midpoint of the widest interior run over a few horizontal scan lines."""
    min_x, min_y, max_x, max_y = _bbox(polygons)
    best: tuple[float, float, float] | None = None  # (width, lon, lat)
    for k in range(1, SCAN_LINES + 1):
        lat = min_y + (max_y - min_y) * k / (SCAN_LINES + 1)
        xs: list[float] = []
        for poly in polygons:
            for ring in poly:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                    if (y1 > lat) != (y2 > lat):
                        xs.append(x1 + (lat - y1) * (x2 - x1) / (y2 - y1))
        xs.sort()
        for a, b in zip(xs[0::2], xs[1::2], strict=False):
            if best is None or b - a > best[0]:
                best = (b - a, (a + b) / 2, lat)
    if best is None:
        raise ValueError("no interior run found")
    _, lon, lat = best
    assert _inside(lon, lat, polygons)
    return lon, lat


def _sample_points(code: str, polygons: list[list[Ring]], n: int) -> list[tuple[float, float]]:
    rng = random.Random(f"herts-lsoa:{code}")
    min_x, min_y, max_x, max_y = _bbox(polygons)
    out: list[tuple[float, float]] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 100_000:
            raise RuntimeError(f"could not sample points inside {code}")
        lon, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if _inside(lon, lat, polygons):
            out.append((lon, lat))
    return out


def _nearest_town(district_code: str, lon: float, lat: float) -> str:
    candidates = [t for t in TOWNS if t.district_code == district_code]
    coslat = math.cos(math.radians(lat))

    def dist(t: Town) -> float:
        return ((t.lon - lon) * coslat) ** 2 + (t.lat - lat) ** 2

    return min(candidates, key=dist).name


def _police_uk_counts(street_dir: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(street_dir.glob("*-hertfordshire-street.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["Crime type"] != "Anti-social behaviour" and row["LSOA code"]:
                    counts[row["LSOA code"]] += 1
    return counts


def derive(data_dir: Path, out_dir: Path = OUT_DIR) -> int:
    """Write the two CSVs; return the number of LSOAs."""
    boundary_dir = data_dir / "boundaries" / "hertfordshire_lsoa_2011"
    counts = _police_uk_counts(data_dir / "police_uk_hertfordshire" / "street")
    rows: list[list[str]] = []
    points: list[list[str]] = []
    for path in sorted(boundary_dir.glob("E07*.geojson")):
        district_code = path.name.split("_", 1)[0]
        district = DISTRICTS[district_code]
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        for feature in sorted(features, key=lambda f: f["properties"]["LSOA11CD"]):
            code = feature["properties"]["LSOA11CD"]
            name = feature["properties"]["LSOA11NM"]
            polygons = _rings(feature["geometry"])
            lon, lat = _interior_point(polygons)
            rows.append(
                [
                    code,
                    name,
                    district_code,
                    district,
                    _nearest_town(district_code, lon, lat),
                    f"{lat:.6f}",
                    f"{lon:.6f}",
                    f"{_area_km2(polygons):.4f}",
                    str(counts.get(code, 0)),
                ]
            )
            for plon, plat in _sample_points(code, polygons, POINTS_PER_LSOA):
                points.append([code, f"{plat:.6f}", f"{plon:.6f}"])
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "herts_lsoa.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            [
                "lsoa_code",
                "lsoa_name",
                "district_code",
                "district",
                "town",
                "lat",
                "lon",
                "area_km2",
                "police_uk_crimes",
            ]
        )
        writer.writerows(rows)
    with (out_dir / "herts_lsoa_points.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["lsoa_code", "lat", "lon"])
        writer.writerows(points)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    n = derive(args.data_dir, args.out_dir)
    print(f"Wrote {n} LSOAs to {args.out_dir}")


if __name__ == "__main__":
    main()
