"""Create, read, reclassify, restrict and search crimes; every query is scoped to the actor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.models import User
from patternwatch.access.permissions import SEES_ALL_RESTRICTED, Action
from patternwatch.audit import service as audit
from patternwatch.crimes import search
from patternwatch.crimes.models import (
    ClassificationChange,
    Crime,
    CrimeAccess,
    CrimeClassification,
    CrimeOnlineMethod,
)
from patternwatch.crimes.schemas import (
    ClassificationIn,
    CrimeCreate,
    CrimeFilter,
    CrimeRead,
    CrimeUpdate,
    Reclassification,
)
from patternwatch.db.types import utcnow
from patternwatch.errors import Conflict, Invalid, NotFound
from patternwatch.errors import validated as _validate
from patternwatch.reference import service as reference_service
from patternwatch.reference.models import Classification, OutcomeCode

# Roles that may be officer in charge of a crime.
OIC_ROLES = {Role.INVESTIGATOR, Role.SUPERVISOR}


def scope(stmt: Select[Any], actor: Actor) -> Select[Any]:
    """Limit a query over Crime to the rows the actor may see."""
    if not actor.can(Action.CRIME_VIEW):
        return stmt.where(false())
    if actor.role in SEES_ALL_RESTRICTED:
        return stmt.where(true())
    named = select(CrimeAccess.crime_id).where(CrimeAccess.user_id == actor.user_id)
    return stmt.where(or_(Crime.is_restricted.is_(False), Crime.id.in_(named)))


def _load_options() -> list[Any]:
    return [
        # Many-to-one references come in the same row (one query fewer each); collections by IN.
        selectinload(Crime.classifications).joinedload(CrimeClassification.classification),
        selectinload(Crime.online_methods),
        joinedload(Crime.outcome),
        joinedload(Crime.officer_in_charge),
    ]


def get_crime_for_actor(
    *, session: Session, actor: Actor, crime_id: int, audit_read: bool = True
) -> Crime:
    """The crime if the actor may see it (404 otherwise); the read is audited."""
    actor.require(Action.CRIME_VIEW)
    crime = session.scalar(
        scope(select(Crime).where(Crime.id == crime_id), actor).options(*_load_options())
    )
    if crime is None:
        raise NotFound(f"Crime {crime_id} was not found.")
    if audit_read:
        audit.record(
            session=session,
            actor=actor,
            action=Action.CRIME_VIEW,
            entity_type="crime",
            entity_id=crime.id,
            summary=f"Viewed crime {crime.reference}",
        )
    return crime


def visible_crime_ids(*, session: Session, actor: Actor, crime_ids: set[int]) -> set[int]:
    """Which of these crimes the actor may see (used by timelines in other domains)."""
    if not crime_ids:
        return set()
    stmt = scope(select(Crime.id).where(Crime.id.in_(crime_ids)), actor)
    return set(session.scalars(stmt))


def _resolve_classifications(
    session: Session, items: list[ClassificationIn], keep: list[Classification] | None = None
) -> list[tuple[Classification, bool]]:
    found = reference_service.classifications_by_code(
        session=session, codes=[i.code for i in items]
    )
    # Codes already on the crime may stay even if since retired (retired = not newly chosen).
    for cls in keep or []:
        found.setdefault(cls.code, cls)
    unknown = [i.code for i in items if i.code not in found]
    if unknown:
        raise Invalid(
            f"Unknown classification code{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.",
            {"classifications": f"unknown code {', '.join(unknown)}"},
        )
    return [(found[i.code], i.principal) for i in items]


def _codes_of(crime: Crime) -> tuple[str | None, str]:
    principal = crime.principal
    included = " ".join(c.classification.code for c in crime.included)
    return (principal.classification.code if principal else None), included


def _check_oic(session: Session, officer_in_charge_id: int | None) -> User | None:
    if officer_in_charge_id is None:
        return None
    user = session.get(User, officer_in_charge_id)
    if user is None or not user.is_active or user.role not in OIC_ROLES:
        raise Invalid(
            "The officer in charge must be an active investigator or supervisor.",
            {"officer_in_charge_id": "not an active investigator or supervisor"},
        )
    return user


def _check_incident(session: Session, incident_id: int | None) -> None:
    if incident_id is None:
        return
    from patternwatch.incidents.models import Incident

    if session.get(Incident, incident_id) is None:
        raise Invalid(f"Incident {incident_id} does not exist.", {"incident_id": "not found"})


def create_crime(*, session: Session, actor: Actor, data: CrimeCreate | dict[str, Any]) -> Crime:
    """Record a crime with its principal and included classifications."""
    actor.require(Action.CRIME_CREATE)
    data = _validate(CrimeCreate, data, "The crime could not be recorded")
    resolved = _resolve_classifications(session, data.classifications)
    _check_oic(session, data.officer_in_charge_id)
    _check_incident(session, data.incident_id)
    if data.is_restricted and not actor.can(Action.CRIME_RESTRICT):
        raise Invalid(
            "Only a supervisor may restrict a crime.", {"is_restricted": "needs a supervisor"}
        )
    if data.reference and session.scalar(select(Crime.id).where(Crime.reference == data.reference)):
        raise Conflict(f"A crime with reference {data.reference} already exists.")
    now = utcnow()
    crime = Crime(
        reference=data.reference or f"pending-{uuid.uuid4().hex}",
        reported_at=data.reported_at,
        recorded_at=data.recorded_at or now,
        offence_from=data.offence_from,
        offence_to=data.offence_to,
        location_text=data.location_text,
        latitude=data.latitude,
        longitude=data.longitude,
        lsoa_code=data.lsoa_code,
        district=data.district,
        is_online=data.is_online,
        status=data.status,
        narrative=data.narrative,
        officer_in_charge_id=data.officer_in_charge_id,
        incident_id=data.incident_id,
        is_restricted=data.is_restricted,
        created_by_id=actor.user_id,
    )
    crime.classifications = [
        CrimeClassification(classification=cls, is_principal=principal, added_at=now)
        for cls, principal in resolved
    ]
    crime.online_methods = [CrimeOnlineMethod(method=m) for m in data.online_methods]
    session.add(crime)
    session.flush()
    if not data.reference:
        crime.reference = f"CR/{data.reported_at:%y}/{crime.id:07d}"
    principal_code, included = _codes_of(crime)
    session.add(
        ClassificationChange(
            crime_id=crime.id,
            changed_at=now,
            changed_by_id=actor.user_id,
            changed_by_name=actor.username,
            reason="Initial classification",
            principal_before=None,
            principal_after=principal_code or "",
            included_before="",
            included_after=included,
        )
    )
    if crime.is_restricted:
        _name_users(session, crime, {actor.user_id, data.officer_in_charge_id}, actor)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_CREATE,
        entity_type="crime",
        entity_id=crime.id,
        summary=f"Recorded crime {crime.reference} ({principal_code}"
        + (f"; included {included}" if included else "")
        + ")",
        changes={"reference": crime.reference, "principal": principal_code, "included": included},
    )
    # Queued, not screened inline: `patternwatch screening run` screens it (docs/screening.md).
    from patternwatch.screening import service as screening_service  # noqa: PLC0415 - cycle

    screening_service.enqueue_new(session, actor, "crime", crime.id)
    return crime


_UPDATABLE = (
    "reported_at",
    "recorded_at",
    "offence_from",
    "offence_to",
    "location_text",
    "latitude",
    "longitude",
    "lsoa_code",
    "district",
    "is_online",
    "status",
    "narrative",
    "officer_in_charge_id",
    "incident_id",
)


def update_crime(
    *, session: Session, actor: Actor, crime_id: int, data: CrimeUpdate | dict[str, Any]
) -> Crime:
    """Change a crime's details (not its classifications: see reclassify_crime)."""
    actor.require(Action.CRIME_EDIT)
    crime = get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    data = _validate(CrimeUpdate, data, "The crime could not be saved")
    _check_oic(session, data.officer_in_charge_id)
    _check_incident(session, data.incident_id)
    if data.recorded_at and data.recorded_at < data.reported_at:
        raise Invalid(
            "The crime is recorded before it was reported.", {"recorded_at": "before reported"}
        )
    # The same rule as CrimeCreate: an edit must not make the record say what creation refuses.
    if data.offence_from and data.offence_from > data.reported_at:
        raise Invalid(
            "The offence period starts after the crime was reported.",
            {"offence_from": "after reported"},
        )
    changes: dict[str, Any] = {}
    for name in _UPDATABLE:
        new = getattr(data, name)
        old = getattr(crime, name)
        if new != old:
            changes[name] = {"from": old, "to": new}
            setattr(crime, name, new)
    old_methods = sorted(m.method.value for m in crime.online_methods)
    new_methods = sorted(m.value for m in data.online_methods)
    if old_methods != new_methods:
        changes["online_methods"] = {"from": old_methods, "to": new_methods}
        crime.online_methods = [CrimeOnlineMethod(method=m) for m in data.online_methods]
    if data.is_restricted != crime.is_restricted:
        actor.require(Action.CRIME_RESTRICT)
        changes["is_restricted"] = {"from": crime.is_restricted, "to": data.is_restricted}
        crime.is_restricted = data.is_restricted
        if data.is_restricted:
            _name_users(session, crime, {crime.created_by_id, crime.officer_in_charge_id}, actor)
    if "narrative" in changes:
        # The narrative can be long; keep the audit row readable.
        changes["narrative"] = {"changed": True}
    if changes:
        crime.updated_at = utcnow()
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action=Action.CRIME_EDIT,
            entity_type="crime",
            entity_id=crime.id,
            summary=f"Edited crime {crime.reference}: {', '.join(sorted(changes))}",
            changes=changes,
        )
    return crime


