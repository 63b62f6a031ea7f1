"""Victim care service: rights as data, needs (superseding), updates due, referrals, feedback."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.errors import Forbidden, Invalid
from patternwatch.victim_care import service as vc
from tests.factories import make_crime


def test_twelve_rights_and_holidays_are_data(session) -> None:  # type: ignore[no-untyped-def]
    rights = vc.list_rights(session=session)
    assert [r.number for r in rights] == list(range(1, 13))
    assert "Victim Personal Statement" in rights[6].title
    holidays = vc.bank_holidays(session=session, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert date(2025, 4, 18) in holidays and date(2025, 12, 26) in holidays and len(holidays) == 8


def test_update_due_depends_on_enhanced_rights(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.VICTIM_CARE)
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8Q")
    standard = vc.record_update_owed(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"kind": "arrest", "event_on": date(2025, 4, 17)},
    )
    assert standard.due_on == date(2025, 4, 28)
    first = vc.submit_needs_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"enhanced_category": "persistently_targeted", "vps_offered": True},
    )
    enhanced = vc.record_update_owed(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"kind": "charge", "event_on": date(2025, 4, 17)},
    )
    assert enhanced.due_on == date(2025, 4, 22)
    second = vc.submit_needs_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"safe_to_contact": False, "safe_contact_notes": "Suspect reads her phone"},
    )
    assert first.superseded_at is not None and second.superseded_at is None
    owed = {u.id for u, _ in vc.updates_outstanding(session=session, actor=actor)}
    assert {standard.id, enhanced.id} <= owed
    vc.record_update_given(
        session=session,
        actor=actor,
        crime_id=crime.id,
        update_id=standard.id,
        data={"given_on": date(2025, 4, 22)},
    )
    owed = {u.id for u, _ in vc.updates_outstanding(session=session, actor=actor)}
    assert standard.id not in owed


def test_referrals_and_feedback(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.VICTIM_CARE)
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8Q")
    vc.submit_needs_assessment(session=session, actor=actor, crime_id=crime.id, data={})
    assert crime.id in {c.id for _, c, _ in vc.referrals_due(session=session, actor=actor)}
    referral = vc.create_referral(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"service": "paladin", "referred_on": date(2025, 3, 3)},
    )
    assert crime.id not in {c.id for _, c, _ in vc.referrals_due(session=session, actor=actor)}
    with pytest.raises(Invalid):
        vc.change_referral_status(
            session=session,
            actor=actor,
            crime_id=crime.id,
            referral_id=referral.id,
            data={"status": "suspended", "status_on": date(2025, 3, 4)},
        )
    vc.change_referral_status(
        session=session,
        actor=actor,
        crime_id=crime.id,
        referral_id=referral.id,
        data={"status": "suspended", "status_on": date(2025, 3, 4), "reason": "Unsafe to contact"},
    )
    vc.record_feedback(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"received_on": date(2025, 5, 1), "satisfied": True},
    )
    care = vc.victim_care_for(session=session, actor=actor, crime_id=crime.id)
    assert care.referrals[0].reason == "Unsafe to contact" and len(care.feedback) == 1
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "victim_care.edit", AuditEvent.entity_id == crime.id
        )
    ).all()
    assert len(events) == 4
    with pytest.raises(Forbidden):
        vc.record_feedback(
            session=session,
            actor=actor_of(Role.ANALYST),
            crime_id=crime.id,
            data={"received_on": date(2025, 5, 1)},
        )


@pytest.mark.parametrize(
    ("status", "status_on", "reason", "field"),
    [
        ("accepted", date(2025, 3, 3), "", None),
        ("declined", date(2025, 3, 4), "Victim declined support", None),
        ("declined", date(2025, 3, 4), "", "reason"),
        ("referred", date(2025, 3, 4), "", "status"),
        ("accepted", date(2025, 3, 2), "", "status_on"),  # before the referral
        ("accepted", date(2999, 1, 1), "", "status_on"),  # in the future
    ],
)
def test_referral_status_rules(session, actor_of, status, status_on, reason, field) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.VICTIM_CARE)
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8Q")
    referral = vc.create_referral(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"service": "isac_idva", "referred_on": date(2025, 3, 3)},
    )
    data = {"status": status, "status_on": status_on, "reason": reason}
    if field is None:
        changed = vc.change_referral_status(
            session=session, actor=actor, crime_id=crime.id, referral_id=referral.id, data=data
        )
        assert changed.status.value == status and changed.status_on == status_on
    else:
        with pytest.raises(Invalid) as exc:
            vc.change_referral_status(
                session=session, actor=actor, crime_id=crime.id, referral_id=referral.id, data=data
            )
        assert field in exc.value.field_errors
        assert referral.status.value == "referred"


def test_feedback_cannot_be_dated_ahead(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.VICTIM_CARE)
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8Q")
    with pytest.raises(Invalid) as exc:
        vc.record_feedback(
            session=session, actor=actor, crime_id=crime.id, data={"received_on": date(2999, 1, 1)}
        )
    assert "received_on" in exc.value.field_errors
