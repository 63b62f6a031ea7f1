"""POST /api/v1/crimes/{id}/risk-assessments: the stable contract."""

from __future__ import annotations

from patternwatch.access.enums import Role
from tests.factories import make_crime
from tests.helpers import bearer


def test_sdash_all_yes_is_high(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    answers = {f"q{i}": True for i in range(1, 12)}
    response = client.post(
        f"/api/v1/crimes/{crime.id}/risk-assessments",
        json={"tool": "s-dash", "answers": answers},
        headers=bearer(investigator),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["score"] == 11 and body["level"] == "high"
    assert body["marac_referral_required"] is False and "id" in body


def test_dash_14_requires_marac(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor)
    session.commit()
    answers = {f"q{i}": i <= 14 for i in range(1, 28)}
    response = client.post(
        f"/api/v1/crimes/{crime.id}/risk-assessments",
        json={"tool": "dash", "answers": answers},
        headers=bearer(investigator),
    )
    assert response.status_code == 201
    assert response.json()["marac_referral_required"] is True


def test_missing_and_unknown_answers_are_named(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor)
    session.commit()
    answers = {f"q{i}": False for i in range(1, 11)} | {"q99": True}
    response = client.post(
        f"/api/v1/crimes/{crime.id}/risk-assessments",
        json={"tool": "s-dash", "answers": answers},
        headers=bearer(investigator),
    )
    assert response.status_code == 422
    body = response.json()
    assert "q11" in body["detail"] and "q99" in body["detail"]
    assert set(body["errors"]) == {"answers.q11", "answers.q99"}


def test_unknown_tool_and_roles(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor)
    session.commit()
    url = f"/api/v1/crimes/{crime.id}/risk-assessments"
    bad = client.post(url, json={"tool": "sash", "answers": {}}, headers=bearer(investigator))
    assert bad.status_code == 422
    denied = client.post(
        url, json={"tool": "s-dash", "answers": {}}, headers=bearer(personas[Role.PARTNER])
    )
    assert denied.status_code == 403
