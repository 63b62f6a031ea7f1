"""Screening flags: a record that may be stalking, its evidence, and the registrar's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.screening.enums import FlagMethod, FlagRecordType, FlagStatus


class ScreeningFlag(IdMixin, Base):
    """One flag on one crime or incident; never deleted, decided once (confirm or dismiss)."""

    __tablename__ = "screening_flag"

    record_type: Mapped[FlagRecordType] = mapped_column(enum_column(FlagRecordType), nullable=False)
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    method: Mapped[FlagMethod] = mapped_column(enum_column(FlagMethod), nullable=False)
    # Indicator codes joined by ';' (for filtering) and the evidence spans as JSON
    # ([{"indicator", "start", "end", "text"}]) for the review page.
    indicators: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    needs_human: Mapped[bool] = mapped_column(default=False, nullable=False)
    series_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[FlagStatus] = mapped_column(
        enum_column(FlagStatus), nullable=False, default=FlagStatus.OPEN, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("record_type", "record_id", "method"),)
