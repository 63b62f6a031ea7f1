"""Input schemas for incidents."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from patternwatch.incidents.enums import IncidentSource, IncidentStatus
from patternwatch.timeutil import as_utc


class IncidentCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    reference: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9/\-_.]{2,39}$")
    received_at: datetime
    source: IncidentSource = IncidentSource.NON_EMERGENCY_CALL
    status: IncidentStatus = IncidentStatus.OPEN
    location_text: str | None = Field(default=None, max_length=300)
    latitude: float | None = Field(default=None, ge=49.0, le=61.5)
    longitude: float | None = Field(default=None, ge=-8.7, le=2.0)
    lsoa_code: str | None = Field(default=None, pattern=r"^[EW]0[0-9]{7}$")
    district: str | None = Field(default=None, max_length=64)
    narrative: str = Field(min_length=1, max_length=100_000)

    @field_validator("received_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @model_validator(mode="after")
    def _coords(self) -> IncidentCreate:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class IncidentUpdate(IncidentCreate):
    pass


class IncidentFilter(BaseModel):
    text: str | None = Field(default=None, max_length=200)
    date_from: date | None = None
    date_to: date | None = None
    status: IncidentStatus | None = None
    limit: int = Field(default=25, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
