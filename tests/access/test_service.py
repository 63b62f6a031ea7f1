"""Access service: creating users, logging in (audited either way), and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patternwatch.access import passwords, service
from patternwatch.access.actor import SYSTEM_ACTOR, Actor
from patternwatch.access.enums import Role
from patternwatch.access.models import ApiToken, User
from patternwatch.access.permissions import ROLE_ACTIONS, Action
from patternwatch.audit.models import AuditEvent
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import Persona

GOOD_PASSWORD = "a-long-enough-password"


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def _one_event_after(session: Session, seq: int) -> AuditEvent:
    events = list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )
    assert len(events) == 1, [(e.action, e.summary) for e in events]
    return events[0]


def _new_user(session: Session, username: str = "new.user", **kwargs: Any) -> User:
    data: dict[str, Any] = {"role": Role.INVESTIGATOR, "password": GOOD_PASSWORD}
    data.update(kwargs)
    return service.create_user(session=session, actor=SYSTEM_ACTOR, username=username, **data)


# ---- the permission table ----------------------------------------------------------------


def test_every_role_has_an_entry_and_partner_has_none() -> None:
    assert set(ROLE_ACTIONS) == set(Role)
    assert ROLE_ACTIONS[Role.PARTNER] == frozenset()


def test_actor_require() -> None:
    actor = Actor(1, "someone", Role.ANALYST)
    actor.require(Action.CRIME_VIEW)
    with pytest.raises(Forbidden, match="crime.edit"):
        actor.require(Action.CRIME_EDIT)
    nobody = Actor(None, "nobody", None)
    assert not nobody.can(Action.CRIME_VIEW)
    with pytest.raises(Forbidden):
        nobody.require(Action.CRIME_VIEW)


# ---- users -------------------------------------------------------------------------------


def test_create_user_stores_a_hash_and_audits(session: Session) -> None:
    seq = _max_seq(session)
    user = _new_user(session, " New.User ", display_name="New User", organisation=None)
    assert user.username == "new.user"
    assert user.display_name == "New User"
    assert user.is_active
    assert user.password_hash != GOOD_PASSWORD
    assert user.password_hash.startswith("$argon2id$")
    assert passwords.verify_password(user.password_hash, GOOD_PASSWORD)
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.USER_MANAGE.value,
        "user",
        user.id,
    )
    assert event.changes == {"username": "new.user", "role": "investigator"}
    assert GOOD_PASSWORD not in str(event.changes) + event.summary


def test_display_name_defaults_to_the_username(session: Session) -> None:
    assert _new_user(session, "plain").display_name == "plain"


@pytest.mark.parametrize(
    ("username", "overrides", "message"),
    [
        ("x", {}, "username"),
        ("has space", {}, "username"),
        ("-leading", {}, "username"),
        ("émile", {}, "username"),
        ("ok.name", {"password": "short"}, "password"),
        ("ok.name", {"role": "superuser"}, "role"),
        ("ok.name", {"display_name": "x" * 129}, "display_name"),
    ],
)
def test_create_user_rejects(
    session: Session, username: str, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message) as caught:
        _new_user(session, username, **overrides)
    assert message in caught.value.field_errors


@pytest.mark.parametrize("username", ["investigator", "INVESTIGATOR", " investigator "])
def test_duplicate_user_is_conflict(
    session: Session, personas: dict[Role, Persona], username: str
) -> None:
    with pytest.raises(Conflict, match="investigator"):
        _new_user(session, username)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN], ids=lambda r: r.value)
def test_only_admins_manage_users(session: Session, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(role)
    with pytest.raises(Forbidden):
        service.create_user(
            session=session,
            actor=actor,
            username="sneaky",
            role=Role.ADMIN,
            password=GOOD_PASSWORD,
        )
    with pytest.raises(Forbidden):
        service.list_users(session=session, actor=actor)
    with pytest.raises(Forbidden):
        service.create_token(session=session, actor=actor, username=actor.username)


def test_admin_creates_users_and_lists_them(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    admin = actor_of(Role.ADMIN)
    service.create_user(
        session=session, actor=admin, username="zz-new", role="analyst", password=GOOD_PASSWORD
    )
    names = [u.username for u in service.list_users(session=session, actor=admin)]
    assert "zz-new" in names
    assert names == sorted(names)


def test_list_users_with_role_skips_inactive(session: Session) -> None:
    active = _new_user(session, "aa-oic", role=Role.SUPERVISOR)
    gone = _new_user(session, "aa-gone", role=Role.SUPERVISOR)
    gone.is_active = False
    session.flush()
    found = service.list_users_with_role(session=session, roles={Role.SUPERVISOR})
    assert active in found and gone not in found
    assert all(u.role is Role.SUPERVISOR for u in found)


def test_set_password(session: Session) -> None:
    user = _new_user(session)
    user.is_active = False
    session.flush()
    with pytest.raises(Invalid, match="10 characters"):
        service.set_password(
            session=session, actor=SYSTEM_ACTOR, username=user.username, password="x"
        )
    service.set_password(
        session=session, actor=SYSTEM_ACTOR, username=user.username, password="another-password"
    )
    assert user.is_active
    assert service.authenticate(
        session=session, username=user.username, password="another-password", source="t"
    )
    with pytest.raises(NotFound):
        service.set_password(
            session=session, actor=SYSTEM_ACTOR, username="nobody", password="another-password"
        )


# ---- authentication ----------------------------------------------------------------------


def test_authenticate_right_password(session: Session) -> None:
    user = _new_user(session)
    assert user.last_login_at is None
    seq = _max_seq(session)
    assert (
        service.authenticate(
            session=session, username=" NEW.USER ", password=GOOD_PASSWORD, source="10.0.0.1"
        )
        is user
    )
    assert user.last_login_at is not None
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id, event.actor_id) == (
        Action.SESSION_LOGIN.value,
        "user",
        user.id,
        user.id,
    )
    assert (event.source, event.channel, event.actor_role) == ("10.0.0.1", "web", "investigator")


def test_authenticate_wrong_password(session: Session) -> None:
    user = _new_user(session)
    seq = _max_seq(session)
    assert (
        service.authenticate(
            session=session, username="new.user", password="not-the-password", source="10.0.0.1"
        )
        is None
    )
    assert user.last_login_at is None
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.SESSION_LOGIN_FAILED.value,
        "user",
        user.id,
    )
    assert "wrong password" in event.summary


def test_authenticate_unknown_user(session: Session) -> None:
    seq = _max_seq(session)
    assert (
        service.authenticate(session=session, username="Nobody", password="x", source="10.0.0.2")
        is None
    )
    event = _one_event_after(session, seq)
    assert event.action == Action.SESSION_LOGIN_FAILED.value
    assert (event.actor_id, event.actor_name, event.actor_role) == (None, "nobody", "anonymous")
    assert event.entity_id is None


def test_authenticate_inactive_user(session: Session) -> None:
    user = _new_user(session)
    user.is_active = False
    session.flush()
    seq = _max_seq(session)
    assert (
        service.authenticate(
            session=session, username="new.user", password=GOOD_PASSWORD, source="10.0.0.3"
        )
        is None
    )
    event = _one_event_after(session, seq)
    assert event.action == Action.SESSION_LOGIN_FAILED.value
    assert "inactive" in event.summary


def test_authenticate_upgrades_an_outdated_hash(session: Session) -> None:
    user = _new_user(session)
    # A hash made with other (here: older, weaker) parameters than the current hasher's.
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(
        GOOD_PASSWORD
    )
    session.flush()
    old_hash = user.password_hash
    assert passwords.needs_rehash(old_hash)
    assert service.authenticate(
        session=session, username="new.user", password=GOOD_PASSWORD, source="t"
    )
    assert user.password_hash != old_hash
    assert not passwords.needs_rehash(user.password_hash)


# ---- API tokens --------------------------------------------------------------------------


def test_token_is_stored_only_as_a_hash(session: Session) -> None:
    user = _new_user(session)
    seq = _max_seq(session)
    token, plain = service.create_token(
        session=session, actor=SYSTEM_ACTOR, username=user.username, label="reporting"
    )
    assert plain.startswith(service.TOKEN_PREFIX)
    assert len(plain) > 40
    row = session.get(ApiToken, token.id)
    assert row is not None
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert row.prefix == plain[:10]
    stored = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
    assert plain not in stored
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.TOKEN_CREATE.value, user.id)
    assert plain not in event.summary and plain not in str(event.changes)
    assert service.user_for_token(session=session, token=plain) is user


def test_each_token_is_new(session: Session) -> None:
    user = _new_user(session)
    _, first = service.create_token(session=session, actor=SYSTEM_ACTOR, username=user.username)
    _, second = service.create_token(session=session, actor=SYSTEM_ACTOR, username=user.username)
    assert first != second
    assert service.user_for_token(session=session, token=first) is user
    assert service.user_for_token(session=session, token=second) is user


def test_revoked_token_is_rejected(session: Session) -> None:
    user = _new_user(session)
    token, plain = service.create_token(session=session, actor=SYSTEM_ACTOR, username=user.username)
    token.revoked_at = utcnow()
    session.flush()
    assert service.user_for_token(session=session, token=plain) is None


def test_token_of_an_inactive_user_is_rejected(session: Session) -> None:
    user = _new_user(session)
    _, plain = service.create_token(session=session, actor=SYSTEM_ACTOR, username=user.username)
    user.is_active = False
    session.flush()
    assert service.user_for_token(session=session, token=plain) is None


@pytest.mark.parametrize("token", ["", "pw_", "pw_unknown", "not-our-prefix", "PW_x"])
def test_unknown_tokens_are_rejected(session: Session, token: str) -> None:
    assert service.user_for_token(session=session, token=token) is None


def test_token_for_unknown_user_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.create_token(session=session, actor=SYSTEM_ACTOR, username="nobody")
