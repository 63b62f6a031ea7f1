"""The demo: one working log-in per role, and example data that loads once and shows included 8Q."""

from __future__ import annotations

from itertools import count

from sqlalchemy.orm import Session

from patternwatch import demo
from patternwatch.access import service as access_service
from patternwatch.access.enums import Role
from patternwatch.crimes import service as crimes_service
from patternwatch.errors import NotFound
from tests.conftest import Persona


def _passwords(prefix: str):  # type: ignore[no-untyped-def]
    numbers = count(1)
    return lambda: f"{prefix}-password-{next(numbers)}"


def test_one_demo_user_per_role_and_rerun_resets_passwords(session: Session) -> None:
    first = demo.ensure_demo_users(session=session, password_factory=_passwords("first"))
    assert sorted(role for role, _, _ in first) == sorted(Role)
    assert len({username for _, username, _ in first}) == len(Role)
    for role, username, password in first:
        user = access_service.authenticate(
            session=session, username=username, password=password, source="test"
        )
        assert user is not None and user.role is role
    partner = access_service.get_user_by_username(session=session, username="demo.partner")
    assert partner.organisation == "Paladin"
    investigator = access_service.get_user_by_username(
        session=session, username="demo.investigator"
    )
    assert investigator.display_name == "DC Priya Shah (investigator)"

    again = demo.ensure_demo_users(session=session, password_factory=_passwords("second"))
    assert [(r, u) for r, u, _ in again] == [(r, u) for r, u, _ in first]
    for (_, username, old), (_, _, new) in zip(first, again, strict=True):
        assert access_service.authenticate(
            session=session, username=username, password=new, source="test"
        )
        assert not access_service.authenticate(
            session=session, username=username, password=old, source="test"
        )


def test_example_data_loads_once(session: Session, personas: dict[Role, Persona]) -> None:
    demo.ensure_demo_users(session=session, password_factory=_passwords("demo"))
    summary = demo.load_example_data(session=session)
    expected = sum(len(story.crimes) for story in demo.STORIES)
    assert f"{expected} crimes" in summary
    supervisor = personas[Role.SUPERVISOR].actor  # sees restricted crimes too
    total = crimes_service.search_crimes(
        session=session, actor=supervisor, filters={"text": "41/DEMO/"}
    ).total
    assert total == expected

    again = demo.load_example_data(session=session)
    assert "nothing added" in again
    assert (
        crimes_service.search_crimes(
            session=session, actor=supervisor, filters={"text": "41/DEMO/"}
        ).total
        == expected
    )


def test_example_data_works_without_demo_users(
    session: Session, personas: dict[Role, Persona]
) -> None:
    summary = demo.load_example_data(session=session)
    assert "Loaded example data" in summary


def test_stalking_search_finds_included_8q(session: Session, personas: dict[Role, Persona]) -> None:
    demo.load_example_data(session=session)
    investigator = personas[Role.INVESTIGATOR].actor

    page = crimes_service.search_crimes(
        session=session, actor=investigator, filters={"classification": ["8Q"], "limit": 100}
    )
    found = {crime.reference: crime for crime in page.items}
    assert "41/DEMO/0201" in found  # principal 8L, stalking included
    assert found["41/DEMO/0201"].principal.classification.code == "8L"
    assert "41/DEMO/0301" in found  # principal 58A, stalking included
    assert "41/DEMO/0701" in found  # reclassified 8L -> 8Q

    principal_only = crimes_service.search_crimes(
        session=session,
        actor=investigator,
        filters={"classification": ["8Q"], "principal_only": True, "limit": 100},
    )
    refs = {crime.reference for crime in principal_only.items}
    assert "41/DEMO/0201" not in refs
    assert "41/DEMO/0701" in refs


def test_reclassification_and_restriction(session: Session, personas: dict[Role, Persona]) -> None:
    demo.ensure_demo_users(session=session, password_factory=_passwords("demo"))
    demo.load_example_data(session=session)
    supervisor = personas[Role.SUPERVISOR].actor
    page = crimes_service.search_crimes(
        session=session, actor=supervisor, filters={"text": "41/DEMO/0701"}
    )
    (reclassified,) = page.items
    history = crimes_service.classification_history(
        session=session, actor=supervisor, crime_id=reclassified.id
    )
    assert [(h.principal_before, h.principal_after) for h in history] == [
        (None, "8L"),
        ("8L", "8Q"),
    ]
    assert "HOCR" in history[-1].reason

    (restricted,) = crimes_service.search_crimes(
        session=session, actor=supervisor, filters={"text": "41/DEMO/0601"}
    ).items
    assert restricted.is_restricted
    analyst = personas[Role.ANALYST].actor
    try:
        crimes_service.get_crime_for_actor(session=session, actor=analyst, crime_id=restricted.id)
    except NotFound:
        pass
    else:
        raise AssertionError("an analyst not named on the restricted crime could see it")


def test_places_are_in_hertfordshire() -> None:
    for place in demo.PLACES.values():
        assert place.lsoa_code.startswith("E010")
        assert 51.6 < place.latitude < 52.1
        assert -0.75 < place.longitude < 0.2
