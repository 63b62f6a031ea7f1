"""Reviewed person merges: what moves, the audit, the exact undo and who may merge."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.errors import Conflict, Forbidden, Invalid
from patternwatch.people import merge
from patternwatch.people.models import Involvement, Person, PersonAlias, PersonIdentifier
from tests.factories import link, make_crime, make_incident, make_person


def snapshot(session, *people: Person) -> dict:
    """Every row that hangs off these people, by person id."""
    session.flush()
    session.expire_all()
    out = {}
    for p in people:
        out[p.id] = {
            "merged_into": session.get(Person, p.id).merged_into_id,
            "involvements": sorted(
                session.scalars(select(Involvement.id).where(Involvement.person_id == p.id))
            ),
            "aliases": sorted(
                (a.id, a.forename, a.surname, a.date_of_birth)
                for a in session.scalars(select(PersonAlias).where(PersonAlias.person_id == p.id))
            ),
            "identifiers": sorted(
                session.scalars(
                    select(PersonIdentifier.id).where(PersonIdentifier.person_id == p.id)
                )
            ),
        }
    return out


@pytest.fixture
def pair(session, actor_of):
    inv = actor_of(Role.INVESTIGATOR)
    survivor = make_person(
        session, inv, forename="Katherine", surname="Wilson", date_of_birth=date(1988, 3, 14)
    )
    merged = make_person(
        session,
        inv,
        forename="Kate",
        surname="Willson",
        date_of_birth=date(1988, 3, 14),
        aliases=[{"forename": "Katie", "surname": "Wilson"}],
        identifiers=[{"kind": "phone", "value": "07700900123"}],
    )
    crime = make_crime(session, inv)
    incident = make_incident(session, inv)
    link(session, inv, survivor, role="victim", crime=crime)
    link(session, inv, merged, role="victim", incident=incident)
    link(session, inv, merged, role="witness", crime=crime)
    return survivor, merged


def test_merge_moves_everything_and_unmerge_restores_exactly(session, actor_of, pair):
    survivor, merged = pair
    registrar = actor_of(Role.REGISTRAR)
    before = snapshot(session, survivor, merged)

    record = merge.merge_people(
        session=session,
        actor=registrar,
        survivor_id=survivor.id,
        merged_id=merged.id,
        reason="Same DOB and phone",
        match_probability=0.97,
    )
    after = snapshot(session, survivor, merged)
    assert after[merged.id]["involvements"] == []
    assert after[merged.id]["aliases"] == [] and after[merged.id]["identifiers"] == []
    assert after[merged.id]["merged_into"] == survivor.id
    assert set(after[survivor.id]["involvements"]) == set(
        before[survivor.id]["involvements"] + before[merged.id]["involvements"]
    )
    assert ("Kate", "Willson") in {(a[1], a[2]) for a in after[survivor.id]["aliases"]}
    assert after[survivor.id]["identifiers"] == before[merged.id]["identifiers"]
    assert session.get(Person, merged.id) is not None  # never deleted
    assert record.moved["involvements"] == before[merged.id]["involvements"]

    merge.unmerge(session=session, actor=registrar, merge_id=record.id, reason="Twins")
    assert snapshot(session, survivor, merged) == before
    assert session.get(type(record), record.id).undone_at is not None

    actions = list(
        session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "person.merge"))
    )
    assert any("Merged person" in a for a in actions)
    assert any("Undid merge" in a for a in actions)


def test_merge_rules(session, actor_of, pair):
    survivor, merged = pair
    sup = actor_of(Role.SUPERVISOR)
    with pytest.raises(Invalid):
        merge.merge_people(
            session=session, actor=sup, survivor_id=survivor.id, merged_id=merged.id, reason=" "
        )
    with pytest.raises(Invalid):
        merge.merge_people(
            session=session, actor=sup, survivor_id=survivor.id, merged_id=survivor.id, reason="x"
        )
    record = merge.merge_people(
        session=session, actor=sup, survivor_id=survivor.id, merged_id=merged.id, reason="dup"
    )
    with pytest.raises(Conflict):
        merge.merge_people(
            session=session, actor=sup, survivor_id=survivor.id, merged_id=merged.id, reason="again"
        )
    merge.unmerge(session=session, actor=sup, merge_id=record.id, reason="wrong")
    with pytest.raises(Conflict):
        merge.unmerge(session=session, actor=sup, merge_id=record.id, reason="twice")


@pytest.mark.parametrize(
    "role", [Role.INVESTIGATOR, Role.CALL_HANDLER, Role.ANALYST, Role.VICTIM_CARE, Role.ADMIN]
)
def test_only_supervisor_and_registrar_merge(session, actor_of, pair, role):
    survivor, merged = pair
    with pytest.raises(Forbidden):
        merge.merge_people(
            session=session,
            actor=actor_of(role),
            survivor_id=survivor.id,
            merged_id=merged.id,
            reason="dup",
        )


def test_candidates_list_likely_duplicates(session, actor_of, pair):
    survivor, merged = pair
    candidates = merge.find_duplicate_candidates(session=session, actor=actor_of(Role.REGISTRAR))
    ids = [{c.left.id, c.right.id} for c in candidates]
    assert {survivor.id, merged.id} in ids
    first = next(c for c in candidates if {c.left.id, c.right.id} == {survivor.id, merged.id})
    assert first.probability >= 0.9
    assert first.levels["forename"] == "nickname"


def test_candidates_are_rescored_only_when_a_matched_column_changes(
    session, actor_of, pair, monkeypatch
):
    survivor, merged = pair
    registrar = actor_of(Role.REGISTRAR)
    calls = []
    real = merge.matching.dedupe

    def counting(records, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(records))
        return real(records, **kwargs)

    monkeypatch.setattr(merge.matching, "dedupe", counting)
    # An earlier test may have scored these very rows (same ids, same names): start empty.
    monkeypatch.setattr(merge, "_RANKED_CACHE", {})
    first = merge.find_duplicate_candidates(session=session, actor=registrar)
    again = merge.find_duplicate_candidates(session=session, actor=registrar)
    assert len(calls) == 1  # the second visit reused the scored pairs
    assert [(c.left.id, c.right.id, c.probability) for c in again] == [
        (c.left.id, c.right.id, c.probability) for c in first
    ]

    merged.surname = "Somebody-Else"
    session.flush()
    changed = merge.find_duplicate_candidates(session=session, actor=registrar)
    assert len(calls) == 2  # an edited name is scored afresh
    assert {survivor.id, merged.id} not in [{c.left.id, c.right.id} for c in changed]

    merged.surname = survivor.surname
    session.flush()
    merge.merge_people(
        session=session,
        actor=registrar,
        survivor_id=survivor.id,
        merged_id=merged.id,
        reason="same person",
    )
    after = merge.find_duplicate_candidates(session=session, actor=registrar)
    assert len(calls) == 3  # a merge changes the live records: scored afresh
    assert all(merged.id not in (c.left.id, c.right.id) for c in after)
