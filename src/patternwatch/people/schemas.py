"""Input schemas for people and involvements."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from patternwatch.people.enums import Gender, IdentifierKind, InvolvementRole, Relationship


class AliasIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    forename: str | None = Field(default=None, max_length=100)
    surname: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    note: str | None = Field(default=None, max_length=200)


class IdentifierIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=200)


class PersonCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    forename: str | None = Field(default=None, max_length=100)
    middle_names: str | None = Field(default=None, max_length=200)
    surname: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    gender: Gender = Gender.UNKNOWN
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10)
    aliases: list[AliasIn] = Field(default_factory=list)
    identifiers: list[IdentifierIn] = Field(default_factory=list)

    @field_validator("forename", "middle_names", "surname", "address", "postcode")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str | None) -> str | None:
        return value.upper() if value else None

    @field_validator("date_of_birth")
    @classmethod
    def _dob(cls, value: date | None) -> date | None:
        if value and (value > date.today() or value.year < 1900):
            raise ValueError("date of birth must be between 1900 and today")
        return value

    @model_validator(mode="after")
    def _some_name(self) -> PersonCreate:
        if not (self.forename or self.surname):
            raise ValueError("give at least a forename or a surname")
        return self


class PersonUpdate(PersonCreate):
    pass


class InvolvementCreate(BaseModel):
    person_id: int
    role: InvolvementRole
    relationship: Relationship | None = None
    crime_id: int | None = None
    incident_id: int | None = None
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _target(self) -> InvolvementCreate:
        if self.crime_id is None and self.incident_id is None:
            raise ValueError("link the person to a crime or an incident")
        if self.relationship and self.role is not InvolvementRole.SUSPECT:
            raise ValueError("the relationship to the victim is recorded on the suspect")
        return self
