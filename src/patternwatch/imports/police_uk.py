"""police.uk street and outcomes CSVs: pure parsing of rows into crime records and outcomes.

Decisions (docs/imports.md explains each):
- A street row becomes a crime classified with its police.uk category (PUK-* codes, loaded by
  the migration), reported on the 1st of its month at 00:00 Europe/London.
- A row with a Crime ID is keyed by it. A row without one (all anti-social behaviour rows) is
  keyed by a hash of the row's content and its occurrence number among identical rows in the
  same file, so each is kept once, and again once on re-import.
- Rows whose "Falls within" is another force are rejected with that reason.
- A Crime ID seen twice in one file: the first row is imported, the later one rejected.
- Outcome labels map to Home Office outcome codes only where the meaning is the same; the label
  itself is always kept (crime.outcome_label).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from patternwatch.crimes.enums import CrimeStatus
from patternwatch.timeutil import FORCE_TZ, as_utc

SOURCE_SYSTEM = "police.uk"
DEFAULT_FORCE = "Hertfordshire Constabulary"

STREET_COLUMNS = (
    "Crime ID",
    "Month",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
)
OUTCOME_COLUMNS = ("Crime ID", "Month", "Falls within", "Outcome type")

# police.uk category -> classification code (the migration loads the same 14 rows).
CATEGORY_CODES: dict[str, str] = {
    "Anti-social behaviour": "PUK-ASB",
    "Bicycle theft": "PUK-BCT",
    "Burglary": "PUK-BUR",
    "Criminal damage and arson": "PUK-CDA",
    "Drugs": "PUK-DRG",
    "Other crime": "PUK-OTH",
    "Other theft": "PUK-OTT",
    "Possession of weapons": "PUK-POW",
    "Public order": "PUK-PO",
    "Robbery": "PUK-ROB",
    "Shoplifting": "PUK-SHP",
    "Theft from the person": "PUK-TFP",
    "Vehicle crime": "PUK-VEH",
    "Violence and sexual offences": "PUK-VSO",
}


@dataclass(frozen=True, slots=True)
class OutcomeMeaning:
    code: str | None  # Home Office outcome code (domain.md 4.4), when the label means exactly one
    status: CrimeStatus


_FINAL = CrimeStatus.FINALISED
# police.uk outcome and status labels. A code is given only where the label names one Home Office
# outcome; "Unable to prosecute suspect" spans outcomes 10 and 14-17, and "Offender given a
# caution" is 2 or 3 (youth or adult), so those keep their label with no code.
OUTCOME_LABELS: dict[str, OutcomeMeaning] = {
    "Investigation complete; no suspect identified": OutcomeMeaning("18", _FINAL),
    "Suspect charged": OutcomeMeaning("1", _FINAL),
    "Action to be taken by another organisation": OutcomeMeaning("20", _FINAL),
    "Formal action is not in the public interest": OutcomeMeaning("10", _FINAL),
    "Further investigation is not in the public interest": OutcomeMeaning("21", _FINAL),
    "Offender given a drugs possession warning": OutcomeMeaning("7", _FINAL),
    "Local resolution": OutcomeMeaning("8", _FINAL),
    "Unable to prosecute suspect": OutcomeMeaning(None, _FINAL),
    "Offender given a caution": OutcomeMeaning(None, _FINAL),
    "Further action is not in the public interest": OutcomeMeaning(None, _FINAL),
    "Suspect charged as part of another case": OutcomeMeaning(None, _FINAL),
    "Offender given penalty notice": OutcomeMeaning("6", _FINAL),
    "Under investigation": OutcomeMeaning(None, CrimeStatus.UNDER_INVESTIGATION),
    "Awaiting court outcome": OutcomeMeaning(None, CrimeStatus.UNDER_INVESTIGATION),
    "Status update unavailable": OutcomeMeaning(None, CrimeStatus.RECORDED),
    "Court result unavailable": OutcomeMeaning(None, CrimeStatus.RECORDED),
}
_UNKNOWN_LABEL = OutcomeMeaning(None, CrimeStatus.RECORDED)

_CONTENT_COLUMNS = STREET_COLUMNS[1:]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_LSOA = re.compile(r"^[EW]0[0-9]{7}$")
_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


class RowProblem(ValueError):
    """The row cannot become a record; the message says why."""


def outcome_meaning(label: str) -> OutcomeMeaning:
    return OUTCOME_LABELS.get(label, _UNKNOWN_LABEL)


def file_kind(header: list[str]) -> str | None:
    """'street' or 'outcomes' from the header, or None for neither."""
    present = set(header)
    if "Crime type" in present:
        return "street"
    if "Outcome type" in present:
        return "outcomes"
    return None


def missing_columns(kind: str, header: list[str]) -> list[str]:
    wanted = STREET_COLUMNS if kind == "street" else OUTCOME_COLUMNS
    return [c for c in wanted if c not in header]


def month_start(value: str) -> datetime:
    """'2021-03' -> 1 March 2021 00:00 Europe/London, in UTC."""
    cached = _MONTHS.get(value)
    if cached is not None:
        return cached
    result = _month_start(value)
    if len(_MONTHS) < 10_000:
        _MONTHS[value] = result
    return result


_MONTHS: dict[str, datetime] = {}


def _month_start(value: str) -> datetime:
    match = _MONTH.match(value.strip())
    if not match:
        raise RowProblem(f"Month {value!r} is not a month in the form YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        raise RowProblem(f"Month {value!r} is not a month in the form YYYY-MM")
    return as_utc(datetime(year, month, 1, tzinfo=FORCE_TZ))


@dataclass(slots=True)
class StreetRecord:
    """One street row ready to become (or update) a crime."""

    line: int
    source_ref: str
    reference: str
    content_hash: str
    reported_at: datetime
    classification: str
    latitude: float | None
    longitude: float | None
    location_text: str | None
    lsoa_code: str | None
    district: str | None
    outcome_label: str | None
    outcome_code: str | None
    status: CrimeStatus
    keyed_by_content: bool


@dataclass(slots=True)
class StreetKey:
    line: int
    source_ref: str
    reference: str
    content_hash: str


class StreetParser:
    """Parse one street file's rows in order; keeps the per-file occurrence counts and ids seen."""

    def __init__(self, *, force: str = DEFAULT_FORCE) -> None:
        self.force = force
        self._occurrences: dict[str, int] = {}
        self._ids: dict[str, int] = {}

    def parse(self, values: dict[str, str], line: int) -> StreetRecord:
        """The row as a StreetRecord, or RowProblem naming what is wrong with it."""
        return self.build(values, self.identify(values, line))

    def identify(self, values: dict[str, str], line: int) -> StreetKey:
        """The row's key and content hash (cheap: enough to skip an unchanged row)."""
        falls_within = values["Falls within"].strip()
        if falls_within != self.force:
            raise RowProblem(
                f"falls within {falls_within or '(blank)'}, not {self.force}; this import keeps "
                "one force's rows (pass --force to import another force's file)"
            )
        # Everything the record is made of, in a fixed order, for the key and the change check.
        content = "\x1f".join([values[c] for c in _CONTENT_COLUMNS])
        crime_id = values["Crime ID"].strip()
        if crime_id:
            first = self._ids.get(crime_id)
            if first is not None:
                raise RowProblem(
                    f"Crime ID {crime_id} already appeared at line {first} of this file; the "
                    "first row was imported and this one was not (police.uk lists a few crimes "
                    "twice with different details; check which is right)"
                )
            self._ids[crime_id] = line
            source_ref = crime_id
            reference = f"PUK-{crime_id[:36]}"
        else:
            # No natural key (anti-social behaviour). Identical rows are distinct incidents at the
            # same anonymised point in the same month, so the n-th copy in a file gets key n.
            n = self._occurrences.get(content, 0) + 1
            self._occurrences[content] = n
            digest = hashlib.sha256(f"{content}\x1e{n}".encode()).hexdigest()
            source_ref = f"nokey:{digest}"
            reference = f"PUK-X-{digest[:34]}"
        return StreetKey(
            line=line,
            source_ref=source_ref,
            reference=reference,
            content_hash=hashlib.sha256(content.encode()).hexdigest(),
        )

    def build(self, values: dict[str, str], key: StreetKey) -> StreetRecord:
        """Validate the row and turn it into a crime's fields, or raise RowProblem."""
        crime_type = values["Crime type"].strip()
        code = CATEGORY_CODES.get(crime_type)
        if code is None:
            raise RowProblem(
                f"unknown police.uk crime type {crime_type!r}; known types: "
                f"{', '.join(CATEGORY_CODES)}"
            )
        reported_at = month_start(values["Month"])
        latitude = _coordinate(values["Latitude"], "Latitude", 49.0, 61.5)
        longitude = _coordinate(values["Longitude"], "Longitude", -8.7, 2.0)
        if (latitude is None) != (longitude is None):
            raise RowProblem("has a latitude or a longitude but not both")
        lsoa = values["LSOA code"].strip() or None
        if lsoa is not None and not _LSOA.match(lsoa):
            raise RowProblem(f"LSOA code {lsoa!r} is not an LSOA code such as E01023398")
        location = values["Location"].strip()
        if location.lower() == "no location":
            location = ""
        label = values["Last outcome category"].strip() or None
        meaning = outcome_meaning(label) if label else _UNKNOWN_LABEL
        return StreetRecord(
            line=key.line,
            source_ref=key.source_ref,
            reference=key.reference,
            content_hash=key.content_hash,
            reported_at=reported_at,
            classification=code,
            latitude=latitude,
            longitude=longitude,
            location_text=location[:300] or None,
            lsoa_code=lsoa,
            district=_district(values["LSOA name"]),
            outcome_label=label,
            outcome_code=meaning.code,
            status=meaning.status,
            keyed_by_content=key.source_ref.startswith("nokey:"),
        )


