"""Safeguarding pages for a crime: the summary page, and the risk assessment form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Invalid
from patternwatch.risk import service as risk_service
from patternwatch.risk.enums import RiskTool
from patternwatch.tasks.pages import safeguarding_page
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.SAFEGUARDING_VIEW))]
Assessor = Annotated[Actor, Depends(require(Action.RISK_ASSESS))]


@router.get("/crimes/{crime_id}/safeguarding", name="risk.safeguarding")
def safeguarding(request: Request, crime_id: int, session: SessionDep, actor: Viewer) -> Response:
    return safeguarding_page(request, session=session, actor=actor, crime_id=crime_id)


def _assess_form(
    request: Request,
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    tool: RiskTool,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    from patternwatch.crimes import service as crimes_service

    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    context = {
        "crime": crime,
        "tool": tool,
        "questions": risk_service.questions_for(session=session, tool=tool),
        "values": values or {},
        "errors": errors or {},
        "message": message,
    }
    return render(request, "risk/assess_form.html", context, status_code=status_code)


@router.get("/crimes/{crime_id}/risk-assessments/new", name="risk.assess_form")
def assess_form(
    request: Request, crime_id: int, session: SessionDep, actor: Assessor, tool: str = "s-dash"
) -> Response:
    chosen = RiskTool(tool) if tool in {t.value for t in RiskTool} else RiskTool.S_DASH
    return _assess_form(request, session=session, actor=actor, crime_id=crime_id, tool=chosen)


@router.post(
    "/crimes/{crime_id}/risk-assessments", name="risk.assess_submit", dependencies=[CsrfDep]
)
def assess_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Assessor, form: FormDep
) -> Response:
    values = form_dict(form, bools=("escalation", "professional_judgement"))
    tool_value = values.pop("tool", None) or "s-dash"
    tool = RiskTool(tool_value) if tool_value in {t.value for t in RiskTool} else RiskTool.S_DASH
    answers = {
        k: {"yes": True, "no": False}.get(v or "", v)
        for k, v in values.items()
        if k.startswith("q")
    }
    data = {
        "tool": tool,
        "answers": answers,
        "escalation": values.get("escalation", False),
        "professional_judgement": values.get("professional_judgement", False),
        "notes": values.get("notes") or "",
    }
    try:
        assessment = risk_service.submit_risk_assessment(
            session=session, actor=actor, crime_id=crime_id, data=data
        )
    except Invalid as exc:
        session.rollback()
        errors = {k.replace("answers.", ""): v for k, v in exc.field_errors.items()}
        return _assess_form(
            request,
            session=session,
            actor=actor,
            crime_id=crime_id,
            tool=tool,
            values=values,
            errors=errors,
            message=exc.message,
            status_code=422,
        )
    session.commit()
    flash(
        request,
        f"{tool.label} saved: score {assessment.score}, {assessment.level.label} risk"
        + (". MARAC referral required." if assessment.marac_referral_required else ".")
        + (" Ask a digital media investigator." if assessment.dmi_recommended else ""),
    )
    return RedirectResponse(f"/crimes/{crime_id}/safeguarding", status_code=303)
