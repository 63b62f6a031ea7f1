"""Record, read and list incidents."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, NotFound
from patternwatch.errors import validated as _validate
from patternwatch.incidents.models import Incident
from patternwatch.incidents.schemas import IncidentCreate, IncidentFilter, IncidentUpdate
from patternwatch.timeutil import day_start_utc


def create_incident(
    *, session: Session, actor: Actor, data: IncidentCreate | dict[str, Any]
) -> Incident:
    """Record an incident (a call for service or other report)."""
    actor.require(Action.INCIDENT_CREATE)
    data = _validate(IncidentCreate, data, "The incident could not be recorded")
    if data.reference and session.scalar(
        select(Incident.id).where(Incident.reference == data.reference)
    ):
        raise Conflict(f"An incident with reference {data.reference} already exists.")
    incident = Incident(
        **data.model_dump(exclude={"reference"}),
        reference=data.reference or f"pending-{uuid.uuid4().hex}",
        created_by_id=actor.user_id,
    )
    session.add(incident)
    session.flush()
    if not data.reference:
        incident.reference = f"INC/{data.received_at:%y%m%d}/{incident.id:06d}"
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.INCIDENT_CREATE,
        entity_type="incident",
        entity_id=incident.id,
        summary=f"Recorded incident {incident.reference}",
    )
    # Queued, not screened inline: `patternwatch screening run` screens it (docs/screening.md).
    from patternwatch.screening import service as screening_service  # noqa: PLC0415 - cycle

    screening_service.enqueue_new(session, actor, "incident", incident.id)
    return incident


def update_incident(
    *, session: Session, actor: Actor, incident_id: int, data: IncidentUpdate | dict[str, Any]
) -> Incident:
    """Change an incident's details."""
    actor.require(Action.INCIDENT_EDIT)
    incident = get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id, audit_read=False
    )
    data = _validate(IncidentUpdate, data, "The incident could not be saved")
    changed = []
    for name, value in data.model_dump(exclude={"reference"}).items():
        if getattr(incident, name) != value:
            setattr(incident, name, value)
            changed.append(name)
    if changed:
        incident.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action=Action.INCIDENT_EDIT,
            entity_type="incident",
            entity_id=incident.id,
            summary=f"Edited incident {incident.reference}: {', '.join(changed)}",
            changes={"fields": changed},
        )
    return incident


def get_incident_for_actor(
    *, session: Session, actor: Actor, incident_id: int, audit_read: bool = True
) -> Incident:
    """An incident, audited as a read."""
    actor.require(Action.INCIDENT_VIEW)
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"Incident {incident_id} was not found.")
    if audit_read:
        audit.record(
            session=session,
            actor=actor,
            action=Action.INCIDENT_VIEW,
            entity_type="incident",
            entity_id=incident.id,
            summary=f"Viewed incident {incident.reference}",
        )
    return incident


def crimes_from_incident(*, session: Session, actor: Actor, incident_id: int) -> list[Crime]:
    """Crimes raised from the incident that the actor may see."""
    if not actor.can(Action.CRIME_VIEW):
        return []
    stmt = crimes_service.scope(select(Crime).where(Crime.incident_id == incident_id), actor)
    return list(session.scalars(stmt.order_by(Crime.reported_at)))


@dataclass(frozen=True, slots=True)
class IncidentPage:
    total: int
    items: list[Incident]


def list_incidents(
    *, session: Session, actor: Actor, filters: IncidentFilter | dict[str, Any]
) -> IncidentPage:
    """Incidents newest first, filtered by text, date and status."""
    actor.require(Action.INCIDENT_VIEW)
    filters = _validate(IncidentFilter, filters, "The search could not be run")
    stmt = select(Incident)
    if filters.text:
        needle = filters.text.lower()
        stmt = stmt.where(
            or_(
                func.lower(Incident.reference).contains(needle, autoescape=True),
                func.lower(Incident.narrative).contains(needle, autoescape=True),
            )
        )
    if filters.date_from:
        stmt = stmt.where(Incident.received_at >= day_start_utc(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(Incident.received_at < day_start_utc(filters.date_to + timedelta(days=1)))
    if filters.status:
        stmt = stmt.where(Incident.status == filters.status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Incident.received_at.desc(), Incident.id.desc())
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    return IncidentPage(total=total, items=list(rows))
