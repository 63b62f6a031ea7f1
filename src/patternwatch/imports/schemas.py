"""The declarative import mapping (YAML) and the import summary, as validated models."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from patternwatch.crimes.enums import CrimeStatus
from patternwatch.incidents.enums import IncidentSource, IncidentStatus
from patternwatch.people.enums import Gender, InvolvementRole, Relationship

SOURCE_SYSTEM_RE = r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,31}$"

# Target fields per record kind and how each value is read. "code:<list>" values go through the
# mapping's code list of that name (and must then be valid for the list's target).
CRIME_FIELDS: dict[str, str] = {
    "reported_at": "datetime",
    "recorded_at": "datetime",
    "offence_from": "datetime",
    "offence_to": "datetime",
    "location_text": "text",
    "latitude": "float",
    "longitude": "float",
    "lsoa_code": "text",
    "district": "text",
    "is_online": "bool",
    "status": "code:crime_status",
    "narrative": "text",
    "outcome": "code:outcome",
    "outcome_at": "datetime",
}
INCIDENT_FIELDS: dict[str, str] = {
    "received_at": "datetime",
    "source": "code:incident_source",
    "status": "code:incident_status",
    "location_text": "text",
    "latitude": "float",
    "longitude": "float",
    "lsoa_code": "text",
    "district": "text",
    "narrative": "text",
}
PERSON_FIELDS: dict[str, str] = {
    "forename": "text",
    "middle_names": "text",
    "surname": "text",
    "date_of_birth": "date",
    "gender": "code:gender",
    "address": "text",
    "postcode": "text",
}
REQUIRED_FIELDS = {"crime": ("reported_at",), "incident": ("received_at", "narrative")}

# Code lists whose targets are fixed values in Patternwatch (checked when the mapping loads).
ENUM_CODE_LISTS: dict[str, list[str]] = {
    "relationship": [m.value for m in Relationship],
    "role": [m.value for m in InvolvementRole],
    "gender": [m.value for m in Gender],
    "incident_source": [m.value for m in IncidentSource],
    "incident_status": [m.value for m in IncidentStatus],
    "crime_status": [m.value for m in CrimeStatus],
}
# Code lists whose targets live in the database (checked when an import starts).
TABLE_CODE_LISTS = ("classification", "outcome")
CODE_LISTS = (*TABLE_CODE_LISTS, *ENUM_CODE_LISTS)

_DIRECTIVE = re.compile(r"%[a-zA-Z]")


def _check_date_format(value: str) -> str:
    if not _DIRECTIVE.search(value):
        raise ValueError(f"{value!r} has no strptime directive such as %d, %m, %Y or %H")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ColumnSpec(_Strict):
    """Where a value comes from: a column name, plus optional reading rules."""

    column: str = Field(min_length=1, max_length=200)
    format: str | None = Field(default=None, description="strptime format for this column only")
    optional: bool = Field(default=False, description="the column may be missing from the file")
    default: str | None = Field(default=None, description="value used when the cell is blank")

    @field_validator("format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return _check_date_format(value) if value else value


def _column(value: Any) -> Any:
    """Accept `reported_at: "Reported Date"` as shorthand for `{column: "Reported Date"}`."""
    if isinstance(value, str):
        return {"column": value}
    return value


class _HasFields(_Strict):
    fields: dict[str, ColumnSpec] = Field(default_factory=dict)

    @field_validator("fields", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: _column(v) for k, v in value.items()}
        return value


def _check_fields(fields: dict[str, ColumnSpec], allowed: dict[str, str], kind: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown {kind} field {', '.join(unknown)}; expected one of {', '.join(allowed)}"
        )
    missing = [f for f in REQUIRED_FIELDS.get(kind, ()) if f not in fields]
    if missing:
        raise ValueError(f"a {kind} needs a column for {', '.join(missing)}")


class PersonSpec(_HasFields):
    """A person carried on each row (or, in a people file, the row itself)."""

    ref: ColumnSpec
    role: InvolvementRole | None = None
    relationship: ColumnSpec | None = None

    @field_validator("ref", "relationship", mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return _column(value)

    @model_validator(mode="after")
    def _fields_known(self) -> PersonSpec:
        _check_fields(self.fields, PERSON_FIELDS, "person")
        if self.relationship is not None and self.role not in (None, InvolvementRole.SUSPECT):
            raise ValueError("relationship is recorded on a suspect; set role: suspect")
        return self


class CrimeSpec(_HasFields):
    ref: ColumnSpec
    reference: ColumnSpec | None = None
    incident_ref: ColumnSpec | None = None
    principal: ColumnSpec
    included: ColumnSpec | None = None
    people: list[PersonSpec] = Field(default_factory=list)

    @field_validator("ref", "reference", "incident_ref", "principal", "included", mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return _column(value)

    @model_validator(mode="after")
    def _fields_known(self) -> CrimeSpec:
        _check_fields(self.fields, CRIME_FIELDS, "crime")
        for person in self.people:
            if person.role is None:
                raise ValueError("each person on a crime row needs a role (victim, suspect, ...)")
        return self


class IncidentSpec(_HasFields):
    ref: ColumnSpec
    reference: ColumnSpec | None = None
    people: list[PersonSpec] = Field(default_factory=list)

    @field_validator("ref", "reference", mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return _column(value)

    @model_validator(mode="after")
    def _fields_known(self) -> IncidentSpec:
        _check_fields(self.fields, INCIDENT_FIELDS, "incident")
        for person in self.people:
            if person.role is None:
                raise ValueError("each person on an incident row needs a role")
        return self


class InvolvementSpec(_Strict):
    """A file of links: one row per person on a crime or incident, keyed by source references."""

    person_ref: ColumnSpec
    crime_ref: ColumnSpec | None = None
    incident_ref: ColumnSpec | None = None
    role: ColumnSpec
    relationship: ColumnSpec | None = None
    note: ColumnSpec | None = None

    @field_validator(
        "person_ref", "crime_ref", "incident_ref", "role", "relationship", "note", mode="before"
    )
    @classmethod
    def _short(cls, value: Any) -> Any:
        return _column(value)

    @model_validator(mode="after")
    def _target(self) -> InvolvementSpec:
        if (self.crime_ref is None) == (self.incident_ref is None):
            raise ValueError("give exactly one of crime_ref or incident_ref")
        return self


class Mapping(_Strict):
    """How one force's export maps onto Patternwatch records; see docs/imports.md."""

    name: str | None = Field(default=None, max_length=200)
    source_system: str = Field(pattern=SOURCE_SYSTEM_RE)
    format: Literal["csv", "xlsx", "jsonl"] | None = None
    encoding: Literal["utf-8", "cp1252", "latin-1"] = "utf-8"
    fallback_encoding: Literal["cp1252", "latin-1"] | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    sheet: str | None = None
    date_formats: list[str] = Field(
        default_factory=lambda: [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d",
        ],
        min_length=1,
    )
    split: str = Field(default=";", min_length=1, max_length=5)
    true_values: list[str] = Field(default_factory=lambda: ["y", "yes", "true", "t", "1"])
    false_values: list[str] = Field(default_factory=lambda: ["n", "no", "false", "f", "0"])
    codes: dict[str, dict[str, str]] = Field(default_factory=dict)
    crime: CrimeSpec | None = None
    incident: IncidentSpec | None = None
    person: PersonSpec | None = None
    involvement: InvolvementSpec | None = None

    @field_validator("date_formats")
    @classmethod
    def _formats(cls, values: list[str]) -> list[str]:
        return [_check_date_format(v) for v in values]

    @field_validator("codes", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for name, entries in value.items():
            if name not in CODE_LISTS:
                raise ValueError(
                    f"unknown code list {name!r}; expected one of {', '.join(CODE_LISTS)}"
                )
            if not isinstance(entries, dict):
                raise ValueError(f"code list {name!r} must map source codes to ours")
            # YAML reads 01 or 1.0 as numbers; codes are text, compared case-insensitively.
            out[name] = {_key(k): str(v).strip() for k, v in entries.items()}
            if name in ENUM_CODE_LISTS:
                allowed = ENUM_CODE_LISTS[name]
                for source, target in out[name].items():
                    if target not in allowed:
                        raise ValueError(
                            f"{name}[{source!r}] -> {target!r} is not one of {', '.join(allowed)}"
                        )
        return out

    @model_validator(mode="after")
    def _one_kind(self) -> Mapping:
        kinds = self.kinds_given()
        if len(kinds) != 1:
            raise ValueError(
                "give exactly one of crime, incident, person or involvement (what each row of "
                f"the file is); found {', '.join(kinds) if kinds else 'none'}"
            )
        if self.person is not None and self.person.role is not None:
            raise ValueError("a people file has no role; link people with an involvement file")
        return self

    def kinds_given(self) -> list[str]:
        return [
            k
            for k in ("crime", "incident", "person", "involvement")
            if getattr(self, k) is not None
        ]

    @property
    def kind(self) -> str:
        return self.kinds_given()[0]


def _key(value: Any) -> str:
    return str(value).strip().upper()


class ImportSummary(BaseModel):
    """The JSON line every import prints last; ``read`` equals the data rows in the input."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: ImportSummary) -> None:
        for name in ("read", "created", "updated", "unchanged", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def accounted(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected
