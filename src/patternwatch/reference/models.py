"""Classification and outcome code lists."""

from __future__ import annotations

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import enum_column
from patternwatch.reference.enums import ModeOfTrial, OrderType


class Classification(IdMixin, Base):
    """A Home Office crime classification (e.g. 8Q stalking) with its statute and group."""

    __tablename__ = "classification"

    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    offence_group: Mapped[str] = mapped_column(String(100), nullable=False)
    offence_subgroup: Mapped[str | None] = mapped_column(String(100))
    statute: Mapped[str | None] = mapped_column(String(200))
    section: Mapped[str | None] = mapped_column(String(64))
    mode_of_trial: Mapped[ModeOfTrial] = mapped_column(enum_column(ModeOfTrial), nullable=False)
    max_penalty: Mapped[str | None] = mapped_column(String(200))
    # Rules read these flags, never hard-coded codes: which classifications are stalking, which
    # are screened as possible hidden stalking, and which are breaches of which order type.
    is_stalking: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    screen_for_stalking: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    order_type: Mapped[OrderType | None] = mapped_column(enum_column(OrderType))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


class OutcomeCode(IdMixin, Base):
    """A Home Office crime outcome (0-22, with sub-codes such as 1A and 15B)."""

    __tablename__ = "outcome_code"

    code: Mapped[str] = mapped_column(String(8), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    outcome_group: Mapped[str] = mapped_column(String(100), nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"