def reclassify_crime(
    *, session: Session, actor: Actor, crime_id: int, data: Reclassification | dict[str, Any]
) -> Crime:
    """Replace a crime's classifications, keeping who, when, why and what it was before."""
    actor.require(Action.CRIME_RECLASSIFY)
    crime = get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    data = _validate(Reclassification, data, "The crime could not be reclassified")
    resolved = _resolve_classifications(
        session, data.classifications, keep=[cc.classification for cc in crime.classifications]
    )
    before_principal, before_included = _codes_of(crime)
    wanted = {cls.id: principal for cls, principal in resolved}
    current = {cc.classification_id: cc for cc in crime.classifications}
    if {k: v.is_principal for k, v in current.items()} == wanted:
        raise Invalid(
            "These are already the crime's classifications; nothing to change.",
            {"classifications": "unchanged"},
        )
    now = utcnow()
    for cid, cc in list(current.items()):
        if cid not in wanted:
            crime.classifications.remove(cc)
    # Demote before promoting so the one-principal index never sees two principals at once.
    for cid, cc in current.items():
        if cid in wanted and cc.is_principal and not wanted[cid]:
            cc.is_principal = False
    session.flush()
    for cls, principal in resolved:
        cc = current.get(cls.id)
        if cc is None:
            crime.classifications.append(
                CrimeClassification(classification=cls, is_principal=principal, added_at=now)
            )
        else:
            cc.is_principal = principal
    crime.updated_at = now
    session.flush()
    after_principal, after_included = _codes_of(crime)
    session.add(
        ClassificationChange(
            crime_id=crime.id,
            changed_at=now,
            changed_by_id=actor.user_id,
            changed_by_name=actor.username,
            reason=data.reason,
            principal_before=before_principal,
            principal_after=after_principal or "",
            included_before=before_included,
            included_after=after_included,
        )
    )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_RECLASSIFY,
        entity_type="crime",
        entity_id=crime.id,
        summary=f"Reclassified crime {crime.reference}: {before_principal} "
        f"[{before_included}] -> {after_principal} [{after_included}]",
        changes={
            "principal": {"from": before_principal, "to": after_principal},
            "included": {"from": before_included, "to": after_included},
            "reason": data.reason,
        },
    )
    return crime


