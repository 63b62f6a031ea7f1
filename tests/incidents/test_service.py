"""Incident service rules: recording, editing, reading, listing, crimes raised, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.audit.models import AuditEvent
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound
from patternwatch.incidents import service
from patternwatch.incidents.enums import IncidentSource, IncidentStatus
from patternwatch.incidents.models import Incident
from tests.factories import make_crime, make_incident


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def _events_after(session: Session, seq: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )


def _one_event_after(session: Session, seq: int) -> AuditEvent:
    events = _events_after(session, seq)
    assert len(events) == 1, [(e.action, e.summary) for e in events]
    return events[0]


def _incident_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "INC-SVC-1",
        "received_at": datetime(2025, 2, 28, 21, 30, tzinfo=UTC),
        "source": "999",
        "narrative": "  Caller says her ex-partner is outside again.  ",
    }
    data.update(overrides)
    return data


def _as_update(incident: Incident, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(incident, name)
        for name in (
            "received_at",
            "source",
            "status",
            "location_text",
            "latitude",
            "longitude",
            "lsoa_code",
            "district",
            "narrative",
        )
    }
    data.update(changes)
    return data


@pytest.fixture()
def handler(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.CALL_HANDLER)


def test_create_incident_and_audit(session: Session, handler: Actor) -> None:
    seq = _max_seq(session)
    incident = service.create_incident(session=session, actor=handler, data=_incident_data())
    assert incident.reference == "INC-SVC-1"
    assert incident.source is IncidentSource.EMERGENCY_CALL
    assert incident.status is IncidentStatus.OPEN
    assert incident.narrative == "Caller says her ex-partner is outside again."
    assert incident.created_by_id == handler.user_id
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.INCIDENT_CREATE.value,
        "incident",
        incident.id,
    )


def test_create_incident_generates_a_reference(session: Session, handler: Actor) -> None:
    incident = service.create_incident(
        session=session,
        actor=handler,
        data=_incident_data(reference=None, received_at=datetime(2025, 2, 28, 9, 0)),
    )
    assert incident.reference == f"INC/250228/{incident.id:06d}"
    # A naive time is London wall-clock time (GMT in February).
    assert incident.received_at == datetime(2025, 2, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"narrative": ""}, "narrative"),
        ({"narrative": "   "}, "narrative"),
        ({"received_at": None}, "received_at"),
        ({"source": "carrier pigeon"}, "source"),
        ({"latitude": 51.7}, "latitude and longitude"),
        ({"reference": "!!"}, "reference"),
    ],
)
def test_create_incident_rejects(
    session: Session, handler: Actor, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        service.create_incident(session=session, actor=handler, data=_incident_data(**overrides))


def test_duplicate_incident_reference_is_conflict(session: Session, handler: Actor) -> None:
    service.create_incident(session=session, actor=handler, data=_incident_data())
    with pytest.raises(Conflict, match="INC-SVC-1"):
        service.create_incident(session=session, actor=handler, data=_incident_data())


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_create_incident_needs_incident_create(session: Session, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    if can(role, Action.INCIDENT_CREATE):
        assert service.create_incident(session=session, actor=actor_of(role), data=_incident_data())
    else:
        with pytest.raises(Forbidden):
            service.create_incident(session=session, actor=actor_of(role), data=_incident_data())


def test_update_incident_audits_changed_fields(session: Session, handler: Actor) -> None:
    incident = make_incident(session, handler)
    seq = _max_seq(session)
    service.update_incident(
        session=session,
        actor=handler,
        incident_id=incident.id,
        data=_as_update(incident, status="closed", location_text="Hatfield"),
    )
    assert incident.status is IncidentStatus.CLOSED
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.INCIDENT_EDIT.value, incident.id)
    assert sorted(event.changes["fields"]) == ["location_text", "status"]
    # Saving it unchanged writes nothing.
    seq = _max_seq(session)
    service.update_incident(
        session=session, actor=handler, incident_id=incident.id, data=_as_update(incident)
    )
    assert _events_after(session, seq) == []


def test_update_incident_rules(session: Session, handler: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(session, handler)
    with pytest.raises(Invalid, match="narrative"):
        service.update_incident(
            session=session,
            actor=handler,
            incident_id=incident.id,
            data=_as_update(incident, narrative=""),
        )
    with pytest.raises(Forbidden):
        service.update_incident(
            session=session,
            actor=actor_of(Role.ANALYST),
            incident_id=incident.id,
            data=_as_update(incident),
        )
    with pytest.raises(NotFound):
        service.update_incident(
            session=session, actor=handler, incident_id=999_999_999, data=_as_update(incident)
        )


def test_get_incident_audits_the_read(session: Session, handler: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(session, handler)
    analyst = actor_of(Role.ANALYST)
    seq = _max_seq(session)
    assert service.get_incident_for_actor(session=session, actor=analyst, incident_id=incident.id)
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.INCIDENT_VIEW.value,
        "incident",
        incident.id,
    )
    with pytest.raises(Forbidden):
        service.get_incident_for_actor(
            session=session, actor=actor_of(Role.PARTNER), incident_id=incident.id
        )
    with pytest.raises(NotFound):
        service.get_incident_for_actor(session=session, actor=analyst, incident_id=999_999_999)


@pytest.fixture()
def incidents(session: Session, handler: Actor) -> None:
    make_incident(
        session,
        handler,
        reference="L-1",
        received_at=datetime(2025, 3, 31, 23, 30, tzinfo=UTC),  # 1 April 00:30 BST
        narrative="Flowers left on the doorstep",
    )
    make_incident(
        session,
        handler,
        reference="L-2",
        received_at=datetime(2025, 3, 31, 22, 30, tzinfo=UTC),  # 31 March 23:30 BST
        narrative="Unknown car parked outside",
        status="closed",
    )


@pytest.mark.usefixtures("incidents")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["L-1", "L-2"]),
        ({"text": "FLOWERS"}, ["L-1"]),
        ({"text": "l-2"}, ["L-2"]),
        ({"date_from": date(2025, 4, 1)}, ["L-1"]),
        ({"date_to": date(2025, 3, 31)}, ["L-2"]),
        ({"status": "closed"}, ["L-2"]),
        ({"limit": 1}, ["L-1"]),
    ],
)
def test_list_incidents(
    session: Session, handler: Actor, filters: dict[str, Any], expected: list[str]
) -> None:
    page = service.list_incidents(session=session, actor=handler, filters=filters)
    assert [i.reference for i in page.items if i.reference.startswith("L-")] == expected


def test_list_incidents_needs_incident_view(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        service.list_incidents(session=session, actor=actor_of(Role.PARTNER), filters={})


def test_crimes_from_incident_are_scoped(session: Session, handler: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    sup = actor_of(Role.SUPERVISOR)
    incident = make_incident(session, handler)
    make_crime(session, inv, reference="FROM/OPEN", incident_id=incident.id)
    make_crime(
        session, sup, reference="FROM/RESTRICTED", incident_id=incident.id, is_restricted=True
    )
    make_crime(session, inv, reference="FROM/OTHER")

    def refs(actor: Actor) -> list[str]:
        crimes = service.crimes_from_incident(session=session, actor=actor, incident_id=incident.id)
        return sorted(c.reference for c in crimes)

    assert refs(inv) == ["FROM/OPEN"]
    assert refs(sup) == ["FROM/OPEN", "FROM/RESTRICTED"]
    assert refs(actor_of(Role.PARTNER)) == []
