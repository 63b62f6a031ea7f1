"""Reference data: the shipped code lists, and administrators extending and retiring them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.audit.models import AuditEvent
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound
from patternwatch.reference import service
from patternwatch.reference.enums import ModeOfTrial, OrderType
from tests.factories import make_crime


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def _events_after(session: Session, seq: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )


def _classification(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "zz/1",
        "title": "Test offence",
        "offence_group": "Violence against the person",
        "mode_of_trial": "summary",
        "screen_for_stalking": True,
    }
    data.update(overrides)
    return data


@pytest.fixture()
def admin(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.ADMIN)


# ---- the shipped lists -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "is_stalking", "screen", "order_type"),
    [
        ("8Q", True, False, None),
        ("8L", False, True, None),
        ("8R", False, True, None),
        ("BR-SPO", False, True, OrderType.SPO),
    ],
)
def test_shipped_classification_flags(
    session: Session, code: str, is_stalking: bool, screen: bool, order_type: OrderType | None
) -> None:
    row = service.get_classification(session=session, code=code.lower())
    assert (row.is_stalking, row.screen_for_stalking, row.order_type) == (
        is_stalking,
        screen,
        order_type,
    )
    assert row.is_active


def test_outcomes_are_in_home_office_order(session: Session) -> None:
    codes = [o.code for o in service.list_outcomes(session=session)]
    assert codes[:5] == ["0", "1", "1A", "2", "2A"]
    assert codes.index("15") < codes.index("15B") < codes.index("16")
    assert codes[-1] == "22"


def test_get_outcome(session: Session) -> None:
    assert service.get_outcome(session=session, code=" 1a ").code == "1A"
    with pytest.raises(Invalid, match="99"):
        service.get_outcome(session=session, code="99")


# ---- classifications ---------------------------------------------------------------------


def test_admin_adds_a_classification(session: Session, admin: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    seq = _max_seq(session)
    row = service.create_classification(session=session, actor=admin, data=_classification())
    assert row.code == "ZZ/1"
    assert row.mode_of_trial is ModeOfTrial.SUMMARY
    assert row.is_active and row.screen_for_stalking and not row.is_stalking
    assert "ZZ/1" in [c.code for c in service.list_classifications(session=session)]
    [event] = _events_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.REFERENCE_MANAGE.value,
        "classification",
        row.id,
    )
    assert event.changes["code"] == "ZZ/1"
    # It can be chosen on a crime at once.
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="zz/1")
    assert crime.principal is not None


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_only_admins_manage_reference_data(session: Session, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(role)
    if can(role, Action.REFERENCE_MANAGE):
        service.create_classification(session=session, actor=actor, data=_classification())
        service.set_classification_active(session=session, actor=actor, code="8R", active=False)
        return
    with pytest.raises(Forbidden):
        service.create_classification(session=session, actor=actor, data=_classification())
    with pytest.raises(Forbidden):
        service.set_classification_active(session=session, actor=actor, code="8R", active=False)
    with pytest.raises(Forbidden):
        service.create_outcome(
            session=session,
            actor=actor,
            data={"code": "23", "title": "New outcome", "outcome_group": "Other"},
        )


@pytest.mark.parametrize("code", ["8Q", "8q", " 8q "])
def test_duplicate_classification_is_conflict(session: Session, admin: Actor, code: str) -> None:
    with pytest.raises(Conflict, match="8Q"):
        service.create_classification(session=session, actor=admin, data=_classification(code=code))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": ""}, "code"),
        ({"code": "has space"}, "code"),
        ({"code": "X" * 17}, "code"),
        ({"title": "x"}, "title"),
        ({"mode_of_trial": "whenever"}, "mode_of_trial"),
        ({"order_type": "parking"}, "order_type"),
    ],
)
def test_invalid_classification(
    session: Session, admin: Actor, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        service.create_classification(
            session=session, actor=admin, data=_classification(**overrides)
        )


def test_retire_hides_a_code_from_choices_but_not_from_old_crimes(
    session: Session, admin: Actor, actor_of
) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    old = make_crime(session, inv, principal="8M")
    seq = _max_seq(session)
    row = service.set_classification_active(session=session, actor=admin, code="8m", active=False)
    assert not row.is_active
    [event] = _events_after(session, seq)
    assert (event.action, event.entity_id, event.changes) == (
        Action.REFERENCE_MANAGE.value,
        row.id,
        {"is_active": False},
    )
    assert "8M" not in [c.code for c in service.list_classifications(session=session)]
    assert "8M" in [
        c.code for c in service.list_classifications(session=session, include_inactive=True)
    ]
    assert service.classifications_by_code(session=session, codes=["8M", "8L"]).keys() == {"8L"}
    with pytest.raises(Invalid, match="8M"):
        make_crime(session, inv, principal="8M")
    session.refresh(old)
    assert old.id  # the old crime is untouched

    # Retiring again changes nothing and writes nothing; restoring makes it selectable again.
    seq = _max_seq(session)
    service.set_classification_active(session=session, actor=admin, code="8M", active=False)
    assert _events_after(session, seq) == []
    service.set_classification_active(session=session, actor=admin, code="8M", active=True)
    assert make_crime(session, inv, principal="8M").id


def test_retire_unknown_code_is_not_found(session: Session, admin: Actor) -> None:
    with pytest.raises(NotFound):
        service.set_classification_active(session=session, actor=admin, code="NOPE", active=False)


# ---- outcome codes -----------------------------------------------------------------------


def test_admin_adds_an_outcome_code(session: Session, admin: Actor) -> None:
    seq = _max_seq(session)
    row = service.create_outcome(
        session=session,
        actor=admin,
        data={"code": "22a", "title": "Diversionary sub-outcome", "outcome_group": "Diversion"},
    )
    assert row.code == "22A"
    codes = [o.code for o in service.list_outcomes(session=session)]
    assert codes.index("22") < codes.index("22A")
    [event] = _events_after(session, seq)
    assert (event.action, event.entity_type) == (Action.REFERENCE_MANAGE.value, "outcome_code")
    with pytest.raises(Conflict, match="22A"):
        service.create_outcome(
            session=session,
            actor=admin,
            data={"code": "22A", "title": "Again", "outcome_group": "Diversion"},
        )
    with pytest.raises(Invalid, match="title"):
        service.create_outcome(
            session=session, actor=admin, data={"code": "23", "outcome_group": "Diversion"}
        )
