"""A victim and a suspect's shared timeline, the people a person shares records with, and pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes import service as crimes_service
from patternwatch.errors import Forbidden, Invalid, NotFound
from patternwatch.people import merge as merge_service
from patternwatch.people import service
from tests.factories import link, make_crime, make_incident, make_person
from tests.helpers import login, soup


@pytest.fixture()
def course(session: Session, actor_of) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A victim and an ex-partner across incidents and crimes, one restricted, one unshared."""
    inv = actor_of(Role.INVESTIGATOR)
    sup = actor_of(Role.SUPERVISOR)
    victim = make_person(session, inv, forename="Vera", surname="Pair")
    suspect = make_person(session, inv, forename="Sam", surname="Pair")
    # A duplicate record of the suspect, later merged into the main one.
    duplicate = make_person(session, inv, forename="Sammy", surname="Pair")
    witness = make_person(session, inv, forename="Wes", surname="Witness")
    call = make_incident(
        session, inv, reference="PT-INC-1", received_at=datetime(2025, 1, 5, 21, tzinfo=UTC)
    )
    first = make_crime(
        session, inv, reference="PT/1", principal="8L", reported_at=datetime(2025, 1, 6, tzinfo=UTC)
    )
    second = make_crime(
        session,
        inv,
        reference="PT/2",
        principal="8Q",
        reported_at=datetime(2025, 2, 10, tzinfo=UTC),
    )
    hidden = make_crime(
        session,
        sup,
        reference="PT/SECRET",
        principal="8Q",
        reported_at=datetime(2025, 3, 1, tzinfo=UTC),
        is_restricted=True,
    )
    alone = make_crime(
        session, inv, reference="PT/ALONE", reported_at=datetime(2025, 1, 20, tzinfo=UTC)
    )
    for who, role, record in (
        (victim, "victim", {"incident": call}),
        (suspect, "suspect", {"incident": call}),
        (victim, "victim", {"crime": first}),
        (suspect, "suspect", {"crime": first}),
        (witness, "witness", {"crime": first}),
        (victim, "victim", {"crime": second}),
        (duplicate, "suspect", {"crime": second}),
        (victim, "victim", {"crime": alone}),
    ):
        link(
            session,
            inv,
            who,
            role=role,
            relationship="ex_partner" if role == "suspect" else None,
            **record,
        )
    link(session, sup, victim, role="victim", crime=hidden)
    link(session, sup, suspect, role="suspect", crime=hidden, relationship="ex_partner")
    crimes_service.reclassify_crime(
        session=session,
        actor=inv,
        crime_id=first.id,
        data={
            "classifications": [{"code": "8Q", "principal": True}, {"code": "8L"}],
            "reason": "Course of conduct: stalking",
        },
    )
    # The duplicate is merged into the suspect's record: its involvement moves there.
    merge_service.merge_people(
        session=session,
        actor=sup,
        survivor_id=suspect.id,
        merged_id=duplicate.id,
        reason="Same man: nickname, same date of birth",
    )
    return {
        "victim": victim.id,
        "suspect": suspect.id,
        "witness": witness.id,
        "duplicate": duplicate.id,
        "sup": sup,
    }


def test_pair_timeline_in_date_order_with_both_roles(
    session: Session, course: dict[str, Any], actor_of
) -> None:  # type: ignore[no-untyped-def]
    pair = service.pair_timeline(
        session=session,
        actor=actor_of(Role.INVESTIGATOR),
        person_id=course["victim"],
        other_id=course["suspect"],
    )
    assert [(e.kind, e.reference) for e in pair.entries] == [
        ("incident", "PT-INC-1"),
        ("crime", "PT/1"),
        ("crime", "PT/2"),  # on the duplicate record merged into the suspect's
        ("reclassification", "PT/1"),
    ]
    assert all(e.roles == ("victim",) and e.other_roles == ("suspect",) for e in pair.entries)
    assert "PT/ALONE" not in {e.reference for e in pair.entries}  # the victim's alone
    assert "SECRET" not in "".join(e.reference for e in pair.entries)


def test_pair_timeline_shows_restricted_crime_to_a_supervisor(
    session: Session, course: dict[str, Any]
) -> None:
    pair = service.pair_timeline(
        session=session, actor=course["sup"], person_id=course["suspect"], other_id=course["victim"]
    )
    crimes = [e for e in pair.entries if e.kind == "crime"]
    assert [e.reference for e in crimes] == ["PT/1", "PT/2", "PT/SECRET"]
    assert crimes[0].roles == ("suspect",) and crimes[0].other_roles == ("victim",)


