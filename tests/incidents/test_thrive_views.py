"""THRIVE on the incident page: grade, re-grade (history kept), field errors, roles."""

from __future__ import annotations

from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.risk.models import ThriveGrading
from tests.factories import make_incident
from tests.helpers import login, post_form, soup


def test_grade_and_regrade_keeps_history(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    call_handler = personas[Role.CALL_HANDLER]
    incident = make_incident(session, call_handler.actor)
    session.commit()
    login(client, call_handler)
    url = f"/incidents/{incident.id}"

    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="thrive-none"]') is not None
    form = page.select_one('[data-testid="thrive-form"]')
    assert form is not None and form["action"] == f"{url}/thrive"
    assert form.select_one('input[name="csrf_token"]') is not None
    # Every input has a label.
    for field in form.select("input:not([type=hidden]), textarea"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None

    first = post_form(
        client,
        f"{url}/thrive",
        {"grade": "2", "threat": "Threats to kill", "vulnerability": "Lives alone"},
    )
    assert first.status_code == 303
    assert first.headers["location"] == f"{url}#thrive"
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="thrive-current"]')["data-grade"] == "2"
    assert "Threats to kill" in page.select_one('[data-testid="thrive-current"]').text

    second = post_form(client, f"{url}/thrive", {"grade": "1", "threat": "Now at her door"})
    assert second.status_code == 303
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="thrive-current"]')["data-grade"] == "1"
    rows = page.select('[data-testid="thrive-grading"]')
    assert [(r["data-grade"], r["data-state"]) for r in rows] == [
        ("1", "current"),
        ("2", "superseded"),
    ]
    session.expire_all()
    kept = session.scalars(
        select(ThriveGrading).where(ThriveGrading.incident_id == incident.id)
    ).all()
    assert len(kept) == 2
    audited = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "risk.assess",
            AuditEvent.entity_type == "incident",
            AuditEvent.entity_id == incident.id,
        )
    ).all()
    assert len(audited) == 2


def test_missing_grade_is_shown_on_the_field(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    incident = make_incident(session, investigator.actor)
    session.commit()
    login(client, investigator)
    url = f"/incidents/{incident.id}"

    refused = post_form(client, f"{url}/thrive", {"grade": "", "threat": "Kept on re-display"})
    assert refused.status_code == 422
    page = soup(refused.text)
    summary = page.select_one('#thrive [data-testid="error-summary"]')
    assert summary is not None
    link = summary.select_one('a[href="#f-thrive-grade"]')
    assert link is not None and link.text.startswith("Grade")
    assert page.select_one("#err-thrive-grade") is not None
    assert page.select_one("#f-thrive-threat").text == "Kept on re-display"
    assert page.select_one('[data-testid="thrive"]').has_attr("open")
    session.expire_all()
    assert not session.scalars(
        select(ThriveGrading).where(ThriveGrading.incident_id == incident.id)
    ).all()

    too_long = post_form(client, f"{url}/thrive", {"grade": "x" * 33})
    assert too_long.status_code == 422
    assert soup(too_long.text).select_one("#err-thrive-grade") is not None


def test_roles_without_risk_assess_are_refused(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(session, personas[Role.CALL_HANDLER].actor)
    session.commit()
    url = f"/incidents/{incident.id}"

    login(client, personas[Role.ANALYST])
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="thrive-none"]') is not None  # may read
    assert page.select_one('[data-testid="thrive-form"]') is None  # may not grade
    assert post_form(client, f"{url}/thrive", {"grade": "1"}).status_code == 403

    login(client, personas[Role.VICTIM_CARE])
    assert post_form(client, f"{url}/thrive", {"grade": "1"}).status_code == 403
    session.expire_all()
    assert not session.scalars(
        select(ThriveGrading).where(ThriveGrading.incident_id == incident.id)
    ).all()

    login(client, personas[Role.SUPERVISOR])
    assert post_form(client, "/incidents/999999/thrive", {"grade": "1"}).status_code == 404


def test_get_on_the_post_only_route(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(session, personas[Role.CALL_HANDLER].actor)
    session.commit()
    login(client, personas[Role.CALL_HANDLER])
    assert client.get(f"/incidents/{incident.id}/thrive").status_code == 405