def classification_history(
    *, session: Session, actor: Actor, crime_id: int
) -> list[ClassificationChange]:
    """Every classification decision on a crime, oldest first."""
    get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    return list(
        session.scalars(
            select(ClassificationChange)
            .where(ClassificationChange.crime_id == crime_id)
            .order_by(ClassificationChange.changed_at, ClassificationChange.id)
        )
    )


def _name_users(session: Session, crime: Crime, user_ids: set[int | None], actor: Actor) -> None:
    existing = set(
        session.scalars(select(CrimeAccess.user_id).where(CrimeAccess.crime_id == crime.id))
    )
    for uid in sorted(u for u in user_ids if u is not None and u not in existing):
        session.add(CrimeAccess(crime_id=crime.id, user_id=uid, granted_by_id=actor.user_id))
    session.flush()


def named_users(*, session: Session, actor: Actor, crime_id: int) -> list[User]:
    """Users named on a (restricted) crime."""
    get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    return list(
        session.scalars(
            select(User)
            .join(CrimeAccess, CrimeAccess.user_id == User.id)
            .where(CrimeAccess.crime_id == crime_id)
            .order_by(User.username)
        )
    )


def set_restriction(
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    restricted: bool,
    usernames: list[str],
) -> Crime:
    """Restrict a crime to named users (and supervisors), or lift the restriction."""
    actor.require(Action.CRIME_RESTRICT)
    crime = get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    wanted_names = {u.strip().lower() for u in usernames if u.strip()}
    users = list(session.scalars(select(User).where(User.username.in_(wanted_names))))
    missing = wanted_names - {u.username for u in users}
    if missing:
        raise Invalid(f"No such user: {', '.join(sorted(missing))}.", {"usernames": "unknown user"})
    crime.is_restricted = restricted
    for row in session.scalars(select(CrimeAccess).where(CrimeAccess.crime_id == crime.id)):
        session.delete(row)
    session.flush()
    if restricted:
        ids: set[int | None] = {u.id for u in users}
        ids |= {crime.officer_in_charge_id, actor.user_id}
        _name_users(session, crime, ids, actor)
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_RESTRICT,
        entity_type="crime",
        entity_id=crime.id,
        summary=(
            f"Restricted crime {crime.reference} to {', '.join(sorted(wanted_names)) or 'OIC'}"
            if restricted
            else f"Lifted the restriction on crime {crime.reference}"
        ),
        changes={"is_restricted": restricted, "named": sorted(wanted_names)},
    )
    return crime


