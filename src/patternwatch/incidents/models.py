"""Incident (call for service) records; the narrative is kept exactly as written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from patternwatch.db.base import Base, IdMixin, TimestampMixin
from patternwatch.db.types import UTCDateTime, enum_column
from patternwatch.incidents.enums import IncidentSource, IncidentStatus


class Incident(IdMixin, TimestampMixin, Base):
    __tablename__ = "incident"

    reference: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    source: Mapped[IncidentSource] = mapped_column(
        enum_column(IncidentSource), default=IncidentSource.NON_EMERGENCY_CALL, nullable=False
    )
    status: Mapped[IncidentStatus] = mapped_column(
        enum_column(IncidentStatus), default=IncidentStatus.OPEN, nullable=False
    )
    location_text: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    lsoa_code: Mapped[str | None] = mapped_column(String(12), index=True)
    district: Mapped[str | None] = mapped_column(String(64))
    narrative: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Where an imported record came from (issue 5): the pair is unique; source_hash is the
    # content of the last imported version.
    source_system: Mapped[str | None] = mapped_column(String(32))
    source_ref: Mapped[str | None] = mapped_column(String(128))
    source_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("uq_incident_source_key", "source_system", "source_ref", unique=True),)
