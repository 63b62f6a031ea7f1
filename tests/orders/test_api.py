"""JSON contract: SPO decision and outcome."""

from __future__ import annotations

from patternwatch.access.enums import Role
from tests.factories import make_crime
from tests.helpers import bearer


def test_outcome_needs_spo_decision_on_stalking(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    headers = bearer(investigator)
    refused = client.post(
        f"/api/v1/crimes/{crime.id}/outcome", json={"code": "16"}, headers=headers
    )
    assert refused.status_code == 422
    assert "SPO decision" in refused.json()["detail"]
    assert "spo_decision" in refused.json()["errors"]
    decided = client.post(
        f"/api/v1/crimes/{crime.id}/spo-decision",
        json={"decision": "apply", "rationale": "Fixated ex-partner; risk continues"},
        headers=headers,
    )
    assert decided.status_code == 201 and decided.json()["decision"] == "apply"
    done = client.post(f"/api/v1/crimes/{crime.id}/outcome", json={"code": "16"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "finalised"


def test_spo_decision_validation_and_roles(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    url = f"/api/v1/crimes/{crime.id}/spo-decision"
    bad = client.post(
        url, json={"decision": "maybe", "rationale": ""}, headers=bearer(investigator)
    )
    assert bad.status_code == 422
    denied = client.post(
        url, json={"decision": "apply", "rationale": "x"}, headers=bearer(personas[Role.ANALYST])
    )
    assert denied.status_code == 403


def test_short_spo_refused_over_the_api(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    headers = bearer(investigator)
    created = client.post(
        f"/api/v1/crimes/{crime.id}/orders", json={"order_type": "spo"}, headers=headers
    )
    assert created.status_code == 201
    order_id = created.json()["id"]
    short = client.post(
        f"/api/v1/orders/{order_id}/events",
        json={"kind": "granted", "on": "2025-04-01", "end_date": "2026-04-01"},
        headers=headers,
    )
    assert short.status_code == 422 and "at least 2 years" in short.json()["detail"]
    granted = client.post(
        f"/api/v1/orders/{order_id}/events",
        json={"kind": "granted", "on": "2025-04-01", "until_further_order": True},
        headers=headers,
    )
    assert granted.status_code == 201 and granted.json()["until_further_order"] is True
    breach = client.post(
        f"/api/v1/orders/{order_id}/breaches",
        json={"occurred_at": "2025-05-01T21:00:00", "description": "Followed to work"},
        headers=headers,
    )
    assert breach.status_code == 201 and breach.json()["course_crime_id"] == crime.id
