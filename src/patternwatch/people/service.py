"""Create and read people, link them to records, and build their timelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.errors import Invalid, NotFound
from patternwatch.errors import validated as _validate
from patternwatch.incidents.models import Incident
from patternwatch.people.enums import InvolvementRole
from patternwatch.people.models import Involvement, Person, PersonAlias, PersonIdentifier
from patternwatch.people.schemas import InvolvementCreate, PersonCreate, PersonUpdate


def create_person(*, session: Session, actor: Actor, data: PersonCreate | dict[str, Any]) -> Person:
    """Add a person record."""
    actor.require(Action.PERSON_CREATE)
    data = _validate(PersonCreate, data, "The person could not be added")
    person = Person(
        **data.model_dump(exclude={"aliases", "identifiers"}),
        created_by_id=actor.user_id,
    )
    person.aliases = [PersonAlias(**a.model_dump()) for a in data.aliases]
    person.identifiers = [PersonIdentifier(**i.model_dump()) for i in data.identifiers]
    session.add(person)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_CREATE,
        entity_type="person",
        entity_id=person.id,
        summary=f"Added person {person.display_name}",
    )
    return person


def update_person(
    *, session: Session, actor: Actor, person_id: int, data: PersonUpdate | dict[str, Any]
) -> Person:
    """Change a person's details (aliases and identifiers are replaced by those given)."""
    actor.require(Action.PERSON_EDIT)
    person = get_person_for_actor(
        session=session, actor=actor, person_id=person_id, audit_read=False
    )
    data = _validate(PersonUpdate, data, "The person could not be saved")
    changed: list[str] = []
    for name, value in data.model_dump(exclude={"aliases", "identifiers"}).items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    person.aliases = [PersonAlias(**a.model_dump()) for a in data.aliases]
    person.identifiers = [PersonIdentifier(**i.model_dump()) for i in data.identifiers]
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_EDIT,
        entity_type="person",
        entity_id=person.id,
        summary=f"Edited person {person.display_name}: "
        f"{', '.join(changed) or 'aliases/identifiers'}",
        changes={"fields": changed},
    )
    return person


def get_person_for_actor(
    *, session: Session, actor: Actor, person_id: int, audit_read: bool = True
) -> Person:
    """A person record, audited as a read of personal data."""
    actor.require(Action.PERSON_VIEW)
    person = session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.aliases), selectinload(Person.identifiers))
    )
    if person is None:
        raise NotFound(f"Person {person_id} was not found.")
    if audit_read:
        audit.record(
            session=session,
            actor=actor,
            action=Action.PERSON_VIEW,
            entity_type="person",
            entity_id=person.id,
            summary=f"Viewed person {person.display_name}",
        )
    return person


@dataclass(frozen=True, slots=True)
class PersonPage:
    total: int
    items: list[Person]


def search_people(
    *, session: Session, actor: Actor, query: str = "", limit: int = 25, offset: int = 0
) -> PersonPage:
    """People whose name or alias contains every word of the query; the search is audited."""
    actor.require(Action.PERSON_VIEW)
    stmt = select(Person).where(Person.merged_into_id.is_(None))
    for word in query.lower().split()[:5]:
        alias_match = select(PersonAlias.person_id).where(
            or_(
                func.lower(func.coalesce(PersonAlias.forename, "")).contains(word, autoescape=True),
                func.lower(func.coalesce(PersonAlias.surname, "")).contains(word, autoescape=True),
            )
        )
        stmt = stmt.where(
            or_(
                func.lower(func.coalesce(Person.forename, "")).contains(word, autoescape=True),
                func.lower(func.coalesce(Person.surname, "")).contains(word, autoescape=True),
                Person.id.in_(alias_match),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Person.surname, Person.forename, Person.id).limit(limit).offset(offset)
    ).all()
    if query:
        audit.record(
            session=session,
            actor=actor,
            action=Action.PERSON_SEARCH,
            entity_type="person",
            summary=f"Searched people for {query!r} ({total} found)",
            changes={"query": query, "ids": [p.id for p in rows]},
        )
    return PersonPage(total=total, items=list(rows))


def add_involvement(
    *, session: Session, actor: Actor, data: InvolvementCreate | dict[str, Any]
) -> Involvement:
    """Link a person to a crime or an incident as victim, suspect, witness or third party."""
    actor.require(Action.INVOLVEMENT_EDIT)
    data = _validate(InvolvementCreate, data, "The person could not be linked")
    person = get_person_for_actor(
        session=session, actor=actor, person_id=data.person_id, audit_read=False
    )
    if data.crime_id is not None:
        crimes_service.get_crime_for_actor(
            session=session, actor=actor, crime_id=data.crime_id, audit_read=False
        )
    if data.incident_id is not None and session.get(Incident, data.incident_id) is None:
        raise NotFound(f"Incident {data.incident_id} was not found.")
    duplicate = session.scalar(
        select(Involvement.id).where(
            Involvement.person_id == person.id,
            Involvement.role == data.role,
            Involvement.crime_id.is_(None)
            if data.crime_id is None
            else Involvement.crime_id == data.crime_id,
            Involvement.incident_id.is_(None)
            if data.incident_id is None
            else Involvement.incident_id == data.incident_id,
        )
    )
    if duplicate:
        raise Invalid(
            f"{person.display_name} is already linked as {data.role.label.lower()}.",
            {"role": "already linked"},
        )
    involvement = Involvement(**data.model_dump(), created_by_id=actor.user_id)
    session.add(involvement)
    session.flush()
    target = f"crime {data.crime_id}" if data.crime_id else f"incident {data.incident_id}"
    audit.record(
        session=session,
        actor=actor,
        action=Action.INVOLVEMENT_EDIT,
        entity_type="person",
        entity_id=person.id,
        summary=f"Linked {person.display_name} to {target} as {data.role.value}",
        changes=data.model_dump(mode="json"),
    )
    return involvement


