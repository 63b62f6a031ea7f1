"""Person, aliases, identifiers and involvements in incidents and crimes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from patternwatch.db.base import Base, IdMixin, TimestampMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.people.enums import Gender, IdentifierKind, InvolvementRole, Relationship


class Person(IdMixin, TimestampMixin, Base):
    __tablename__ = "person"

    forename: Mapped[str | None] = mapped_column(String(100))
    middle_names: Mapped[str | None] = mapped_column(String(200))
    surname: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(
        enum_column(Gender), default=Gender.UNKNOWN, nullable=False
    )
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(10))
    # A merged record is never deleted: it points at the record it was merged into.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Where an imported record came from (issue 5): the pair is unique; source_hash is the
    # content of the last imported version.
    source_system: Mapped[str | None] = mapped_column(String(32))
    source_ref: Mapped[str | None] = mapped_column(String(128))
    source_hash: Mapped[str | None] = mapped_column(String(64))

    aliases: Mapped[list[PersonAlias]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )
    identifiers: Mapped[list[PersonIdentifier]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_person_surname_forename", "surname", "forename"),
        Index("ix_person_date_of_birth", "date_of_birth"),
        Index("uq_person_source_key", "source_system", "source_ref", unique=True),
    )

    @property
    def display_name(self) -> str:
        parts = [p for p in (self.forename, self.middle_names, self.surname) if p]
        return " ".join(parts) if parts else "(name not known)"


class PersonAlias(IdMixin, Base):
    __tablename__ = "person_alias"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    forename: Mapped[str | None] = mapped_column(String(100))
    surname: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship(back_populates="aliases")

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.forename, self.surname) if p) or "(no name)"


class PersonIdentifier(IdMixin, Base):
    __tablename__ = "person_identifier"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    kind: Mapped[IdentifierKind] = mapped_column(enum_column(IdentifierKind), nullable=False)
    value: Mapped[str] = mapped_column(String(200), nullable=False)

    person: Mapped[Person] = relationship(back_populates="identifiers")

    __table_args__ = (Index("ix_person_identifier_kind_value", "kind", "value"),)


class Involvement(IdMixin, Base):
    """A person's part in an incident or a crime (or both, when the crime came from the call)."""

    __tablename__ = "involvement"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    crime_id: Mapped[int | None] = mapped_column(ForeignKey("crime.id"), index=True)
    role: Mapped[InvolvementRole] = mapped_column(enum_column(InvolvementRole), nullable=False)
    # Declared before the ``relationship`` column, whose name shadows sqlalchemy's function below.
    person: Mapped[Person] = relationship(lazy="raise")
    # On a suspect's involvement: how the suspect is related to the victim of the record
    # (HOCR's one-crime-per-victim rule means a crime has one victim).
    relationship: Mapped[Relationship | None] = mapped_column(enum_column(Relationship))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (
        CheckConstraint(
            "incident_id IS NOT NULL OR crime_id IS NOT NULL", name="involvement_has_record"
        ),
        # Crime search by the suspect's relationship to the victim starts here.
        Index("ix_involvement_relationship_crime", "relationship", "crime_id"),
    )


class PersonMerge(IdMixin, Base):
    """A reviewed merge of one person record into another, and exactly what it moved, so that
    it can be undone (issue 6). The merged record is never deleted."""

    __tablename__ = "person_merge"

    survivor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    # The matcher's probability when the merge came from a candidate pair (None if by hand).
    match_probability: Mapped[float | None] = mapped_column(Float)
    # What moved: {"involvements": [ids], "aliases": [ids], "identifiers": [ids],
    # "created_aliases": [ids]}; unmerge moves exactly these back.
    moved: Mapped[dict[str, list[int]]] = mapped_column(JSON, nullable=False)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    undo_reason: Mapped[str | None] = mapped_column(Text)

    survivor: Mapped[Person] = relationship(foreign_keys=[survivor_id], lazy="raise")
    merged: Mapped[Person] = relationship(foreign_keys=[merged_id], lazy="raise")
