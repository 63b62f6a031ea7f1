"""Input shapes for SPO decisions, orders, their events, breaches and compliance checks."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from patternwatch.orders.enums import (
    CheckOutcome,
    OrderEventKind,
    ProtectiveOrderType,
    SpoDecisionKind,
    TermKind,
)
from patternwatch.timeutil import as_utc


class SpoDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: SpoDecisionKind
    rationale: str = Field(min_length=1, max_length=10_000)

    @field_validator("rationale")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the reason for the decision")
        return value.strip()


class TermIn(BaseModel):
    kind: TermKind
    text: str = Field(min_length=1, max_length=2000)


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_type: ProtectiveOrderType
    subject_person_id: int | None = None
    protected_person_id: int | None = None
    court: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=10_000)
    terms: list[TermIn] = Field(default_factory=list)
    # Orders made elsewhere (restraining, non-molestation, bail) are often recorded as made.
    granted_on: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    until_further_order: bool = False


class OrderEventCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OrderEventKind
    on: date
    note: str = Field(default="", max_length=10_000)
    # For granted, varied and renewed: the (new) period.
    start_date: date | None = None
    end_date: date | None = None
    until_further_order: bool | None = None


class BreachCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_at: datetime
    description: str = Field(min_length=1, max_length=10_000)
    # For orders with no breach classification (bail conditions): the crime already recorded.
    crime_id: int | None = None

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class ComplianceCheckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checked_on: date
    outcome: CheckOutcome
    note: str = Field(default="", max_length=10_000)


class OutcomeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=8)
    rationale: str = Field(default="", max_length=10_000)