@dataclass(frozen=True, slots=True)
class CrimePage:
    total: int
    items: list[Crime]
    limit: int
    offset: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    # Facet name -> values with counts; None when not asked for or when facets_note says why.
    facets: dict[str, list[search.FacetValue]] | None = None
    facets_note: str | None = None


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """A validated search: its filter and its SQL for this actor and database."""

    filters: CrimeFilter
    query: search.SearchQuery
    dialect: str

    @property
    def where(self) -> list[Any]:
        """Every condition (access filter included), in the shape best for counting."""
        return self.query.where(drive=True)


def plan_search(
    *, session: Session, actor: Actor, filters: CrimeFilter | dict[str, Any]
) -> SearchPlan:
    """Check a search and turn it into SQL conditions (unknown codes and officers are Invalid)."""
    actor.require(Action.CRIME_VIEW)
    filters = _validate(CrimeFilter, filters, "The search could not be run")
    classification_ids: list[int] = []
    if filters.classification:
        # Retired codes stay searchable: old crimes keep them (Rec 7: find every record).
        found = {
            code: id_
            for code, id_ in session.execute(
                select(Classification.code, Classification.id).where(
                    Classification.code.in_(filters.classification)
                )
            )
        }
        unknown = [c for c in filters.classification if c not in found]
        if unknown:
            raise Invalid(
                f"Unknown classification code: {', '.join(unknown)}.",
                {"classification": "unknown code"},
            )
        classification_ids = [found[c] for c in filters.classification]
    outcome_ids: list[int] = []
    if filters.outcome:
        found = {
            code: id_
            for code, id_ in session.execute(
                select(OutcomeCode.code, OutcomeCode.id).where(
                    OutcomeCode.code.in_(filters.outcome)
                )
            )
        }
        unknown = [c for c in filters.outcome if c not in found]
        if unknown:
            raise Invalid(
                f"Unknown outcome code: {', '.join(unknown)}.", {"outcome": "unknown code"}
            )
        outcome_ids = [found[c] for c in filters.outcome]
    officer_id = None
    if filters.officer:
        officer_id = session.scalar(select(User.id).where(User.username == filters.officer.lower()))
        if officer_id is None:
            raise Invalid(f"No such officer: {filters.officer}.", {"officer": "unknown user"})
    dialect = session.get_bind().dialect.name
    resolved = search.Resolved(classification_ids, outcome_ids, officer_id)
    query = search.build(filters, resolved, dialect=dialect, actor=actor)
    return SearchPlan(filters=filters, query=query, dialect=dialect)


