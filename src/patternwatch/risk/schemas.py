"""Input and output shapes for risk assessments and THRIVE gradings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from patternwatch.risk.enums import RiskLevel, RiskTool


class RiskAssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tool: RiskTool
    # Checked against the question set in the service (missing and unknown keys are named).
    answers: dict[str, object]
    escalation: bool = False
    professional_judgement: bool = False
    notes: str = Field(default="", max_length=10_000)
    review_due: date | None = None


class RiskAssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    crime_id: int
    tool: RiskTool
    question_set_version: int
    score: int
    level: RiskLevel
    marac_referral_required: bool
    marac_reasons: list[str]
    dmi_recommended: bool
    assessor: str
    assessed_at: datetime
    review_due: date | None
    superseded: bool


class ThriveCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: str = Field(min_length=1, max_length=32)
    threat: str = Field(default="", max_length=5000)
    harm: str = Field(default="", max_length=5000)
    risk: str = Field(default="", max_length=5000)
    investigation: str = Field(default="", max_length=5000)
    vulnerability: str = Field(default="", max_length=5000)
    engagement: str = Field(default="", max_length=5000)
