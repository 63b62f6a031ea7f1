"""Crime, its classifications (one principal, any number included), their history, and access."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patternwatch.crimes.enums import CrimeStatus, OnlineMethod
from patternwatch.db.base import Base, IdMixin, TimestampMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow


class Crime(IdMixin, TimestampMixin, Base):
    __tablename__ = "crime"

    reference: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offence_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offence_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    location_text: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    lsoa_code: Mapped[str | None] = mapped_column(String(12), index=True)
    district: Mapped[str | None] = mapped_column(String(64))
    is_online: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    status: Mapped[CrimeStatus] = mapped_column(
        enum_column(CrimeStatus), default=CrimeStatus.RECORDED, nullable=False
    )
    outcome_code_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_code.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    officer_in_charge_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Restricted crimes are visible only to the users named in crime_access and to supervisors.
    is_restricted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    narrative: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Where an imported crime came from (issue 5): the pair is unique, so a re-import finds the
    # record instead of doubling it; source_hash is the content of the last imported version.
    source_system: Mapped[str | None] = mapped_column(String(32))
    source_ref: Mapped[str | None] = mapped_column(String(128))
    source_hash: Mapped[str | None] = mapped_column(String(64))
    # An outcome the source gives only as text (e.g. police.uk "Unable to prosecute suspect",
    # which spans several Home Office codes); outcome_code_id holds the code when one applies.
    outcome_label: Mapped[str | None] = mapped_column(String(120))

    classifications: Mapped[list[CrimeClassification]] = relationship(
        back_populates="crime", lazy="raise", cascade="all, delete-orphan"
    )
    online_methods: Mapped[list[CrimeOnlineMethod]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )
    outcome = relationship("OutcomeCode", lazy="raise")
    officer_in_charge = relationship("User", foreign_keys=[officer_in_charge_id], lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "offence_to IS NULL OR offence_from IS NULL OR offence_to >= offence_from",
            name="offence_period_in_order",
        ),
        Index("uq_crime_source_key", "source_system", "source_ref", unique=True),
        # Search (crimes/search.py; docs/search.md). Every search sorts by (reported_at, id)
        # and pages with a keyset on it; district + date range is the analysts' main search.
        Index("ix_crime_reported_at_id", "reported_at", "id"),
        Index("ix_crime_district_reported_at", "district", "reported_at", "id"),
        Index("ix_crime_status_reported_at", "status", "reported_at", "id"),
        # An officer's or a team's crimes, open ones first to hand (the task inbox, search).
        Index("ix_crime_officer_status", "officer_in_charge_id", "status", "reported_at", "id"),
        Index("ix_crime_offence_from", "offence_from"),
        Index("ix_crime_outcome_code_id", "outcome_code_id"),
        # The few restricted crimes, so the access filter never has to read every row.
        Index(
            "ix_crime_restricted",
            "id",
            sqlite_where=text("is_restricted = 1"),
            postgresql_where=text("is_restricted"),
        ),
    )

    @property
    def principal(self) -> CrimeClassification | None:
        return next((c for c in self.classifications if c.is_principal), None)

    @property
    def included(self) -> list[CrimeClassification]:
        return sorted(
            (c for c in self.classifications if not c.is_principal),
            key=lambda c: c.classification.code,
        )


class CrimeClassification(IdMixin, Base):
    __tablename__ = "crime_classification"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False)
    classification_id: Mapped[int] = mapped_column(ForeignKey("classification.id"), nullable=False)
    is_principal: Mapped[bool] = mapped_column(Boolean, nullable=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    crime: Mapped[Crime] = relationship(back_populates="classifications")
    classification = relationship("Classification", lazy="raise")

    __table_args__ = (
        UniqueConstraint("crime_id", "classification_id"),
        # At most one principal per crime, enforced by the database on both dialects.
        Index(
            "uq_crime_classification_one_principal",
            "crime_id",
            unique=True,
            sqlite_where=text("is_principal = 1"),
            postgresql_where=text("is_principal"),
        ),
        # Search by classification (principal or included, or principal only) starts here.
        Index(
            "ix_crime_classification_search",
            "classification_id",
            "is_principal",
            "crime_id",
        ),
    )


class ClassificationChange(IdMixin, Base):
    """Every change to a crime's classifications: who, when, why, from what to what."""

    __tablename__ = "classification_change"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), nullable=False, index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_by_name: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    principal_before: Mapped[str | None] = mapped_column(String(16))
    principal_after: Mapped[str] = mapped_column(String(16), nullable=False)
    # Codes as a sorted, space-separated list (portable; no ARRAY type).
    included_before: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    included_after: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class CrimeOnlineMethod(Base):
    __tablename__ = "crime_online_method"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), primary_key=True)
    method: Mapped[OnlineMethod] = mapped_column(enum_column(OnlineMethod), primary_key=True)

    # Search by online method starts here (the primary key leads with crime_id).
    __table_args__ = (Index("ix_crime_online_method_method", "method", "crime_id"),)


class CrimeAccess(Base):
    """Users named on a restricted crime."""

    __tablename__ = "crime_access"

    crime_id: Mapped[int] = mapped_column(ForeignKey("crime.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
