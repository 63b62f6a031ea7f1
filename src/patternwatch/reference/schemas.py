"""Input schemas for reference data."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from patternwatch.reference.enums import ModeOfTrial, OrderType

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]{0,15}$")


def _code(value: str) -> str:
    value = value.strip().upper()
    if not CODE_RE.match(value):
        raise ValueError("use 1-16 capital letters, digits, '/', '.' or '-'")
    return value


class ClassificationCreate(BaseModel):
    code: str
    title: str = Field(min_length=2, max_length=200)
    offence_group: str = Field(min_length=2, max_length=100)
    offence_subgroup: str | None = Field(default=None, max_length=100)
    statute: str | None = Field(default=None, max_length=200)
    section: str | None = Field(default=None, max_length=64)
    mode_of_trial: ModeOfTrial
    max_penalty: str | None = Field(default=None, max_length=200)
    is_stalking: bool = False
    screen_for_stalking: bool = False
    order_type: OrderType | None = None
    source: str | None = None

    @field_validator("code")
    @classmethod
    def _norm_code(cls, value: str) -> str:
        return _code(value)


class OutcomeCodeCreate(BaseModel):
    code: str
    title: str = Field(min_length=2, max_length=200)
    outcome_group: str = Field(min_length=2, max_length=100)
    parent_code: str | None = None
    source: str | None = None

    @field_validator("code")
    @classmethod
    def _norm_code(cls, value: str) -> str:
        return _code(value)
