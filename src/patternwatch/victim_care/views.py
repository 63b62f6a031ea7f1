"""Victim care forms on the safeguarding page: needs, updates owed and given, referrals and
their status, victim feedback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Invalid
from patternwatch.tasks.pages import failed_form as _failed
from patternwatch.tasks.pages import without_none as _clean
from patternwatch.victim_care import service as vc_service
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict
from patternwatch.web.templating import flash

router = APIRouter(include_in_schema=False)

Editor = Annotated[Actor, Depends(require(Action.VICTIM_CARE_EDIT))]


def _back(request: Request, crime_id: int, message: str) -> Response:
    flash(request, message)
    return RedirectResponse(f"/crimes/{crime_id}/safeguarding#victim-care", status_code=303)


@router.post(
    "/crimes/{crime_id}/victim-care/needs", name="victim_care.needs_submit", dependencies=[CsrfDep]
)
def needs_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Editor, form: FormDep
) -> Response:
    values = form_dict(form, bools=("vps_offered", "unsafe_to_contact"))
    values["safe_to_contact"] = not values.pop("unsafe_to_contact")
    try:
        vc_service.submit_needs_assessment(
            session=session, actor=actor, crime_id=crime_id, data=_clean(values)
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "needs")
    session.commit()
    return _back(request, crime_id, "Needs assessment recorded.")


@router.post(
    "/crimes/{crime_id}/victim-care/updates",
    name="victim_care.update_submit",
    dependencies=[CsrfDep],
)
def update_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Editor, form: FormDep
) -> Response:
    values = _clean(form_dict(form))
    try:
        if "update_id" in values:
            vc_service.record_update_given(
                session=session,
                actor=actor,
                crime_id=crime_id,
                update_id=int(values["update_id"]) if values["update_id"].isdigit() else 0,
                data={"given_on": values.get("given_on")},
            )
            message = "Update to the victim recorded."
        else:
            update = vc_service.record_update_owed(
                session=session, actor=actor, crime_id=crime_id, data=values
            )
            message = f"Update owed: {update.kind.label}, due {update.due_on.isoformat()}."
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "update")
    session.commit()
    return _back(request, crime_id, message)


@router.post(
    "/crimes/{crime_id}/victim-care/referrals",
    name="victim_care.referral_submit",
    dependencies=[CsrfDep],
)
def referral_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Editor, form: FormDep
) -> Response:
    values = _clean(form_dict(form))
    try:
        referral = vc_service.create_referral(
            session=session, actor=actor, crime_id=crime_id, data=values
        )
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "referral")
    session.commit()
    return _back(request, crime_id, f"Referral to {referral.service.label} recorded.")


@router.post(
    "/crimes/{crime_id}/victim-care/referrals/{referral_id}/status",
    name="victim_care.referral_status_submit",
    dependencies=[CsrfDep],
)
def referral_status_submit(
    request: Request,
    crime_id: int,
    referral_id: int,
    session: SessionDep,
    actor: Editor,
    form: FormDep,
) -> Response:
    values = form_dict(form)
    try:
        referral = vc_service.change_referral_status(
            session=session,
            actor=actor,
            crime_id=crime_id,
            referral_id=referral_id,
            data=_clean(values),
        )
    except Invalid as exc:
        prefix = f"referral-{referral_id}"
        return _failed(request, session, actor, crime_id, exc, prefix, values)
    session.commit()
    return _back(
        request,
        crime_id,
        f"Referral to {referral.service.label}: {referral.status.label.lower()}.",
    )


# The feedback form's answers to "satisfied with the service?"; blank means not asked or no answer.
_SATISFIED = {"yes": True, "no": False}


@router.post(
    "/crimes/{crime_id}/victim-care/feedback",
    name="victim_care.feedback_submit",
    dependencies=[CsrfDep],
)
def feedback_submit(
    request: Request, crime_id: int, session: SessionDep, actor: Editor, form: FormDep
) -> Response:
    values = form_dict(form)
    data = _clean(values)
    if "satisfied" in data:
        data["satisfied"] = _SATISFIED.get(data["satisfied"], data["satisfied"])
    try:
        vc_service.record_feedback(session=session, actor=actor, crime_id=crime_id, data=data)
    except Invalid as exc:
        return _failed(request, session, actor, crime_id, exc, "feedback", values)
    session.commit()
    return _back(request, crime_id, "Victim feedback recorded.")