def involvements_for(
    *, session: Session, crime_id: int | None = None, incident_id: int | None = None
) -> list[Involvement]:
    """People on a record the caller has already fetched for the actor (victims first)."""
    stmt = select(Involvement).options(selectinload(Involvement.person))
    if crime_id is not None:
        stmt = stmt.where(Involvement.crime_id == crime_id)
    elif incident_id is not None:
        stmt = stmt.where(Involvement.incident_id == incident_id)
    else:
        return []
    order = {r: i for i, r in enumerate(InvolvementRole)}
    rows = list(session.scalars(stmt))
    return sorted(rows, key=lambda inv: (order[inv.role], inv.id))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str  # incident | crime | reclassification
    record_id: int
    reference: str
    title: str
    roles: tuple[str, ...]
    detail: str = ""
    # On a pair timeline: the other person's roles on the same record.
    other_roles: tuple[str, ...] = ()


# record kind ("crime" | "incident") -> record id -> roles
Roles = dict[str, dict[int, set[str]]]


def _roles_of(session: Session, person_ids: set[int]) -> Roles:
    roles: Roles = {"crime": {}, "incident": {}}
    stmt = select(Involvement.crime_id, Involvement.incident_id, Involvement.role).where(
        Involvement.person_id.in_(person_ids)
    )
    for crime_id, incident_id, role in session.execute(stmt):
        if crime_id is not None:
            roles["crime"].setdefault(crime_id, set()).add(role.value)
        if incident_id is not None:
            roles["incident"].setdefault(incident_id, set()).add(role.value)
    return roles


def _timeline(
    session: Session, actor: Actor, roles: Roles, other: Roles | None = None
) -> list[TimelineEntry]:
    """Entries for the records in ``roles`` the actor may see, oldest first.

    Crimes the actor may not see (restricted) are left out without saying they exist. Later
    capabilities add their own kinds here (orders, breaches, assessments: issues 6-8).
    """
    crime_roles, incident_roles = roles["crime"], roles["incident"]

    def others(kind: str, record_id: int) -> tuple[str, ...]:
        return tuple(sorted(other[kind].get(record_id, ()))) if other else ()

    entries: list[TimelineEntry] = []
    visible = (
        crimes_service.visible_crime_ids(session=session, actor=actor, crime_ids=set(crime_roles))
        if actor.can(Action.CRIME_VIEW)
        else set()
    )
    if visible:
        crimes = session.scalars(
            select(Crime)
            .where(Crime.id.in_(visible))
            .options(
                selectinload(Crime.classifications).selectinload(CrimeClassification.classification)
            )
        )
        for crime in crimes:
            principal = crime.principal
            included = ", ".join(c.classification.code for c in crime.included)
            title = principal.classification.label if principal else "Crime"
            entries.append(
                TimelineEntry(
                    at=crime.reported_at,
                    kind="crime",
                    record_id=crime.id,
                    reference=crime.reference,
                    title=title,
                    roles=tuple(sorted(crime_roles[crime.id])),
                    detail=f"Included: {included}" if included else "",
                    other_roles=others("crime", crime.id),
                )
            )
        for change in session.execute(
            select(ClassificationChange, Crime.reference)
            .join(Crime, Crime.id == ClassificationChange.crime_id)
            .where(
                ClassificationChange.crime_id.in_(visible),
                ClassificationChange.principal_before.is_not(None),
            )
        ):
            row, reference = change
            entries.append(
                TimelineEntry(
                    at=row.changed_at,
                    kind="reclassification",
                    record_id=row.crime_id,
                    reference=reference,
                    title=f"Reclassified {row.principal_before} -> {row.principal_after}",
                    roles=tuple(sorted(crime_roles[row.crime_id])),
                    detail=f"Included now: {row.included_after or 'none'}. Reason: {row.reason}",
                    other_roles=others("crime", row.crime_id),
                )
            )
    if incident_roles and actor.can(Action.INCIDENT_VIEW):
        for incident in session.scalars(select(Incident).where(Incident.id.in_(incident_roles))):
            entries.append(
                TimelineEntry(
                    at=incident.received_at,
                    kind="incident",
                    record_id=incident.id,
                    reference=incident.reference,
                    title=f"Incident ({incident.source.label})",
                    roles=tuple(sorted(incident_roles[incident.id])),
                    detail=(incident.narrative[:160] + "…")
                    if len(incident.narrative) > 160
                    else incident.narrative,
                    other_roles=others("incident", incident.id),
                )
            )
    entries.sort(key=lambda e: (e.at, e.kind, e.record_id))
    return entries


