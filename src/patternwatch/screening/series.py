"""Course-of-conduct flags from the records in the database (issue 6, part 3).

Reads every crime and incident with a victim and a suspect, matches their people across
duplicate records (the same engine as ``patternwatch link``), groups each victim-suspect pair's
records into series over time, and raises one review flag (method ``series``) for each series
that looks like stalking but holds no record already recorded as stalking. The flag sits on the
series' latest record, and its evidence names every record in the series, so the registrar sees
the whole course of conduct.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.audit import service as audit
from patternwatch.crimes.models import Crime, CrimeClassification
from patternwatch.db.types import utcnow
from patternwatch.incidents.models import Incident
from patternwatch.people.enums import InvolvementRole
from patternwatch.people.matching import PersonRecord
from patternwatch.people.models import Involvement, Person
from patternwatch.reference.models import Classification
from patternwatch.screening import linking
from patternwatch.screening.enums import FlagMethod, FlagRecordType, FlagStatus
from patternwatch.screening.models import ScreeningFlag
from patternwatch.timeutil import local

# The indicator codes of a series flag (shown on the flag's page beside the text indicators).
COURSE_OF_CONDUCT = "course_of_conduct"
SERIES_RECORD = "series_record"
LABELS = {
    COURSE_OF_CONDUCT: "Course of conduct between the same two people",
    SERIES_RECORD: "Records in the series",
}
# Series flags come from rules over several records, not from one narrative's score: they sort
# above text flags in the queue.
SERIES_SCORE = 1.0


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    records: int
    series: int
    looks_like_stalking: int
    flagged: int


def _key(record_type: str, record_id: int) -> str:
    return f"{record_type}/{record_id}"


def _records(session: Session) -> tuple[list[linking.LinkRecord], dict[str, str]]:
    """Every crime and incident with both a victim and a suspect, as the linker sees them;
    and each record's reference, by key."""
    people: dict[tuple[str, int], dict[InvolvementRole, Person]] = defaultdict(dict)
    relationships: dict[tuple[str, int], str] = {}
    rows = session.execute(
        select(
            Involvement.crime_id,
            Involvement.incident_id,
            Involvement.role,
            Involvement.relationship,
            Person,
        )
        .join(Person, Person.id == Involvement.person_id)
        .where(Involvement.role.in_([InvolvementRole.VICTIM, InvolvementRole.SUSPECT]))
        .order_by(Involvement.id)
    )
    for crime_id, incident_id, role, relationship, person in rows:
        key = ("crime", crime_id) if crime_id is not None else ("incident", incident_id)
        people[key].setdefault(role, person)  # the first victim and the first suspect
        if relationship is not None:
            relationships.setdefault(key, relationship.value)

    principal = dict(
        session.execute(
            select(CrimeClassification.crime_id, Classification.code)
            .join(Classification, Classification.id == CrimeClassification.classification_id)
            .where(CrimeClassification.is_principal.is_(True))
        ).all()
    )
    stalking = set(
        session.scalars(
            select(CrimeClassification.crime_id)
            .join(Classification, Classification.id == CrimeClassification.classification_id)
            .where(Classification.code == linking.STALKING_CODE)
        )
    )
    wanted = {k for k, v in people.items() if len(v) == 2}
    records: list[linking.LinkRecord] = []
    references: dict[str, str] = {}
    sources: list[tuple[str, object]] = [
        (
            "crime",
            select(Crime.id, Crime.reference, Crime.reported_at, Crime.narrative).order_by(
                Crime.id
            ),
        ),
        (
            "incident",
            select(
                Incident.id, Incident.reference, Incident.received_at, Incident.narrative
            ).order_by(Incident.id),
        ),
    ]
    for record_type, stmt in sources:
        for rid, reference, at, narrative in session.execute(stmt):  # type: ignore[call-overload]
            key = (record_type, rid)
            if key not in wanted:
                continue
            if record_type == "crime":
                # Included stalking counts as recorded stalking, as in search (Rec 7).
                code = linking.STALKING_CODE if rid in stalking else principal.get(rid, "")
            else:
                code = "NON CRIME"
            pair = people[key]
            records.append(
                linking.LinkRecord(
                    id=_key(record_type, rid),
                    reported_at=at,
                    victim=PersonRecord.of(pair[InvolvementRole.VICTIM]),
                    suspect=PersonRecord.of(pair[InvolvementRole.SUSPECT]),
                    recorded_as=code,
                    narrative=narrative or "",
                    relationship=relationships.get(key),
                )
            )
            references[_key(record_type, rid)] = reference
    return records, references


def flag_series(*, session: Session, actor: Actor) -> SeriesSummary:
    """Link the database's records into courses of conduct and flag the hidden stalking ones.

    Idempotent: a series whose latest record already carries a series flag is not flagged again.
    """
    records, references = _records(session)
    result = linking.link(records)
    by_id = {r.id: r for r in records}
    existing = {
        (t.value, rid)
        for t, rid in session.execute(
            select(ScreeningFlag.record_type, ScreeningFlag.record_id).where(
                ScreeningFlag.method == FlagMethod.SERIES
            )
        )
    }
    looks = flagged = 0
    now = utcnow()
    for series in result.series:
        if not series.looks_like_stalking:
            continue
        looks += 1
        if series.recorded_as_stalking:
            continue
        last = series.record_ids[-1]
        record_type, rid = last.split("/")
        if (record_type, int(rid)) in existing:
            continue
        evidence = [{"indicator": COURSE_OF_CONDUCT, "text": reason} for reason in series.reasons]
        evidence += [
            {
                "indicator": SERIES_RECORD,
                "text": f"{member.split('/')[0]} {references[member]}, "
                f"{_day(by_id[member].reported_at)}, recorded as {by_id[member].code or 'unknown'}",
            }
            for member in series.record_ids
        ]
        session.add(
            ScreeningFlag(
                record_type=FlagRecordType(record_type),
                record_id=int(rid),
                score=SERIES_SCORE,
                method=FlagMethod.SERIES,
                indicators=f"{COURSE_OF_CONDUCT};{SERIES_RECORD}",
                evidence=evidence,
                needs_human=False,
                series_id=series.record_ids[0][:64],
                status=FlagStatus.OPEN,
                created_at=now,
            )
        )
        flagged += 1
    session.flush()
    summary = SeriesSummary(len(records), len(result.series), looks, flagged)
    audit.record(
        session=session,
        actor=actor,
        action="screening.series",
        entity_type="screening_flag",
        summary=(
            f"Linked {summary.records} records into {summary.series} series; "
            f"{summary.looks_like_stalking} look like stalking, {summary.flagged} newly flagged"
        ),
        changes={
            "records": summary.records,
            "series": summary.series,
            "looks_like_stalking": summary.looks_like_stalking,
            "flagged": summary.flagged,
        },
    )
    return summary


def _day(at: datetime) -> str:
    day = local(at)
    return day.date().isoformat() if day else ""
