"""Submit and read risk assessments and THRIVE gradings; every query is scoped to the actor."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime, CrimeClassification
from patternwatch.db.types import utcnow
from patternwatch.errors import Invalid, NotFound, invalid_from
from patternwatch.incidents import service as incidents_service
from patternwatch.reference.models import Classification
from patternwatch.risk import scoring
from patternwatch.risk.enums import RiskTool
from patternwatch.risk.models import (
    RiskAnswer,
    RiskAssessment,
    RiskQuestion,
    RiskQuestionSet,
    ThriveGrading,
)
from patternwatch.risk.schemas import RiskAssessmentCreate, RiskAssessmentRead, ThriveCreate
from patternwatch.timeutil import local


def current_question_set(*, session: Session, tool: RiskTool) -> RiskQuestionSet:
    """The question set in use for a tool, with its questions."""
    qset = session.scalar(
        select(RiskQuestionSet)
        .where(RiskQuestionSet.tool == tool, RiskQuestionSet.is_current.is_(True))
        .order_by(RiskQuestionSet.version.desc())
        .options(selectinload(RiskQuestionSet.questions))
        .limit(1)
    )
    if qset is None:
        raise NotFound(f"No current question set for {tool.label}.")
    return qset


def submit_risk_assessment(
    *, session: Session, actor: Actor, crime_id: int, data: RiskAssessmentCreate | dict[str, Any]
) -> RiskAssessment:
    """Score and store an assessment; it supersedes the crime's previous one of the same tool."""
    actor.require(Action.RISK_ASSESS)
    if not isinstance(data, RiskAssessmentCreate):
        try:
            data = RiskAssessmentCreate.model_validate(data)
        except ValidationError as exc:
            raise invalid_from(exc, "The risk assessment is not valid") from exc
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    qset = current_question_set(session=session, tool=data.tool)
    keys = [q.key for q in qset.questions]
    errors = scoring.answer_errors(keys, data.answers)
    if errors:
        missing = [k.split(".", 1)[1] for k, v in errors.items() if v == "missing answer"]
        unknown = [k.split(".", 1)[1] for k, v in errors.items() if v == "unknown question"]
        bad = [k.split(".", 1)[1] for k, v in errors.items() if v.startswith("answer must")]
        parts = []
        if missing:
            parts.append("missing answers: " + ", ".join(missing))
        if unknown:
            parts.append("unknown answers: " + ", ".join(unknown))
        if bad:
            parts.append("not true/false: " + ", ".join(bad))
        raise Invalid(f"{data.tool.label} answers are incomplete ({'; '.join(parts)}).", errors)
    answers = {k: bool(v) for k, v in data.answers.items()}
    result = scoring.assess(
        answers,
        scoring.Thresholds(qset.medium_from, qset.high_from, qset.marac_from),
        dmi_keys=[q.key for q in qset.questions if q.recommends_dmi],
        escalation=data.escalation,
        professional_judgement=data.professional_judgement,
    )
    now = utcnow()
    assessment = RiskAssessment(
        crime_id=crime.id,
        question_set_id=qset.id,
        tool=data.tool,
        score=result.score,
        level=result.level,
        marac_referral_required=result.marac_referral_required,
        marac_reasons=" ".join(result.marac_reasons),
        escalation=data.escalation,
        professional_judgement=data.professional_judgement,
        dmi_recommended=result.dmi_recommended,
        notes=data.notes,
        assessor_id=actor.user_id,
        assessor_name=actor.username,
        assessed_at=now,
        review_due=data.review_due or scoring.review_due(result.level, local(now).date()),
        answers=[RiskAnswer(question_key=k, answer=v) for k, v in answers.items()],
    )
    session.add(assessment)
    session.flush()
    previous = session.scalars(
        select(RiskAssessment).where(
            RiskAssessment.crime_id == crime.id,
            RiskAssessment.tool == data.tool,
            RiskAssessment.superseded_at.is_(None),
            RiskAssessment.id != assessment.id,
        )
    ).all()
    for old in previous:
        old.superseded_at = now
        old.superseded_by_id = assessment.id
    audit.record(
        session=session,
        actor=actor,
        action=Action.RISK_ASSESS,
        entity_type="crime",
        entity_id=crime.id,
        summary=(
            f"{data.tool.label} on {crime.reference}: score {result.score}, "
            f"{result.level.value}" + (", MARAC referral required" if result.marac_reasons else "")
        ),
        changes={
            "risk_assessment_id": assessment.id,
            "superseded": [o.id for o in previous],
            "marac_reasons": list(result.marac_reasons),
        },
    )
    session.flush()
    return assessment


