"""THRIVE gradings, versioned risk question sets, and immutable risk assessments with answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.risk.enums import RiskLevel, RiskTool


class ThriveGrading(IdMixin, Base):
    """One THRIVE grading of an incident; a re-THRIVE adds a row and supersedes the last."""

    __tablename__ = "thrive_grading"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), nullable=False, index=True)
    threat: Mapped[str] = mapped_column(Text, nullable=False, default="")
    harm: Mapped[str] = mapped_column(Text, nullable=False, default="")
    risk: Mapped[str] = mapped_column(Text, nullable=False, default="")
    investigation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    vulnerability: Mapped[str] = mapped_column(Text, nullable=False, default="")
    engagement: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Grades are force-specific (domain.md 2.4, UNCONFIRMED nationally): free text, e.g. "1".
    grade: Mapped[str] = mapped_column(String(32), nullable=False)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    graded_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RiskQuestionSet(IdMixin, Base):
    """A versioned set of questions (forces change them); loaded by migration as data."""

    __tablename__ = "risk_question_set"

    tool: Mapped[RiskTool] = mapped_column(enum_column(RiskTool), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Level thresholds are data because they are UNCONFIRMED (domain.md 2.1, 2.3): a score at
    # or above medium_from is medium, at or above high_from high; marac_from (DASH: 14) marks a
    # MARAC referral as required. NULL means the rule does not apply to this tool.
    medium_from: Mapped[int | None] = mapped_column(Integer)
    high_from: Mapped[int | None] = mapped_column(Integer)
    marac_from: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")

    questions: Mapped[list[RiskQuestion]] = relationship(
        lazy="raise", order_by="RiskQuestion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("tool", "version"),)


class RiskQuestion(IdMixin, Base):
    __tablename__ = "risk_question"

    question_set_id: Mapped[int] = mapped_column(
        ForeignKey("risk_question_set.id"), nullable=False, index=True
    )
    key: Mapped[str] = mapped_column(String(16), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # A "yes" here points to a digital media investigator.
    recommends_dmi: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (UniqueConstraint("question_set_id", "key"),)


class RiskAssessment(IdMixin, Base):
    """A submitted assessment: immutable; a newer one of the same tool supersedes it."""

    __tablename__ = "risk_assessment"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    question_set_id: Mapped[int] = mapped_column(ForeignKey("risk_question_set.id"), nullable=False)
    tool: Mapped[RiskTool] = mapped_column(enum_column(RiskTool), nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)
    level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel), nullable=False)
    marac_referral_required: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # Space-separated reasons: score, escalation, professional_judgement.
    marac_reasons: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    escalation: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    professional_judgement: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    dmi_recommended: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assessor_name: Mapped[str] = mapped_column(String(64), nullable=False)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    review_due: Mapped[date | None] = mapped_column(Date)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("risk_assessment.id"))

    answers: Mapped[list[RiskAnswer]] = relationship(lazy="raise", cascade="all, delete-orphan")
    question_set = relationship("RiskQuestionSet", lazy="raise")


class RiskAnswer(Base):
    __tablename__ = "risk_answer"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("risk_assessment.id"), primary_key=True)
    question_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    answer: Mapped[bool] = mapped_column(Boolean, nullable=False)
