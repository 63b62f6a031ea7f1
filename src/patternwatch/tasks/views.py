"""The task inbox page: what is due or overdue, highest risk first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.orders import service as orders_service
from patternwatch.tasks import service as tasks_service
from patternwatch.tasks.service import InboxScope
from patternwatch.web.deps import SessionDep, require
from patternwatch.web.templating import render

router = APIRouter(include_in_schema=False)

Viewer = Annotated[Actor, Depends(require(Action.TASK_VIEW))]


@router.get("/tasks", name="tasks.inbox")
def inbox(request: Request, session: SessionDep, actor: Viewer, scope: str = "mine") -> Response:
    chosen = InboxScope(scope) if scope in {s.value for s in InboxScope} else InboxScope.MINE
    on = orders_service.today()
    items = tasks_service.inbox(session=session, actor=actor, on=on, scope=chosen)
    context = {"items": items, "scope": chosen, "scopes": list(InboxScope), "on": on}
    return render(request, "tasks/inbox.html", context)
