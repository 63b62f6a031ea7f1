"""SPO decisions, protective orders through their life, breaches and compliance checks.

Every query goes through the crime the order belongs to, so the crime's access rules apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.enums import CrimeStatus
from patternwatch.crimes.models import Crime
from patternwatch.errors import Invalid, NotFound
from patternwatch.errors import validated as _validate
from patternwatch.orders import rules
from patternwatch.orders.enums import OrderEventKind, OrderStatus, ProtectiveOrderType
from patternwatch.orders.models import (
    Breach,
    ComplianceCheck,
    OrderEvent,
    OrderTerm,
    ProtectiveOrder,
    SpoDecision,
)
from patternwatch.orders.schemas import (
    BreachCreate,
    ComplianceCheckCreate,
    OrderCreate,
    OrderEventCreate,
    SpoDecisionCreate,
)
from patternwatch.reference.enums import OrderType
from patternwatch.reference.models import Classification
from patternwatch.timeutil import local


def _crime(session: Session, actor: Actor, crime_id: int) -> Crime:
    return crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )


def today() -> date:
    from patternwatch.db.types import utcnow

    return local(utcnow()).date()  # type: ignore[union-attr]


# ---- SPO decisions -----------------------------------------------------------------------


def record_spo_decision(
    *, session: Session, actor: Actor, crime_id: int, data: SpoDecisionCreate | dict[str, Any]
) -> SpoDecision:
    """Record whether an SPO will be applied for, and why (a later decision replaces it)."""
    actor.require(Action.ORDER_MANAGE)
    data = _validate(SpoDecisionCreate, data, "The SPO decision is not valid")
    crime = _crime(session, actor, crime_id)
    decision = SpoDecision(
        crime_id=crime.id,
        decision=data.decision,
        rationale=data.rationale,
        decided_by_id=actor.user_id,
        decided_by_name=actor.username,
    )
    session.add(decision)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="crime",
        entity_id=crime.id,
        summary=f"SPO decision on {crime.reference}: {data.decision.label}",
        changes={"spo_decision_id": decision.id, "decision": data.decision.value},
    )
    return decision


def latest_spo_decision(*, session: Session, crime_id: int) -> SpoDecision | None:
    """The decision that counts (callers have already checked access to the crime)."""
    return session.scalar(
        select(SpoDecision)
        .where(SpoDecision.crime_id == crime_id)
        .order_by(SpoDecision.decided_at.desc(), SpoDecision.id.desc())
        .limit(1)
    )


def list_spo_decisions(*, session: Session, actor: Actor, crime_id: int) -> list[SpoDecision]:
    actor.require(Action.SAFEGUARDING_VIEW)
    _crime(session, actor, crime_id)
    return list(
        session.scalars(
            select(SpoDecision)
            .where(SpoDecision.crime_id == crime_id)
            .order_by(SpoDecision.decided_at.desc(), SpoDecision.id.desc())
        )
    )


# ---- orders ------------------------------------------------------------------------------


def dates_of(order: ProtectiveOrder) -> rules.OrderDates:
    return rules.OrderDates(
        order_type=order.order_type,
        authorised_on=order.authorised_on,
        interim_applied_on=order.interim_applied_on,
        interim_granted_on=order.interim_granted_on,
        applied_on=order.applied_on,
        granted_on=order.granted_on,
        refused_on=order.refused_on,
        start_date=order.start_date,
        end_date=order.end_date,
        until_further_order=order.until_further_order,
        served_on=order.served_on,
        notification_received_on=order.notification_received_on,
        discharged_on=order.discharged_on,
    )


def order_status(order: ProtectiveOrder, on: date | None = None) -> OrderStatus:
    return rules.status(dates_of(order), on or today())


def _check_duration(
    order_type: ProtectiveOrderType, start: date | None, end: date | None, ufo: bool
) -> None:
    error = rules.duration_error(order_type, start, end, ufo)
    if error:
        raise Invalid(error, {"end_date": error})


def create_order(
    *, session: Session, actor: Actor, crime_id: int, data: OrderCreate | dict[str, Any]
) -> ProtectiveOrder:
    """Open an order on a crime (an SPO starts as considered; others may be recorded as made)."""
    actor.require(Action.ORDER_MANAGE)
    data = _validate(OrderCreate, data, "The order is not valid")
    crime = _crime(session, actor, crime_id)
    if data.granted_on is not None:
        _check_duration(data.order_type, data.start_date, data.end_date, data.until_further_order)
    order = ProtectiveOrder(
        crime_id=crime.id,
        order_type=data.order_type,
        subject_person_id=data.subject_person_id,
        protected_person_id=data.protected_person_id,
        court=data.court,
        notes=data.notes,
        granted_on=data.granted_on,
        start_date=data.start_date,
        end_date=data.end_date,
        until_further_order=data.until_further_order,
        created_by_id=actor.user_id,
        terms=[OrderTerm(kind=t.kind, text=t.text) for t in data.terms],
    )
    session.add(order)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="protective_order",
        entity_id=order.id,
        summary=f"{data.order_type.label} opened on {crime.reference}",
        changes={"crime_id": crime.id, "terms": len(data.terms)},
    )
    return order


def get_order_for_actor(*, session: Session, actor: Actor, order_id: int) -> ProtectiveOrder:
    """An order whose crime the actor may see (404 otherwise)."""
    actor.require(Action.SAFEGUARDING_VIEW)
    order = session.scalar(
        select(ProtectiveOrder)
        .where(ProtectiveOrder.id == order_id)
        .options(
            selectinload(ProtectiveOrder.terms),
            selectinload(ProtectiveOrder.events),
            selectinload(ProtectiveOrder.breaches),
            selectinload(ProtectiveOrder.checks),
        )
    )
    if order is None:
        raise NotFound(f"Order {order_id} was not found.")
    try:
        _crime(session, actor, order.crime_id)
    except NotFound:
        raise NotFound(f"Order {order_id} was not found.") from None
    return order


def list_orders(*, session: Session, actor: Actor, crime_id: int) -> list[ProtectiveOrder]:
    """The crime's orders with their terms, history, breaches and checks."""
    actor.require(Action.SAFEGUARDING_VIEW)
    _crime(session, actor, crime_id)
    return list(
        session.scalars(
            select(ProtectiveOrder)
            .where(ProtectiveOrder.crime_id == crime_id)
            .options(
                selectinload(ProtectiveOrder.terms),
                selectinload(ProtectiveOrder.events),
                selectinload(ProtectiveOrder.breaches),
                selectinload(ProtectiveOrder.checks),
            )
            .order_by(ProtectiveOrder.id)
        )
    )


