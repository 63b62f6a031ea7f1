"""Turn the person and add-a-person web forms into schema input, and back for re-display."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from patternwatch.access.actor import Actor
from patternwatch.errors import Invalid, NotFound
from patternwatch.people import service as people_service
from patternwatch.people.enums import InvolvementRole, Relationship
from patternwatch.people.models import Involvement, Person
from patternwatch.web.forms import form_dict, form_errors

PERSON_LABELS = {
    "forename": "Forename",
    "middle_names": "Middle names",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "address": "Address",
    "postcode": "Postcode",
}
_ALIAS_FIELDS = ("forename", "surname", "date_of_birth", "note")
_IDENTIFIER_FIELDS = ("kind", "value")
_ROW = re.compile(r"^(aliases|identifiers)-(\d{1,3})-([a-z_]+)$")

ADD_PERSON_LABELS = {
    "person_id": "Existing person number",
    "forename": "Forename",
    "surname": "Surname",
    "date_of_birth": "Date of birth",
    "role": "Role",
    "relationship": "Relationship to the victim",
}
# InvolvementCreate's only whole-form rule is about the relationship, so show it there.
ADD_PERSON_ALIASES = {"input": "relationship"}


def add_person_choices() -> dict[str, Any]:
    """What the add-a-person partial (people/_add_person.html) needs besides the form state."""
    return {
        "roles": list(InvolvementRole),
        "relationships": list(Relationship),
        "person_labels": ADD_PERSON_LABELS,
    }


def add_person_problem(exc: Invalid, form: FormData) -> dict[str, Any]:
    """The add-a-person form's state for re-display after a refusal."""
    message, errors = form_errors(exc, fields=ADD_PERSON_LABELS, aliases=ADD_PERSON_ALIASES)
    return {"values": form_dict(form), "errors": errors, "message": message}


def _rows(form: FormData, kind: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Repeated rows named ``<kind>-<n>-<field>``, in form order of n."""
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = _ROW.match(key)
        if match and match.group(1) == kind and match.group(3) in names:
            value = form.get(key)
            rows.setdefault(int(match.group(2)), {})[match.group(3)] = (
                value.strip() if isinstance(value, str) else ""
            )
    return [{n: rows[i].get(n, "") for n in names} | {"_n": str(i)} for i in sorted(rows)]


def person_input(form: FormData) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(values to re-display, data for PersonCreate/PersonUpdate, error-name aliases).

    Blank alias and identifier rows are skipped; the aliases map a schema error such as
    ``aliases.0.surname`` to the input of the row it came from.
    """
    values = form_dict(form)
    data = {k: v for k, v in values.items() if k in PERSON_LABELS and v is not None}
    error_names: dict[str, str] = {}
    values["aliases"] = _rows(form, "aliases", _ALIAS_FIELDS)
    values["identifiers"] = _rows(form, "identifiers", _IDENTIFIER_FIELDS)
    for kind, names in (("aliases", _ALIAS_FIELDS), ("identifiers", _IDENTIFIER_FIELDS)):
        items: list[dict[str, Any]] = []
        for row in values[kind]:
            if not any(row[n] for n in names):
                continue
            for name in names:
                error_names[f"{kind}.{len(items)}.{name}"] = f"{kind}-{row['_n']}-{name}"
            items.append({n: row[n] for n in names if row[n]})
        data[kind] = items
    return values, data, error_names


def person_fields(values: dict[str, Any]) -> set[str]:
    """Every input name on the person form as displayed."""
    fields = set(PERSON_LABELS)
    for row in values.get("aliases", []):
        fields |= {f"aliases-{row['_n']}-{n}" for n in _ALIAS_FIELDS}
    for row in values.get("identifiers", []):
        fields |= {f"identifiers-{row['_n']}-{n}" for n in _IDENTIFIER_FIELDS}
    return fields


def with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    """Make sure there is one empty alias row and one empty identifier row to fill in."""
    for kind, names in (("aliases", _ALIAS_FIELDS), ("identifiers", _IDENTIFIER_FIELDS)):
        rows = values.setdefault(kind, [])
        if not rows or any(rows[-1][n] for n in names):
            n = max((int(r["_n"]) for r in rows), default=-1) + 1
            rows.append({name: "" for name in names} | {"_n": str(n)})
    return values


def person_values(person: Person) -> dict[str, Any]:
    """The edit form's starting values, with every alias and identifier the person has."""
    values: dict[str, Any] = {name: getattr(person, name) for name in PERSON_LABELS}
    values["gender"] = person.gender.value
    values["date_of_birth"] = person.date_of_birth.isoformat() if person.date_of_birth else ""
    values["aliases"] = [
        {
            "forename": a.forename or "",
            "surname": a.surname or "",
            "date_of_birth": a.date_of_birth.isoformat() if a.date_of_birth else "",
            "note": a.note or "",
            "_n": str(i),
        }
        for i, a in enumerate(person.aliases)
    ]
    values["identifiers"] = [
        {"kind": i.kind.value, "value": i.value, "_n": str(n)}
        for n, i in enumerate(person.identifiers)
    ]
    return with_blank_rows(values)


@dataclass(frozen=True, slots=True)
class AddPerson:
    """An add-a-person form: link an existing person, or a new one made from the names given."""

    values: dict[str, Any]
    person_id: int | None
    new_person: dict[str, Any] | None
    involvement: dict[str, Any]


def add_person_input(form: FormData) -> AddPerson:
    """Parse the add-a-person form; raise Invalid when it names nobody, or two people at once."""
    values = form_dict(form)
    names = {k: values.get(k) for k in ("forename", "surname", "date_of_birth")}
    raw_id = values.get("person_id")
    involvement = {
        "role": values.get("role"),
        "relationship": values.get("relationship"),
    }
    if raw_id and any(names.values()):
        raise Invalid(
            "Give an existing person's number or a new person's details, not both.",
            {"person_id": "give either this or the new person's details, not both"},
        )
    if raw_id:
        try:
            person_id = int(raw_id)
        except ValueError:
            raise Invalid(
                "The person number must be a whole number.", {"person_id": "not a number"}
            ) from None
        return AddPerson(values, person_id, None, involvement)
    if not (names["forename"] or names["surname"]):
        raise Invalid(
            "Give an existing person's number, or a new person's forename or surname.",
            {"person_id": "give a person number, or a new person's name below"},
        )
    new_person = {k: v for k, v in names.items() if v}
    return AddPerson(values, None, new_person, involvement)


def link_person(
    *,
    session: Session,
    actor: Actor,
    form: FormData,
    crime_id: int | None = None,
    incident_id: int | None = None,
) -> tuple[Person, Involvement]:
    """The add-a-person form's work: link an existing person, or add the new one and link them.

    Raises Invalid for anything the user can correct (including an unknown person number); the
    caller rolls back so a new person is not left behind when the link fails.
    """
    parsed = add_person_input(form)
    if parsed.person_id is not None:
        try:
            person = people_service.get_person_for_actor(
                session=session, actor=actor, person_id=parsed.person_id, audit_read=False
            )
        except NotFound:
            raise Invalid(
                f"There is no person number {parsed.person_id}.", {"person_id": "no such person"}
            ) from None
    else:
        person = people_service.create_person(
            session=session, actor=actor, data=parsed.new_person or {}
        )
    involvement = people_service.add_involvement(
        session=session,
        actor=actor,
        data={
            **parsed.involvement,
            "person_id": person.id,
            "crime_id": crime_id,
            "incident_id": incident_id,
        },
    )
    return person, involvement
