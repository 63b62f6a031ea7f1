"""Web walk-through: an investigator takes a stalking case from report to outcome, the inbox
showing what is owed at each step; and the pages for each role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.crimes.models import Crime
from patternwatch.orders.models import Breach, ProtectiveOrder
from patternwatch.orders.service import today
from tests.factories import make_crime, make_incident
from tests.helpers import login, post_form, soup


def task_kinds(client, crime_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get("/tasks?scope=mine")
    assert page.status_code == 200
    rows = soup(page.text).select('[data-testid="task"]')
    return [r["data-kind"] for r in rows if r["data-crime"] == str(crime_id)]


def test_investigator_walks_a_stalking_case(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(
        session, investigator.actor, principal="8Q", officer_in_charge_id=investigator.user_id
    )
    session.commit()
    login(client, investigator)
    base = f"/crimes/{crime.id}"

    # The call: the incident is graded with THRIVE on its page.
    incident = make_incident(session, investigator.actor)
    session.commit()
    graded = post_form(client, f"/incidents/{incident.id}/thrive", {"grade": "1", "threat": "Hi"})
    assert graded.status_code == 303
    thrive = soup(client.get(f"/incidents/{incident.id}").text)
    assert thrive.select_one('[data-testid="thrive-current"]')["data-grade"] == "1"

    # Report: the crime page links to safeguarding; screening and SPO decision are owed.
    detail = soup(client.get(base).text)
    assert detail.select_one('[data-testid="safeguarding-link"]') is not None
    assert sorted(task_kinds(client, crime.id)) == ["sdash", "spo_decision"]
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one('[data-testid="sdash-missing"]') is not None
    assert page.select_one('[data-testid="spo-missing"]') is not None

    # An outcome is refused until the SPO decision is recorded.
    refused = post_form(client, f"{base}/outcome", {"code": "16"})
    assert refused.status_code == 422
    assert "SPO decision" in soup(refused.text).select_one('[data-testid="error-summary"]').text

    # S-DASH: the form lists 11 questions; a missing answer re-shows it naming the question.
    form = soup(client.get(f"{base}/risk-assessments/new?tool=s-dash").text)
    assert len(form.select('[data-testid="question"]')) == 11
    answers = {f"q{i}": "yes" for i in range(1, 11)}
    missing = post_form(client, f"{base}/risk-assessments", {"tool": "s-dash", **answers})
    assert missing.status_code == 422
    assert soup(missing.text).select_one('a[href="#f-q11"]') is not None
    done = post_form(
        client, f"{base}/risk-assessments", {"tool": "s-dash", **answers, "q11": "yes"}
    )
    assert done.status_code == 303
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one('[data-testid="assessment"]')["data-level"] == "high"
    assert "sdash" not in task_kinds(client, crime.id)

    # SPO decision: a blank rationale is refused, then recorded.
    blank = post_form(client, f"{base}/spo-decision", {"decision": "apply", "rationale": ""})
    assert blank.status_code == 422
    assert (
        post_form(
            client,
            f"{base}/spo-decision",
            {"decision": "apply", "rationale": "Fixated; escalating"},
        ).status_code
        == 303
    )
    assert "spo_decision" not in task_kinds(client, crime.id)

    # SPO application: opened, authorised, applied; a 1-year order is refused; granted; served.
    assert (
        post_form(
            client,
            f"{base}/orders",
            {"order_type": "spo", "prohibitions": "No contact by any means"},
        ).status_code
        == 303
    )
    order = session.scalar(select(ProtectiveOrder).where(ProtectiveOrder.crime_id == crime.id))
    assert order is not None
    on = today()
    events = f"{base}/orders/{order.id}/events"
    for kind in ("authorised", "applied"):
        assert post_form(client, events, {"kind": kind, "on": on.isoformat()}).status_code == 303
    short = post_form(
        client,
        events,
        {
            "kind": "granted",
            "on": on.isoformat(),
            "end_date": (on + timedelta(days=365)).isoformat(),
        },
    )
    assert short.status_code == 422 and "at least 2 years" in short.text
    granted = post_form(
        client, events, {"kind": "granted", "on": on.isoformat(), "until_further_order": "on"}
    )
    assert granted.status_code == 303
    assert post_form(client, events, {"kind": "served", "on": on.isoformat()}).status_code == 303
    assert "order" in task_kinds(client, crime.id)  # notification due within 3 days
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one('[data-testid="order"]')["data-status"] == "active"

    # A breach: its own crime, linked to the order and to this course of conduct.
    breach = post_form(
        client,
        f"{base}/orders/{order.id}/breaches",
        {"occurred_at": f"{on.isoformat()}T20:15", "description": "Waited outside her work"},
    )
    assert breach.status_code == 303
    row = session.scalar(select(Breach).where(Breach.order_id == order.id))
    assert row is not None and row.course_crime_id == crime.id and row.breach_crime_id != crime.id
    assert (
        post_form(
            client, events, {"kind": "notification_received", "on": on.isoformat()}
        ).status_code
        == 303
    )

    # Compliance: the order in force takes a check from the safeguarding page.
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one(f'#order-{order.id} [data-testid="check-form"]') is not None
    checked = post_form(
        client,
        f"{base}/orders/{order.id}/compliance-checks",
        {"checked_on": on.isoformat(), "outcome": "breach_suspected", "note": "Seen near work"},
    )
    assert checked.status_code == 303
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one('[data-testid="check"]')["data-outcome"] == "breach_suspected"

    # The arrest for the breach: the victim is owed an update.
    assert (
        post_form(
            client, f"{base}/victim-care/updates", {"kind": "arrest", "event_on": on.isoformat()}
        ).status_code
        == 303
    )
    assert "victim_update" in task_kinds(client, crime.id)
    assert "order" not in task_kinds(client, crime.id)

    # Victims' Code: needs assessed, so a referral is owed; referred, accepted; feedback kept.
    vc = f"{base}/victim-care"
    assert post_form(client, f"{vc}/needs", {"unsafe_to_contact": "on"}).status_code == 303
    assert "referral" in task_kinds(client, crime.id)
    referred = post_form(
        client, f"{vc}/referrals", {"service": "paladin", "referred_on": on.isoformat()}
    )
    assert referred.status_code == 303
    assert "referral" not in task_kinds(client, crime.id)
    referral = soup(client.get(f"{base}/safeguarding").text).select_one('[data-testid="referral"]')
    status_form = referral.select_one('[data-testid="referral-status-form"]')
    assert (
        post_form(
            client, status_form["action"], {"status": "accepted", "status_on": on.isoformat()}
        ).status_code
        == 303
    )
    assert (
        post_form(
            client, f"{vc}/feedback", {"received_on": on.isoformat(), "satisfied": "yes"}
        ).status_code
        == 303
    )
    page = soup(client.get(f"{base}/safeguarding").text)
    assert page.select_one('[data-testid="referral"]')["data-status"] == "accepted"
    assert len(page.select('[data-testid="feedback-row"]')) == 1

    # Outcome: allowed now; the crime is finalised.
    assert post_form(client, f"{base}/outcome", {"code": "1"}).status_code == 303
    session.expire_all()
    finalised = session.get(Crime, crime.id)
    assert finalised is not None and finalised.status.value == "finalised"


def test_pages_for_each_role(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    url = f"/crimes/{crime.id}/safeguarding"

    login(client, personas[Role.ANALYST])
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="assessments"], .empty') is not None
    assert page.select_one('[data-testid="spo-form"]') is None  # reads, cannot decide
    assert client.get("/tasks").status_code == 403

    login(client, personas[Role.VICTIM_CARE])
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="needs-form"]') is not None
    assert page.select_one('[data-testid="spo-form"]') is None
    unsafe = post_form(
        client,
        f"/crimes/{crime.id}/victim-care/needs",
        {"enhanced_category": "persistently_targeted", "unsafe_to_contact": "on"},
    )
    assert unsafe.status_code == 303
    assert "NO" in soup(client.get(url).text).select_one('[data-testid="safe-contact"]').text
    assert "referral" in [
        r["data-kind"] for r in soup(client.get("/tasks").text).select('[data-testid="task"]')
    ]
    bad = post_form(client, f"/crimes/{crime.id}/victim-care/referrals", {"service": "paladin"})
    assert bad.status_code == 422

    login(client, personas[Role.PARTNER])
    assert client.get(url).status_code == 403
    assert client.get("/tasks").status_code == 403
