"""JSON API for victim care, THRIVE and compliance checks."""

from __future__ import annotations

from patternwatch.access.enums import Role
from tests.factories import make_crime, make_incident
from tests.helpers import bearer


def test_needs_referral_feedback(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    victim_care = personas[Role.VICTIM_CARE]
    crime = make_crime(session, personas[Role.INVESTIGATOR].actor, principal="8Q")
    session.commit()
    headers = bearer(victim_care)
    base = f"/api/v1/crimes/{crime.id}/victim-care"
    needs = client.post(
        f"{base}/needs",
        json={"enhanced_category": "vulnerable_or_intimidated", "safe_to_contact": False},
        headers=headers,
    )
    assert needs.status_code == 201 and needs.json()["safe_to_contact"] is False
    referral = client.post(
        f"{base}/referrals",
        json={"service": "national_stalking_helpline", "referred_on": "2025-03-03"},
        headers=headers,
    )
    assert referral.status_code == 201 and referral.json()["status"] == "referred"
    bad = client.post(f"{base}/referrals", json={"service": "nobody"}, headers=headers)
    assert bad.status_code == 422
    feedback = client.post(
        f"{base}/feedback", json={"received_on": "2025-06-01", "satisfied": True}, headers=headers
    )
    assert feedback.status_code == 201
    denied = client.post(
        f"{base}/feedback",
        json={"received_on": "2025-06-01"},
        headers=bearer(personas[Role.ANALYST]),
    )
    assert denied.status_code == 403


def test_thrive_and_compliance_check(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    incident = make_incident(session, investigator.actor)
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    graded = client.post(
        f"/api/v1/incidents/{incident.id}/thrive",
        json={"grade": "1", "threat": "Threats to kill", "vulnerability": "Lives alone"},
        headers=bearer(personas[Role.CALL_HANDLER]),
    )
    assert graded.status_code == 201 and graded.json()["grade"] == "1"
    headers = bearer(investigator)
    order = client.post(
        f"/api/v1/crimes/{crime.id}/orders",
        json={
            "order_type": "restraining",
            "granted_on": "2025-01-01",
            "start_date": "2025-01-01",
            "end_date": "2025-07-01",
        },
        headers=headers,
    ).json()
    assert order["status"] in ("active", "expired")
    check = client.post(
        f"/api/v1/orders/{order['id']}/compliance-checks",
        json={"checked_on": "2025-02-01", "outcome": "compliant"},
        headers=headers,
    )
    assert check.status_code == 201 and check.json()["outcome"] == "compliant"
