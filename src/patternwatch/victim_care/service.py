"""Victims' Code duties on a crime: needs assessments, updates owed, referrals and feedback.

Every query goes through the crime, so the crime's access rules apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.db.types import utcnow
from patternwatch.errors import Invalid, NotFound
from patternwatch.errors import validated as _validate
from patternwatch.timeutil import local
from patternwatch.victim_care import deadlines
from patternwatch.victim_care.enums import ReferralStatus
from patternwatch.victim_care.models import (
    BankHoliday,
    NeedsAssessment,
    Referral,
    VictimFeedback,
    VictimRight,
    VictimUpdate,
    VictimUpdateRule,
)
from patternwatch.victim_care.schemas import (
    FeedbackCreate,
    NeedsAssessmentCreate,
    ReferralCreate,
    ReferralStatusChange,
    UpdateGiven,
    UpdateOwedCreate,
)


def _crime(session: Session, actor: Actor, crime_id: int) -> Crime:
    return crimes_service.get_crime_for_actor(
        session=session, actor=actor, crime_id=crime_id, audit_read=False
    )


def _audit(session: Session, actor: Actor, crime: Crime, summary: str, **changes: Any) -> None:
    audit.record(
        session=session,
        actor=actor,
        action=Action.VICTIM_CARE_EDIT,
        entity_type="crime",
        entity_id=crime.id,
        summary=f"{summary} ({crime.reference})",
        changes=changes or None,
    )


def _today() -> date:
    return local(utcnow()).date()  # type: ignore[union-attr]


def list_rights(*, session: Session) -> list[VictimRight]:
    """The 12 rights of the Victims' Code, in order."""
    return list(session.scalars(select(VictimRight).order_by(VictimRight.number)))


def bank_holidays(*, session: Session, start: date, end: date) -> set[date]:
    """England and Wales bank holidays in a range (data loaded by migration)."""
    return set(session.scalars(select(BankHoliday.day).where(BankHoliday.day.between(start, end))))


# ---- needs assessment ----------------------------------------------------------------------


def submit_needs_assessment(
    *, session: Session, actor: Actor, crime_id: int, data: NeedsAssessmentCreate | dict[str, Any]
) -> NeedsAssessment:
    """Record a needs assessment; it supersedes the previous one for the same victim."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(NeedsAssessmentCreate, data, "The needs assessment is not valid")
    crime = _crime(session, actor, crime_id)
    now = utcnow()
    for old in session.scalars(
        select(NeedsAssessment).where(
            NeedsAssessment.crime_id == crime.id,
            NeedsAssessment.person_id.is_(None)
            if data.person_id is None
            else NeedsAssessment.person_id == data.person_id,
            NeedsAssessment.superseded_at.is_(None),
        )
    ):
        old.superseded_at = now
    assessment = NeedsAssessment(
        crime_id=crime.id, assessed_by_name=actor.username, assessed_at=now, **data.model_dump()
    )
    session.add(assessment)
    session.flush()
    _audit(
        session,
        actor,
        crime,
        "Needs assessment recorded",
        enhanced=data.enhanced_category.value if data.enhanced_category else None,
        safe_to_contact=data.safe_to_contact,
    )
    return assessment


def current_needs(*, session: Session, crime_id: int) -> NeedsAssessment | None:
    return session.scalar(
        select(NeedsAssessment)
        .where(NeedsAssessment.crime_id == crime_id, NeedsAssessment.superseded_at.is_(None))
        .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc())
        .limit(1)
    )


def _is_enhanced(session: Session, crime_id: int) -> bool:
    needs = current_needs(session=session, crime_id=crime_id)
    return needs is not None and needs.enhanced_category is not None


# ---- updates owed --------------------------------------------------------------------------


def record_update_owed(
    *, session: Session, actor: Actor, crime_id: int, data: UpdateOwedCreate | dict[str, Any]
) -> VictimUpdate:
    """Note an event the victim must be told of, with its due date in working days."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(UpdateOwedCreate, data, "The update is not valid")
    crime = _crime(session, actor, crime_id)
    rule = session.get(VictimUpdateRule, data.kind)
    if rule is None:
        raise NotFound(f"No timescale is held for {data.kind.label} updates.")
    enhanced = _is_enhanced(session, crime.id)
    holidays = bank_holidays(
        session=session, start=data.event_on, end=data.event_on + timedelta(days=60)
    )
    due = deadlines.update_due(
        data.event_on,
        enhanced=enhanced,
        standard_days=rule.standard_working_days,
        enhanced_days=rule.enhanced_working_days,
        holidays=holidays,
    )
    update = VictimUpdate(
        crime_id=crime.id,
        kind=data.kind,
        event_on=data.event_on,
        due_on=due,
        note=data.note,
        created_by_name=actor.username,
    )
    session.add(update)
    session.flush()
    _audit(session, actor, crime, f"Victim update owed: {data.kind.label}", due_on=due.isoformat())
    return update