def count_crimes(*, session: Session, plan: SearchPlan) -> int:
    """How many crimes a planned search finds."""
    return sum(sign * (session.scalar(stmt) or 0) for sign, stmt in plan.query.count_statements())


def page_conditions(*, session: Session, plan: SearchPlan, total: int, limit: int) -> list[Any]:
    """The planned search's conditions shaped for reading ``limit`` rows in its sort order."""
    # max(id) stands in for the number of crimes: one index seek, and close enough here.
    return plan.query.page_where(
        total=total, limit=limit, crimes=lambda: session.scalar(select(func.max(Crime.id))) or 0
    )


def search_crimes(
    *,
    session: Session,
    actor: Actor,
    filters: CrimeFilter | dict[str, Any],
    facets: bool = False,
) -> CrimePage:
    """Crimes matching the filters, one page, in the filter's sort; the search is audited.

    A classification matches principal or included. Page with ``cursor`` (keyset: as fast on
    the last page as the first, no duplicates or gaps while rows are added) or ``offset``.
    With ``facets``, counts per facet value for the whole result, unless it exceeds FACET_CAP.
    """
    plan = plan_search(session=session, actor=actor, filters=filters)
    f, dialect = plan.filters, plan.dialect
    cursor = search.decode_cursor(f.cursor, f.sort) if f.cursor else None
    reverse = cursor is not None and cursor.direction == "prev"
    total = count_crimes(session=session, plan=plan)
    where = page_conditions(session=session, plan=plan, total=total, limit=f.limit + f.offset)
    # The page's ids first (often from an index alone), then those crimes with what the page
    # shows: the filter never reads a full row it does not return.
    stmt = select(Crime.id).where(*where)
    if cursor is not None:
        stmt = stmt.where(search.beyond(f.sort, dialect, cursor.key, reverse=reverse))
    else:
        stmt = stmt.offset(f.offset)
    order = search.order_by(f.sort, dialect, reverse=reverse, detached=plan.query.detached_sort)
    ids = list(session.scalars(stmt.order_by(*order).limit(f.limit + 1)))
    loaded = {
        c.id: c
        for c in session.scalars(select(Crime).where(Crime.id.in_(ids)).options(*_load_options()))
    }
    rows = [loaded[i] for i in ids]
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    if reverse:
        rows.reverse()
    next_cursor = prev_cursor = None
    if rows:
        if more or reverse:
            next_cursor = search.encode_cursor(
                search.Cursor(f.sort, "next", search.key_of(f.sort, rows[-1]))
            )
        if (reverse and more) or (cursor is not None and not reverse) or f.offset:
            prev_cursor = search.encode_cursor(
                search.Cursor(f.sort, "prev", search.key_of(f.sort, rows[0]))
            )
    facet_counts, note = None, None
    if facets:
        if total > search.FACET_CAP:
            note = (
                f"Counts by facet are shown for searches finding up to "
                f"{search.FACET_CAP:,} crimes; this one finds {total:,}. Narrow it to see them."
            )
        else:
            facet_counts = search.shape_facets(
                {
                    name: [tuple(r) for r in session.execute(stmt_)]
                    for name, stmt_ in search.facet_statements(plan.where).items()
                }
            )
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_SEARCH,
        entity_type="crime",
        summary=f"Searched crimes ({total} found)",
        changes=f.criteria(),
    )
    return CrimePage(
        total=total,
        items=rows,
        limit=f.limit,
        offset=0 if cursor is not None else f.offset,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        facets=facet_counts,
        facets_note=note,
    )


