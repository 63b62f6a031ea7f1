"""The crime's safeguarding page, rendered by the risk, orders and victim care views alike."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.errors import Invalid
from patternwatch.orders import service as orders_service
from patternwatch.orders.enums import (
    CheckOutcome,
    OrderEventKind,
    ProtectiveOrderType,
    SpoDecisionKind,
    TermKind,
)
from patternwatch.risk.enums import RiskTool
from patternwatch.tasks import service as tasks_service
from patternwatch.victim_care.enums import (
    EnhancedCategory,
    ReferralStatus,
    SupportService,
    UpdateKind,
)
from patternwatch.web.templating import render


def safeguarding_page(
    request: Request,
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """Render the crime's safeguarding page (also used to re-show a form that failed, with the
    values it was sent keyed like its errors)."""
    summary = tasks_service.safeguarding_for(
        session=session, actor=actor, crime_id=crime_id, on=orders_service.today()
    )
    context: dict[str, Any] = {
        "s": summary,
        "crime": summary.crime,
        "order_status": orders_service.order_status,
        "check_due": orders_service.compliance_check_due,
        "errors": errors or {},
        "message": message,
        "values": values or {},
        "tools": [RiskTool.S_DASH, RiskTool.DASH, RiskTool.DIGITAL],
        "spo_kinds": list(SpoDecisionKind),
        "order_types": list(ProtectiveOrderType),
        "event_kinds": list(OrderEventKind),
        "check_outcomes": list(CheckOutcome),
        "term_kinds": list(TermKind),
        "enhanced": list(EnhancedCategory),
        "update_kinds": list(UpdateKind),
        "services": list(SupportService),
        "referral_statuses": list(ReferralStatus),
    }
    session.commit()  # the audited read
    return render(request, "risk/safeguarding.html", context, status_code=status_code)


def prefixed(exc: Invalid, prefix: str) -> dict[str, str]:
    """Field errors keyed to the page's input ids (one page holds several forms)."""
    return {f"{prefix}-{k.replace('.', '-')}": v for k, v in exc.field_errors.items()}


def prefixed_values(values: dict[str, object], prefix: str) -> dict[str, str]:
    """A failed form's submitted values, keyed like prefixed() errors, for re-display."""
    return {f"{prefix}-{k}": str(v) for k, v in values.items() if v is not None}


def failed_form(
    request: Request,
    session: Session,
    actor: Actor,
    crime_id: int,
    exc: Invalid,
    prefix: str,
    values: dict[str, Any] | None = None,
) -> Response:
    """The safeguarding page again, 422, with a refused form's errors and values (its changes
    rolled back): what every safeguarding form answers to invalid input."""
    session.rollback()
    return safeguarding_page(
        request,
        session=session,
        actor=actor,
        crime_id=crime_id,
        errors=prefixed(exc, prefix),
        message=exc.message,
        values=prefixed_values(values or {}, prefix),
        status_code=422,
    )


def without_none(values: dict[str, Any]) -> dict[str, Any]:
    """A form's values without the fields left blank (so the service's defaults apply)."""
    return {k: v for k, v in values.items() if v is not None}