def test_pair_timeline_is_audited_for_both_people(
    session: Session, course: dict[str, Any], actor_of
) -> None:  # type: ignore[no-untyped-def]
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    service.pair_timeline(
        session=session,
        actor=actor_of(Role.ANALYST),
        person_id=course["victim"],
        other_id=course["suspect"],
    )
    events = list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq))
    )
    assert [(e.action, e.entity_id, e.changes) for e in events] == [
        (Action.PERSON_VIEW.value, course["victim"], {"with_person_id": course["suspect"]}),
        (Action.PERSON_VIEW.value, course["suspect"], {"with_person_id": course["victim"]}),
    ]


def test_pair_timeline_rules(session: Session, course: dict[str, Any], actor_of) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    with pytest.raises(Invalid):
        service.pair_timeline(
            session=session, actor=inv, person_id=course["victim"], other_id=course["victim"]
        )
    with pytest.raises(NotFound):
        service.pair_timeline(
            session=session, actor=inv, person_id=course["victim"], other_id=999_999_999
        )
    with pytest.raises(Forbidden):
        service.pair_timeline(
            session=session,
            actor=actor_of(Role.PARTNER),
            person_id=course["victim"],
            other_id=course["suspect"],
        )


def test_person_timeline_includes_what_merged_duplicates_held(
    session: Session, course: dict[str, Any], actor_of
) -> None:  # type: ignore[no-untyped-def]
    entries = service.person_timeline(
        session=session, actor=actor_of(Role.INVESTIGATOR), person_id=course["suspect"]
    )
    assert [e.reference for e in entries if e.kind == "crime"] == ["PT/1", "PT/2"]


def test_associates_are_people_on_the_same_visible_records(
    session: Session, course: dict[str, Any], actor_of
) -> None:  # type: ignore[no-untyped-def]
    found = service.associates(
        session=session, actor=actor_of(Role.INVESTIGATOR), person_id=course["victim"]
    )
    # The suspect: PT/1, PT/2 (on the merged duplicate) and the call, not the restricted crime.
    assert [(a.person_id, a.crimes, a.incidents, a.roles) for a in found] == [
        (course["suspect"], 2, 1, ("suspect",)),
        (course["witness"], 1, 0, ("witness",)),
    ]
    by_sup = service.associates(session=session, actor=course["sup"], person_id=course["victim"])
    assert by_sup[0].person_id == course["suspect"] and by_sup[0].crimes == 3


# ---- pages ------------------------------------------------------------------------------------


def test_person_page_links_to_each_shared_timeline(
    client, session, course: dict[str, Any], personas
) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    page = client.get(f"/people/{course['victim']}")
    assert page.status_code == 200
    rows = soup(page.text).select('[data-testid="associate"]')
    assert [int(r["data-person-id"]) for r in rows] == [course["suspect"], course["witness"]]
    href = rows[0].select_one('[data-testid="pair-link"]')["href"]
    assert href == f"/people/{course['victim']}/pair/{course['suspect']}"
    pair = client.get(href)
    assert pair.status_code == 200
    entries = soup(pair.text).select('[data-testid="timeline-entry"]')
    assert [e["data-kind"] for e in entries] == ["incident", "crime", "crime", "reclassification"]
    assert "Suspect" in entries[1].select_one('[data-testid="other-roles"]').get_text()
    assert "Course of conduct" in entries[3].get_text()


def test_pair_page_without_shared_records_says_so(
    client, session, course, personas, actor_of
) -> None:  # type: ignore[no-untyped-def]
    stranger = make_person(session, actor_of(Role.INVESTIGATOR), surname="Nobody")
    session.commit()
    login(client, personas[Role.ANALYST])
    page = client.get(f"/people/{course['victim']}/pair/{stranger.id}")
    assert page.status_code == 200
    assert soup(page.text).select_one('[data-testid="empty-timeline"]')


def test_pair_page_errors(client, session, course, personas) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    assert client.get(f"/people/{course['victim']}/pair/999999999").status_code == 404
    assert client.get(f"/people/{course['victim']}/pair/{course['victim']}").status_code == 422
    login(client, personas[Role.PARTNER])
    assert client.get(f"/people/{course['victim']}/pair/{course['suspect']}").status_code == 403