def list_risk_assessments(*, session: Session, actor: Actor, crime_id: int) -> list[RiskAssessment]:
    """Every assessment on a crime, newest first (superseded ones included: history)."""
    actor.require(Action.SAFEGUARDING_VIEW)
    crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    return list(
        session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.crime_id == crime_id)
            .options(
                selectinload(RiskAssessment.answers), selectinload(RiskAssessment.question_set)
            )
            .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
        )
    )


def questions_for(*, session: Session, tool: RiskTool) -> list[RiskQuestion]:
    return list(current_question_set(session=session, tool=tool).questions)


def to_read(assessment: RiskAssessment, version: int) -> RiskAssessmentRead:
    return RiskAssessmentRead(
        id=assessment.id,
        crime_id=assessment.crime_id,
        tool=assessment.tool,
        question_set_version=version,
        score=assessment.score,
        level=assessment.level,
        marac_referral_required=assessment.marac_referral_required,
        marac_reasons=assessment.marac_reasons.split() if assessment.marac_reasons else [],
        dmi_recommended=assessment.dmi_recommended,
        assessor=assessment.assessor_name,
        assessed_at=assessment.assessed_at,
        review_due=assessment.review_due,
        superseded=assessment.superseded_at is not None,
    )


def question_set_version(*, session: Session, question_set_id: int) -> int:
    qset = session.get(RiskQuestionSet, question_set_id)
    return qset.version if qset else 0


# ---- THRIVE ------------------------------------------------------------------------------


def grade_incident(
    *, session: Session, actor: Actor, incident_id: int, data: ThriveCreate | dict[str, Any]
) -> ThriveGrading:
    """Record a THRIVE grading; a re-THRIVE supersedes the last one and keeps it."""
    actor.require(Action.RISK_ASSESS)
    if not isinstance(data, ThriveCreate):
        try:
            data = ThriveCreate.model_validate(data)
        except ValidationError as exc:
            raise invalid_from(exc, "The THRIVE grading is not valid") from exc
    incident = incidents_service.get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id, audit_read=False
    )
    now = utcnow()
    for old in session.scalars(
        select(ThriveGrading).where(
            ThriveGrading.incident_id == incident.id, ThriveGrading.superseded_at.is_(None)
        )
    ):
        old.superseded_at = now
    grading = ThriveGrading(
        incident_id=incident.id,
        graded_by_id=actor.user_id,
        graded_by_name=actor.username,
        graded_at=now,
        **data.model_dump(),
    )
    session.add(grading)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.RISK_ASSESS,
        entity_type="incident",
        entity_id=incident.id,
        summary=f"THRIVE grade {data.grade} on incident {incident.reference}",
        changes={"thrive_grading_id": grading.id},
    )
    return grading


def list_thrive(*, session: Session, actor: Actor, incident_id: int) -> list[ThriveGrading]:
    """An incident's THRIVE gradings, newest first."""
    actor.require(Action.SAFEGUARDING_VIEW)
    incidents_service.get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id, audit_read=False
    )
    return list(
        session.scalars(
            select(ThriveGrading)
            .where(ThriveGrading.incident_id == incident_id)
            .order_by(ThriveGrading.graded_at.desc(), ThriveGrading.id.desc())
        )
    )


# ---- rules used by the inbox ---------------------------------------------------------------


def stalking_crime_ids_clause() -> Any:
    """SQL: crime ids holding a stalking classification, principal or included."""
    return (
        select(CrimeClassification.crime_id)
        .join(Classification, Classification.id == CrimeClassification.classification_id)
        .where(Classification.is_stalking.is_(True))
    )


def crime_holds_stalking(*, session: Session, crime_id: int) -> bool:
    """Whether any classification on the crime, principal or included, is stalking."""
    return bool(
        session.scalar(
            select(
                exists(stalking_crime_ids_clause().where(CrimeClassification.crime_id == crime_id))
            )
        )
    )


def stalking_crimes_without_sdash(*, session: Session, actor: Actor) -> list[Crime]:
    """Open stalking crimes the actor can see with no completed S-DASH (domain.md 9 rule)."""
    from patternwatch.crimes.enums import CrimeStatus

    has_sdash = select(RiskAssessment.crime_id).where(RiskAssessment.tool == RiskTool.S_DASH)
    stmt = crimes_service.scope(
        select(Crime).where(
            Crime.id.in_(stalking_crime_ids_clause()),
            Crime.id.not_in(has_sdash),
            Crime.status.not_in([CrimeStatus.FINALISED, CrimeStatus.CANCELLED]),
        ),
        actor,
    )
    return list(session.scalars(stmt.order_by(Crime.reported_at)))