def _require_step(order: ProtectiveOrder, ok: bool, message: str) -> None:
    if not ok:
        raise Invalid(message, {"kind": message})


def record_order_event(
    *, session: Session, actor: Actor, order_id: int, data: OrderEventCreate | dict[str, Any]
) -> OrderEvent:
    """Move an order on a step (authorised, applied, granted, served, ...), kept as history."""
    actor.require(Action.ORDER_MANAGE)
    data = _validate(OrderEventCreate, data, "The order step is not valid")
    order = get_order_for_actor(session=session, actor=actor, order_id=order_id)
    kind = data.kind
    changes: dict[str, Any] = {"kind": kind.value, "on": data.on.isoformat()}
    if kind is OrderEventKind.AUTHORISED:
        order.authorised_on = data.on
        order.authorised_by_name = actor.username
    elif kind is OrderEventKind.INTERIM_APPLIED:
        order.interim_applied_on = data.on
    elif kind is OrderEventKind.INTERIM_GRANTED:
        _require_step(order, order.interim_applied_on is not None, "No interim application.")
        order.interim_granted_on = data.on
    elif kind is OrderEventKind.APPLIED:
        order.applied_on = data.on
    elif kind in (OrderEventKind.GRANTED, OrderEventKind.RENEWED, OrderEventKind.VARIED):
        if kind is OrderEventKind.GRANTED:
            start = data.start_date or data.on
        else:
            _require_step(order, order.granted_on is not None, "The order has not been granted.")
            start = data.start_date or order.start_date
        end = data.end_date if data.end_date is not None else order.end_date
        ufo = (
            data.until_further_order
            if data.until_further_order is not None
            else order.until_further_order
        )
        if ufo:
            end = None if data.end_date is None else end
        if kind is not OrderEventKind.VARIED or data.end_date or data.until_further_order:
            _check_duration(order.order_type, start, end, bool(ufo))
        if kind is OrderEventKind.GRANTED:
            order.granted_on = data.on
        order.start_date, order.end_date, order.until_further_order = start, end, bool(ufo)
        changes.update(
            start_date=start.isoformat() if start else None,
            end_date=end.isoformat() if end else None,
            until_further_order=bool(ufo),
        )
    elif kind is OrderEventKind.REFUSED:
        order.refused_on = data.on
        order.refused_reason = data.note
    elif kind is OrderEventKind.SERVED:
        order.served_on = data.on
    elif kind is OrderEventKind.NOTIFICATION_RECEIVED:
        _require_step(order, order.served_on is not None, "The order has not been served.")
        order.notification_received_on = data.on
    elif kind is OrderEventKind.DISCHARGED:
        order.discharged_on = data.on
    event = OrderEvent(
        order_id=order.id, kind=kind, on=data.on, note=data.note, by_name=actor.username
    )
    order.events.append(event)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="protective_order",
        entity_id=order.id,
        summary=f"{order.order_type.label} {order.id}: {kind.label} on {data.on.isoformat()}",
        changes=changes,
    )
    return event


