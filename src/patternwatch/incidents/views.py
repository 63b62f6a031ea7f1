"""Incident pages: list, record, view, edit, add people, and grade with THRIVE."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Conflict, Invalid
from patternwatch.incidents import service as incidents_service
from patternwatch.incidents.enums import IncidentSource, IncidentStatus
from patternwatch.incidents.models import Incident
from patternwatch.people import forms as people_forms
from patternwatch.people import service as people_service
from patternwatch.risk import service as risk_service
from patternwatch.timeutil import local
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict, form_errors, parse_offset
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.INCIDENT_VIEW))]
Creator = Annotated[Actor, Depends(require(Action.INCIDENT_CREATE))]
Editor = Annotated[Actor, Depends(require(Action.INCIDENT_EDIT))]
Linker = Annotated[Actor, Depends(require(Action.INVOLVEMENT_EDIT))]
Grader = Annotated[Actor, Depends(require(Action.RISK_ASSESS))]

LABELS = {
    "reference": "Incident reference",
    "received_at": "Received date and time",
    "source": "Source",
    "status": "Status",
    "location_text": "Location",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "lsoa_code": "LSOA code",
    "district": "District",
    "narrative": "Narrative",
}
# The THRIVE form's inputs are named for ThriveCreate's fields; ids and errors carry "thrive-"
# so they cannot clash with the add-a-person form on the same page.
THRIVE_FIELDS = {
    "grade": "Grade",
    "threat": "Threat",
    "harm": "Harm",
    "risk": "Risk",
    "investigation": "Investigation",
    "vulnerability": "Vulnerability",
    "engagement": "Engagement",
}
THRIVE_LABELS = {f"thrive-{k}": v for k, v in THRIVE_FIELDS.items()}
SEARCH_LABELS = {"q": "Text", "from": "Received from", "to": "Received to", "status": "Status"}
SEARCH_ALIASES = {"text": "q", "date_from": "from", "date_to": "to"}


def _detail_path(request: Request, incident_id: int) -> str:
    return request.app.url_path_for("incidents.detail", incident_id=incident_id)


@router.get("/incidents", name="incidents.list")
def incident_list(
    request: Request,
    session: SessionDep,
    actor: Viewer,
    q: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    status: str | None = None,
    offset: str | None = None,
) -> Response:
    values = {
        "q": (q or "").strip(),
        "from": (from_ or "").strip(),
        "to": (to or "").strip(),
        "status": (status or "").strip(),
    }
    limit = request.app.state.settings.page_size
    page, message = None, None
    errors: dict[str, str] = {}
    try:
        page = incidents_service.list_incidents(
            session=session,
            actor=actor,
            filters={
                "text": values["q"] or None,
                "date_from": values["from"] or None,
                "date_to": values["to"] or None,
                "status": values["status"] or None,
                "limit": limit,
                "offset": parse_offset(offset),
            },
        )
    except Invalid as exc:
        message, errors = form_errors(exc, fields=SEARCH_LABELS, aliases=SEARCH_ALIASES)
    context = {
        "values": values,
        "page": page,
        "limit": limit,
        "offset": parse_offset(offset),
        "searched": any(values.values()),
        "statuses": list(IncidentStatus),
        "errors": errors,
        "message": message,
        "labels": SEARCH_LABELS,
    }
    return render(request, "incidents/list.html", context, status_code=422 if errors else 200)


def _form_page(
    request: Request,
    *,
    values: dict[str, Any],
    incident: Incident | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "incident": incident,
        "values": values,
        "errors": errors or {},
        "message": message,
        "labels": LABELS,
        "sources": list(IncidentSource),
        "statuses": list(IncidentStatus),
    }
    return render(request, "incidents/form.html", context, status_code=status_code)


def _incident_values(incident: Incident) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(incident, name) for name in LABELS}
    received = local(incident.received_at)
    values["received_at"] = received.strftime("%Y-%m-%dT%H:%M") if received else ""
    values["source"] = incident.source.value
    values["status"] = incident.status.value
    return values


def _input(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    values = form_dict(form)
    return values, {k: v for k, v in values.items() if v is not None}


@router.get("/incidents/new", name="incidents.new_form")
def incident_new_form(request: Request, actor: Creator) -> Response:
    values = {"source": IncidentSource.NON_EMERGENCY_CALL.value, "status": "open"}
    return _form_page(request, values=values)


@router.post("/incidents/new", name="incidents.new_submit", dependencies=[CsrfDep])
def incident_new_submit(
    request: Request, session: SessionDep, actor: Creator, form: FormDep
) -> Response:
    values, data = _input(form)
    try:
        incident = incidents_service.create_incident(session=session, actor=actor, data=data)
    except Invalid as exc:
        message, errors = form_errors(exc, fields=LABELS)
        return _form_page(request, values=values, errors=errors, message=message, status_code=422)
    except Conflict as exc:
        return _form_page(
            request,
            values=values,
            errors={"reference": "already used by another incident"},
            message=exc.message,
            status_code=409,
        )
    session.commit()
    flash(request, f"Incident {incident.reference} recorded.")
    return RedirectResponse(_detail_path(request, incident.id), status_code=303)


def _detail_page(
    request: Request,
    session: Session,
    actor: Actor,
    incident_id: int,
    *,
    audit_read: bool = True,
    person: dict[str, Any] | None = None,
    thrive: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    incident = incidents_service.get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id, audit_read=audit_read
    )
    gradings = (
        risk_service.list_thrive(session=session, actor=actor, incident_id=incident_id)
        if actor.can(Action.SAFEGUARDING_VIEW)
        else []
    )
    crimes = incidents_service.crimes_from_incident(
        session=session, actor=actor, incident_id=incident_id
    )
    people = (
        people_service.involvements_for(session=session, incident_id=incident_id)
        if actor.can(Action.PERSON_VIEW)
        else []
    )
    if audit_read:
        session.commit()  # the audited read
    context = {
        "incident": incident,
        "crimes": crimes,
        "people": people,
        "add_person_action": request.app.url_path_for(
            "incidents.add_person", incident_id=incident_id
        ),
        "person": person,
        **people_forms.add_person_choices(),
        "gradings": gradings,
        "thrive": thrive or {"values": {}, "errors": {}, "message": None},
        "thrive_fields": THRIVE_FIELDS,
        "thrive_labels": THRIVE_LABELS,
        "thrive_action": request.app.url_path_for(
            "incidents.thrive_submit", incident_id=incident_id
        ),
    }
    return render(request, "incidents/detail.html", context, status_code=status_code)


@router.get("/incidents/{incident_id}", name="incidents.detail")
def incident_detail(
    request: Request, session: SessionDep, actor: Viewer, incident_id: int
) -> Response:
    return _detail_page(request, session, actor, incident_id)


@router.get("/incidents/{incident_id}/edit", name="incidents.edit_form")
def incident_edit_form(
    request: Request, session: SessionDep, actor: Editor, incident_id: int
) -> Response:
    incident = incidents_service.get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id
    )
    session.commit()  # the audited read
    return _form_page(request, values=_incident_values(incident), incident=incident)


@router.post("/incidents/{incident_id}/edit", name="incidents.edit_submit", dependencies=[CsrfDep])
def incident_edit_submit(
    request: Request, session: SessionDep, actor: Editor, incident_id: int, form: FormDep
) -> Response:
    values, data = _input(form)
    try:
        incident = incidents_service.update_incident(
            session=session, actor=actor, incident_id=incident_id, data=data
        )
    except Invalid as exc:
        message, errors = form_errors(exc, fields=LABELS)
        incident = incidents_service.get_incident_for_actor(
            session=session, actor=actor, incident_id=incident_id, audit_read=False
        )
        return _form_page(
            request,
            values=values,
            incident=incident,
            errors=errors,
            message=message,
            status_code=422,
        )
    session.commit()
    flash(request, f"Incident {incident.reference} saved.")
    return RedirectResponse(_detail_path(request, incident_id), status_code=303)


@router.post("/incidents/{incident_id}/people", name="incidents.add_person", dependencies=[CsrfDep])
def incident_add_person(
    request: Request, session: SessionDep, actor: Linker, incident_id: int, form: FormDep
) -> Response:
    # 404 for an unknown incident before the form is looked at.
    incidents_service.get_incident_for_actor(
        session=session, actor=actor, incident_id=incident_id, audit_read=False
    )
    try:
        person, involvement = people_forms.link_person(
            session=session, actor=actor, form=form, incident_id=incident_id
        )
    except Invalid as exc:
        session.rollback()  # a new person is not kept when the link fails
        person_form = people_forms.add_person_problem(exc, form)
        return _detail_page(
            request,
            session,
            actor,
            incident_id,
            audit_read=False,
            person=person_form,
            status_code=422,
        )
    session.commit()
    flash(request, f"{person.display_name} added as {involvement.role.label.lower()}.")
    return RedirectResponse(_detail_path(request, incident_id) + "#people", status_code=303)


@router.post(
    "/incidents/{incident_id}/thrive", name="incidents.thrive_submit", dependencies=[CsrfDep]
)
def incident_thrive_submit(
    request: Request, session: SessionDep, actor: Grader, incident_id: int, form: FormDep
) -> Response:
    values, data = _input(form)
    try:
        grading = risk_service.grade_incident(
            session=session, actor=actor, incident_id=incident_id, data=data
        )
    except Invalid as exc:
        session.rollback()
        message, errors = form_errors(exc, fields=THRIVE_FIELDS)
        thrive = {
            "values": values,
            "errors": {f"thrive-{k}": v for k, v in errors.items()},
            "message": message,
        }
        return _detail_page(
            request,
            session,
            actor,
            incident_id,
            audit_read=False,
            thrive=thrive,
            status_code=422,
        )
    session.commit()
    flash(
        request, f"THRIVE grade {grading.grade} recorded; any earlier grading is kept as history."
    )
    return RedirectResponse(_detail_path(request, incident_id) + "#thrive", status_code=303)
