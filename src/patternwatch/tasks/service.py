"""The task inbox: what is due or overdue on the crimes a user or team holds, ordered by risk.

Read-only: it gathers the safeguarding domains' own oversight queries (each scoped to the
actor) and sorts them; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.models import User
from patternwatch.access.permissions import Action
from patternwatch.crimes.models import Crime
from patternwatch.orders import service as orders_service
from patternwatch.risk import service as risk_service
from patternwatch.risk.enums import RiskLevel
from patternwatch.risk.models import RiskAssessment
from patternwatch.timeutil import local
from patternwatch.victim_care import service as victim_care_service


class InboxScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNALLOCATED = "unallocated"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            "mine": "My crimes",
            "team": "My team",
            "unallocated": "Unallocated",
            "all": "Everything I can see",
        }[self.value]


class TaskKind(StrEnum):
    SDASH = "sdash"
    SPO_DECISION = "spo_decision"
    RISK_REVIEW = "risk_review"
    SUPERVISOR_REVIEW = "supervisor_review"
    ORDER = "order"
    VICTIM_UPDATE = "victim_update"
    REFERRAL = "referral"


REVIEW_NOTICE = timedelta(days=7)

# Victim care officers see the Victims' Code duties on every crime they can see.
VICTIM_CARE_KINDS = frozenset({TaskKind.VICTIM_UPDATE, TaskKind.REFERRAL})


@dataclass(frozen=True, slots=True)
class TaskItem:
    kind: TaskKind
    title: str
    crime_id: int
    crime_reference: str
    due_on: date | None
    overdue: bool
    risk_level: RiskLevel | None
    officer_id: int | None

    @property
    def sort_key(self) -> tuple[int, date, str]:
        rank = self.risk_level.rank if self.risk_level else -1
        return (-rank, self.due_on or date.max, self.crime_reference)


def _day(value: datetime) -> date:
    return local(value).date()  # type: ignore[union-attr]


def current_risk_levels(*, session: Session, crime_ids: set[int]) -> dict[int, RiskLevel]:
    """The highest level among each crime's current (not superseded) assessments."""
    if not crime_ids:
        return {}
    out: dict[int, RiskLevel] = {}
    rows = session.execute(
        select(RiskAssessment.crime_id, RiskAssessment.level).where(
            RiskAssessment.crime_id.in_(crime_ids), RiskAssessment.superseded_at.is_(None)
        )
    ).all()
    for crime_id, level in rows:
        if crime_id not in out or level.rank > out[crime_id].rank:
            out[crime_id] = level
    return out


def _team_user_ids(session: Session, actor: Actor) -> set[int]:
    team = session.scalar(select(User.team).where(User.id == actor.user_id))
    if not team:
        return {actor.user_id} if actor.user_id else set()
    return set(session.scalars(select(User.id).where(User.team == team)))


