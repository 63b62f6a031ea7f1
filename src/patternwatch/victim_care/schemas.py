"""Input shapes for needs assessments, updates owed, referrals and feedback."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from patternwatch.victim_care.enums import (
    EnhancedCategory,
    ReferralStatus,
    SupportService,
    UpdateKind,
)


class NeedsAssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int | None = None
    enhanced_category: EnhancedCategory | None = None
    needs: str = Field(default="", max_length=10_000)
    vps_offered: bool = False
    safe_to_contact: bool = True
    safe_contact_notes: str = Field(default="", max_length=2000)


class UpdateOwedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: UpdateKind
    event_on: date
    note: str = Field(default="", max_length=2000)


class UpdateGiven(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_on: date


class ReferralCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service: SupportService
    service_name: str | None = Field(default=None, max_length=200)
    person_id: int | None = None
    referred_on: date
    reason: str = Field(default="", max_length=2000)


class ReferralStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus
    status_on: date
    # Why declined or suspended (e.g. unsafe to contact).
    reason: str = Field(default="", max_length=2000)


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received_on: date
    satisfied: bool | None = None
    comments: str = Field(default="", max_length=10_000)