def add_term(*, session: Session, actor: Actor, order_id: int, kind: str, text: str) -> OrderTerm:
    """Add a prohibition or requirement to an order."""
    from patternwatch.orders.schemas import TermIn

    actor.require(Action.ORDER_MANAGE)
    term_in = _validate(TermIn, {"kind": kind, "text": text}, "The term is not valid")
    order = get_order_for_actor(session=session, actor=actor, order_id=order_id)
    term = OrderTerm(order_id=order.id, kind=term_in.kind, text=term_in.text)
    order.terms.append(term)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="protective_order",
        entity_id=order.id,
        summary=f"{term_in.kind.label} added to order {order.id}",
    )
    return term


def _breach_classification(session: Session, order_type: ProtectiveOrderType) -> str | None:
    """The code whose order_type matches (BR-SPO, BR-RO, BR-NMO); reference data, not code."""
    try:
        wanted = OrderType(order_type.value)
    except ValueError:
        return None
    return session.scalar(
        select(Classification.code)
        .where(Classification.order_type == wanted, Classification.is_active.is_(True))
        .order_by(Classification.code)
        .limit(1)
    )


def record_breach(
    *, session: Session, actor: Actor, order_id: int, data: BreachCreate | dict[str, Any]
) -> Breach:
    """Record a breach: its own crime, linked to the order and to the course of conduct."""
    actor.require(Action.ORDER_MANAGE)
    data = _validate(BreachCreate, data, "The breach is not valid")
    order = get_order_for_actor(session=session, actor=actor, order_id=order_id)
    course = _crime(session, actor, order.crime_id)
    if data.crime_id is not None:
        breach_crime = _crime(session, actor, data.crime_id)
    else:
        code = _breach_classification(session, order.order_type)
        if code is None:
            message = (
                f"{order.order_type.label}: no breach classification exists; give the crime "
                "already recorded for this breach."
            )
            raise Invalid(message, {"crime_id": message})
        breach_crime = crimes_service.create_crime(
            session=session,
            actor=actor,
            data={
                "reported_at": data.occurred_at,
                "offence_from": data.occurred_at,
                "classifications": [{"code": code, "principal": True}],
                "narrative": (
                    f"Breach of {order.order_type.label} (order {order.id}) in the course of "
                    f"conduct {course.reference}. {data.description}"
                ),
                "officer_in_charge_id": course.officer_in_charge_id,
            },
        )
    breach = Breach(
        order_id=order.id,
        breach_crime_id=breach_crime.id,
        course_crime_id=course.id,
        occurred_at=data.occurred_at,
        description=data.description,
        recorded_by_name=actor.username,
    )
    order.breaches.append(breach)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="protective_order",
        entity_id=order.id,
        summary=(
            f"Breach of {order.order_type.label} {order.id}: crime {breach_crime.reference}, "
            f"course of conduct {course.reference}"
        ),
        changes={"breach_id": breach.id, "breach_crime_id": breach_crime.id},
    )
    return breach


def breaches_in_course(*, session: Session, actor: Actor, crime_id: int) -> list[Breach]:
    """Every breach recorded as part of a crime's course of conduct."""
    actor.require(Action.SAFEGUARDING_VIEW)
    _crime(session, actor, crime_id)
    return list(
        session.scalars(
            select(Breach).where(Breach.course_crime_id == crime_id).order_by(Breach.occurred_at)
        )
    )