def inbox(
    *, session: Session, actor: Actor, on: date, scope: InboxScope = InboxScope.MINE
) -> list[TaskItem]:
    """What is due or overdue, highest risk first, then soonest due."""
    actor.require(Action.TASK_VIEW)
    raw: list[tuple[TaskKind, str, Crime, date | None]] = []
    for crime in risk_service.stalking_crimes_without_sdash(session=session, actor=actor):
        raw.append((TaskKind.SDASH, "S-DASH not completed", crime, _day(crime.reported_at)))
    for crime in orders_service.open_stalking_crimes_without_spo_decision(
        session=session, actor=actor
    ):
        raw.append((TaskKind.SPO_DECISION, "SPO decision needed", crime, None))
    for assessment, crime in _current_assessments(session, actor):
        # Reviews show from a week before they fall due.
        if assessment.review_due is not None and assessment.review_due <= on + REVIEW_NOTICE:
            raw.append(
                (
                    TaskKind.RISK_REVIEW,
                    f"{assessment.tool.label} risk review",
                    crime,
                    assessment.review_due,
                )
            )
        if actor.role is Role.SUPERVISOR and (
            assessment.level is RiskLevel.HIGH or assessment.marac_referral_required
        ):
            what = "MARAC referral required" if assessment.marac_referral_required else "High risk"
            raw.append(
                (
                    TaskKind.SUPERVISOR_REVIEW,
                    f"Supervisor review: {what}",
                    crime,
                    _day(assessment.assessed_at),
                )
            )
    for due in orders_service.orders_needing_attention(session=session, actor=actor, on=on):
        raw.append(
            (TaskKind.ORDER, f"{due.order.order_type.label}: {due.what}", due.crime, due.due_on)
        )
    for update, crime in victim_care_service.updates_outstanding(session=session, actor=actor):
        raw.append(
            (TaskKind.VICTIM_UPDATE, f"Tell victim: {update.kind.label}", crime, update.due_on)
        )
    for _needs, crime, due_on in victim_care_service.referrals_due(session=session, actor=actor):
        raw.append((TaskKind.REFERRAL, "Refer victim to support", crime, due_on))

    if actor.role is Role.VICTIM_CARE:
        raw = [r for r in raw if r[0] in VICTIM_CARE_KINDS]
    elif scope is InboxScope.MINE:
        raw = [r for r in raw if r[2].officer_in_charge_id == actor.user_id]
    elif scope is InboxScope.TEAM:
        team = _team_user_ids(session, actor)
        raw = [r for r in raw if r[2].officer_in_charge_id in team]
    elif scope is InboxScope.UNALLOCATED:
        raw = [r for r in raw if r[2].officer_in_charge_id is None]

    levels = current_risk_levels(session=session, crime_ids={r[2].id for r in raw})
    items = [
        TaskItem(
            kind=kind,
            title=title,
            crime_id=crime.id,
            crime_reference=crime.reference,
            due_on=due_on,
            overdue=due_on is not None and due_on < on,
            risk_level=levels.get(crime.id),
            officer_id=crime.officer_in_charge_id,
        )
        for kind, title, crime, due_on in raw
    ]
    return sorted(items, key=lambda i: i.sort_key)


def _current_assessments(session: Session, actor: Actor) -> list[tuple[RiskAssessment, Crime]]:
    from patternwatch.crimes import service as crimes_service
    from patternwatch.crimes.enums import CrimeStatus

    stmt = crimes_service.scope(
        select(RiskAssessment, Crime)
        .join(Crime, Crime.id == RiskAssessment.crime_id)
        .where(
            RiskAssessment.superseded_at.is_(None),
            Crime.status.not_in([CrimeStatus.FINALISED, CrimeStatus.CANCELLED]),
        ),
        actor,
    )
    return [(a, c) for a, c in session.execute(stmt).all()]


@dataclass
class Safeguarding:
    """Everything the safeguarding page shows for one crime."""

    crime: Crime
    holds_stalking: bool
    assessments: list[RiskAssessment]
    spo_decisions: list[object]
    orders: list[object]
    victim_care: victim_care_service.VictimCare
    rights: list[object]
    on: date


def safeguarding_for(*, session: Session, actor: Actor, crime_id: int, on: date) -> Safeguarding:
    """Risk, SPO decisions, orders and victim care on a crime (the crime read is audited)."""
    from patternwatch.crimes import service as crimes_service

    actor.require(Action.SAFEGUARDING_VIEW)
    crime = crimes_service.get_crime_for_actor(session=session, actor=actor, crime_id=crime_id)
    return Safeguarding(
        crime=crime,
        holds_stalking=risk_service.crime_holds_stalking(session=session, crime_id=crime.id),
        assessments=risk_service.list_risk_assessments(
            session=session, actor=actor, crime_id=crime.id
        ),
        spo_decisions=list(
            orders_service.list_spo_decisions(session=session, actor=actor, crime_id=crime.id)
        ),
        orders=list(orders_service.list_orders(session=session, actor=actor, crime_id=crime.id)),
        victim_care=victim_care_service.victim_care_for(
            session=session, actor=actor, crime_id=crime.id
        ),
        rights=list(victim_care_service.list_rights(session=session)),
        on=on,
    )
