"""People pages: search, add, view with timeline, and edit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Conflict, Invalid, NotFound
from patternwatch.people import forms
from patternwatch.people import merge as merge_service
from patternwatch.people import service as people_service
from patternwatch.people.enums import Gender, IdentifierKind
from patternwatch.people.models import Person
from patternwatch.web.deps import CsrfDep, SessionDep, require
from patternwatch.web.forms import FormDep, form_errors, parse_offset
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.PERSON_VIEW))]
Creator = Annotated[Actor, Depends(require(Action.PERSON_CREATE))]
Editor = Annotated[Actor, Depends(require(Action.PERSON_EDIT))]


def _detail_path(request: Request, person_id: int) -> str:
    return request.app.url_path_for("people.detail", person_id=person_id)


@router.get("/people", name="people.list")
def person_list(
    request: Request,
    session: SessionDep,
    actor: Viewer,
    q: str | None = None,
    offset: str | None = None,
) -> Response:
    query = (q or "").strip()[:200]
    limit = request.app.state.settings.page_size
    start = parse_offset(offset)
    page = people_service.search_people(
        session=session, actor=actor, query=query, limit=limit, offset=start
    )
    session.commit()  # a search by name is audited
    context = {"q": query, "page": page, "limit": limit, "offset": start}
    return render(request, "people/list.html", context)


def _form_page(
    request: Request,
    *,
    values: dict[str, Any],
    person: Person | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    labels = dict(forms.PERSON_LABELS)
    for row in values.get("aliases", []):
        for name in ("forename", "surname", "date_of_birth", "note"):
            labels[f"aliases-{row['_n']}-{name}"] = f"Alias {name.replace('_', ' ')}"
    for row in values.get("identifiers", []):
        labels[f"identifiers-{row['_n']}-kind"] = "Identifier type"
        labels[f"identifiers-{row['_n']}-value"] = "Identifier"
    context = {
        "person": person,
        "values": forms.with_blank_rows(values),
        "errors": errors or {},
        "message": message,
        "labels": labels,
        "genders": list(Gender),
        "identifier_kinds": list(IdentifierKind),
    }
    return render(request, "people/form.html", context, status_code=status_code)


@router.get("/people/new", name="people.new_form")
def person_new_form(request: Request, actor: Creator) -> Response:
    return _form_page(request, values={"gender": Gender.UNKNOWN.value})


@router.post("/people/new", name="people.new_submit", dependencies=[CsrfDep])
def person_new_submit(
    request: Request, session: SessionDep, actor: Creator, form: FormDep
) -> Response:
    values, data, error_names = forms.person_input(form)
    try:
        person = people_service.create_person(session=session, actor=actor, data=data)
    except Invalid as exc:
        message, errors = form_errors(
            exc, fields=forms.person_fields(values), aliases={"input": "forename", **error_names}
        )
        return _form_page(request, values=values, errors=errors, message=message, status_code=422)
    session.commit()
    flash(request, f"{person.display_name} added.")
    return RedirectResponse(_detail_path(request, person.id), status_code=303)


# ---- Duplicates and merges (issue 6). Registered before /people/{person_id} so the fixed
# paths are not read as a person id.

Merger = Annotated[Actor, Depends(require(Action.PERSON_MERGE))]


def _candidates_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    candidates = merge_service.find_duplicate_candidates(session=session, actor=actor)
    session.commit()  # the audited read of the candidate list
    context = {"candidates": candidates, "errors": errors or {}, "message": message}
    return render(request, "people/merge_candidates.html", context, status_code=status_code)


@router.get("/people/duplicates", name="people.duplicates")
def person_duplicates(request: Request, session: SessionDep, actor: Merger) -> Response:
    return _candidates_page(request, session, actor)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@router.post("/people/duplicates/merge", name="people.merge_submit", dependencies=[CsrfDep])
def person_merge_submit(
    request: Request, session: SessionDep, actor: Merger, form: FormDep
) -> Response:
    # The form names the pair and which of the two to keep; the other is merged into it.
    left_id, right_id = _int(form.get("left_id")), _int(form.get("right_id"))
    survivor_id = _int(form.get("survivor_id")) or left_id
    merged_id = right_id if survivor_id == left_id else left_id
    probability = form.get("match_probability")
    try:
        record = merge_service.merge_people(
            session=session,
            actor=actor,
            survivor_id=survivor_id,
            merged_id=merged_id,
            reason=str(form.get("reason") or ""),
            match_probability=float(str(probability)) if probability else None,
        )
    except (Invalid, Conflict, NotFound, ValueError) as exc:
        session.rollback()
        errors = dict(getattr(exc, "field_errors", None) or {})
        return _candidates_page(
            request,
            session,
            actor,
            errors={f"reason-{left_id}-{right_id}": errors.get("reason", str(exc))},
            message=getattr(exc, "message", "The merge could not be made"),
            status_code=422,
        )
    session.commit()
    flash(request, f"Person {record.merged_id} merged into person {record.survivor_id}.")
    return RedirectResponse(request.app.url_path_for("people.merges"), status_code=303)


@router.get("/people/merges", name="people.merges")
def person_merges(request: Request, session: SessionDep, actor: Merger) -> Response:
    merges = merge_service.list_merges(session=session, actor=actor)
    return render(request, "people/merges.html", {"merges": merges, "errors": {}, "message": None})


@router.post("/people/merges/{merge_id}/undo", name="people.unmerge_submit", dependencies=[CsrfDep])
def person_unmerge_submit(
    request: Request, session: SessionDep, actor: Merger, merge_id: int, form: FormDep
) -> Response:
    try:
        merge_service.unmerge(
            session=session, actor=actor, merge_id=merge_id, reason=str(form.get("reason") or "")
        )
    except (Invalid, Conflict) as exc:
        session.rollback()
        merges = merge_service.list_merges(session=session, actor=actor)
        errors = dict(getattr(exc, "field_errors", None) or {})
        context = {
            "merges": merges,
            "errors": {f"reason-{merge_id}": errors.get("reason", exc.message)},
            "message": exc.message,
        }
        return render(request, "people/merges.html", context, status_code=422)
    session.commit()
    flash(request, f"Merge {merge_id} undone.")
    return RedirectResponse(request.app.url_path_for("people.merges"), status_code=303)


@router.get("/people/{person_id}", name="people.detail")
def person_detail(request: Request, session: SessionDep, actor: Viewer, person_id: int) -> Response:
    person = people_service.get_person_for_actor(
        session=session, actor=actor, person_id=person_id, audit_read=False
    )
    # The timeline records the read of this person (one audit row for the page).
    timeline = people_service.person_timeline(session=session, actor=actor, person_id=person_id)
    associates = people_service.associates(session=session, actor=actor, person_id=person_id)
    session.commit()
    merged_into = person.merged_into_id
    context = {
        "person": person,
        "timeline": timeline,
        "associates": associates,
        "merged_into": merged_into,
    }
    return render(request, "people/detail.html", context)


@router.get("/people/{person_id}/pair/{other_id}", name="people.pair_timeline")
def person_pair_timeline(
    request: Request, session: SessionDep, actor: Viewer, person_id: int, other_id: int
) -> Response:
    pair = people_service.pair_timeline(
        session=session, actor=actor, person_id=person_id, other_id=other_id
    )
    session.commit()  # the audited reads of both people
    return render(request, "people/pair.html", {"pair": pair})


@router.get("/people/{person_id}/edit", name="people.edit_form")
def person_edit_form(
    request: Request, session: SessionDep, actor: Editor, person_id: int
) -> Response:
    person = people_service.get_person_for_actor(session=session, actor=actor, person_id=person_id)
    session.commit()  # the audited read
    return _form_page(request, values=forms.person_values(person), person=person)


@router.post("/people/{person_id}/edit", name="people.edit_submit", dependencies=[CsrfDep])
def person_edit_submit(
    request: Request, session: SessionDep, actor: Editor, person_id: int, form: FormDep
) -> Response:
    person = people_service.get_person_for_actor(
        session=session, actor=actor, person_id=person_id, audit_read=False
    )
    values, data, error_names = forms.person_input(form)
    try:
        people_service.update_person(session=session, actor=actor, person_id=person_id, data=data)
    except Invalid as exc:
        message, errors = form_errors(
            exc, fields=forms.person_fields(values), aliases={"input": "forename", **error_names}
        )
        return _form_page(
            request,
            values=values,
            person=person,
            errors=errors,
            message=message,
            status_code=422,
        )
    session.commit()
    flash(request, f"{person.display_name} saved.")
    return RedirectResponse(_detail_path(request, person_id), status_code=303)