def record_compliance_check(
    *, session: Session, actor: Actor, order_id: int, data: ComplianceCheckCreate | dict[str, Any]
) -> ComplianceCheck:
    """Record a compliance check on an order."""
    actor.require(Action.ORDER_MANAGE)
    data = _validate(ComplianceCheckCreate, data, "The compliance check is not valid")
    order = get_order_for_actor(session=session, actor=actor, order_id=order_id)
    if data.checked_on > today():
        message = "A compliance check cannot be dated in the future."
        raise Invalid(message, {"checked_on": "cannot be in the future"})
    # Only an order in force has conditions to comply with (issue 7: checks on active orders).
    status_then = order_status(order, data.checked_on)
    if not status_then.is_in_force:
        message = (
            f"Compliance is checked on an order in force; on {data.checked_on.isoformat()} this "
            f"order was {status_then.label.lower()}."
        )
        raise Invalid(message, {"checked_on": "the order was not in force on this date"})
    check = ComplianceCheck(
        order_id=order.id,
        checked_on=data.checked_on,
        outcome=data.outcome,
        note=data.note,
        checked_by_name=actor.username,
    )
    order.checks.append(check)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.ORDER_MANAGE,
        entity_type="protective_order",
        entity_id=order.id,
        summary=f"Compliance check on order {order.id}: {data.outcome.label}",
        changes={
            "compliance_check_id": check.id,
            "checked_on": data.checked_on.isoformat(),
            "outcome": data.outcome.value,
        },
    )
    return check


def compliance_check_due(order: ProtectiveOrder, on: date) -> date | None:
    """When an order in force on a day is next due a compliance check (None if not in force).

    Needs the order's checks loaded (get_order_for_actor and list_orders load them).
    """
    dates = dates_of(order)
    if not rules.status(dates, on).is_in_force:
        return None
    last = max((c.checked_on for c in order.checks), default=None)
    return rules.next_check_due(dates, last)


# ---- oversight queries (task inbox) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderDue:
    order: ProtectiveOrder
    crime: Crime
    what: str
    due_on: date


def orders_needing_attention(*, session: Session, actor: Actor, on: date) -> list[OrderDue]:
    """Orders in force due a compliance check, and SPO notifications missed or due."""
    stmt = crimes_service.scope(
        select(ProtectiveOrder, Crime)
        .join(Crime, Crime.id == ProtectiveOrder.crime_id)
        .where(
            ProtectiveOrder.discharged_on.is_(None),
            ProtectiveOrder.refused_on.is_(None),
        )
        .options(selectinload(ProtectiveOrder.checks)),
        actor,
    )
    out: list[OrderDue] = []
    for order, crime in session.execute(stmt).all():
        dates = dates_of(order)
        st = rules.status(dates, on)
        if not st.is_in_force:
            continue
        due = rules.notification_due(dates)
        if due is not None and order.notification_received_on is None:
            what = "Notification missed" if on > due else "Notification due"
            out.append(OrderDue(order, crime, what, due))
        check_due = compliance_check_due(order, on)
        if check_due is not None and check_due <= on:
            out.append(OrderDue(order, crime, "Compliance check due", check_due))
    return out


def open_stalking_crimes_without_spo_decision(*, session: Session, actor: Actor) -> list[Crime]:
    """Open stalking crimes (principal or included) with no SPO decision recorded."""
    from patternwatch.risk import service as risk_service

    stmt = crimes_service.scope(
        select(Crime).where(
            Crime.id.in_(risk_service.stalking_crime_ids_clause()),
            Crime.id.not_in(select(SpoDecision.crime_id)),
            Crime.status.not_in([CrimeStatus.FINALISED, CrimeStatus.CANCELLED]),
        ),
        actor,
    )
    return list(session.scalars(stmt.order_by(Crime.reported_at)))


# ---- the outcome rule ----------------------------------------------------------------------

SPO_DECISION_MISSING = (
    "This crime holds stalking: record the SPO decision (apply or not, and why) before the "
    "outcome. Forces committed to consider an SPO in every stalking case."
)


def record_crime_outcome(
    *, session: Session, actor: Actor, crime_id: int, code: str, rationale: str = ""
) -> Crime:
    """Finalise a crime, refusing a stalking crime (principal or included) with no SPO decision."""
    from patternwatch.risk import service as risk_service

    actor.require(Action.CRIME_OUTCOME)
    crime = _crime(session, actor, crime_id)
    if (
        risk_service.crime_holds_stalking(session=session, crime_id=crime.id)
        and latest_spo_decision(session=session, crime_id=crime.id) is None
    ):
        raise Invalid(SPO_DECISION_MISSING, {"spo_decision": "missing SPO decision"})
    return crimes_service.record_outcome(
        session=session, actor=actor, crime_id=crime.id, code=code, rationale=rationale
    )
