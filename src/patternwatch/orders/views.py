"""Order forms on the safeguarding page: SPO decision, outcome, orders, their steps, breaches
and compliance checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Invalid
from patternwatch.orders import service as orders_service
from patternwatch.tasks.pages import failed_form as _failed
from patternwatch.tasks.pages import without_none as _clean
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict
from patternwatch.web.templating import flash

router = APIRouter(include_in_schema=False)

Manager = Annotated[Actor, Depends(require(Action.ORDER_MANAGE))]
Finaliser = Annotated[Actor, Depends(require(Action.CRIME_OUTCOME))]


def _check_order_on_crime(session: Session, actor: Actor, crime_id: int, order_id: int) -> None:
    """The order must be one the actor may see, on the crime whose page posted the form."""
    order = orders_service.get_order_for_actor(session=session, actor=actor, order_id=order_id)
    if order.crime_id != crime_id:
        raise Invalid("That order belongs to another crime.")


def _back(request: Request, crime_id: int, message: str, anchor: str) -> Response:
    flash(request, message)
    return RedirectResponse(f"/crimes/{crime_id}/safeguarding#{anchor}", status_code=303)


@router.post(
    "/crimes/{crime_id}/spo-decision", name="orders.spo_decision_submit", dependencies=[CsrfDep]
)
def spo_decision_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Manager, form: FormDep
) -> Response:
    values = form_dict(form)
    data = {"decision": values.get("decision"), "rationale": values.get("rationale") or ""}
    try:
        decision = orders_service.record_spo_decision(
            session=session, actor=actor, crime_id=crime_id, data=data
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "spo")
    session.commit()
    return _back(request, crime_id, f"SPO decision recorded: {decision.decision.label}.", "orders")


@router.post("/crimes/{crime_id}/outcome", name="orders.outcome_submit", dependencies=[CsrfDep])
def outcome_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Finaliser, form: FormDep
) -> Response:
    values = form_dict(form)
    try:
        crime = orders_service.record_crime_outcome(
            session=session,
            actor=actor,
            crime_id=crime_id,
            code=values.get("code") or "",
            rationale=values.get("rationale") or "",
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "outcome")
    session.commit()
    return _back(request, crime_id, f"Outcome recorded; {crime.reference} is finalised.", "outcome")


@router.post("/crimes/{crime_id}/orders", name="orders.create_submit", dependencies=[CsrfDep])
def order_create_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Manager, form: FormDep
) -> Response:
    values = form_dict(form, lists=("prohibitions", "requirements"), bools=("until_further_order",))
    terms = [{"kind": "prohibition", "text": t} for t in values.pop("prohibitions")] + [
        {"kind": "requirement", "text": t} for t in values.pop("requirements")
    ]
    data = _clean(values) | {"terms": terms}
    try:
        order = orders_service.create_order(
            session=session, actor=actor, crime_id=crime_id, data=data
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "order")
    session.commit()
    return _back(request, crime_id, f"{order.order_type.label} opened.", f"order-{order.id}")


@router.post(
    "/crimes/{crime_id}/orders/{order_id}/events",
    name="orders.event_submit",
    dependencies=[CsrfDep],
)
def order_event_submit(
    request: Request,
    crime_id: int,
    order_id: int,
    session: SessionDep,
    actor: Manager,
    form: FormDep,
) -> Response:
    values = form_dict(form, bools=("until_further_order",))
    if not values.get("until_further_order"):
        values.pop("until_further_order", None)
    try:
        _check_order_on_crime(session, actor, crime_id, order_id)
        event = orders_service.record_order_event(
            session=session, actor=actor, order_id=order_id, data=_clean(values)
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, f"event-{order_id}")
    session.commit()
    return _back(
        request, crime_id, f"Order step recorded: {event.kind.label}.", f"order-{order_id}"
    )


@router.post(
    "/crimes/{crime_id}/orders/{order_id}/breaches",
    name="orders.breach_submit",
    dependencies=[CsrfDep],
)
def breach_submit(
    request: Request,
    crime_id: int,
    order_id: int,
    session: SessionDep,
    actor: Manager,
    form: FormDep,
) -> Response:
    values = form_dict(form)
    try:
        _check_order_on_crime(session, actor, crime_id, order_id)
        breach = orders_service.record_breach(
            session=session, actor=actor, order_id=order_id, data=_clean(values)
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, f"breach-{order_id}")
    session.commit()
    return _back(
        request,
        crime_id,
        f"Breach recorded as crime {breach.breach_crime_id}, linked to this course of conduct.",
        f"order-{order_id}",
    )


@router.post(
    "/crimes/{crime_id}/orders/{order_id}/compliance-checks",
    name="orders.compliance_check_submit",
    dependencies=[CsrfDep],
)
def compliance_check_submit(
    request: Request,
    crime_id: int,
    order_id: int,
    session: SessionDep,
    actor: Manager,
    form: FormDep,
) -> Response:
    values = form_dict(form)
    try:
        _check_order_on_crime(session, actor, crime_id, order_id)
        check = orders_service.record_compliance_check(
            session=session, actor=actor, order_id=order_id, data=_clean(values)
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, f"check-{order_id}", values)
    session.commit()
    return _back(
        request,
        crime_id,
        f"Compliance check recorded: {check.outcome.label.lower()} on "
        f"{check.checked_on.isoformat()}.",
        f"order-{order_id}",
    )
