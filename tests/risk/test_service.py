"""Risk service: question sets as data, immutable assessments that supersede, THRIVE, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.errors import Forbidden, Invalid, NotFound
from patternwatch.risk import service as risk_service
from patternwatch.risk.enums import RiskLevel, RiskTool
from tests.factories import make_crime, make_incident


def all_answers(tool: str, yes: int = 0) -> dict[str, bool]:
    total = {"s-dash": 11, "dash": 27, "digital": 5}[tool]
    return {f"q{i}": i <= yes for i in range(1, total + 1)}


def test_question_sets_are_data(session) -> None:  # type: ignore[no-untyped-def]
    sdash = risk_service.current_question_set(session=session, tool=RiskTool.S_DASH)
    dash = risk_service.current_question_set(session=session, tool=RiskTool.DASH)
    digital = risk_service.current_question_set(session=session, tool=RiskTool.DIGITAL)
    assert len(sdash.questions) == 11 and sdash.version == 1
    assert len(dash.questions) == 27 and dash.marac_from == 14
    assert "stalk" in dash.questions[7].text  # DASH q8 triggers S-DASH
    assert all(q.recommends_dmi for q in digital.questions)
    assert any("UNCONFIRMED" in q.source for q in dash.questions)


def test_submit_supersedes_and_audits(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8Q")
    first = risk_service.submit_risk_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"tool": "s-dash", "answers": all_answers("s-dash", 11)},
    )
    assert (first.score, first.level) == (11, RiskLevel.HIGH)
    second = risk_service.submit_risk_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"tool": "s-dash", "answers": all_answers("s-dash", 0)},
    )
    assert second.level is RiskLevel.STANDARD
    history = risk_service.list_risk_assessments(session=session, actor=actor, crime_id=crime.id)
    assert [a.id for a in history] == [second.id, first.id]
    assert first.superseded_by_id == second.id and second.superseded_at is None
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "risk.assess", AuditEvent.entity_id == crime.id
        )
    ).all()
    assert len(events) == 2


def test_dash_marac_and_missing_answers(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor)
    result = risk_service.submit_risk_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"tool": "dash", "answers": all_answers("dash", 14)},
    )
    assert result.marac_referral_required and result.marac_reasons == "score"
    partial = all_answers("dash")
    del partial["q27"]
    partial["q28"] = True
    with pytest.raises(Invalid) as exc:
        risk_service.submit_risk_assessment(
            session=session,
            actor=actor,
            crime_id=crime.id,
            data={"tool": "dash", "answers": partial},
        )
    assert set(exc.value.field_errors) == {"answers.q27", "answers.q28"}
    assert "q27" in exc.value.message and "q28" in exc.value.message


def test_digital_recommends_dmi(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor)
    result = risk_service.submit_risk_assessment(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"tool": "digital", "answers": all_answers("digital", 1)},
    )
    assert result.dmi_recommended


def test_roles_and_scope(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    investigator = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, investigator)
    data = {"tool": "s-dash", "answers": all_answers("s-dash")}
    with pytest.raises(Forbidden):
        risk_service.submit_risk_assessment(
            session=session, actor=actor_of(Role.ANALYST), crime_id=crime.id, data=data
        )
    with pytest.raises(NotFound):
        risk_service.submit_risk_assessment(
            session=session, actor=investigator, crime_id=crime.id + 10_000, data=data
        )


def test_stalking_without_sdash_flag(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    principal = make_crime(session, actor, principal="8Q")
    included = make_crime(session, actor, principal="8L", included=("8Q",))
    other = make_crime(session, actor, principal="8L")
    flagged = {
        c.id for c in risk_service.stalking_crimes_without_sdash(session=session, actor=actor)
    }
    assert {principal.id, included.id} <= flagged and other.id not in flagged
    risk_service.submit_risk_assessment(
        session=session,
        actor=actor,
        crime_id=principal.id,
        data={"tool": "s-dash", "answers": all_answers("s-dash", 2)},
    )
    flagged = {
        c.id for c in risk_service.stalking_crimes_without_sdash(session=session, actor=actor)
    }
    assert principal.id not in flagged and included.id in flagged
    assert risk_service.crime_holds_stalking(session=session, crime_id=included.id)
    assert not risk_service.crime_holds_stalking(session=session, crime_id=other.id)


def test_rethrive_keeps_history(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.CALL_HANDLER)
    incident = make_incident(session, actor)
    first = risk_service.grade_incident(
        session=session, actor=actor, incident_id=incident.id, data={"grade": "2", "threat": "x"}
    )
    second = risk_service.grade_incident(
        session=session, actor=actor, incident_id=incident.id, data={"grade": "1"}
    )
    history = risk_service.list_thrive(session=session, actor=actor, incident_id=incident.id)
    assert [g.id for g in history] == [second.id, first.id]
    assert first.superseded_at is not None and second.superseded_at is None
    with pytest.raises(Invalid):
        risk_service.grade_incident(
            session=session, actor=actor, incident_id=incident.id, data={"grade": ""}
        )
