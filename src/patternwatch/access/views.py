"""Log-in, log-out and the home page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from patternwatch.access import service as access_service
from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.passwords import MIN_PASSWORD_LENGTH
from patternwatch.access.permissions import Action
from patternwatch.errors import Conflict, Invalid
from patternwatch.web.deps import (
    SESSION_CSRF_KEY,
    SESSION_USER_KEY,
    CsrfDep,
    SessionDep,
    WebActor,
    client_source,
    optional_web_actor,
    require,
)
from patternwatch.web.forms import FormDep, form_dict, form_errors
from patternwatch.web.templating import flash, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect to another host after log-in.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", name="auth.login_form")
def login_form(
    request: Request,
    actor: Annotated[Actor | None, Depends(optional_web_actor)],
    next: str | None = None,
) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", name="auth.login_submit", dependencies=[CsrfDep])
def login_submit(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    user = None
    if username and password:
        user = access_service.authenticate(
            session=session, username=username, password=password, source=client_source(request)
        )
    session.commit()  # the audit row for success or failure
    if user is None:
        return render(
            request,
            "login.html",
            {
                "next": _safe_next(next),
                "username": username,
                "error": "The user name or password is not right. Check both and try again.",
            },
            status_code=400,
        )
    # A fresh session on log-in (no fixation): keep nothing from before but a new CSRF token.
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    flash(request, f"Logged in as {user.display_name}.")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", name="auth.logout", dependencies=[CsrfDep])
def logout(request: Request, session: SessionDep, actor: WebActor) -> Response:
    from patternwatch.access.permissions import Action
    from patternwatch.audit import service as audit

    audit.record(session=session, actor=actor, action=Action.SESSION_LOGOUT, summary="Logged out")
    session.commit()
    request.session.pop(SESSION_USER_KEY, None)
    request.session.pop(SESSION_CSRF_KEY, None)
    flash(request, "You have logged out.")
    return RedirectResponse("/login", status_code=303)


@router.get("/", name="home")
def home(request: Request, actor: WebActor) -> Response:
    return render(request, "home.html", {})


# ---- Administration: users ----------------------------------------------------------------

USER_LABELS = {
    "username": "User name",
    "display_name": "Display name",
    "role": "Role",
    "password": "Password",
    "organisation": "Organisation",
}
UserManager = Annotated[Actor, Depends(require(Action.USER_MANAGE))]


def _users_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "users": access_service.list_users(session=session, actor=actor),
        "roles": list(Role),
        "values": values or {"role": Role.INVESTIGATOR.value},
        "errors": errors or {},
        "message": message,
        "labels": USER_LABELS,
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return render(request, "admin/users.html", context, status_code=status_code)


@router.get("/admin/users", name="admin.users")
def admin_users(request: Request, session: SessionDep, actor: UserManager) -> Response:
    return _users_page(request, session, actor)


@router.post("/admin/users", name="admin.user_create", dependencies=[CsrfDep])
def admin_user_create(
    request: Request, session: SessionDep, actor: UserManager, form: FormDep
) -> Response:
    values = form_dict(form)
    try:
        user = access_service.create_user(
            session=session,
            actor=actor,
            username=values.get("username") or "",
            role=values.get("role") or "",
            password=values.get("password") or "",
            display_name=values.get("display_name"),
            organisation=values.get("organisation"),
        )
    except Invalid as exc:
        values.pop("password", None)  # never echo a password back into the page
        message, errors = form_errors(exc, fields=USER_LABELS)
        return _users_page(
            request, session, actor, values=values, errors=errors, message=message, status_code=422
        )
    except Conflict as exc:
        values.pop("password", None)
        return _users_page(
            request,
            session,
            actor,
            values=values,
            errors={"username": "already taken"},
            message=exc.message,
            status_code=409,
        )
    session.commit()
    flash(request, f"User {user.username} ({user.role.label}) created.")
    return RedirectResponse(request.app.url_path_for("admin.users"), status_code=303)
