"""Plain factory functions that create records through the services."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.incidents import service as incidents_service
from patternwatch.incidents.models import Incident
from patternwatch.people import service as people_service
from patternwatch.people.models import Involvement, Person

_seq = count(1)


def make_crime(
    session: Session,
    actor: Actor,
    *,
    principal: str = "8L",
    included: tuple[str, ...] = (),
    **overrides: Any,
) -> Crime:
    n = next(_seq)
    data: dict[str, Any] = {
        "reference": f"TEST/{n:06d}",
        "reported_at": datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        "classifications": [{"code": principal, "principal": True}]
        + [{"code": c, "principal": False} for c in included],
        "narrative": "Test narrative",
    }
    data.update(overrides)
    return crimes_service.create_crime(session=session, actor=actor, data=data)


def make_person(session: Session, actor: Actor, **overrides: Any) -> Person:
    n = next(_seq)
    data: dict[str, Any] = {"forename": "Alex", "surname": f"Tester{n}"}
    data.update(overrides)
    return people_service.create_person(session=session, actor=actor, data=data)


def make_incident(session: Session, actor: Actor, **overrides: Any) -> Incident:
    n = next(_seq)
    data: dict[str, Any] = {
        "reference": f"INC-TEST-{n:06d}",
        "received_at": datetime(2025, 2, 28, 21, 30, tzinfo=UTC),
        "narrative": "Caller reports ex-partner outside the address again.",
    }
    data.update(overrides)
    return incidents_service.create_incident(session=session, actor=actor, data=data)


def link(
    session: Session,
    actor: Actor,
    person: Person,
    *,
    role: str,
    crime: Crime | None = None,
    incident: Incident | None = None,
    relationship: str | None = None,
) -> Involvement:
    return people_service.add_involvement(
        session=session,
        actor=actor,
        data={
            "person_id": person.id,
            "role": role,
            "crime_id": crime.id if crime else None,
            "incident_id": incident.id if incident else None,
            "relationship": relationship,
        },
    )
