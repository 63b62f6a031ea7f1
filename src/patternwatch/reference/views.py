"""Reference data pages: the classification and outcome code lists, extendable by administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Conflict, Invalid
from patternwatch.reference import service as reference_service
from patternwatch.reference.enums import ModeOfTrial, OrderType
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict, form_errors
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.REFERENCE_VIEW))]
Manager = Annotated[Actor, Depends(require(Action.REFERENCE_MANAGE))]

CLASSIFICATION_LABELS = {
    "code": "Code",
    "title": "Title",
    "offence_group": "Offence group",
    "offence_subgroup": "Offence subgroup",
    "statute": "Statute",
    "section": "Section",
    "mode_of_trial": "Mode of trial",
    "max_penalty": "Maximum penalty",
    "is_stalking": "Stalking offence",
    "screen_for_stalking": "Screen for hidden stalking",
    "order_type": "Breach of order type",
    "source": "Source",
}
OUTCOME_LABELS = {
    "code": "Code",
    "title": "Title",
    "outcome_group": "Outcome group",
    "parent_code": "Parent code",
    "source": "Source",
}


def _classifications_page(
    request: Request,
    session: Session,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "classifications": reference_service.list_classifications(
            session=session, include_inactive=True
        ),
        "values": values or {"mode_of_trial": ModeOfTrial.EITHER_WAY.value},
        "errors": errors or {},
        "message": message,
        "labels": CLASSIFICATION_LABELS,
        "modes": list(ModeOfTrial),
        "order_types": list(OrderType),
    }
    return render(request, "reference/classifications.html", context, status_code=status_code)


@router.get("/reference/classifications", name="reference.classifications")
def classification_list(request: Request, session: SessionDep, actor: Viewer) -> Response:
    return _classifications_page(request, session)


@router.post(
    "/reference/classifications",
    name="reference.classification_create",
    dependencies=[CsrfDep],
)
def classification_create(
    request: Request, session: SessionDep, actor: Manager, form: FormDep
) -> Response:
    values = form_dict(form, bools=("is_stalking", "screen_for_stalking"))
    data = {k: v for k, v in values.items() if v is not None}
    try:
        row = reference_service.create_classification(session=session, actor=actor, data=data)
    except Invalid as exc:
        message, errors = form_errors(exc, fields=CLASSIFICATION_LABELS)
        return _classifications_page(
            request, session, values=values, errors=errors, message=message, status_code=422
        )
    except Conflict as exc:
        return _classifications_page(
            request,
            session,
            values=values,
            errors={"code": "already in the list"},
            message=exc.message,
            status_code=409,
        )
    session.commit()
    flash(request, f"Classification {row.code} added.")
    return RedirectResponse("/reference/classifications", status_code=303)


@router.post(
    "/reference/classifications/{code}/active",
    name="reference.classification_active",
    dependencies=[CsrfDep],
)
def classification_active(
    request: Request, session: SessionDep, actor: Manager, code: str, form: FormDep
) -> Response:
    active = form_dict(form, bools=("active",))["active"]
    row = reference_service.set_classification_active(
        session=session, actor=actor, code=code, active=active
    )
    session.commit()
    flash(
        request,
        f"Classification {row.code} {'restored' if row.is_active else 'retired'}."
        + ("" if row.is_active else " It stays on existing crimes but cannot be chosen."),
    )
    return RedirectResponse(f"/reference/classifications#c-{row.code}", status_code=303)


def _outcomes_page(
    request: Request,
    session: Session,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "outcomes": reference_service.list_outcomes(session=session, include_inactive=True),
        "values": values or {},
        "errors": errors or {},
        "message": message,
        "labels": OUTCOME_LABELS,
    }
    return render(request, "reference/outcomes.html", context, status_code=status_code)


@router.get("/reference/outcomes", name="reference.outcomes")
def outcome_list(request: Request, session: SessionDep, actor: Viewer) -> Response:
    return _outcomes_page(request, session)


@router.post("/reference/outcomes", name="reference.outcome_create", dependencies=[CsrfDep])
def outcome_create(
    request: Request, session: SessionDep, actor: Manager, form: FormDep
) -> Response:
    values = form_dict(form)
    data = {k: v for k, v in values.items() if v is not None}
    try:
        row = reference_service.create_outcome(session=session, actor=actor, data=data)
    except Invalid as exc:
        message, errors = form_errors(exc, fields=OUTCOME_LABELS)
        return _outcomes_page(
            request, session, values=values, errors=errors, message=message, status_code=422
        )
    except Conflict as exc:
        return _outcomes_page(
            request,
            session,
            values=values,
            errors={"code": "already in the list"},
            message=exc.message,
            status_code=409,
        )
    session.commit()
    flash(request, f"Outcome code {row.code} added.")
    return RedirectResponse("/reference/outcomes", status_code=303)