def to_read(crime: Crime, people: list[dict[str, Any]] | None = None) -> CrimeRead:
    """The API/JSON shape of a crime whose relations are loaded."""
    principal = crime.principal
    ordered = ([principal] if principal else []) + crime.included
    return CrimeRead(
        id=crime.id,
        reference=crime.reference,
        reported_at=crime.reported_at,
        recorded_at=crime.recorded_at,
        offence_from=crime.offence_from,
        offence_to=crime.offence_to,
        location_text=crime.location_text,
        latitude=crime.latitude,
        longitude=crime.longitude,
        lsoa_code=crime.lsoa_code,
        district=crime.district,
        is_online=crime.is_online,
        online_methods=sorted(m.method.value for m in crime.online_methods),
        status=crime.status.value,
        outcome=crime.outcome.code if crime.outcome else None,
        officer_in_charge=crime.officer_in_charge.username if crime.officer_in_charge else None,
        incident_id=crime.incident_id,
        is_restricted=crime.is_restricted,
        principal=principal.classification.code if principal else "",
        classifications=[
            {  # type: ignore[misc]
                "code": c.classification.code,
                "title": c.classification.title,
                "principal": c.is_principal,
            }
            for c in ordered
        ],
        narrative=crime.narrative,
        people=people,  # type: ignore[arg-type]
        created_at=crime.created_at,
        updated_at=crime.updated_at,
    )


def record_outcome(
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    code: str,
    rationale: str = "",
    outcome_at: Any = None,
) -> Crime:
    """Finalise a crime with a Home Office outcome code (callers apply safeguarding rules first)."""
    from patternwatch.crimes.enums import CrimeStatus

    actor.require(Action.CRIME_OUTCOME)
    crime = get_crime_for_actor(session=session, actor=actor, crime_id=crime_id, audit_read=False)
    outcome = session.scalar(
        select(OutcomeCode).where(OutcomeCode.code == code, OutcomeCode.is_active.is_(True))
    )
    if outcome is None:
        raise Invalid(f"Unknown outcome code {code!r}.", {"code": "unknown outcome code"})
    before = {
        "status": crime.status.value,
        "outcome": crime.outcome.code if crime.outcome else None,
    }
    crime.outcome_code_id = outcome.id
    crime.outcome = outcome
    crime.outcome_at = outcome_at or utcnow()
    crime.status = CrimeStatus.FINALISED
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_OUTCOME,
        entity_type="crime",
        entity_id=crime.id,
        summary=f"Outcome {outcome.code} recorded on {crime.reference}",
        changes={"before": before, "outcome": outcome.code, "rationale": rationale},
    )
    return crime