def person_timeline(*, session: Session, actor: Actor, person_id: int) -> list[TimelineEntry]:
    """Every incident, crime and classification change the person appears in, in date order.

    A duplicate record merged into this one has had its involvements moved here (people.merge),
    so they are on this timeline too.
    """
    get_person_for_actor(session=session, actor=actor, person_id=person_id, audit_read=False)
    entries = _timeline(session, actor, _roles_of(session, {person_id}))
    audit.record(
        session=session,
        actor=actor,
        action=Action.PERSON_VIEW,
        entity_type="person",
        entity_id=person_id,
        summary=f"Viewed the timeline of person {person_id} ({len(entries)} entries)",
    )
    return entries


@dataclass(frozen=True, slots=True)
class PairTimeline:
    person: Person
    other: Person
    entries: list[TimelineEntry]


def pair_timeline(*, session: Session, actor: Actor, person_id: int, other_id: int) -> PairTimeline:
    """Every record two people share (e.g. a victim and a suspect), in date order, with each
    one's roles: the course of conduct between them in one place. Audited for both people."""
    person = get_person_for_actor(
        session=session, actor=actor, person_id=person_id, audit_read=False
    )
    other = get_person_for_actor(session=session, actor=actor, person_id=other_id, audit_read=False)
    if person.id == other.id:
        raise Invalid("Choose two different people.", {"other_id": "the same person"})
    mine = _roles_of(session, {person.id})
    theirs = _roles_of(session, {other.id})
    shared: Roles = {
        kind: {rid: roles for rid, roles in mine[kind].items() if rid in theirs[kind]}
        for kind in ("crime", "incident")
    }
    entries = _timeline(session, actor, shared, other=theirs)
    for subject, partner in ((person, other), (other, person)):
        audit.record(
            session=session,
            actor=actor,
            action=Action.PERSON_VIEW,
            entity_type="person",
            entity_id=subject.id,
            summary=f"Viewed the shared timeline of person {subject.id} with person "
            f"{partner.id} ({len(entries)} entries)",
            changes={"with_person_id": partner.id},
        )
    return PairTimeline(person=person, other=other, entries=entries)


@dataclass(frozen=True, slots=True)
class Associate:
    """Someone who shares records with a person, and how often (for links to pair timelines)."""

    person_id: int
    name: str
    crimes: int
    incidents: int
    roles: tuple[str, ...]  # the associate's roles on the shared records


def associates(*, session: Session, actor: Actor, person_id: int) -> list[Associate]:
    """People on the same crimes (the actor may see) or incidents as this person, most first.

    Duplicate records merged into another are counted as that record. The caller has already
    fetched the person for the actor (and audited that read).
    """
    actor.require(Action.PERSON_VIEW)
    mine = _roles_of(session, {person_id})
    crime_ids = (
        crimes_service.visible_crime_ids(session=session, actor=actor, crime_ids=set(mine["crime"]))
        if actor.can(Action.CRIME_VIEW)
        else set()
    )
    incident_ids = set(mine["incident"]) if actor.can(Action.INCIDENT_VIEW) else set()
    own = {person_id}
    found: dict[int, dict[str, Any]] = {}
    for kind, column, ids in (
        ("crimes", Involvement.crime_id, crime_ids),
        ("incidents", Involvement.incident_id, incident_ids),
    ):
        if not ids:
            continue
        stmt = select(Involvement.person_id, column, Involvement.role).where(
            column.in_(ids), Involvement.person_id.not_in(own)
        )
        for other_id, record_id, role in session.execute(stmt):
            entry = found.setdefault(
                other_id, {"crimes": set(), "incidents": set(), "roles": set()}
            )
            entry[kind].add(record_id)
            entry["roles"].add(role.value)
    if not found:
        return []
    # A duplicate merged into another record counts as that record (its survivor).
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(found))))}
    combined: dict[int, dict[str, Any]] = {}
    for pid, data in found.items():
        current = people[pid]
        seen = {current.id}
        while current.merged_into_id is not None and current.merged_into_id not in seen:
            survivor = session.get(Person, current.merged_into_id)
            if survivor is None:
                break
            seen.add(survivor.id)
            current = people.setdefault(survivor.id, survivor)
        if current.id in own:
            continue
        entry = combined.setdefault(
            current.id, {"crimes": set(), "incidents": set(), "roles": set()}
        )
        for key in ("crimes", "incidents", "roles"):
            entry[key] |= data[key]
    found = combined
    out = [
        Associate(
            person_id=pid,
            name=people[pid].display_name,
            crimes=len(data["crimes"]),
            incidents=len(data["incidents"]),
            roles=tuple(sorted(data["roles"])),
        )
        for pid, data in found.items()
    ]
    out.sort(key=lambda a: (-(a.crimes + a.incidents), a.name, a.person_id))
    return out
