"""The stalking case walk-through at service level: what the inbox owes at each step."""

from __future__ import annotations

from datetime import UTC, date, datetime

from patternwatch.access.enums import Role
from patternwatch.orders import service as orders_service
from patternwatch.risk import service as risk_service
from patternwatch.risk.enums import RiskLevel
from patternwatch.tasks import service as tasks_service
from patternwatch.tasks.service import InboxScope, TaskKind
from patternwatch.victim_care import service as vc
from tests.factories import make_crime

ON = date(2025, 3, 3)


def kinds(items) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.kind.value for i in items]


def test_stalking_case_from_report_to_outcome(session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR].actor
    crime = make_crime(
        session, investigator, principal="8Q", officer_in_charge_id=investigator.user_id
    )
    other = make_crime(session, investigator, principal="8L", included=("8Q",))  # unallocated

    def inbox(actor=investigator, scope=InboxScope.MINE):  # type: ignore[no-untyped-def]
        items = tasks_service.inbox(session=session, actor=actor, on=ON, scope=scope)
        return [i for i in items if i.crime_id in (crime.id, other.id)]

    # Reported: screening and the SPO decision are owed.
    assert sorted(kinds(inbox())) == ["sdash", "spo_decision"]
    assert {i.crime_id for i in inbox(scope=InboxScope.UNALLOCATED)} == {other.id}

    # S-DASH: high risk; the screening task goes, a risk review is owed within 7 days.
    risk_service.submit_risk_assessment(
        session=session,
        actor=investigator,
        crime_id=crime.id,
        data={
            "tool": "s-dash",
            "answers": {f"q{i}": True for i in range(1, 12)},
            "review_due": date(2025, 3, 10),
        },
    )
    items = inbox()
    assert TaskKind.SDASH not in {i.kind for i in items}
    assert all(i.risk_level is RiskLevel.HIGH for i in items)
    assert "risk_review" in kinds(items)
    # Highest risk first across crimes.
    both = inbox(scope=InboxScope.ALL)
    assert both[0].crime_id == crime.id and both[-1].crime_id == other.id

    # The supervisor sees the high-risk case to review.
    supervisor = personas[Role.SUPERVISOR].actor
    assert "supervisor_review" in kinds(inbox(actor=supervisor, scope=InboxScope.ALL))

    # SPO: decision, then the order through to service; notification is owed.
    orders_service.record_spo_decision(
        session=session,
        actor=investigator,
        crime_id=crime.id,
        data={"decision": "apply", "rationale": "Fixated; continuing risk"},
    )
    assert "spo_decision" not in kinds(inbox())
    order = orders_service.create_order(
        session=session,
        actor=investigator,
        crime_id=crime.id,
        data={"order_type": "spo", "terms": [{"kind": "prohibition", "text": "No contact"}]},
    )
    for kind, extra in [
        ("authorised", {}),
        ("applied", {}),
        ("granted", {"end_date": date(2027, 3, 2)}),
        ("served", {}),
    ]:
        orders_service.record_order_event(
            session=session,
            actor=investigator,
            order_id=order.id,
            data={"kind": kind, "on": date(2025, 2, 24), **extra},
        )
    titles = [i.title for i in inbox()]
    assert any("Notification missed" in t for t in titles)

    # A breach: its own crime, in the course of conduct; the victim is owed an update.
    breach = orders_service.record_breach(
        session=session,
        actor=investigator,
        order_id=order.id,
        data={"occurred_at": datetime(2025, 3, 1, 19, tzinfo=UTC), "description": "At her work"},
    )
    assert breach.course_crime_id == crime.id
    orders_service.record_order_event(
        session=session,
        actor=investigator,
        order_id=order.id,
        data={"kind": "notification_received", "on": date(2025, 2, 26)},
    )
    update = vc.record_update_owed(
        session=session,
        actor=investigator,
        crime_id=crime.id,
        data={"kind": "arrest", "event_on": date(2025, 3, 1)},
    )
    items = inbox()
    assert "victim_update" in kinds(items)
    assert not any("Notification" in i.title for i in items)
    # Victim care sees the update owed on the investigator's crime.
    assert "victim_update" in kinds(inbox(actor=personas[Role.VICTIM_CARE].actor))
    vc.record_update_given(
        session=session,
        actor=investigator,
        crime_id=crime.id,
        update_id=update.id,
        data={"given_on": date(2025, 3, 3)},
    )

    # Outcome: allowed now the SPO decision is recorded; the case's reviews close.
    orders_service.record_crime_outcome(
        session=session, actor=investigator, crime_id=crime.id, code="1"
    )
    remaining = kinds(inbox())
    assert "risk_review" not in remaining and "victim_update" not in remaining
