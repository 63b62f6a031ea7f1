"""People service rules: names, search (with aliases), involvements, timelines, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes import service as crimes_service
from patternwatch.errors import Forbidden, Invalid, NotFound
from patternwatch.people import service
from patternwatch.people.enums import InvolvementRole, Relationship
from tests.factories import link, make_crime, make_incident, make_person


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def _events_after(session: Session, seq: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )


def _one_event_after(session: Session, seq: int) -> AuditEvent:
    events = _events_after(session, seq)
    assert len(events) == 1, [(e.action, e.summary) for e in events]
    return events[0]


@pytest.fixture()
def inv(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.INVESTIGATOR)


# ---- create and update -------------------------------------------------------------------


def test_create_person_with_aliases_and_identifiers(session: Session, inv: Actor) -> None:
    seq = _max_seq(session)
    person = service.create_person(
        session=session,
        actor=inv,
        data={
            "forename": "  Jordan ",
            "middle_names": "",
            "surname": "Fenwick",
            "date_of_birth": date(1990, 4, 2),
            "postcode": "al1 3xy",
            "aliases": [{"forename": "Jay", "surname": "Fenn"}],
            "identifiers": [{"kind": "phone", "value": "07700 900123"}],
        },
    )
    assert (person.forename, person.middle_names, person.surname) == ("Jordan", None, "Fenwick")
    assert person.postcode == "AL1 3XY"
    assert person.display_name == "Jordan Fenwick"
    assert [a.display_name for a in person.aliases] == ["Jay Fenn"]
    assert [(i.kind.value, i.value) for i in person.identifiers] == [("phone", "07700 900123")]
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.PERSON_CREATE.value,
        "person",
        person.id,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "forename or a surname"),
        ({"forename": "  ", "surname": ""}, "forename or a surname"),
        ({"middle_names": "Lee"}, "forename or a surname"),
        ({"surname": "Doe", "date_of_birth": date.today() + timedelta(days=1)}, "date of birth"),
        ({"surname": "Doe", "date_of_birth": date(1899, 12, 31)}, "date of birth"),
        ({"surname": "Doe", "gender": "dragon"}, "gender"),
        ({"surname": "Doe", "identifiers": [{"kind": "phone", "value": ""}]}, "identifiers"),
    ],
)
def test_create_person_rejects(
    session: Session, inv: Actor, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        service.create_person(session=session, actor=inv, data=data)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_create_person_needs_person_create(session: Session, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    data = {"surname": "Roleplay"}
    if can(role, Action.PERSON_CREATE):
        assert service.create_person(session=session, actor=actor_of(role), data=data).id
    else:
        with pytest.raises(Forbidden):
            service.create_person(session=session, actor=actor_of(role), data=data)


def test_update_person_replaces_details_and_audits(session: Session, inv: Actor) -> None:
    person = make_person(
        session, inv, forename="Sam", surname="Old", aliases=[{"forename": "Sammy"}]
    )
    seq = _max_seq(session)
    updated = service.update_person(
        session=session,
        actor=inv,
        person_id=person.id,
        data={"forename": "Sam", "surname": "New", "aliases": [{"surname": "Other"}]},
    )
    assert updated.surname == "New"
    assert [a.display_name for a in updated.aliases] == ["Other"]
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.PERSON_EDIT.value, person.id)
    assert event.changes == {"fields": ["surname"]}


def test_update_person_rules(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    person = make_person(session, inv)
    with pytest.raises(Invalid, match="forename or a surname"):
        service.update_person(session=session, actor=inv, person_id=person.id, data={})
    with pytest.raises(Forbidden):
        service.update_person(
            session=session, actor=actor_of(Role.CALL_HANDLER), person_id=person.id, data={}
        )
    with pytest.raises(NotFound):
        service.update_person(
            session=session, actor=inv, person_id=999_999_999, data={"surname": "X"}
        )


# ---- reading -----------------------------------------------------------------------------


def test_get_person_audits_the_read(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    person = make_person(session, inv)
    analyst = actor_of(Role.ANALYST)
    seq = _max_seq(session)
    assert service.get_person_for_actor(session=session, actor=analyst, person_id=person.id)
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id, event.actor_name) == (
        Action.PERSON_VIEW.value,
        "person",
        person.id,
        analyst.username,
    )
    seq = _max_seq(session)
    service.get_person_for_actor(
        session=session, actor=analyst, person_id=person.id, audit_read=False
    )
    assert _events_after(session, seq) == []


def test_get_person_rules(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    person = make_person(session, inv)
    with pytest.raises(Forbidden):
        service.get_person_for_actor(
            session=session, actor=actor_of(Role.PARTNER), person_id=person.id
        )
    with pytest.raises(NotFound):
        service.get_person_for_actor(session=session, actor=inv, person_id=999_999_999)


@pytest.fixture()
def people(session: Session, inv: Actor) -> dict[str, int]:
    return {
        "jordan": make_person(
            session,
            inv,
            forename="Jordan",
            surname="Zzfenwick",
            aliases=[{"forename": "Jay", "surname": "Zzfenn"}],
        ).id,
        "jordana": make_person(session, inv, forename="Jordana", surname="Zzbright").id,
        "kim": make_person(session, inv, forename="Kim", surname="Zzjordan").id,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zzfenwick", ["jordan"]),
        ("ZZFENN", ["jordan"]),  # alias surname
        ("jay", ["jordan"]),  # alias forename
        ("jordan", ["jordana", "jordan", "kim"]),  # forename, forename prefix and surname
        ("jordan zzfenwick", ["jordan"]),  # every word must match
        ("jay zzbright", []),
        ("zz%", []),
        ("nobody-called-this", []),
    ],
)
def test_search_people(
    session: Session, inv: Actor, people: dict[str, int], query: str, expected: list[str]
) -> None:
    page = service.search_people(session=session, actor=inv, query=query)
    found = [p.id for p in page.items if p.id in people.values()]
    assert found == [people[k] for k in expected]  # ordered by surname, forename


def test_search_people_audits_query_and_results(
    session: Session, inv: Actor, people: dict[str, int]
) -> None:
    seq = _max_seq(session)
    page = service.search_people(session=session, actor=inv, query="zzfenn")
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type) == (Action.PERSON_SEARCH.value, "person")
    assert event.changes == {"query": "zzfenn", "ids": [p.id for p in page.items]}


def test_search_people_excludes_merged_records_and_needs_person_view(
    session: Session, inv: Actor, people: dict[str, int], actor_of
) -> None:  # type: ignore[no-untyped-def]
    merged = service.get_person_for_actor(
        session=session, actor=inv, person_id=people["jordana"], audit_read=False
    )
    merged.merged_into_id = people["jordan"]
    session.flush()
    ids = {p.id for p in service.search_people(session=session, actor=inv, query="zz").items}
    assert people["jordana"] not in ids
    assert people["jordan"] in ids
    with pytest.raises(Forbidden):
        service.search_people(session=session, actor=actor_of(Role.PARTNER), query="zz")


# ---- involvements ------------------------------------------------------------------------


def test_link_a_suspect_with_relationship(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv)
    person = make_person(session, inv)
    seq = _max_seq(session)
    involvement = link(session, inv, person, role="suspect", crime=crime, relationship="ex_partner")
    assert involvement.role is InvolvementRole.SUSPECT
    assert involvement.relationship is Relationship.EX_PARTNER
    assert involvement.created_by_id == inv.user_id
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.INVOLVEMENT_EDIT.value,
        "person",
        person.id,
    )
    assert event.changes["crime_id"] == crime.id


@pytest.mark.parametrize("role", ["victim", "witness", "third_party"])
def test_relationship_only_on_a_suspect(session: Session, inv: Actor, role: str) -> None:
    crime = make_crime(session, inv)
    person = make_person(session, inv)
    with pytest.raises(Invalid, match="suspect"):
        link(session, inv, person, role=role, crime=crime, relationship="ex_partner")
    assert link(session, inv, person, role=role, crime=crime).relationship is None


def test_duplicate_link_rejected_but_other_roles_and_records_allowed(
    session: Session, inv: Actor
) -> None:
    crime = make_crime(session, inv)
    incident = make_incident(session, inv)
    person = make_person(session, inv)
    link(session, inv, person, role="victim", crime=crime)
    with pytest.raises(Invalid, match="already linked as victim"):
        link(session, inv, person, role="victim", crime=crime)
    link(session, inv, person, role="witness", crime=crime)
    link(session, inv, person, role="victim", incident=incident)
    with pytest.raises(Invalid, match="already linked"):
        link(session, inv, person, role="victim", incident=incident)


def test_link_rules(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    person = make_person(session, inv)
    crime = make_crime(session, inv)
    with pytest.raises(Invalid, match="crime or an incident"):
        link(session, inv, person, role="victim")
    with pytest.raises(NotFound, match="Incident"):
        service.add_involvement(
            session=session,
            actor=inv,
            data={"person_id": person.id, "role": "victim", "incident_id": 999_999_999},
        )
    with pytest.raises(NotFound, match="Person"):
        service.add_involvement(
            session=session,
            actor=inv,
            data={"person_id": 999_999_999, "role": "victim", "crime_id": crime.id},
        )
    with pytest.raises(Forbidden):
        link(session, actor_of(Role.ANALYST), person, role="victim", crime=crime)


def test_cannot_link_to_a_restricted_crime_one_cannot_see(
    session: Session, inv: Actor, actor_of
) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, actor_of(Role.SUPERVISOR), is_restricted=True)
    person = make_person(session, inv)
    with pytest.raises(NotFound):
        link(session, inv, person, role="victim", crime=crime)


def test_involvements_for_lists_victims_first(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv)
    suspect = make_person(session, inv, surname="Suspect")
    witness = make_person(session, inv, surname="Witness")
    victim = make_person(session, inv, surname="Victim")
    link(session, inv, suspect, role="suspect", crime=crime)
    link(session, inv, witness, role="witness", crime=crime)
    link(session, inv, victim, role="victim", crime=crime)
    rows = service.involvements_for(session=session, crime_id=crime.id)
    assert [(r.person.surname, r.role.value) for r in rows] == [
        ("Victim", "victim"),
        ("Suspect", "suspect"),
        ("Witness", "witness"),
    ]
    assert service.involvements_for(session=session) == []


# ---- timeline ----------------------------------------------------------------------------


@pytest.fixture()
def history(session: Session, inv: Actor, actor_of) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A victim linked (out of date order) to an incident, two crimes and a restricted crime."""
    sup = actor_of(Role.SUPERVISOR)
    victim = make_person(session, inv, surname="Timeline")
    later = make_crime(
        session, inv, reference="TL/LATER", reported_at=datetime(2025, 4, 1, 9, tzinfo=UTC)
    )
    restricted = make_crime(
        session,
        sup,
        reference="TL/SECRET",
        reported_at=datetime(2025, 3, 15, 9, tzinfo=UTC),
        is_restricted=True,
    )
    earlier = make_crime(
        session,
        inv,
        reference="TL/EARLIER",
        principal="8L",
        included=("8R",),
        reported_at=datetime(2025, 3, 1, 9, tzinfo=UTC),
    )
    incident = make_incident(
        session, inv, reference="TL-INC-1", received_at=datetime(2025, 2, 20, 22, tzinfo=UTC)
    )
    link(session, inv, victim, role="victim", crime=later)
    link(session, sup, victim, role="victim", crime=restricted)
    link(session, inv, victim, role="victim", crime=earlier)
    link(session, inv, victim, role="witness", crime=earlier)
    link(session, inv, victim, role="victim", incident=incident)
    crimes_service.reclassify_crime(
        session=session,
        actor=inv,
        crime_id=earlier.id,
        data={
            "classifications": [{"code": "8Q", "principal": True}, {"code": "8L"}],
            "reason": "Pattern of fixation: stalking",
        },
    )
    return {"person_id": victim.id, "sup": sup}


