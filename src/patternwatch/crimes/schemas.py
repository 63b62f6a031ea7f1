"""Input and output schemas for crimes (shared by the web forms, the JSON API and the CLI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from patternwatch.crimes.enums import CrimeStatus, OnlineMethod
from patternwatch.people.enums import Relationship
from patternwatch.timeutil import as_utc

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9/\-_.]{2,39}$"


class ClassificationIn(BaseModel):
    code: str = Field(min_length=1, max_length=16)
    principal: bool = False

    @field_validator("code")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()


def check_classification_set(items: list[ClassificationIn]) -> list[ClassificationIn]:
    """Exactly one principal, no code twice (Rec 7: every classification is first-class)."""
    principals = [c.code for c in items if c.principal]
    if not principals:
        raise ValueError("exactly one classification must be the principal; none is")
    if len(principals) > 1:
        raise ValueError(
            f"exactly one classification must be the principal; {len(principals)} are "
            f"({', '.join(principals)})"
        )
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise ValueError(f"classification {item.code} is listed twice")
        seen.add(item.code)
    return items


class _CrimeFields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    recorded_at: datetime | None = None
    offence_from: datetime | None = None
    offence_to: datetime | None = None
    location_text: str | None = Field(default=None, max_length=300)
    latitude: float | None = Field(default=None, ge=49.0, le=61.5)
    longitude: float | None = Field(default=None, ge=-8.7, le=2.0)
    lsoa_code: str | None = Field(default=None, pattern=r"^[EW]0[0-9]{7}$")
    district: str | None = Field(default=None, max_length=64)
    is_online: bool = False
    online_methods: list[OnlineMethod] = Field(default_factory=list)
    status: CrimeStatus = CrimeStatus.RECORDED
    narrative: str = Field(default="", max_length=100_000)
    officer_in_charge_id: int | None = None
    incident_id: int | None = None
    is_restricted: bool = False

    @field_validator("recorded_at", "offence_from", "offence_to")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value) if value else None

    @model_validator(mode="after")
    def _consistent(self) -> _CrimeFields:
        if self.offence_from and self.offence_to and self.offence_to < self.offence_from:
            raise ValueError("the offence period ends before it starts")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        if self.online_methods and not self.is_online:
            raise ValueError("online methods are given but the crime is not flagged online")
        self.online_methods = sorted(set(self.online_methods))
        return self


class CrimeCreate(_CrimeFields):
    reference: str | None = Field(default=None, pattern=REFERENCE_PATTERN)
    reported_at: datetime
    classifications: list[ClassificationIn] = Field(min_length=1)

    @field_validator("reported_at")
    @classmethod
    def _reported_utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @field_validator("classifications")
    @classmethod
    def _one_principal(cls, items: list[ClassificationIn]) -> list[ClassificationIn]:
        return check_classification_set(items)

    @model_validator(mode="after")
    def _dates(self) -> CrimeCreate:
        if self.recorded_at and self.recorded_at < self.reported_at:
            raise ValueError("the crime is recorded before it was reported")
        if self.offence_from and self.offence_from > self.reported_at:
            raise ValueError("the offence period starts after the crime was reported")
        return self


class CrimeUpdate(_CrimeFields):
    reported_at: datetime

    @field_validator("reported_at")
    @classmethod
    def _reported_utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class Reclassification(BaseModel):
    classifications: list[ClassificationIn] = Field(min_length=1)
    reason: str = Field(min_length=5, max_length=2000)

    @field_validator("classifications")
    @classmethod
    def _one_principal(cls, items: list[ClassificationIn]) -> list[ClassificationIn]:
        return check_classification_set(items)


SortKey = Literal["reported_desc", "reported_asc", "reference"]
DateField = Literal["reported", "offence"]


def _split_values(values: Any) -> list[str]:
    """Repeated and/or comma-separated values, stripped, blanks and repeats dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


class CrimeFilter(BaseModel):
    """One search, shared by the web page, the JSON API, exports and the CLI.

    Every list facet matches any of its values (OR within a facet); facets combine with AND.
    """

    model_config = ConfigDict(str_strip_whitespace=True)

    classification: list[str] = Field(default_factory=list)
    principal_only: bool = False
    date_from: date | None = None
    date_to: date | None = None
    # reported: the reported date is in the range; offence: the offence period overlaps it.
    date_field: DateField = "reported"
    text: str | None = Field(default=None, max_length=200)
    status: list[CrimeStatus] = Field(default_factory=list)
    relationship: list[Relationship] = Field(default_factory=list)
    is_online: bool | None = None
    online_method: list[OnlineMethod] = Field(default_factory=list)
    outcome: list[str] = Field(default_factory=list)
    lsoa: list[str] = Field(default_factory=list)
    district: list[str] = Field(default_factory=list)
    officer: str | None = Field(default=None, max_length=64)
    team: str | None = Field(default=None, max_length=64)
    sort: SortKey = "reported_desc"
    limit: int = Field(default=25, ge=1, le=10_000)
    offset: int = Field(default=0, ge=0)
    cursor: str | None = Field(default=None, max_length=500)

    @field_validator("classification", "outcome", "lsoa", mode="before")
    @classmethod
    def _codes(cls, values: Any) -> list[str]:
        return _split_values([v.upper() for v in _split_values(values)])

    @field_validator("district", mode="before")
    @classmethod
    def _names(cls, values: Any) -> list[str]:
        return _split_values(values)

    @field_validator("status", "relationship", "online_method", mode="before")
    @classmethod
    def _enums(cls, values: Any) -> list[str]:
        return _split_values([v.lower() for v in _split_values(values)])

    @field_validator("text", "officer", "team", "cursor")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _range(self) -> CrimeFilter:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("'to' is before 'from'")
        if self.cursor and self.offset:
            raise ValueError("give a cursor or an offset, not both")
        return self

    def criteria(self) -> dict[str, Any]:
        """The filters without paging: what an audit row or an export records."""
        return self.model_dump(
            mode="json", exclude_defaults=True, exclude={"limit", "offset", "cursor"}
        )


class ClassificationOut(BaseModel):
    code: str
    title: str
    principal: bool


class InvolvementOut(BaseModel):
    person_id: int
    name: str
    role: str
    relationship: str | None


class CrimeRead(BaseModel):
    id: int
    reference: str
    reported_at: datetime
    recorded_at: datetime | None
    offence_from: datetime | None
    offence_to: datetime | None
    location_text: str | None
    latitude: float | None
    longitude: float | None
    lsoa_code: str | None
    district: str | None
    is_online: bool
    online_methods: list[str]
    status: str
    outcome: str | None
    officer_in_charge: str | None
    incident_id: int | None
    is_restricted: bool
    principal: str
    classifications: list[ClassificationOut]
    narrative: str
    people: list[InvolvementOut] | None = None
    created_at: datetime
    updated_at: datetime


class FacetCount(BaseModel):
    value: str
    count: int


class CrimeList(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[CrimeRead]
    # Give next_cursor back as ``cursor`` for the next page (keyset paging); null on the last.
    next_cursor: str | None = None
    prev_cursor: str | None = None
    # Only when asked for (facets=true): counts per value of each facet over the whole result.
    facets: dict[str, list[FacetCount]] | None = None
    facets_note: str | None = None
