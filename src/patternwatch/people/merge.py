"""Duplicate person candidates, reviewed merges and their undo (issue 6).

A merge never deletes: the merged record's involvements, aliases and identifiers move to the
survivor, its own name and date of birth become an alias of the survivor, and it points at the
survivor through ``merged_into_id``. PersonMerge records exactly which rows moved, so unmerge
moves those rows back and removes only the alias the merge created. Same name and date of birth
is not proof of the same person (anchors.md 4.4), so merges are a person's decision, never
automatic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, Invalid, NotFound
from patternwatch.people import matching
from patternwatch.people.models import (
    Involvement,
    Person,
    PersonAlias,
    PersonIdentifier,
    PersonMerge,
)

# Pairs at or above this probability are offered for review (below the clustering threshold,
# so the reviewer also sees the near misses).
REVIEW_FLOOR = 0.5
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class MergeCandidate:
    """Two live person records the matcher thinks may be one person."""

    left: Person
    right: Person
    probability: float
    levels: dict[str, str]


# (database URL, fingerprint of the matched columns) -> the ranked pairs, as person ids. The
# matched columns are read on every visit (cheap: six columns); the scoring (the dear part at
# hundreds of thousands of people) is redone only when one of them changed, e.g. after a merge.
_RANKED_CACHE: dict[tuple[str, str], list[tuple[int, int, float, dict[str, str]]]] = {}
_CACHE_SLOTS = 4


def _ranked_pairs(session: Session, limit: int) -> list[tuple[int, int, float, dict[str, str]]]:
    rows = session.execute(
        select(
            Person.id,
            Person.forename,
            Person.surname,
            Person.date_of_birth,
            Person.postcode,
            Person.address,
        )
        .where(Person.merged_into_id.is_(None))
        .order_by(Person.id)
    ).all()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(row)).encode())
    key = (str(session.get_bind().engine.url), f"{limit}:{digest.hexdigest()}")
    cached = _RANKED_CACHE.get(key)
    if cached is not None:
        return cached
    records = [matching.PersonRecord.of(r) for r in rows]
    result = matching.dedupe(records, keep_pairs_above=REVIEW_FLOOR)
    ranked = sorted(result.pairs, key=lambda t: (-t[2].probability, rows[t[0]].id))[:limit]
    pairs = [(rows[i].id, rows[j].id, r.probability, dict(r.levels)) for i, j, r in ranked]
    if len(_RANKED_CACHE) >= _CACHE_SLOTS:
        _RANKED_CACHE.pop(next(iter(_RANKED_CACHE)))
    _RANKED_CACHE[key] = pairs
    return pairs


def find_duplicate_candidates(
    *, session: Session, actor: Actor, limit: int = MAX_CANDIDATES
) -> list[MergeCandidate]:
    """Score the live person records and return the likeliest duplicate pairs, best first.

    Only the matched columns are read for scoring, and the scored pairs are reused until one of
    those columns changes; full records are loaded for the pairs shown only.
    """
    actor.require(Action.PERSON_MERGE)
    pairs = _ranked_pairs(session, limit)
    wanted = {i for left, right, _, _ in pairs for i in (left, right)}
    people = (
        {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(sorted(wanted))))}
        if wanted
        else {}
    )
    candidates = [
        MergeCandidate(people[left], people[right], probability, levels)
        for left, right, probability, levels in pairs
    ]
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_MERGE,
        summary=f"Viewed {len(candidates)} duplicate person candidates",
        entity_type="person",
    )
    return candidates


def _live_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"Person {person_id} not found")
    if person.merged_into_id is not None:
        raise Conflict(f"Person {person_id} has already been merged into {person.merged_into_id}")
    return person


def merge_people(
    *,
    session: Session,
    actor: Actor,
    survivor_id: int,
    merged_id: int,
    reason: str,
    match_probability: float | None = None,
) -> PersonMerge:
    """Merge one person record into another, recording exactly what moved."""
    actor.require(Action.PERSON_MERGE)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("The merge could not be made", {"reason": "Give a reason for the merge"})
    if survivor_id == merged_id:
        raise Invalid("A person cannot be merged into themselves", {"merged_id": "Same person"})
    survivor = _live_person(session, survivor_id)
    merged = _live_person(session, merged_id)

    involvements = list(
        session.scalars(select(Involvement).where(Involvement.person_id == merged.id))
    )
    aliases = list(session.scalars(select(PersonAlias).where(PersonAlias.person_id == merged.id)))
    identifiers = list(
        session.scalars(select(PersonIdentifier).where(PersonIdentifier.person_id == merged.id))
    )
    for row in (*involvements, *aliases, *identifiers):
        row.person_id = survivor.id
    created = PersonAlias(
        person_id=survivor.id,
        forename=merged.forename,
        surname=merged.surname,
        date_of_birth=merged.date_of_birth,
        note=f"From merged person record {merged.id}",
    )
    session.add(created)
    merged.merged_into_id = survivor.id
    session.flush()
    record = PersonMerge(
        survivor_id=survivor.id,
        merged_id=merged.id,
        reason=reason,
        match_probability=match_probability,
        moved={
            "involvements": sorted(r.id for r in involvements),
            "aliases": sorted(r.id for r in aliases),
            "identifiers": sorted(r.id for r in identifiers),
            "created_aliases": [created.id],
        },
        merged_at=utcnow(),
        merged_by_id=actor.user_id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_MERGE,
        summary=f"Merged person {merged.id} into {survivor.id}: {reason}",
        entity_type="person",
        entity_id=survivor.id,
        changes={"merge_id": record.id, "merged_id": merged.id, "moved": record.moved},
    )
    return record


def unmerge(*, session: Session, actor: Actor, merge_id: int, reason: str) -> PersonMerge:
    """Undo a merge: move back exactly what it moved and make the merged record live again."""
    actor.require(Action.PERSON_MERGE)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("The merge could not be undone", {"reason": "Give a reason for the undo"})
    record = session.get(PersonMerge, merge_id)
    if record is None:
        raise NotFound(f"Merge {merge_id} not found")
    if record.undone_at is not None:
        raise Conflict(f"Merge {merge_id} has already been undone")
    merged = session.get(Person, record.merged_id)
    assert merged is not None  # a foreign key; person rows are never deleted
    later = session.scalar(
        select(PersonMerge.id).where(
            PersonMerge.merged_id == record.survivor_id, PersonMerge.undone_at.is_(None)
        )
    )
    if later is not None:
        raise Conflict(f"Undo merge {later} first: it merged this survivor into another person")
    moved = record.moved
    for model, key in (
        (Involvement, "involvements"),
        (PersonAlias, "aliases"),
        (PersonIdentifier, "identifiers"),
    ):
        ids = moved.get(key, [])
        if ids:
            for row in session.scalars(select(model).where(model.id.in_(ids))):
                row.person_id = merged.id
    for alias_id in moved.get("created_aliases", []):
        alias = session.get(PersonAlias, alias_id)
        if alias is not None:
            session.delete(alias)
    merged.merged_into_id = None
    record.undone_at = utcnow()
    record.undone_by_id = actor.user_id
    record.undo_reason = reason
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_MERGE,
        summary=f"Undid merge {record.id}: person {merged.id} separated from {record.survivor_id}",
        entity_type="person",
        entity_id=merged.id,
        changes={"merge_id": record.id, "moved_back": moved, "reason": reason},
    )
    return record


def list_merges(*, session: Session, actor: Actor, limit: int = 200) -> list[PersonMerge]:
    """The latest merges, newest first, with both people loaded."""
    actor.require(Action.PERSON_MERGE)
    stmt = (
        select(PersonMerge)
        .options(selectinload(PersonMerge.survivor), selectinload(PersonMerge.merged))
        .order_by(PersonMerge.merged_at.desc(), PersonMerge.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
