"""Screening service: consume the screening queue, raise flags, and the registrar's decisions.

New records are screened by *queueing* them (``enqueue``), not by running the model inside the
request that created them: the model takes a moment to load, and a failure in screening must
never stop a crime being recorded. ``process_screening_queue`` (``patternwatch screening run``,
scheduled) then screens every queued record and raises a flag for each that scores at or above
the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.config import get_settings
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime, CrimeClassification
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, Invalid, NotFound
from patternwatch.imports.enums import QueuedRecordType
from patternwatch.imports.models import ScreeningQueueItem
from patternwatch.incidents.models import Incident
from patternwatch.reference.models import Classification
from patternwatch.screening.enums import FlagMethod, FlagRecordType, FlagStatus
from patternwatch.screening.models import ScreeningFlag

SCREENING_ACTOR = Actor(
    user_id=None, username="screening", role=Role.ADMIN, source="system", channel="system"
)
STALKING = "8Q"


@dataclass(frozen=True, slots=True)
class QueueSummary:
    processed: int
    flagged: int


def enqueue(
    session: Session, record_type: QueuedRecordType | str, record_id: int, reason: str = "created"
) -> None:
    """Queue one record for screening (idempotent per record and reason)."""
    rtype = QueuedRecordType(record_type)
    exists = session.scalar(
        select(ScreeningQueueItem.id).where(
            ScreeningQueueItem.record_type == rtype,
            ScreeningQueueItem.record_id == record_id,
            ScreeningQueueItem.reason == reason,
        )
    )
    if exists is None:
        session.add(ScreeningQueueItem(record_type=rtype, record_id=record_id, reason=reason))
        session.flush()


def enqueue_new(session: Session, actor: Actor, record_type: str, record_id: int) -> None:
    """Queue a record created through the application (create_crime, create_incident).

    The importer queues what it imports itself (reason "imported", in one batch insert), so a
    record created by an import actor is left to it: one queue row per record and route.
    """
    if actor.source != "import":
        enqueue(session, record_type, record_id)


def enqueue_all(session: Session, reason: str) -> int:
    """Queue every crime and incident not yet queued for ``reason`` (e.g. a generated force,
    which is written in bulk and so bypasses ``enqueue_new``); returns how many were queued."""
    queued = 0
    for rtype, model in ((QueuedRecordType.CRIME, Crime), (QueuedRecordType.INCIDENT, Incident)):
        already = select(ScreeningQueueItem.record_id).where(
            ScreeningQueueItem.record_type == rtype, ScreeningQueueItem.reason == reason
        )
        ids = list(session.scalars(select(model.id).where(model.id.not_in(already))))
        for start in range(0, len(ids), 5000):
            session.execute(
                insert(ScreeningQueueItem),
                [
                    {"record_type": rtype, "record_id": i, "reason": reason, "queued_at": utcnow()}
                    for i in ids[start : start + 5000]
                ],
            )
        queued += len(ids)
    session.flush()
    return queued


def waiting(session: Session) -> int:
    """Queued records not yet screened."""
    return (
        session.scalar(
            select(func.count(ScreeningQueueItem.id)).where(
                ScreeningQueueItem.processed_at.is_(None)
            )
        )
        or 0
    )


def _screener() -> Any:
    from patternwatch.screening.model import get_screener

    try:
        data_dir = get_settings().data_dir
    except ValueError:
        data_dir = None
    return get_screener(data_dir)


def process_screening_queue(*, session: Session, actor: Actor, limit: int = 10000) -> QueueSummary:
    """Screen up to ``limit`` queued records; flag those at or above the threshold."""
    items = list(
        session.scalars(
            select(ScreeningQueueItem)
            .where(ScreeningQueueItem.processed_at.is_(None))
            .order_by(ScreeningQueueItem.id)
            .limit(limit)
        )
    )
    if not items:
        return QueueSummary(0, 0)
    crime_ids = {i.record_id for i in items if i.record_type == QueuedRecordType.CRIME}
    incident_ids = {i.record_id for i in items if i.record_type == QueuedRecordType.INCIDENT}
    texts: dict[tuple[str, int], str] = {}
    if crime_ids:
        for cid, narrative in session.execute(
            select(Crime.id, Crime.narrative).where(Crime.id.in_(crime_ids))
        ):
            texts[("crime", cid)] = narrative or ""
    if incident_ids:
        for iid, narrative in session.execute(
            select(Incident.id, Incident.narrative).where(Incident.id.in_(incident_ids))
        ):
            texts[("incident", iid)] = narrative or ""
    # A crime already holding stalking (principal or included) is not hidden stalking: screened,
    # but not flagged.
    recorded = (
        set(
            session.scalars(
                select(CrimeClassification.crime_id)
                .join(Classification, Classification.id == CrimeClassification.classification_id)
                .where(CrimeClassification.crime_id.in_(crime_ids), Classification.code == STALKING)
            )
        )
        if crime_ids
        else set()
    )
    # Likewise an incident whose crime already holds stalking.
    recorded_incidents = (
        set(
            session.scalars(
                select(Crime.incident_id)
                .join(CrimeClassification, CrimeClassification.crime_id == Crime.id)
                .join(Classification, Classification.id == CrimeClassification.classification_id)
                .where(Crime.incident_id.in_(incident_ids), Classification.code == STALKING)
            )
        )
        if incident_ids
        else set()
    )
    keys = sorted({(i.record_type.value, i.record_id) for i in items} & set(texts))
    results = _screener().screen([texts[k] for k in keys]) if keys else []
    flagged = 0
    now = utcnow()
    for (rtype, rid), res in zip(keys, results, strict=True):
        if not res.flagged or rid in (recorded if rtype == "crime" else recorded_incidents):
            continue
        existing = session.scalar(
            select(ScreeningFlag).where(
                ScreeningFlag.record_type == FlagRecordType(rtype),
                ScreeningFlag.record_id == rid,
                ScreeningFlag.method == FlagMethod.TEXT,
            )
        )
        if existing is not None:
            continue
        session.add(
            ScreeningFlag(
                record_type=FlagRecordType(rtype),
                record_id=rid,
                score=res.score,
                method=FlagMethod.TEXT,
                indicators=";".join(res.indicators),
                evidence=res.evidence_json(),
                needs_human=res.needs_human,
                status=FlagStatus.OPEN,
                created_at=now,
            )
        )
        flagged += 1
    for item in items:
        item.processed_at = now
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="screening.run",
        entity_type="screening_queue",
        summary=f"Screened {len(items)} queued records; {flagged} flagged for review",
        changes={"processed": len(items), "flagged": flagged},
    )
    return QueueSummary(len(items), flagged)


def get_flag(*, session: Session, actor: Actor, flag_id: int) -> ScreeningFlag:
    actor.require(Action.SCREENING_VIEW)
    flag = session.get(ScreeningFlag, flag_id)
    if flag is None:
        raise NotFound("No such screening flag.")
    # The record itself is fetched through its own service, so its access rules apply.
    if flag.record_type == FlagRecordType.CRIME:
        crimes_service.get_crime_for_actor(
            session=session, actor=actor, crime_id=flag.record_id, audit_read=False
        )
    return flag


def list_flags(
    *,
    session: Session,
    actor: Actor,
    status: FlagStatus | None = None,
    min_score: float | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[ScreeningFlag], int]:
    actor.require(Action.SCREENING_VIEW)
    stmt = select(ScreeningFlag)
    if status is not None:
        stmt = stmt.where(ScreeningFlag.status == status)
    if min_score is not None:
        stmt = stmt.where(ScreeningFlag.score >= min_score)
    from sqlalchemy import func

    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(ScreeningFlag.score.desc(), ScreeningFlag.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(rows), int(total)


def _decide(flag: ScreeningFlag, actor: Actor, status: FlagStatus, reason: str) -> None:
    if flag.status != FlagStatus.OPEN:
        raise Conflict(f"This flag was already {flag.status.value}.")
    flag.status = status
    flag.decided_by_id = actor.user_id
    flag.decided_by_name = actor.username
    flag.decided_at = utcnow()
    flag.reason = reason


def confirm_flag(
    *, session: Session, actor: Actor, flag_id: int, reason: str, as_principal: bool = False
) -> ScreeningFlag:
    """Confirm: a crime gains 8Q (principal or included, the registrar's choice) with the reason
    kept in its classification history; an incident is marked for a crime to be raised."""
    actor.require(Action.SCREENING_REVIEW)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid("Give a reason for confirming.", {"reason": "at least 5 characters"})
    flag = get_flag(session=session, actor=actor, flag_id=flag_id)
    if flag.status != FlagStatus.OPEN:
        raise Conflict(f"This flag was already {flag.status.value}.")
    if flag.record_type == FlagRecordType.CRIME:
        crime = crimes_service.get_crime_for_actor(
            session=session, actor=actor, crime_id=flag.record_id, audit_read=False
        )
        current = {cc.classification.code: cc.is_principal for cc in crime.classifications}
        wanted = {code: principal and not as_principal for code, principal in current.items()}
        wanted[STALKING] = as_principal or current.get(STALKING, False)
        if wanted != current:
            crimes_service.reclassify_crime(
                session=session,
                actor=actor,
                crime_id=crime.id,
                data={
                    "classifications": [{"code": c, "principal": p} for c, p in wanted.items()],
                    "reason": f"Screening flag {flag.id} confirmed: {reason}",
                },
            )
    _decide(flag, actor, FlagStatus.CONFIRMED, reason)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.SCREENING_REVIEW,
        entity_type="screening_flag",
        entity_id=flag.id,
        summary=f"Confirmed screening flag {flag.id} on {flag.record_type.value} "
        f"{flag.record_id}" + (" (8Q principal)" if as_principal else ""),
        changes={"status": "confirmed", "reason": reason, "as_principal": as_principal},
    )
    return flag


def dismiss_flag(*, session: Session, actor: Actor, flag_id: int, reason: str) -> ScreeningFlag:
    actor.require(Action.SCREENING_REVIEW)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid("Give a reason for dismissing.", {"reason": "at least 5 characters"})
    flag = get_flag(session=session, actor=actor, flag_id=flag_id)
    _decide(flag, actor, FlagStatus.DISMISSED, reason)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.SCREENING_REVIEW,
        entity_type="screening_flag",
        entity_id=flag.id,
        summary=f"Dismissed screening flag {flag.id} on {flag.record_type.value} {flag.record_id}",
        changes={"status": "dismissed", "reason": reason},
    )
    return flag


@dataclass
class FlagDetail:
    flag: ScreeningFlag
    reference: str
    narrative: str
    # The narrative cut into (text, indicators) pieces; indicators is empty outside evidence.
    segments: list[tuple[str, list[str]]]
    people: list[Any]
    classifications: list[tuple[str, bool]]


def _segments(narrative: str, evidence: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    from patternwatch.screening.text import Evidence, merge_spans

    # Only spans that still match the text (a narrative edited after screening drops them);
    # a series flag's evidence describes other records and has no spans here.
    valid = [
        Evidence(str(e["indicator"]), int(e["start"]), int(e["end"]), str(e["text"]))
        for e in evidence
        if "start" in e and narrative[int(e["start"]) : int(e["end"])] == e["text"]
    ]
    out: list[tuple[str, list[str]]] = []
    pos = 0
    for start, end, codes in merge_spans(valid):
        if start > pos:
            out.append((narrative[pos:start], []))
        out.append((narrative[start:end], codes))
        pos = end
    if pos < len(narrative):
        out.append((narrative[pos:], []))
    return out


def flag_detail(*, session: Session, actor: Actor, flag_id: int) -> FlagDetail:
    """A flag with its record's narrative (evidence marked) and people; audited as a read."""
    from patternwatch.incidents import service as incidents_service
    from patternwatch.people import service as people_service

    flag = get_flag(session=session, actor=actor, flag_id=flag_id)
    classifications: list[tuple[str, bool]] = []
    if flag.record_type == FlagRecordType.CRIME:
        crime = crimes_service.get_crime_for_actor(
            session=session, actor=actor, crime_id=flag.record_id
        )
        reference, narrative = crime.reference, crime.narrative or ""
        people = people_service.involvements_for(session=session, crime_id=crime.id)
        classifications = sorted(
            ((cc.classification.code, cc.is_principal) for cc in crime.classifications),
            key=lambda c: (not c[1], c[0]),
        )
    else:
        incident = incidents_service.get_incident_for_actor(
            session=session, actor=actor, incident_id=flag.record_id
        )
        reference, narrative = incident.reference, incident.narrative or ""
        people = people_service.involvements_for(session=session, incident_id=incident.id)
    audit.record(
        session=session,
        actor=actor,
        action=Action.SCREENING_VIEW,
        entity_type="screening_flag",
        entity_id=flag.id,
        summary=f"Viewed screening flag {flag.id} on {flag.record_type.value} {reference}",
    )
    return FlagDetail(
        flag=flag,
        reference=reference,
        narrative=narrative,
        segments=_segments(narrative, list(flag.evidence or [])),
        people=people,
        classifications=classifications,
    )


@dataclass(frozen=True, slots=True)
class MeasureRow:
    month: str
    method: str
    raised: int
    confirmed: int
    dismissed: int
    open: int


def measures(*, session: Session, actor: Actor) -> list[MeasureRow]:
    """Flags raised, confirmed, dismissed and still open, by method and month raised."""
    from patternwatch.timeutil import local

    actor.require(Action.SCREENING_VIEW)
    counts: dict[tuple[str, str], dict[FlagStatus, int]] = {}
    for created_at, method, status in session.execute(
        select(ScreeningFlag.created_at, ScreeningFlag.method, ScreeningFlag.status)
    ):
        key = (f"{local(created_at):%Y-%m}", method.value)
        bucket = counts.setdefault(key, dict.fromkeys(FlagStatus, 0))
        bucket[status] += 1
    return [
        MeasureRow(
            month=month,
            method=method,
            raised=sum(b.values()),
            confirmed=b[FlagStatus.CONFIRMED],
            dismissed=b[FlagStatus.DISMISSED],
            open=b[FlagStatus.OPEN],
        )
        for (month, method), b in sorted(counts.items(), reverse=True)
    ]
