"""JSON API for safeguarding (issue 7): risk assessments, SPO decisions, orders, outcomes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.orders import service as orders_service
from patternwatch.orders.schemas import (
    BreachCreate,
    ComplianceCheckCreate,
    OrderCreate,
    OrderEventCreate,
    OutcomeCreate,
    SpoDecisionCreate,
)
from patternwatch.risk import service as risk_service
from patternwatch.risk.schemas import RiskAssessmentRead, ThriveCreate
from patternwatch.victim_care import service as victim_care_service
from patternwatch.victim_care.schemas import FeedbackCreate, NeedsAssessmentCreate, ReferralCreate
from patternwatch.web.deps import SessionDep, api_require

router = APIRouter(prefix="/api/v1", tags=["safeguarding"])

JsonBody = Annotated[dict[str, Any], Body()]
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


@router.post(
    "/crimes/{crime_id}/risk-assessments",
    name="api.risk.assess",
    status_code=201,
    response_model=RiskAssessmentRead,
    summary="Submit an S-DASH or DASH assessment (every question answered true or false)",
    responses=ERRORS,
)
def submit_risk_assessment(
    crime_id: int,
    data: JsonBody,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.RISK_ASSESS))],
) -> RiskAssessmentRead:
    assessment = risk_service.submit_risk_assessment(
        session=session, actor=actor, crime_id=crime_id, data=data
    )
    version = risk_service.question_set_version(
        session=session, question_set_id=assessment.question_set_id
    )
    session.commit()
    return risk_service.to_read(assessment, version)


@router.post(
    "/crimes/{crime_id}/spo-decision",
    name="api.orders.spo_decision",
    status_code=201,
    summary="Record whether an SPO will be applied for, and why",
    responses=ERRORS,
)
def record_spo_decision(
    crime_id: int,
    data: SpoDecisionCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.ORDER_MANAGE))],
) -> dict[str, Any]:
    decision = orders_service.record_spo_decision(
        session=session, actor=actor, crime_id=crime_id, data=data
    )
    session.commit()
    return {
        "id": decision.id,
        "crime_id": decision.crime_id,
        "decision": decision.decision.value,
        "rationale": decision.rationale,
        "decided_by": decision.decided_by_name,
        "decided_at": decision.decided_at.isoformat(),
    }


@router.post(
    "/crimes/{crime_id}/outcome",
    name="api.crimes.outcome",
    status_code=200,
    summary="Finalise a crime with an outcome (a stalking crime needs its SPO decision first)",
    responses=ERRORS,
)
def record_outcome(
    crime_id: int,
    data: OutcomeCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.CRIME_OUTCOME))],
) -> dict[str, Any]:
    crime = orders_service.record_crime_outcome(
        session=session, actor=actor, crime_id=crime_id, code=data.code, rationale=data.rationale
    )
    session.commit()
    return {
        "id": crime.id,
        "reference": crime.reference,
        "status": crime.status.value,
        "outcome": data.code,
        "outcome_at": crime.outcome_at.isoformat() if crime.outcome_at else None,
    }


def _order_json(order: Any) -> dict[str, Any]:
    return {
        "id": order.id,
        "crime_id": order.crime_id,
        "order_type": order.order_type.value,
        "status": orders_service.order_status(order).value,
        "start_date": order.start_date.isoformat() if order.start_date else None,
        "end_date": order.end_date.isoformat() if order.end_date else None,
        "until_further_order": order.until_further_order,
        "served_on": order.served_on.isoformat() if order.served_on else None,
    }


@router.post(
    "/crimes/{crime_id}/orders",
    name="api.orders.create",
    status_code=201,
    summary="Open a protective order (SPO, restraining, non-molestation, bail conditions)",
    responses=ERRORS,
)
def create_order(
    crime_id: int,
    data: OrderCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.ORDER_MANAGE))],
) -> dict[str, Any]:
    order = orders_service.create_order(session=session, actor=actor, crime_id=crime_id, data=data)
    session.commit()
    return _order_json(order)


@router.post(
    "/orders/{order_id}/events",
    name="api.orders.event",
    status_code=201,
    summary="Move an order on a step (authorised, applied, granted, served, renewed, ...)",
    responses=ERRORS,
)
def record_order_event(
    order_id: int,
    data: OrderEventCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.ORDER_MANAGE))],
) -> dict[str, Any]:
    orders_service.record_order_event(session=session, actor=actor, order_id=order_id, data=data)
    session.commit()
    order = orders_service.get_order_for_actor(session=session, actor=actor, order_id=order_id)
    return _order_json(order)


@router.post(
    "/orders/{order_id}/breaches",
    name="api.orders.breach",
    status_code=201,
    summary="Record a breach: its own crime, linked to the order and the course of conduct",
    responses=ERRORS,
)
def record_breach(
    order_id: int,
    data: BreachCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.ORDER_MANAGE))],
) -> dict[str, Any]:
    breach = orders_service.record_breach(
        session=session, actor=actor, order_id=order_id, data=data
    )
    session.commit()
    return {
        "id": breach.id,
        "order_id": breach.order_id,
        "breach_crime_id": breach.breach_crime_id,
        "course_crime_id": breach.course_crime_id,
    }


@router.post(
    "/incidents/{incident_id}/thrive",
    name="api.risk.thrive",
    status_code=201,
    summary="Grade an incident with THRIVE; a re-THRIVE supersedes the last grading (kept)",
    responses=ERRORS,
)
def grade_incident(
    incident_id: int,
    data: ThriveCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.RISK_ASSESS))],
) -> dict[str, Any]:
    grading = risk_service.grade_incident(
        session=session, actor=actor, incident_id=incident_id, data=data
    )
    session.commit()
    return {
        "id": grading.id,
        "incident_id": grading.incident_id,
        "grade": grading.grade,
        "graded_by": grading.graded_by_name,
        "graded_at": grading.graded_at.isoformat(),
    }


@router.post(
    "/orders/{order_id}/compliance-checks",
    name="api.orders.compliance_check",
    status_code=201,
    summary="Record a compliance check on an order",
    responses=ERRORS,
)
def record_compliance_check(
    order_id: int,
    data: ComplianceCheckCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.ORDER_MANAGE))],
) -> dict[str, Any]:
    check = orders_service.record_compliance_check(
        session=session, actor=actor, order_id=order_id, data=data
    )
    session.commit()
    return {"id": check.id, "order_id": check.order_id, "outcome": check.outcome.value}


@router.post(
    "/crimes/{crime_id}/victim-care/needs",
    name="api.victim_care.needs",
    status_code=201,
    summary="Record a victim needs assessment (supersedes the previous one)",
    responses=ERRORS,
)
def submit_needs_assessment(
    crime_id: int,
    data: NeedsAssessmentCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.VICTIM_CARE_EDIT))],
) -> dict[str, Any]:
    needs = victim_care_service.submit_needs_assessment(
        session=session, actor=actor, crime_id=crime_id, data=data
    )
    session.commit()
    return {
        "id": needs.id,
        "enhanced_category": needs.enhanced_category.value if needs.enhanced_category else None,
        "safe_to_contact": needs.safe_to_contact,
        "vps_offered": needs.vps_offered,
    }


@router.post(
    "/crimes/{crime_id}/victim-care/referrals",
    name="api.victim_care.referral",
    status_code=201,
    summary="Refer the victim to ISAC/IDVA, Paladin, the Stalking Helpline or a local service",
    responses=ERRORS,
)
def create_referral(
    crime_id: int,
    data: ReferralCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.VICTIM_CARE_EDIT))],
) -> dict[str, Any]:
    referral = victim_care_service.create_referral(
        session=session, actor=actor, crime_id=crime_id, data=data
    )
    session.commit()
    return {"id": referral.id, "service": referral.service.value, "status": referral.status.value}


@router.post(
    "/crimes/{crime_id}/victim-care/feedback",
    name="api.victim_care.feedback",
    status_code=201,
    summary="Record the victim's feedback on the service",
    responses=ERRORS,
)
def record_feedback(
    crime_id: int,
    data: FeedbackCreate,
    session: SessionDep,
    actor: Annotated[Actor, Depends(api_require(Action.VICTIM_CARE_EDIT))],
) -> dict[str, Any]:
    feedback = victim_care_service.record_feedback(
        session=session, actor=actor, crime_id=crime_id, data=data
    )
    session.commit()
    return {"id": feedback.id, "received_on": feedback.received_on.isoformat()}
