"""Crime pages: search, record, view, edit, reclassify, restrict, and add people."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from patternwatch.access import service as access_service
from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.crimes import export as crimes_export
from patternwatch.crimes import forms
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.enums import CrimeStatus, OnlineMethod
from patternwatch.crimes.models import Crime
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound
from patternwatch.incidents import service as incidents_service
from patternwatch.people import forms as people_forms
from patternwatch.people import service as people_service
from patternwatch.people.enums import Relationship
from patternwatch.reference import service as reference_service
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_dict, form_errors, parse_offset
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.CRIME_VIEW))]
Creator = Annotated[Actor, Depends(require(Action.CRIME_CREATE))]
Editor = Annotated[Actor, Depends(require(Action.CRIME_EDIT))]
Reclassifier = Annotated[Actor, Depends(require(Action.CRIME_RECLASSIFY))]
Restricter = Annotated[Actor, Depends(require(Action.CRIME_RESTRICT))]
Linker = Annotated[Actor, Depends(require(Action.INVOLVEMENT_EDIT))]
Exporter = Annotated[Actor, Depends(require(Action.REPORT_EXPORT, Action.CRIME_VIEW))]


def _detail_path(request: Request, crime_id: int) -> str:
    return request.app.url_path_for("crimes.detail", crime_id=crime_id)


@router.get("/crimes", name="crimes.list")
def crime_list(request: Request, session: SessionDep, actor: Viewer) -> Response:
    # Read from the raw query so a bad value is shown on the form rather than refused outright.
    values = forms.search_values(request.query_params)
    cursor = request.query_params.get("cursor") or None
    limit = request.app.state.settings.page_size
    page, message = None, None
    errors: dict[str, str] = {}
    try:
        page = crimes_service.search_crimes(
            session=session,
            actor=actor,
            filters=forms.search_filters(
                values,
                limit=limit,
                offset=0 if cursor else parse_offset(request.query_params.get("offset")),
                cursor=cursor,
            ),
            facets=bool(values["facets"]),
        )
    except Invalid as exc:
        message, errors = forms.search_problems(exc)
    else:
        session.commit()  # the audited search
    context = {
        "values": values,
        "page": page,
        "limit": limit,
        "searched": any(v for k, v in values.items() if k != "facets"),
        "statuses": list(CrimeStatus),
        "relationships": list(Relationship),
        "online_methods": list(OnlineMethod),
        "sorts": forms.SORTS,
        "errors": errors,
        "message": message,
        "labels": forms.SEARCH_LABELS,
    }
    return render(request, "crimes/list.html", context, status_code=422 if page is None else 200)


def export_response(
    *, session: Session, actor: Actor, filters: dict[str, Any], fmt: str
) -> Response:
    """Run an export for the web page or the API: CSV streamed, XLSX via a temporary file.

    The read transaction is ended between batches (session.commit with nothing pending), so a
    long export never holds SQLite's write lock (BEGIN IMMEDIATE) for its whole length.
    """
    if fmt == crimes_export.ExportFormat.XLSX:
        plan = crimes_export.plan_export(session=session, actor=actor, filters=filters)
        handle, name = tempfile.mkstemp(prefix="patternwatch-export-", suffix=".xlsx")
        os.close(handle)
        try:
            rows = crimes_export.iter_rows(
                session=session, plan=plan, between_batches=session.commit
            )
            written = crimes_export.write_xlsx(rows, Path(name))
            export = crimes_export.start_export(
                session=session, actor=actor, filters=plan.filters, fmt=fmt, rows=written
            )
            session.commit()  # the audited export
        except BaseException:
            os.unlink(name)
            raise
        return FileResponse(
            name,
            media_type=export.format.media_type,
            filename=export.filename,
            background=BackgroundTask(os.unlink, name),
        )
    export = crimes_export.start_export(session=session, actor=actor, filters=filters, fmt=fmt)
    session.commit()  # the audited export, before the first byte goes out
    rows = crimes_export.iter_rows(
        session=session, plan=export.plan, between_batches=session.commit, total=export.rows
    )
    return StreamingResponse(
        crimes_export.csv_chunks(rows),
        media_type=export.format.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


# Declared before /crimes/{crime_id}, which would otherwise take "export" for an id.
@router.get("/crimes/export", name="crimes.export")
def crime_export(
    request: Request, session: SessionDep, actor: Exporter, format: str = "csv"
) -> Response:
    # The search page's own filters (its paging is irrelevant: an export holds every row).
    filters = forms.search_filters(forms.search_values(request.query_params), limit=1)
    return export_response(session=session, actor=actor, filters=filters, fmt=format)


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, Any],
    crime: Crime | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    incident = None
    if str(values.get("incident_id") or "").isdigit():
        with suppress(NotFound, Forbidden):  # an unknown incident is reported on save
            incident = incidents_service.get_incident_for_actor(
                session=session,
                actor=actor,
                incident_id=int(values["incident_id"]),
                audit_read=False,
            )
    context = {
        "crime": crime,
        "values": values,
        "errors": errors or {},
        "message": message,
        "labels": forms.CRIME_LABELS,
        "classification_groups": forms.classification_groups(
            reference_service.list_classifications(session=session)
        ),
        "officers": access_service.list_users_with_role(
            session=session, roles=crimes_service.OIC_ROLES
        ),
        "statuses": list(CrimeStatus),
        "online_methods": list(OnlineMethod),
        "incident": incident,
    }
    return render(request, "crimes/form.html", context, status_code=status_code)


@router.get("/crimes/new", name="crimes.new_form")
def crime_new_form(
    request: Request, session: SessionDep, actor: Creator, incident_id: str | None = None
) -> Response:
    values: dict[str, Any] = {"status": CrimeStatus.RECORDED.value, "included": []}
    if incident_id and incident_id.isdigit():
        values["incident_id"] = int(incident_id)
    return _form_page(request, session, actor, values=values)


@router.post("/crimes/new", name="crimes.new_submit", dependencies=[CsrfDep])
def crime_new_submit(
    request: Request, session: SessionDep, actor: Creator, form: FormDep
) -> Response:
    values, data = forms.crime_input(form)
    try:
        crime = crimes_service.create_crime(session=session, actor=actor, data=data)
    except (Invalid, Conflict) as exc:
        status, message, errors = forms.problems(exc, values)
        return _form_page(
            request,
            session,
            actor,
            values=values,
            errors=errors,
            message=message,
            status_code=status,
        )
    session.commit()
    flash(request, f"Crime {crime.reference} recorded.")
    return RedirectResponse(_detail_path(request, crime.id), status_code=303)


def _detail_page(
    request: Request,
    session: Session,
    actor: Actor,
    crime_id: int,
    *,
    audit_read: bool = True,
    person: dict[str, Any] | None = None,
    restriction: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=audit_read
    )
    history = crimes_service.classification_history(session=session, actor=actor, crime_id=crime_id)
    people = (
        people_service.involvements_for(session=session, crime_id=crime_id)
        if actor.can(Action.PERSON_VIEW)
        else []
    )
    named = (
        crimes_service.named_users(session=session, actor=actor, crime_id=crime_id)
        if actor.can(Action.CRIME_RESTRICT)
        else []
    )
    incident = None
    if crime.incident_id is not None and actor.can(Action.INCIDENT_VIEW):
        incident = incidents_service.get_incident_for_actor(
            session=session, actor=actor, incident_id=crime.incident_id, audit_read=False
        )
    if audit_read:
        session.commit()  # the audited read
    context = {
        "crime": crime,
        "history": history,
        "people": people,
        "named": named,
        "incident": incident,
        "add_person_action": request.app.url_path_for("crimes.add_person", crime_id=crime_id),
        "person": person,
        "restriction": restriction,
        **people_forms.add_person_choices(),
    }
    return render(request, "crimes/detail.html", context, status_code=status_code)


@router.get("/crimes/{crime_id}", name="crimes.detail")
def crime_detail(request: Request, session: SessionDep, actor: Viewer, crime_id: int) -> Response:
    return _detail_page(request, session, actor, crime_id)


@router.get("/crimes/{crime_id}/edit", name="crimes.edit_form")
def crime_edit_form(
    request: Request, session: SessionDep, actor: Editor, crime_id: int
) -> Response:
    crime = crimes_service.get_crime_for_actor(session=session, actor=actor, crime_id=crime_id)
    session.commit()  # the audited read
    return _form_page(request, session, actor, values=forms.crime_values(crime), crime=crime)


@router.post("/crimes/{crime_id}/edit", name="crimes.edit_submit", dependencies=[CsrfDep])
def crime_edit_submit(
    request: Request, session: SessionDep, actor: Editor, crime_id: int, form: FormDep
) -> Response:
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    # Only supervisors see the restricted box; for everyone else the flag stays as it is.
    keep = None if actor.can(Action.CRIME_RESTRICT) else crime.is_restricted
    values, data = forms.crime_input(form, keep_restricted=keep)
    try:
        crimes_service.update_crime(session=session, actor=actor, crime_id=crime_id, data=data)
    except Invalid as exc:
        status, message, errors = forms.problems(exc, values)
        return _form_page(
            request,
            session,
            actor,
            values=values,
            crime=crime,
            errors=errors,
            message=message,
            status_code=status,
        )
    session.commit()
    flash(request, f"Crime {crime.reference} saved.")
    return RedirectResponse(_detail_path(request, crime_id), status_code=303)


def _reclassify_page(
    request: Request,
    session: Session,
    crime: Crime,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "crime": crime,
        "values": values,
        "errors": errors or {},
        "message": message,
        "labels": forms.CRIME_LABELS,
        "classification_groups": forms.classification_groups(
            reference_service.list_classifications(session=session)
        ),
    }
    return render(request, "crimes/reclassify.html", context, status_code=status_code)


@router.get("/crimes/{crime_id}/reclassify", name="crimes.reclassify_form")
def crime_reclassify_form(
    request: Request, session: SessionDep, actor: Reclassifier, crime_id: int
) -> Response:
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    return _reclassify_page(request, session, crime, forms.reclassify_values(crime))


@router.post(
    "/crimes/{crime_id}/reclassify", name="crimes.reclassify_submit", dependencies=[CsrfDep]
)
def crime_reclassify_submit(
    request: Request, session: SessionDep, actor: Reclassifier, crime_id: int, form: FormDep
) -> Response:
    values, data = forms.reclassify_input(form)
    try:
        crime = crimes_service.reclassify_crime(
            session=session, actor=actor, crime_id=crime_id, data=data
        )
    except Invalid as exc:
        status, message, errors = forms.problems(exc, values)
        crime = crimes_service.get_crime_for_actor(
            session=session, actor=actor, crime_id=crime_id, audit_read=False
        )
        return _reclassify_page(
            request, session, crime, values, errors=errors, message=message, status_code=status
        )
    session.commit()
    flash(request, f"Crime {crime.reference} reclassified.")
    return RedirectResponse(_detail_path(request, crime_id), status_code=303)


@router.post(
    "/crimes/{crime_id}/restriction", name="crimes.restriction_submit", dependencies=[CsrfDep]
)
def crime_restriction_submit(
    request: Request, session: SessionDep, actor: Restricter, crime_id: int, form: FormDep
) -> Response:
    values = form_dict(form, bools=("restricted",))
    try:
        crime = crimes_service.set_restriction(
            session=session,
            actor=actor,
            crime_id=crime_id,
            restricted=values["restricted"],
            usernames=forms.usernames_from(values.get("usernames")),
        )
    except Invalid as exc:
        message, errors = form_errors(exc, fields=("restricted", "usernames"))
        restriction = {"values": values, "errors": errors, "message": message}
        return _detail_page(
            request,
            session,
            actor,
            crime_id,
            audit_read=False,
            restriction=restriction,
            status_code=422,
        )
    session.commit()
    flash(
        request,
        f"Crime {crime.reference} is now restricted."
        if crime.is_restricted
        else f"The restriction on crime {crime.reference} is lifted.",
    )
    return RedirectResponse(_detail_path(request, crime_id), status_code=303)


@router.post("/crimes/{crime_id}/people", name="crimes.add_person", dependencies=[CsrfDep])
def crime_add_person(
    request: Request, session: SessionDep, actor: Linker, crime_id: int, form: FormDep
) -> Response:
    # 404 for a crime the actor may not see, before anything else is looked at.
    crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )
    try:
        person, involvement = people_forms.link_person(
            session=session, actor=actor, form=form, crime_id=crime_id
        )
    except Invalid as exc:
        session.rollback()  # a new person is not kept when the link fails
        problem = people_forms.add_person_problem(exc, form)
        return _detail_page(
            request, session, actor, crime_id, audit_read=False, person=problem, status_code=422
        )
    session.commit()
    flash(request, f"{person.display_name} added as {involvement.role.label.lower()}.")
    return RedirectResponse(_detail_path(request, crime_id) + "#people", status_code=303)
