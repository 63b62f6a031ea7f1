"""Create users, check passwords, issue and check API tokens."""

from __future__ import annotations

import hashlib
import secrets

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access import passwords
from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.models import ApiToken, User
from patternwatch.access.passwords import hash_password, needs_rehash, verify_password
from patternwatch.access.permissions import Action
from patternwatch.access.schemas import UserCreate
from patternwatch.audit import service as audit
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, Invalid, NotFound, invalid_from

TOKEN_PREFIX = "pw_"


def actor_for(user: User, *, source: str, channel: str) -> Actor:
    return Actor(
        user_id=user.id, username=user.username, role=user.role, source=source, channel=channel
    )


def create_user(
    *,
    session: Session,
    actor: Actor,
    username: str,
    role: Role | str,
    password: str,
    display_name: str | None = None,
    organisation: str | None = None,
) -> User:
    """Create a user with an argon2 password hash."""
    actor.require(Action.USER_MANAGE)
    try:
        data = UserCreate(
            username=username,
            role=role,  # type: ignore[arg-type]
            password=password,
            display_name=display_name,
            organisation=organisation,
        )
    except ValidationError as exc:
        raise invalid_from(exc, "The user could not be created") from exc
    if session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(f"A user named {data.username!r} already exists.")
    user = User(
        username=data.username,
        display_name=data.display_name or data.username,
        role=data.role,
        password_hash=hash_password(data.password),
        organisation=data.organisation,
        is_active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.USER_MANAGE,
        entity_type="user",
        entity_id=user.id,
        summary=f"Created user {user.username} ({user.role.value})",
        changes={"username": user.username, "role": user.role.value},
    )
    return user


def set_password(*, session: Session, actor: Actor, username: str, password: str) -> User:
    """Replace a user's password."""
    actor.require(Action.USER_MANAGE)
    user = get_user_by_username(session=session, username=username)
    if len(password) < 10:
        raise Invalid("The password must be at least 10 characters.", {"password": "too short"})
    user.password_hash = hash_password(password)
    user.is_active = True
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.USER_MANAGE,
        entity_type="user",
        entity_id=user.id,
        summary=f"Reset the password of {user.username}",
    )
    return user


def get_user_by_username(*, session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    return user


def list_users(*, session: Session, actor: Actor) -> list[User]:
    """All users, by name."""
    actor.require(Action.USER_MANAGE)
    return list(session.scalars(select(User).order_by(User.username)))


def list_users_with_role(*, session: Session, roles: set[Role]) -> list[User]:
    """Active users holding one of the roles (for officer-in-charge pickers)."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_(roles), User.is_active.is_(True))
            .order_by(User.display_name)
        )
    )


def authenticate(*, session: Session, username: str, password: str, source: str) -> User | None:
    """Return the user when the password is right; audit success and failure alike."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        verify_password(passwords.DUMMY_HASH, password)  # same work either way
        audit.record(
            session=session,
            actor=Actor(None, username.strip().lower()[:64] or "?", None, source, "web"),
            action=Action.SESSION_LOGIN_FAILED,
            summary="Failed log-in (unknown or inactive user)",
        )
        return None
    if not verify_password(user.password_hash, password):
        audit.record(
            session=session,
            actor=actor_for(user, source=source, channel="web"),
            action=Action.SESSION_LOGIN_FAILED,
            entity_type="user",
            entity_id=user.id,
            summary="Failed log-in (wrong password)",
        )
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor_for(user, source=source, channel="web"),
        action=Action.SESSION_LOGIN,
        entity_type="user",
        entity_id=user.id,
        summary="Logged in",
    )
    return user


def get_active_user(*, session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    *, session: Session, actor: Actor, username: str, label: str | None = None
) -> tuple[ApiToken, str]:
    """Issue a new API token for a user; the plain token is returned once and never stored."""
    actor.require(Action.USER_MANAGE)
    user = get_user_by_username(session=session, username=username)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=_token_hash(plain),
        prefix=plain[:10],
        label=label,
        created_at=utcnow(),
    )
    session.add(token)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.TOKEN_CREATE,
        entity_type="user",
        entity_id=user.id,
        summary=f"Issued API token {token.prefix}… for {user.username}",
    )
    return token, plain


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # One query: the token and its user together.
    user = session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if user is None or not user.is_active:
        return None
    return user
