"""Hertfordshire's 690 LSOAs from the derived CSVs: weighted places, points inside, postcodes."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from patternwatch.synth.places import TOWNS_BY_NAME
from patternwatch.synth.sampling import Weighted

DATA_DIR = Path(__file__).resolve().parent / "data"
# Letters used in the inward part of real postcodes (C, I, K, M, O and V are never used).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True, slots=True)
class Lsoa:
    index: int
    code: str
    name: str
    district: str
    town: str
    points: tuple[tuple[float, float], ...]  # (lat, lon), all inside the polygon


@dataclass(frozen=True, slots=True)
class Geography:
    lsoas: tuple[Lsoa, ...]
    # Where crime happens: weighted by police.uk crime counts (real clustering: Watford,
    # Stevenage, Hemel Hempstead, St Albans and Hatfield centres lead; data/README.md). A small
    # floor keeps every LSOA possible.
    hotspot: Weighted[int]
    # Where people live: LSOAs are built to hold similar populations (about 1,000-3,000 people;
    # ONS design, general knowledge), so a uniform weight is close to population weighting.
    residential: Weighted[int]


@cache
def geography() -> Geography:
    points: dict[str, list[tuple[float, float]]] = {}
    with (DATA_DIR / "herts_lsoa_points.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            points.setdefault(row["lsoa_code"], []).append((float(row["lat"]), float(row["lon"])))
    lsoas: list[Lsoa] = []
    weights: list[float] = []
    with (DATA_DIR / "herts_lsoa.csv").open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            code = row["lsoa_code"]
            pts = ((float(row["lat"]), float(row["lon"])), *points.get(code, []))
            lsoas.append(Lsoa(i, code, row["lsoa_name"], row["district"], row["town"], pts))
            weights.append(int(row["police_uk_crimes"]) + 10)
    idx = list(range(len(lsoas)))
    return Geography(
        lsoas=tuple(lsoas),
        hotspot=Weighted(idx, weights),
        residential=Weighted(idx, [1.0] * len(idx)),
    )


def point_in(lsoa: Lsoa, rng: random.Random) -> tuple[float, float]:
    return lsoa.points[int(rng.random() * len(lsoa.points))]


def postcode_for(town: str, rng: random.Random) -> str:
    """A postcode in the town's real postcode district with a made-up inward code."""
    districts = TOWNS_BY_NAME[town].postcode_districts
    n = len(_INWARD_LETTERS)
    outward = districts[int(rng.random() * len(districts))]
    inward = (
        str(1 + int(rng.random() * 9))
        + _INWARD_LETTERS[int(rng.random() * n)]
        + _INWARD_LETTERS[int(rng.random() * n)]
    )
    return f"{outward} {inward}"
