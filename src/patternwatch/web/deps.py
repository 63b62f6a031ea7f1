"""FastAPI dependencies: the database session, the current actor, permissions and CSRF."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from patternwatch.access import service as access_service
from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import Unauthenticated

SESSION_USER_KEY = "uid"
SESSION_CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """Raised by web routes when nobody is logged in; the app redirects to the log-in page."""


class CsrfFailed(Exception):
    """A form came back without the token we issued."""


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; routes commit, this only rolls back what was left and closes."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def client_source(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_web_actor(request: Request, session: SessionDep) -> Actor | None:
    """The logged-in user as an Actor, or None."""
    uid = request.session.get(SESSION_USER_KEY)
    if not isinstance(uid, int):
        return None
    user = access_service.get_active_user(session=session, user_id=uid)
    if user is None:
        request.session.clear()
        return None
    actor = access_service.actor_for(user, source=client_source(request), channel="web")
    request.state.actor = actor
    request.state.display_name = user.display_name
    return actor


def web_actor(actor: Annotated[Actor | None, Depends(optional_web_actor)]) -> Actor:
    if actor is None:
        raise LoginRequired()
    return actor


WebActor = Annotated[Actor, Depends(web_actor)]


def require(*actions: Action) -> Callable[[Actor], Actor]:
    """Route dependency: the logged-in actor must hold every listed action."""

    def _check(actor: WebActor) -> Actor:
        for action in actions:
            actor.require(action)
        return actor

    _check.required_actions = actions  # type: ignore[attr-defined]
    return _check


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF_KEY] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Every state-changing form must echo the session's token (synchroniser-token pattern)."""
    expected = request.session.get(SESSION_CSRF_KEY)
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not isinstance(expected, str) or not isinstance(given, str):
        raise CsrfFailed()
    if not hmac.compare_digest(expected, given):
        raise CsrfFailed()


CsrfDep = Depends(verify_csrf)


# ---- JSON API ---------------------------------------------------------------------------


def api_actor(request: Request, session: SessionDep) -> Actor:
    """The user behind an ``Authorization: Bearer`` token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Send an API token as 'Authorization: Bearer <token>'.")
    user = access_service.user_for_token(session=session, token=token.strip())
    if user is None:
        raise Unauthenticated("The API token is not valid (unknown, revoked, or user inactive).")
    return access_service.actor_for(user, source=client_source(request), channel="api")


ApiActor = Annotated[Actor, Depends(api_actor)]


def api_require(*actions: Action) -> Callable[[Actor], Actor]:
    def _check(actor: ApiActor) -> Actor:
        for action in actions:
            actor.require(action)
        return actor

    _check.required_actions = actions  # type: ignore[attr-defined]
    return _check