@dataclass(slots=True)
class OutcomeRecord:
    line: int
    crime_id: str
    outcome_at: datetime
    label: str
    code: str | None
    status: CrimeStatus


def parse_outcome(
    values: dict[str, str], line: int, *, force: str = DEFAULT_FORCE
) -> OutcomeRecord:
    """One outcomes row, or RowProblem."""
    falls_within = values["Falls within"].strip()
    if falls_within != force:
        raise RowProblem(
            f"falls within {falls_within or '(blank)'}, not {force}; this import keeps one "
            "force's rows (pass --force to import another force's file)"
        )
    crime_id = values["Crime ID"].strip()
    if not crime_id:
        raise RowProblem("Crime ID is blank, so the outcome cannot be matched to a crime")
    label = values["Outcome type"].strip()
    if not label:
        raise RowProblem("Outcome type is blank")
    meaning = outcome_meaning(label)
    return OutcomeRecord(
        line=line,
        crime_id=crime_id,
        outcome_at=month_start(values["Month"]),
        label=label[:120],
        code=meaning.code,
        status=meaning.status,
    )


def _coordinate(value: str, name: str, low: float, high: float) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowProblem(f"{name} {text!r} is not a number") from None
    if not low <= number <= high:
        raise RowProblem(f"{name} {number} is outside England and Wales ({low} to {high})")
    return number


def _district(lsoa_name: str) -> str | None:
    """'Dacorum 015D' -> 'Dacorum' (the local authority the LSOA belongs to)."""
    name = _LSOA_SUFFIX.sub("", lsoa_name.strip())
    return name[:64] or None
