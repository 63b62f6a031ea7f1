"""Victims' Code rights and timescales (data), bank holidays, needs assessments, updates owed,
referrals to support services, and victim feedback."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.victim_care.enums import (
    EnhancedCategory,
    ReferralStatus,
    SupportService,
    UpdateKind,
)


class VictimRight(IdMixin, Base):
    """One of the 12 rights of the Victims' Code (2021), held as data."""

    __tablename__ = "victim_right"

    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")


class VictimUpdateRule(Base):
    """How many working days a victim update may take; data because the 2021 wording is
    UNCONFIRMED (domain.md 5)."""

    __tablename__ = "victim_update_rule"

    kind: Mapped[UpdateKind] = mapped_column(enum_column(UpdateKind), primary_key=True)
    standard_working_days: Mapped[int] = mapped_column(Integer, nullable=False)
    enhanced_working_days: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")


class BankHoliday(Base):
    """England and Wales bank holidays (working days skip them)."""

    __tablename__ = "bank_holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)


class NeedsAssessment(IdMixin, Base):
    """A victim's needs assessment: immutable once submitted; a newer one supersedes it."""

    __tablename__ = "needs_assessment"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    enhanced_category: Mapped[EnhancedCategory | None] = mapped_column(
        enum_column(EnhancedCategory)
    )
    needs: Mapped[str] = mapped_column(Text, nullable=False, default="")
    vps_offered: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    safe_to_contact: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    safe_contact_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    assessed_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VictimUpdate(IdMixin, Base):
    """An update owed to the victim after an event (arrest, charge, ...), due and given."""

    __tablename__ = "victim_update"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    kind: Mapped[UpdateKind] = mapped_column(enum_column(UpdateKind), nullable=False)
    event_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    given_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_name: Mapped[str] = mapped_column(String(64), nullable=False)


class Referral(IdMixin, Base):
    """A referral to a support service and where it stands."""

    __tablename__ = "referral"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    service: Mapped[SupportService] = mapped_column(enum_column(SupportService), nullable=False)
    service_name: Mapped[str | None] = mapped_column(String(200))
    referred_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), nullable=False)
    status_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_name: Mapped[str] = mapped_column(String(64), nullable=False)


class VictimFeedback(IdMixin, Base):
    __tablename__ = "victim_feedback"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    comments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
