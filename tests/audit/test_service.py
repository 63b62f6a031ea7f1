"""The audit service on a real database: appends chain, and raw tampering is found and named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action
from patternwatch.audit import service
from patternwatch.audit.models import AuditChainHead, AuditEvent
from patternwatch.errors import Forbidden


@pytest.fixture()
def actor(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.INVESTIGATOR)


def _record_some(session: Session, actor: Actor, n: int = 4) -> list[AuditEvent]:
    return [
        service.record(
            session=session,
            actor=actor,
            action=Action.CRIME_VIEW,
            entity_type="crime",
            entity_id=900_000 + i,
            summary=f"Viewed crime {i}",
            changes={"i": i},
        )
        for i in range(n)
    ]


def test_record_appends_to_the_chain(session: Session, actor: Actor) -> None:
    before = session.get(AuditChainHead, service.HEAD_ID)
    assert before is not None  # the personas' creation already wrote events
    start_seq, start_hash = before.last_seq, before.last_hash
    events = _record_some(session, actor, 3)
    assert [e.seq for e in events] == [start_seq + 1, start_seq + 2, start_seq + 3]
    assert events[0].prev_hash == start_hash
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = session.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
            AuditChainHead.id == service.HEAD_ID
        )
    ).one()
    assert tuple(head) == (events[-1].seq, events[-1].hash)
    event = events[0]
    assert (event.actor_id, event.actor_name, event.actor_role, event.channel) == (
        actor.user_id,
        "investigator",
        "investigator",
        actor.channel,
    )
    result = service.verify(session=session)
    assert result.ok, result
    assert result.checked == events[-1].seq


def test_changes_survive_the_database_round_trip(session: Session, actor: Actor) -> None:
    # What the database hands back must hash the same as what was hashed at record().
    service.record(
        session=session,
        actor=actor,
        action=Action.CRIME_EDIT,
        summary="Edited – with “quotes” and ünïcode",
        entity_type="crime",
        entity_id=1,
        changes={
            "reported_at": {"from": datetime(2025, 3, 1, 10, tzinfo=UTC), "to": None},
            "latitude": {"from": 51.752, "to": -0.336},
            "codes": ("8Q", "8L"),
            "nested": {"b": [1, 2, {"c": True}], "a": "x"},
        },
    )
    session.expire_all()  # read every event back from the database
    assert service.verify(session=session).ok


def _tamper(session: Session, sql: str, **params: Any) -> None:
    session.execute(text(sql), params)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Nothing happened here"),
        ("actor_name", "supervisor"),
        ("entity_id", 1),
        ("action", "crime.search"),
    ],
)
def test_raw_update_is_named(session: Session, actor: Actor, column: str, value: Any) -> None:
    events = _record_some(session, actor)
    target = events[1]
    _tamper(session, f"UPDATE audit_event SET {column} = :v WHERE id = :id", v=value, id=target.id)
    result = service.verify(session=session)
    assert not result.ok
    assert (result.bad_seq, result.bad_event_id) == (target.seq, target.id)
    assert "altered" in (result.reason or "")


def test_raw_delete_of_a_middle_event_is_named(session: Session, actor: Actor) -> None:
    events = _record_some(session, actor)
    target = events[1]
    _tamper(session, "DELETE FROM audit_event WHERE id = :id", id=target.id)
    result = service.verify(session=session)
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "missing" in (result.reason or "")


def test_raw_delete_of_the_last_event_is_named(session: Session, actor: Actor) -> None:
    events = _record_some(session, actor)
    target = events[-1]
    _tamper(session, "DELETE FROM audit_event WHERE id = :id", id=target.id)
    result = service.verify(session=session)
    assert not result.ok
    assert result.bad_seq == target.seq
    assert "removed" in (result.reason or "")


def test_rewriting_the_tail_and_head_hash_still_leaves_the_count(
    session: Session, actor: Actor
) -> None:
    events = _record_some(session, actor)
    last = events[-1]
    _tamper(session, "DELETE FROM audit_event WHERE id = :id", id=last.id)
    _tamper(session, "UPDATE audit_chain_head SET last_hash = :h", h=events[-2].hash)
    result = service.verify(session=session)
    assert (result.ok, result.bad_seq) == (False, last.seq)


def test_list_events_filters_and_needs_audit_view(session: Session, actor: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    events = _record_some(session, actor, 3)
    supervisor = actor_of(Role.SUPERVISOR)
    page = service.list_events(
        session=session, actor=supervisor, entity_type="crime", entity_id=events[1].entity_id
    )
    assert page.total == 1
    assert [e.id for e in page.items] == [events[1].id]
    page = service.list_events(
        session=session, actor=supervisor, actor_name="investigator", limit=2
    )
    assert [e.seq for e in page.items] == [events[2].seq, events[1].seq]  # newest first
    total = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_name == "investigator")
    )
    assert page.total == total
    for role in (Role.INVESTIGATOR, Role.ANALYST, Role.PARTNER):
        with pytest.raises(Forbidden):
            service.list_events(session=session, actor=actor_of(role))
    assert service.list_events(session=session, actor=actor_of(Role.ADMIN)).total >= 3
