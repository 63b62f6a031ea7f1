"""The registrar's screening review queue: list, one flag with its evidence, confirm, dismiss,
and the measures page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Conflict, Invalid
from patternwatch.screening import series
from patternwatch.screening import service as screening_service
from patternwatch.screening.enums import FlagStatus
from patternwatch.screening.text import LABELS as TEXT_LABELS
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict
from patternwatch.web.templating import flash, render

INDICATOR_LABELS = {**TEXT_LABELS, **series.LABELS}

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.SCREENING_VIEW))]
Reviewer = Annotated[Actor, Depends(require(Action.SCREENING_REVIEW))]
PER_PAGE = 50


def _detail_path(request: Request, flag_id: int) -> str:
    return request.app.url_path_for("screening.detail", flag_id=flag_id)


@router.get("/screening", name="screening.list")
def flag_list(
    request: Request,
    session: SessionDep,
    actor: Viewer,
    status: str | None = "open",
    min_score: str | None = None,
    page: int = 1,
) -> Response:
    errors: dict[str, str] = {}
    wanted = None
    if status:
        try:
            wanted = FlagStatus(status)
        except ValueError:
            errors["status"] = "Choose open, confirmed or dismissed."
    threshold = None
    if min_score:
        try:
            threshold = float(min_score)
            if not 0.0 <= threshold <= 1.0:
                raise ValueError
        except ValueError:
            errors["min_score"] = "Give a score between 0 and 1, like 0.7."
            threshold = None
    flags, total = screening_service.list_flags(
        session=session,
        actor=actor,
        status=wanted,
        min_score=threshold,
        page=max(page, 1),
        per_page=PER_PAGE,
    )
    context = {
        "flags": flags,
        "total": total,
        "page": max(page, 1),
        "pages": max(1, -(-total // PER_PAGE)),
        "values": {"status": status or "", "min_score": min_score or ""},
        "errors": errors,
        "statuses": list(FlagStatus),
        "indicator_labels": INDICATOR_LABELS,
    }
    return render(request, "screening/list.html", context, status_code=422 if errors else 200)


@router.get("/screening/measures", name="screening.measures")
def flag_measures(request: Request, session: SessionDep, actor: Viewer) -> Response:
    rows = screening_service.measures(session=session, actor=actor)
    session.commit()
    return render(request, "screening/measures.html", {"rows": rows})


def _detail_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    flag_id: int,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    detail = screening_service.flag_detail(session=session, actor=actor, flag_id=flag_id)
    session.commit()
    context = {
        "d": detail,
        "flag": detail.flag,
        "errors": errors or {},
        "message": message,
        "values": values or {},
        "indicator_labels": INDICATOR_LABELS,
    }
    return render(request, "screening/detail.html", context, status_code=status_code)


@router.get("/screening/{flag_id}", name="screening.detail")
def flag_detail(request: Request, session: SessionDep, actor: Viewer, flag_id: int) -> Response:
    return _detail_page(request, session, actor, flag_id)


@router.post("/screening/{flag_id}/confirm", name="screening.confirm", dependencies=[CsrfDep])
def flag_confirm(
    request: Request, session: SessionDep, actor: Reviewer, flag_id: int, form: FormDep
) -> Response:
    values = form_dict(form)
    placement = values.get("placement", "included")
    try:
        flag = screening_service.confirm_flag(
            session=session,
            actor=actor,
            flag_id=flag_id,
            reason=values.get("reason", ""),
            as_principal=placement == "principal",
        )
    except (Invalid, Conflict) as exc:
        session.rollback()
        errors = dict(getattr(exc, "field_errors", None) or {})
        return _detail_page(
            request,
            session,
            actor,
            flag_id,
            errors={f"confirm_{k}": v for k, v in errors.items()},
            message=exc.message,
            values={"confirm_reason": values.get("reason", ""), "placement": placement},
            status_code=422 if isinstance(exc, Invalid) else 409,
        )
    session.commit()
    flash(request, f"Flag {flag.id} confirmed.")
    return RedirectResponse(_detail_path(request, flag.id), status_code=303)


@router.post("/screening/{flag_id}/dismiss", name="screening.dismiss", dependencies=[CsrfDep])
def flag_dismiss(
    request: Request, session: SessionDep, actor: Reviewer, flag_id: int, form: FormDep
) -> Response:
    values = form_dict(form)
    try:
        flag = screening_service.dismiss_flag(
            session=session, actor=actor, flag_id=flag_id, reason=values.get("reason", "")
        )
    except (Invalid, Conflict) as exc:
        session.rollback()
        errors = dict(getattr(exc, "field_errors", None) or {})
        return _detail_page(
            request,
            session,
            actor,
            flag_id,
            errors={f"dismiss_{k}": v for k, v in errors.items()},
            message=exc.message,
            values={"dismiss_reason": values.get("reason", "")},
            status_code=422 if isinstance(exc, Invalid) else 409,
        )
    session.commit()
    flash(request, f"Flag {flag.id} dismissed.")
    return RedirectResponse(_detail_path(request, flag.id), status_code=303)