def record_update_given(
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    update_id: int,
    data: UpdateGiven | dict[str, Any],
) -> VictimUpdate:
    """Record the day the victim was told."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(UpdateGiven, data, "The update is not valid")
    crime = _crime(session, actor, crime_id)
    update = session.get(VictimUpdate, update_id)
    if update is None or update.crime_id != crime.id:
        raise NotFound(f"Update {update_id} was not found on this crime.")
    if data.given_on < update.event_on:
        raise Invalid("The victim cannot be told before the event.", {"given_on": "too early"})
    update.given_on = data.given_on
    session.flush()
    _audit(session, actor, crime, f"Victim told: {update.kind.label}", update_id=update.id)
    return update


# ---- referrals -----------------------------------------------------------------------------


def create_referral(
    *, session: Session, actor: Actor, crime_id: int, data: ReferralCreate | dict[str, Any]
) -> Referral:
    """Refer the victim to a support service (ISAC/IDVA, Paladin, the Helpline, local)."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(ReferralCreate, data, "The referral is not valid")
    crime = _crime(session, actor, crime_id)
    referral = Referral(
        crime_id=crime.id,
        person_id=data.person_id,
        service=data.service,
        service_name=data.service_name,
        referred_on=data.referred_on,
        status=ReferralStatus.REFERRED,
        status_on=data.referred_on,
        reason=data.reason,
        created_by_name=actor.username,
    )
    session.add(referral)
    session.flush()
    _audit(session, actor, crime, f"Referred to {data.service.label}", referral_id=referral.id)
    return referral


