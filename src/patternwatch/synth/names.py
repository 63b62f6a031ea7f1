"""Names, addresses and the record variants real person indexes hold (nicknames, typos, ...)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from patternwatch.synth.sampling import Weighted

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class NameTables:
    female: Weighted[str]
    male: Weighted[str]
    surnames: Weighted[str]
    nicknames: dict[str, tuple[str, ...]]
    streets: tuple[str, ...]


def _zipf(n: int) -> list[float]:
    # Lists are ordered roughly by how common a name is; a gentle rank weight keeps rare names
    # present (ASSUMPTION: no frequency data is shipped, see data/README.md).
    return [1.0 / (rank + 25) for rank in range(n)]


@cache
def tables() -> NameTables:
    female: list[str] = []
    male: list[str] = []
    with (DATA_DIR / "forenames.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (female if row["gender"] == "female" else male).append(row["name"])
    with (DATA_DIR / "surnames.csv").open(encoding="utf-8", newline="") as fh:
        surnames = [row["name"] for row in csv.DictReader(fh)]
    nicknames: dict[str, tuple[str, ...]] = {}
    with (DATA_DIR / "nicknames.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            nicknames[row["name"]] = tuple(row["nicknames"].split())
    streets = tuple(
        line.strip()
        for line in (DATA_DIR / "streets.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    return NameTables(
        female=Weighted(female, _zipf(len(female))),
        male=Weighted(male, _zipf(len(male))),
        surnames=Weighted(surnames, _zipf(len(surnames))),
        nicknames=nicknames,
        streets=streets,
    )


@dataclass(frozen=True)
class NameFields:
    """What one person record says about someone."""

    forename: str | None
    middle_names: str | None
    surname: str | None
    date_of_birth: date | None
    gender: str
    address: str | None
    postcode: str | None


_KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "w": "qe",
    "y": "tu",
}


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: swap, drop, double or hit a neighbouring key (never changes length 1)."""
    if len(word) < 3:
        return word
    i = 1 + int(rng.random() * (len(word) - 2))
    op = int(rng.random() * 4)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
    if op == 2:
        return word[:i] + word[i] + word[i:]
    near = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    if not near:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    c = near[int(rng.random() * len(near))]
    return word[:i] + (c.upper() if word[i].isupper() else c) + word[i + 1 :]


def apply_variant(fields: NameFields, kind: str, rng: random.Random) -> NameFields | None:
    """The same person as another writer might key them, or None if the variant cannot apply
    (no nickname for the name, a date of birth that reads the same transposed, ...)."""
    t = tables()
    dob = fields.date_of_birth
    if kind == "nickname":
        options = t.nicknames.get(fields.forename or "")
        return (
            replace(fields, forename=options[int(rng.random() * len(options))]) if options else None
        )
    if kind == "typo_forename":
        return replace(fields, forename=typo(fields.forename, rng)) if fields.forename else None
    if kind == "typo_surname":
        return replace(fields, surname=typo(fields.surname, rng)) if fields.surname else None
    if kind == "swapped_names":
        if fields.forename and fields.surname:
            return replace(fields, forename=fields.surname, surname=fields.forename)
        return None
    if kind == "missing_forename":
        return replace(fields, forename=None, middle_names=None) if fields.surname else None
    if kind == "missing_dob":
        return replace(fields, date_of_birth=None) if dob else None
    if kind == "transposed_dob":
        if dob and dob.day <= 12 and dob.day != dob.month:
            return replace(fields, date_of_birth=date(dob.year, dob.day, dob.month))
        return None
    if kind == "dob_year_off":
        if dob and not (dob.month == 2 and dob.day == 29):
            return replace(fields, date_of_birth=dob.replace(year=dob.year + rng.choice((-1, 1))))
        return None
    if kind == "punctuation":
        surname = fields.surname or ""
        if "'" in surname or "-" in surname:
            return replace(fields, surname=surname.replace("'", "").replace("-", " "))
        return None
    if kind == "upper_case":
        return replace(fields, surname=fields.surname.upper()) if fields.surname else None
    raise ValueError(f"unknown variant {kind!r}")
