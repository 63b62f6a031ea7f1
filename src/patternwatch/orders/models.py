"""SPO decisions, protective orders with their terms and history, breaches, compliance checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.orders.enums import (
    CheckOutcome,
    OrderEventKind,
    ProtectiveOrderType,
    SpoDecisionKind,
    TermKind,
)


class SpoDecision(IdMixin, Base):
    """Whether to apply for an SPO on a crime, and why; the latest one counts, all are kept."""

    __tablename__ = "spo_decision"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    decision: Mapped[SpoDecisionKind] = mapped_column(enum_column(SpoDecisionKind), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ProtectiveOrder(IdMixin, Base):
    """An order protecting a victim; crime_id is the course of conduct it arose from."""

    __tablename__ = "protective_order"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    order_type: Mapped[ProtectiveOrderType] = mapped_column(
        enum_column(ProtectiveOrderType), nullable=False
    )
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    protected_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    court: Mapped[str | None] = mapped_column(String(200))
    authorised_on: Mapped[date | None] = mapped_column(Date)
    authorised_by_name: Mapped[str | None] = mapped_column(String(64))
    interim_applied_on: Mapped[date | None] = mapped_column(Date)
    interim_granted_on: Mapped[date | None] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date)
    granted_on: Mapped[date | None] = mapped_column(Date)
    refused_on: Mapped[date | None] = mapped_column(Date)
    refused_reason: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    until_further_order: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    served_on: Mapped[date | None] = mapped_column(Date)
    notification_received_on: Mapped[date | None] = mapped_column(Date)
    discharged_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    terms: Mapped[list[OrderTerm]] = relationship(lazy="raise", cascade="all, delete-orphan")
    events: Mapped[list[OrderEvent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )
    breaches: Mapped[list[Breach]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Breach.id"
    )
    checks: Mapped[list[ComplianceCheck]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ComplianceCheck.id"
    )

    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="order_dates_in_order",
        ),
    )


class OrderTerm(IdMixin, Base):
    """A prohibition or a positive requirement of an order (SPA 2019; domain.md 3.2)."""

    __tablename__ = "order_term"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("protective_order.id"), nullable=False, index=True
    )
    kind: Mapped[TermKind] = mapped_column(enum_column(TermKind), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)


class OrderEvent(IdMixin, Base):
    """The order's life, step by step (authorised, applied, granted, served, varied, ...)."""

    __tablename__ = "order_event"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("protective_order.id"), nullable=False, index=True
    )
    kind: Mapped[OrderEventKind] = mapped_column(enum_column(OrderEventKind), nullable=False)
    on: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class Breach(IdMixin, Base):
    """A breach of an order: its own crime, and part of the course of conduct (order.crime_id)."""

    __tablename__ = "breach"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("protective_order.id"), nullable=False, index=True
    )
    breach_crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    course_crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class ComplianceCheck(IdMixin, Base):
    __tablename__ = "compliance_check"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("protective_order.id"), nullable=False, index=True
    )
    checked_on: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[CheckOutcome] = mapped_column(enum_column(CheckOutcome), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    checked_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