def test_timeline_in_date_order_without_unseen_restricted_crime(
    session: Session, inv: Actor, history: dict[str, Any]
) -> None:
    seq = _max_seq(session)
    entries = service.person_timeline(session=session, actor=inv, person_id=history["person_id"])
    assert [(e.kind, e.reference) for e in entries] == [
        ("incident", "TL-INC-1"),
        ("crime", "TL/EARLIER"),
        ("crime", "TL/LATER"),
        ("reclassification", "TL/EARLIER"),  # made now, after every report
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    earlier = entries[1]
    assert earlier.roles == ("victim", "witness")
    assert earlier.title.startswith("8Q")  # the current principal
    assert earlier.detail == "Included: 8L"
    assert entries[3].title == "Reclassified 8L -> 8Q"
    assert "Pattern of fixation" in entries[3].detail
    assert not any("SECRET" in e.reference or "SECRET" in e.detail for e in entries)
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.PERSON_VIEW.value, history["person_id"])


def test_timeline_shows_restricted_crime_to_a_supervisor(
    session: Session, history: dict[str, Any]
) -> None:
    entries = service.person_timeline(
        session=session, actor=history["sup"], person_id=history["person_id"]
    )
    assert [e.reference for e in entries if e.kind == "crime"] == [
        "TL/EARLIER",
        "TL/SECRET",
        "TL/LATER",
    ]


def test_timeline_needs_person_view(session: Session, history: dict[str, Any], actor_of) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        service.person_timeline(
            session=session, actor=actor_of(Role.PARTNER), person_id=history["person_id"]
        )
