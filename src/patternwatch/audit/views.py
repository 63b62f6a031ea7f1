"""The audit trail page: who read or changed what, when, from where."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit_service
from patternwatch.web.deps import SessionDep, require
from patternwatch.web.forms import parse_offset
from patternwatch.web.templating import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.AUDIT_VIEW))]

LABELS = {"entity_type": "Record type", "entity_id": "Record number", "actor": "User name"}
# Records that have a page of their own, so an event can link to what it is about.
ENTITY_PATHS = {"crime": "/crimes", "incident": "/incidents", "person": "/people"}


@router.get("/audit", name="audit.list")
def audit_list(
    request: Request,
    session: SessionDep,
    actor: Viewer,
    entity_type: str | None = None,
    entity_id: str | None = None,
    user: str | None = None,
    offset: str | None = None,
) -> Response:
    values = {
        "entity_type": (entity_type or "").strip().lower()[:32],
        "entity_id": (entity_id or "").strip(),
        "user": (user or "").strip().lower()[:64],
    }
    errors: dict[str, str] = {}
    record_id = None
    if values["entity_id"]:
        try:
            record_id = int(values["entity_id"])
        except ValueError:
            errors["entity_id"] = "must be a whole number"
    limit = request.app.state.settings.page_size
    start = parse_offset(offset)
    page = None
    if not errors:
        page = audit_service.list_events(
            session=session,
            actor=actor,
            entity_type=values["entity_type"] or None,
            entity_id=record_id,
            actor_name=values["user"] or None,
            limit=limit,
            offset=start,
        )
    context = {
        "values": values,
        "page": page,
        "limit": limit,
        "offset": start,
        "errors": errors,
        "labels": LABELS,
        "entity_types": ["crime", "incident", "person", "user", "classification", "outcome_code"],
        "entity_paths": ENTITY_PATHS,
        "searched": any(values.values()),
    }
    return render(request, "audit/list.html", context, status_code=422 if errors else 200)
