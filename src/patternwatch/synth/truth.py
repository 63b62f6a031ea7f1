"""Ground-truth CSV files, streamed case by case (never written to the database).

Files (UTF-8, comma-separated, header first, rows in generation order, which is deterministic):

- ``truth_crimes.csv``: one row per crime.
- ``truth_incidents.csv``: one row per incident.
- ``truth_people.csv``: one row per person record: which true person it is.
- ``truth_series.csv``: one row per course of conduct (stalking, harassment, CCB).
- ``safeguarding_facts.csv``: risk screening, SPO, needs assessment, referral and victim
  update facts per stalking course, as decided; synth/safeguarding.py writes the same facts
  into the safeguarding tables (a fact dated after the window is in the file, not the tables).

docs/generator.md describes every column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from patternwatch.synth.model import Case, CrimeRec, IncidentRec
from patternwatch.synth.rows import IdBase

CRIME_COLUMNS = (
    "reference",
    "crime_id",
    "series_id",
    "case_kind",
    "true_category",
    "is_really_stalking",
    "recorded_principal",
    "recorded_included",
    "initial_principal",
    "initial_included",
    "stalking_recorded",
    "misrecorded",
    "reclassified",
    "ideal_principal",
    "ideal_included",
    "victim_true_id",
    "suspect_true_id",
    "truly_online",
    "stage",
    "style_id",
)
INCIDENT_COLUMNS = (
    "reference",
    "incident_id",
    "series_id",
    "case_kind",
    "true_category",
    "is_really_stalking",
    "crime_reference",
    "recorded_as",
    "misrecorded",
    "victim_true_id",
    "suspect_true_id",
    "truly_online",
    "stage",
    "style_id",
)
PEOPLE_COLUMNS = ("person_id", "record_key", "true_person_id", "is_duplicate", "variant")
SERIES_COLUMNS = (
    "series_id",
    "kind",
    "victim_true_id",
    "suspect_true_id",
    "relationship",
    "first_date",
    "last_date",
    "length_days",
    "n_events",
    "n_incidents",
    "n_crimes",
    "escalates",
    "max_stage",
    "recognised",
    "recording",
)
FACT_COLUMNS = (
    "series_id",
    "crime_reference",
    "victim_person_id",
    "fact",
    "status",
    "date",
    "detail",
)
FILES = {
    "truth_crimes.csv": CRIME_COLUMNS,
    "truth_incidents.csv": INCIDENT_COLUMNS,
    "truth_people.csv": PEOPLE_COLUMNS,
    "truth_series.csv": SERIES_COLUMNS,
    "safeguarding_facts.csv": FACT_COLUMNS,
}


def _b(value: bool) -> str:
    return "1" if value else "0"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TruthWriter:
    """Append each case's truth rows to the five files; ids match what BulkWriter wrote."""

    def __init__(self, directory: Path, base: IdBase, local_date: Callable[[datetime], Any]):
        directory.mkdir(parents=True, exist_ok=True)
        self.base = base
        self.local_date = local_date
        self.handles: list[IO[str]] = []
        self.writers: dict[str, Any] = {}
        self.crime_refs: dict[int, str] = {}
        for name, columns in FILES.items():
            fh = (directory / name).open("w", newline="", encoding="utf-8")
            self.handles.append(fh)
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            self.writers[name] = writer

    def add(self, case: Case) -> None:
        crimes = self.writers["truth_crimes.csv"]
        for crime in case.crimes:
            crimes.writerow(self._crime(crime))
        by_key = {c.key: c for c in case.crimes}
        incidents = self.writers["truth_incidents.csv"]
        course_missed = case.series is not None and case.series.recording in (
            "noncrime",
            "misrecorded",
        )
        for incident in case.incidents:
            raised = by_key.get(incident.crime_key or -1)
            incidents.writerow(self._incident(incident, raised, course_missed))
        people = self.writers["truth_people.csv"]
        for person in case.people:
            people.writerow(
                (
                    self.base.person + person.key,
                    person.key,
                    person.true_id,
                    _b(person.variant != "original"),
                    person.variant,
                )
            )
        if case.series is not None:
            s = case.series
            first, last = self.local_date(s.first_at), self.local_date(s.last_at)
            self.writers["truth_series.csv"].writerow(
                (
                    s.series_id,
                    s.kind,
                    s.victim_true_id,
                    s.suspect_true_id,
                    s.relationship,
                    first.isoformat(),
                    last.isoformat(),
                    (last - first).days,
                    s.n_events,
                    s.n_incidents,
                    s.n_crimes,
                    _b(s.escalates),
                    s.max_stage,
                    _b(s.recognised),
                    s.recording,
                )
            )
        facts = self.writers["safeguarding_facts.csv"]
        for f in case.facts:
            facts.writerow(
                (
                    f.series_id,
                    f.crime_reference,
                    self.base.person + f.victim_person_key if f.victim_person_key else "",
                    f.fact,
                    f.status,
                    f.on.isoformat() if f.on else "",
                    f.detail,
                )
            )

    def _crime(self, crime: CrimeRec) -> tuple[Any, ...]:
        t = crime.truth
        first = crime.changes[0]
        initial = (first.principal_after, *first.included_after)
        if first.principal_after == "8Q":
            stalking_recorded = "principal"
        elif "8Q" in first.included_after:
            stalking_recorded = "included"
        else:
            stalking_recorded = "none"
        return (
            crime.reference,
            self.base.crime + crime.key,
            t.series_id,
            t.case_kind,
            t.true_category,
            _b(t.is_really_stalking),
            crime.principal,
            " ".join(crime.included),
            first.principal_after,
            " ".join(first.included_after),
            stalking_recorded,
            _b(t.is_really_stalking and "8Q" not in initial),
            _b(len(crime.changes) > 1),
            t.ideal_principal,
            " ".join(t.ideal_included),
            t.victim_true_id or "",
            t.suspect_true_id or "",
            _b(t.truly_online),
            t.stage,
            f"W{t.style_id:02d}",
        )

    def _incident(
        self, incident: IncidentRec, crime: CrimeRec | None, course_missed: bool
    ) -> tuple[Any, ...]:
        """A call that raised no crime is misrecorded only if its course never got an 8Q crime
        (otherwise it was added to the course's stalking crime)."""
        t = incident.truth
        recorded_as = crime.changes[0].principal_after if crime else "non-crime"
        if crime is not None:
            missed = "8Q" not in (
                crime.changes[0].principal_after,
                *crime.changes[0].included_after,
            )
        else:
            missed = course_missed
        return (
            incident.reference,
            self.base.incident + incident.key,
            t.series_id,
            t.case_kind,
            t.true_category,
            _b(t.is_really_stalking),
            crime.reference if crime else "",
            recorded_as,
            _b(t.is_really_stalking and missed),
            t.victim_true_id or "",
            t.suspect_true_id or "",
            _b(t.truly_online),
            t.stage,
            f"W{t.style_id:02d}",
        )

    def close(self) -> None:
        for fh in self.handles:
            fh.close()
