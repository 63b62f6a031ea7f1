"""Victim care forms on the safeguarding page: referral status changes and victim feedback."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.orders.service import today
from patternwatch.victim_care import service as vc
from patternwatch.victim_care.models import Referral, VictimFeedback
from tests.factories import make_crime
from tests.helpers import login, post_form, soup


def _referral(session, personas, *, safe_to_contact: bool = True):  # type: ignore[no-untyped-def]
    officer = personas[Role.VICTIM_CARE].actor
    crime = make_crime(session, personas[Role.INVESTIGATOR].actor, principal="8Q")
    vc.submit_needs_assessment(
        session=session,
        actor=officer,
        crime_id=crime.id,
        data={"safe_to_contact": safe_to_contact, "safe_contact_notes": "Suspect reads her phone"},
    )
    referral = vc.create_referral(
        session=session,
        actor=officer,
        crime_id=crime.id,
        data={"service": "paladin", "referred_on": today() - timedelta(days=5)},
    )
    session.commit()
    return crime, referral


def _audit_count(session, crime_id: int, summary: str) -> int:  # type: ignore[no-untyped-def]
    return len(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "victim_care.edit",
                AuditEvent.entity_id == crime_id,
                AuditEvent.summary.like(f"{summary}%"),
            )
        ).all()
    )


def test_referral_suspended_needs_a_reason(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    crime, referral = _referral(session, personas, safe_to_contact=False)
    login(client, personas[Role.VICTIM_CARE])
    url = f"/crimes/{crime.id}/safeguarding"
    key = f"referral-{referral.id}"

    page = soup(client.get(url).text)
    assert "Suspect reads her phone" in page.select_one('[data-testid="referral-unsafe"]').text
    item = page.select_one('[data-testid="referral"]')
    assert item["data-status"] == "referred"
    form = item.select_one('[data-testid="referral-status-form"]')
    assert form["action"] == f"/crimes/{crime.id}/victim-care/referrals/{referral.id}/status"
    for field in form.select("input:not([type=hidden]), select"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None
    assert [o["value"] for o in form.select("select option")] == [
        "accepted",
        "declined",
        "suspended",
    ]

    on = today().isoformat()
    no_reason = post_form(client, form["action"], {"status": "suspended", "status_on": on})
    assert no_reason.status_code == 422
    page = soup(no_reason.text)
    assert page.select_one(f'[data-testid="error-summary"] a[href="#f-{key}-reason"]') is not None
    assert page.select_one(f"#f-{key}-status option[selected]")["value"] == "suspended"
    assert page.select_one(f"#f-{key}-status_on")["value"] == on

    suspended = post_form(
        client,
        form["action"],
        {"status": "suspended", "status_on": on, "reason": "Unsafe to contact"},
    )
    assert suspended.status_code == 303
    assert suspended.headers["location"].endswith("#victim-care")
    item = soup(client.get(url).text).select_one('[data-testid="referral"]')
    assert item["data-status"] == "suspended" and "Unsafe to contact" in item.text
    assert _audit_count(session, crime.id, "Referral to Paladin") == 1

    accepted = post_form(client, form["action"], {"status": "accepted", "status_on": on})
    assert accepted.status_code == 303
    session.expire_all()
    row = session.get(Referral, referral.id)
    assert row is not None and row.status.value == "accepted"


def test_referral_status_refusals(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    crime, referral = _referral(session, personas)
    login(client, personas[Role.INVESTIGATOR])
    action = f"/crimes/{crime.id}/victim-care/referrals/{referral.id}/status"
    key = f"referral-{referral.id}"

    early = (referral.referred_on - timedelta(days=1)).isoformat()
    before = post_form(client, action, {"status": "accepted", "status_on": early})
    assert before.status_code == 422
    assert soup(before.text).select_one(f'a[href="#f-{key}-status_on"]') is not None

    future = (today() + timedelta(days=1)).isoformat()
    ahead = post_form(client, action, {"status": "accepted", "status_on": future})
    assert ahead.status_code == 422
    assert "future" in soup(ahead.text).select_one('[data-testid="error-message"]').text

    back = post_form(client, action, {"status": "referred", "status_on": today().isoformat()})
    assert back.status_code == 422
    assert soup(back.text).select_one(f'a[href="#f-{key}-status"]') is not None

    blank = post_form(client, action, {"status": "accepted", "status_on": ""})
    assert blank.status_code == 422
    assert soup(blank.text).select_one(f'a[href="#f-{key}-status_on"]') is not None

    # A referral on another crime is not found through this crime.
    other = make_crime(session, personas[Role.INVESTIGATOR].actor, principal="8Q")
    session.commit()
    elsewhere = post_form(
        client,
        f"/crimes/{other.id}/victim-care/referrals/{referral.id}/status",
        {"status": "accepted", "status_on": today().isoformat()},
    )
    assert elsewhere.status_code == 404
    session.expire_all()
    row = session.get(Referral, referral.id)
    assert row is not None and row.status.value == "referred"
    assert client.get(action).status_code == 405


def test_feedback_recorded_and_refused(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, personas[Role.INVESTIGATOR].actor, principal="8Q")
    session.commit()
    login(client, personas[Role.VICTIM_CARE])
    url = f"/crimes/{crime.id}/safeguarding"
    action = f"/crimes/{crime.id}/victim-care/feedback"

    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="feedback-none"]') is not None
    form = page.select_one('[data-testid="feedback-form"]')
    assert form["action"] == action
    for field in form.select("input:not([type=hidden]), textarea"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None

    blank = post_form(client, action, {"received_on": "", "comments": "Kept on re-display"})
    assert blank.status_code == 422
    page = soup(blank.text)
    assert page.select_one('[data-testid="error-summary"] a[href="#f-feedback-received_on"]')
    assert page.select_one("#f-feedback-comments").text == "Kept on re-display"

    future = (today() + timedelta(days=1)).isoformat()
    ahead = post_form(client, action, {"received_on": future})
    assert ahead.status_code == 422
    assert soup(ahead.text).select_one('a[href="#f-feedback-received_on"]') is not None

    odd = post_form(client, action, {"received_on": today().isoformat(), "satisfied": "maybe"})
    assert odd.status_code == 422
    assert soup(odd.text).select_one('a[href="#f-feedback-satisfied"]') is not None
    session.expire_all()
    assert not session.scalars(
        select(VictimFeedback).where(VictimFeedback.crime_id == crime.id)
    ).all()

    done = post_form(
        client,
        action,
        {"received_on": today().isoformat(), "satisfied": "no", "comments": "Nobody called back"},
    )
    assert done.status_code == 303
    unsaid = post_form(client, action, {"received_on": today().isoformat(), "satisfied": ""})
    assert unsaid.status_code == 303
    rows = soup(client.get(url).text).select('[data-testid="feedback-row"]')
    assert len(rows) == 2
    assert "No" in rows[0].text and "Nobody called back" in rows[0].text
    assert "Not said" in rows[1].text
    assert _audit_count(session, crime.id, "Victim feedback recorded") == 2


def test_roles_without_victim_care_edit_are_refused(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    crime, referral = _referral(session, personas)
    url = f"/crimes/{crime.id}/safeguarding"
    status = f"/crimes/{crime.id}/victim-care/referrals/{referral.id}/status"
    feedback = f"/crimes/{crime.id}/victim-care/feedback"
    on = today().isoformat()

    for role in (Role.ANALYST, Role.CALL_HANDLER):
        login(client, personas[role])
        page = soup(client.get(url).text)
        assert page.select_one('[data-testid="referral"]') is not None  # may read
        assert page.select_one('[data-testid="referral-status-form"]') is None
        assert page.select_one('[data-testid="feedback-form"]') is None
        assert post_form(client, status, {"status": "accepted", "status_on": on}).status_code == 403
        assert post_form(client, feedback, {"received_on": on}).status_code == 403

    login(client, personas[Role.PARTNER])
    assert post_form(client, feedback, {"received_on": on}).status_code == 403
    session.expire_all()
    row = session.get(Referral, referral.id)
    assert row is not None and row.status.value == "referred"
    assert not session.scalars(
        select(VictimFeedback).where(VictimFeedback.crime_id == crime.id)
    ).all()