def change_referral_status(
    *,
    session: Session,
    actor: Actor,
    crime_id: int,
    referral_id: int,
    data: ReferralStatusChange | dict[str, Any],
) -> Referral:
    """Record a referral accepted, declined or suspended (declined/suspended need a reason)."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(ReferralStatusChange, data, "The referral status is not valid")
    crime = _crime(session, actor, crime_id)
    referral = session.get(Referral, referral_id)
    if referral is None or referral.crime_id != crime.id:
        raise NotFound(f"Referral {referral_id} was not found on this crime.")
    if data.status is ReferralStatus.REFERRED:
        message = "A referral is made once; record it accepted, declined or suspended."
        raise Invalid(message, {"status": "choose accepted, declined or suspended"})
    if data.status in (ReferralStatus.DECLINED, ReferralStatus.SUSPENDED) and not data.reason:
        raise Invalid(
            "Say why the referral was declined or suspended (e.g. unsafe to contact).",
            {"reason": "give a reason"},
        )
    if data.status_on < referral.referred_on:
        message = f"The status cannot date from before the referral ({referral.referred_on})."
        raise Invalid(message, {"status_on": "before the date referred"})
    if data.status_on > _today():
        raise Invalid(
            "A referral status cannot be dated in the future.",
            {"status_on": "cannot be in the future"},
        )
    referral.status, referral.status_on, referral.reason = data.status, data.status_on, data.reason
    session.flush()
    _audit(
        session,
        actor,
        crime,
        f"Referral to {referral.service.label}: {data.status.label}",
        reason=data.reason,
    )
    return referral


def record_feedback(
    *, session: Session, actor: Actor, crime_id: int, data: FeedbackCreate | dict[str, Any]
) -> VictimFeedback:
    """Record what the victim said about the service."""
    actor.require(Action.VICTIM_CARE_EDIT)
    data = _validate(FeedbackCreate, data, "The feedback is not valid")
    crime = _crime(session, actor, crime_id)
    if data.received_on > _today():
        message = "Feedback cannot be dated in the future."
        raise Invalid(message, {"received_on": "cannot be in the future"})
    feedback = VictimFeedback(
        crime_id=crime.id, recorded_by_name=actor.username, **data.model_dump()
    )
    session.add(feedback)
    session.flush()
    _audit(session, actor, crime, "Victim feedback recorded")
    return feedback


@dataclass
class VictimCare:
    needs: list[NeedsAssessment]
    updates: list[VictimUpdate]
    referrals: list[Referral]
    feedback: list[VictimFeedback]

    @property
    def current_needs(self) -> NeedsAssessment | None:
        return next((n for n in self.needs if n.superseded_at is None), None)


def victim_care_for(*, session: Session, actor: Actor, crime_id: int) -> VictimCare:
    """Everything held on the crime's victim care, newest first."""
    actor.require(Action.SAFEGUARDING_VIEW)
    crime = _crime(session, actor, crime_id)
    return VictimCare(
        needs=list(
            session.scalars(
                select(NeedsAssessment)
                .where(NeedsAssessment.crime_id == crime.id)
                .order_by(NeedsAssessment.assessed_at.desc(), NeedsAssessment.id.desc())
            )
        ),
        updates=list(
            session.scalars(
                select(VictimUpdate)
                .where(VictimUpdate.crime_id == crime.id)
                .order_by(VictimUpdate.due_on, VictimUpdate.id)
            )
        ),
        referrals=list(
            session.scalars(
                select(Referral).where(Referral.crime_id == crime.id).order_by(Referral.id)
            )
        ),
        feedback=list(
            session.scalars(
                select(VictimFeedback)
                .where(VictimFeedback.crime_id == crime.id)
                .order_by(VictimFeedback.id)
            )
        ),
    )


# ---- oversight queries (task inbox) --------------------------------------------------------


def updates_outstanding(*, session: Session, actor: Actor) -> list[tuple[VictimUpdate, Crime]]:
    """Updates owed and not yet given, on crimes the actor can see."""
    stmt = crimes_service.scope(
        select(VictimUpdate, Crime)
        .join(Crime, Crime.id == VictimUpdate.crime_id)
        .where(VictimUpdate.given_on.is_(None)),
        actor,
    )
    return [(u, c) for u, c in session.execute(stmt.order_by(VictimUpdate.due_on)).all()]


def referrals_due(*, session: Session, actor: Actor) -> list[tuple[NeedsAssessment, Crime, date]]:
    """Needs assessments with no referral yet: details go to support within 2 working days
    unless the victim objects (domain.md 5)."""
    stmt = crimes_service.scope(
        select(NeedsAssessment, Crime)
        .join(Crime, Crime.id == NeedsAssessment.crime_id)
        .where(
            NeedsAssessment.superseded_at.is_(None),
            NeedsAssessment.crime_id.not_in(select(Referral.crime_id)),
        ),
        actor,
    )
    out = []
    for needs, crime in session.execute(stmt).all():
        start = needs.assessed_at.date()
        holidays = bank_holidays(session=session, start=start, end=start + timedelta(days=30))
        due = deadlines.add_working_days(start, deadlines.SUPPORT_REFERRAL_WORKING_DAYS, holidays)
        out.append((needs, crime, due))
    return out
