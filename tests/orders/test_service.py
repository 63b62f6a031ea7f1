"""Orders service: SPO decisions, the SPO life cycle, breaches as crimes, the outcome rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes.enums import CrimeStatus
from patternwatch.crimes.models import Crime, CrimeClassification
from patternwatch.errors import Forbidden, Invalid, NotFound
from patternwatch.orders import service as orders_service
from patternwatch.orders.enums import OrderStatus
from tests.factories import make_crime


def test_spo_decision_required_before_outcome(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    for crime in (
        make_crime(session, actor, principal="8Q"),
        make_crime(session, actor, principal="8L", included=("8Q",)),
    ):
        with pytest.raises(Invalid) as exc:
            orders_service.record_crime_outcome(
                session=session, actor=actor, crime_id=crime.id, code="16"
            )
        assert "spo_decision" in exc.value.field_errors and "SPO decision" in exc.value.message
        orders_service.record_spo_decision(
            session=session,
            actor=actor,
            crime_id=crime.id,
            data={
                "decision": "not_applied",
                "rationale": "Suspect abroad; RO sought on conviction",
            },
        )
        done = orders_service.record_crime_outcome(
            session=session, actor=actor, crime_id=crime.id, code="16"
        )
        assert done.status is CrimeStatus.FINALISED and done.outcome_at is not None
    audited = session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == crime.id)
    ).all()
    assert "crime.outcome" in audited and "order.manage" in audited


def test_non_stalking_crime_takes_an_outcome(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8L")
    done = orders_service.record_crime_outcome(
        session=session, actor=actor, crime_id=crime.id, code="16"
    )
    assert done.status is CrimeStatus.FINALISED
    with pytest.raises(Invalid):
        orders_service.record_crime_outcome(
            session=session, actor=actor, crime_id=crime.id, code="nope"
        )


def test_spo_life_cycle(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8Q")
    order = orders_service.create_order(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={
            "order_type": "spo",
            "terms": [
                {"kind": "prohibition", "text": "No contact by any means"},
                {"kind": "requirement", "text": "Attend a perpetrator programme"},
            ],
        },
    )
    on = date(2025, 3, 3)

    def step(kind: str, **extra) -> None:  # type: ignore[no-untyped-def]
        orders_service.record_order_event(
            session=session, actor=actor, order_id=order.id, data={"kind": kind, "on": on, **extra}
        )

    assert orders_service.order_status(order, on) is OrderStatus.CONSIDERED
    step("authorised")
    step("interim_applied")
    step("interim_granted")
    assert orders_service.order_status(order, on) is OrderStatus.INTERIM_ACTIVE
    step("applied")
    with pytest.raises(Invalid) as exc:
        step("granted", start_date=date(2025, 4, 1), end_date=date(2026, 4, 1))
    assert "at least 2 years" in exc.value.message
    step("granted", start_date=date(2025, 4, 1), end_date=date(2027, 4, 1))
    step("served")
    assert orders_service.order_status(order, date(2025, 4, 2)) is OrderStatus.ACTIVE
    due = orders_service.orders_needing_attention(session=session, actor=actor, on=date(2025, 3, 7))
    assert [d.what for d in due if d.order.id == order.id] == ["Notification missed"]
    step("notification_received")
    step("varied", note="Exclusion zone widened")
    step("renewed", end_date=date(2029, 4, 1))
    loaded = orders_service.get_order_for_actor(session=session, actor=actor, order_id=order.id)
    assert loaded.end_date == date(2029, 4, 1) and len(loaded.terms) == 2
    assert [e.kind.value for e in loaded.events][-3:] == [
        "notification_received",
        "varied",
        "renewed",
    ]
    due = orders_service.orders_needing_attention(session=session, actor=actor, on=date(2025, 5, 1))
    assert [d.what for d in due if d.order.id == order.id] == ["Compliance check due"]
    orders_service.record_compliance_check(
        session=session,
        actor=actor,
        order_id=order.id,
        data={"checked_on": date(2025, 5, 1), "outcome": "compliant"},
    )
    due = orders_service.orders_needing_attention(session=session, actor=actor, on=date(2025, 5, 2))
    assert not [d for d in due if d.order.id == order.id]
    step("discharged")
    assert orders_service.order_status(order, date(2025, 5, 2)) is OrderStatus.DISCHARGED


def test_breach_is_its_own_crime_in_the_course_of_conduct(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    course = make_crime(session, actor, principal="8Q")
    order = orders_service.create_order(
        session=session,
        actor=actor,
        crime_id=course.id,
        data={
            "order_type": "spo",
            "granted_on": date(2025, 1, 1),
            "start_date": date(2025, 1, 1),
            "until_further_order": True,
        },
    )
    breach = orders_service.record_breach(
        session=session,
        actor=actor,
        order_id=order.id,
        data={"occurred_at": datetime(2025, 2, 1, 20, tzinfo=UTC), "description": "At the door"},
    )
    assert breach.course_crime_id == course.id and breach.breach_crime_id != course.id
    codes = session.scalars(
        select(CrimeClassification.classification_id).where(
            CrimeClassification.crime_id == breach.breach_crime_id
        )
    ).all()
    assert len(codes) == 1
    breach_crime = session.get(Crime, breach.breach_crime_id)
    assert breach_crime is not None and course.reference in breach_crime.narrative
    listed = orders_service.breaches_in_course(session=session, actor=actor, crime_id=course.id)
    assert [b.id for b in listed] == [breach.id]
    bail = orders_service.create_order(
        session=session, actor=actor, crime_id=course.id, data={"order_type": "bail_conditions"}
    )
    with pytest.raises(Invalid):
        orders_service.record_breach(
            session=session,
            actor=actor,
            order_id=bail.id,
            data={"occurred_at": datetime(2025, 2, 1, tzinfo=UTC), "description": "x"},
        )


def test_roles_and_scope(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8Q")
    with pytest.raises(Forbidden):
        orders_service.record_spo_decision(
            session=session,
            actor=actor_of(Role.VICTIM_CARE),
            crime_id=crime.id,
            data={"decision": "apply", "rationale": "x"},
        )
    with pytest.raises(NotFound):
        orders_service.get_order_for_actor(session=session, actor=actor, order_id=999_999)
    with pytest.raises(Invalid):
        orders_service.record_spo_decision(
            session=session,
            actor=actor,
            crime_id=crime.id,
            data={"decision": "apply", "rationale": " "},
        )


def test_stalking_without_spo_decision_flag(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8Q")
    ids = {
        c.id
        for c in orders_service.open_stalking_crimes_without_spo_decision(
            session=session, actor=actor
        )
    }
    assert crime.id in ids
    orders_service.record_spo_decision(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"decision": "apply", "rationale": "r"},
    )
    ids = {
        c.id
        for c in orders_service.open_stalking_crimes_without_spo_decision(
            session=session, actor=actor
        )
    }
    assert crime.id not in ids


@pytest.mark.parametrize(
    ("granted", "discharged", "checked", "refused_because"),
    [
        (date(2025, 1, 6), None, date(2025, 2, 1), None),
        (None, None, date(2025, 2, 1), "in force"),  # only considered
        (date(2025, 1, 6), date(2025, 1, 20), date(2025, 2, 1), "in force"),
        (date(2025, 1, 6), date(2025, 1, 20), date(2025, 1, 10), None),  # before discharge
        (date(2025, 1, 6), None, date(2999, 1, 1), "future"),
    ],
)
def test_compliance_check_only_on_an_order_in_force(  # type: ignore[no-untyped-def]
    session, actor_of, granted, discharged, checked, refused_because
) -> None:
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8Q")
    order = orders_service.create_order(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"order_type": "restraining", "granted_on": granted, "start_date": granted},
    )
    if discharged:
        orders_service.record_order_event(
            session=session,
            actor=actor,
            order_id=order.id,
            data={"kind": "discharged", "on": discharged},
        )
    data = {"checked_on": checked, "outcome": "compliant"}
    if refused_because is None:
        check = orders_service.record_compliance_check(
            session=session, actor=actor, order_id=order.id, data=data
        )
        assert check.checked_by_name == actor.username
        audit = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "protective_order", AuditEvent.entity_id == order.id
            )
        ).all()
        assert audit[-1].changes["compliance_check_id"] == check.id
    else:
        with pytest.raises(Invalid) as exc:
            orders_service.record_compliance_check(
                session=session, actor=actor, order_id=order.id, data=data
            )
        assert refused_because in exc.value.message and "checked_on" in exc.value.field_errors
