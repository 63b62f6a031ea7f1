"""Turn the crime web forms into the dicts the crime schemas validate, and back for re-display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData, QueryParams

from patternwatch.crimes.models import Crime
from patternwatch.errors import Conflict, Invalid
from patternwatch.reference.models import Classification
from patternwatch.timeutil import local
from patternwatch.web.forms import form_dict, form_errors

CRIME_LABELS = {
    "reference": "Crime reference",
    "reported_at": "Reported date and time",
    "recorded_at": "Recorded date and time",
    "offence_from": "Offence period from",
    "offence_to": "Offence period to",
    "principal": "Principal classification",
    "included": "Included classifications",
    "location_text": "Location",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "lsoa_code": "LSOA code",
    "district": "District",
    "is_online": "Online crime",
    "online_methods": "Online methods",
    "status": "Status",
    "officer_in_charge_id": "Officer in charge",
    "incident_id": "Incident number",
    "narrative": "Narrative",
    "is_restricted": "Restricted",
    "reason": "Reason for the change",
}
CRIME_FIELDS = tuple(CRIME_LABELS)
# Schema field -> form input: classification problems are shown against the principal select.
CRIME_ALIASES = {"classifications": "principal"}

SEARCH_LABELS = {
    "classification": "Classification codes",
    "from": "From",
    "to": "To",
    "date_field": "Dates apply to",
    "q": "Text",
    "status": "Status",
    "relationship": "Suspect's relationship to the victim",
    "online": "Online",
    "online_method": "Online method",
    "district": "District",
    "lsoa": "LSOA code",
    "outcome": "Outcome code",
    "officer": "Officer in charge (user name)",
    "team": "Team",
    "sort": "Order",
}
SEARCH_ALIASES = {
    "date_from": "from",
    "date_to": "to",
    "text": "q",
    "is_online": "online",
}
# Single-valued text inputs and selects of the search form, read as given.
_SEARCH_TEXT = (
    "from",
    "to",
    "date_field",
    "q",
    "status",
    "relationship",
    "online",
    "online_method",
    "district",
    "lsoa",
    "outcome",
    "officer",
    "team",
    "sort",
)
SORTS = {
    "reported_desc": "Newest reported first",
    "reported_asc": "Oldest reported first",
    "reference": "Reference",
}

_LISTS = ("included", "online_methods")
_BOOLS = ("is_online", "is_restricted")


def classification_groups(rows: list[Classification]) -> list[tuple[str, list[Classification]]]:
    """Classifications for the pickers by offence group: the group holding stalking first, then
    groups with offences screened for hidden stalking, then the rest, so 8Q is at hand."""
    stalking = {c.offence_group for c in rows if c.is_stalking}
    screened = {c.offence_group for c in rows if c.screen_for_stalking}

    def key(c: Classification) -> tuple[bool, bool, str, str]:
        return (
            c.offence_group not in stalking,
            c.offence_group not in screened,
            c.offence_group,
            c.code,
        )

    groups: dict[str, list[Classification]] = {}
    for row in sorted(rows, key=key):
        groups.setdefault(row.offence_group, []).append(row)
    return list(groups.items())


def input_datetime(value: Any) -> str:
    """A stored UTC datetime as the value of a datetime-local input (Europe/London)."""
    lv = local(value)
    return lv.strftime("%Y-%m-%dT%H:%M") if lv else ""


def classifications_from(principal: str | None, included: list[str]) -> list[dict[str, Any]]:
    """Principal first; an included code equal to the principal is dropped (it is already there)."""
    out: list[dict[str, Any]] = []
    if principal:
        out.append({"code": principal, "principal": True})
    seen = {principal.upper()} if principal else set()
    for code in included:
        if code.upper() not in seen:
            seen.add(code.upper())
            out.append({"code": code, "principal": False})
    return out


def crime_input(form: FormData, *, keep_restricted: bool | None = None) -> tuple[dict, dict]:
    """(values to re-display, data for CrimeCreate/CrimeUpdate) from the submitted crime form.

    ``keep_restricted`` is the crime's current flag for users who cannot change it, so that
    saving their edit does not look like lifting a restriction.
    """
    values = form_dict(form, lists=_LISTS, bools=_BOOLS)
    if keep_restricted is not None:
        values["is_restricted"] = keep_restricted
    # Blank inputs are left out so the schema's defaults apply.
    data = {k: v for k, v in values.items() if v is not None and k not in ("principal", "included")}
    data["classifications"] = classifications_from(values.get("principal"), values["included"])
    return values, data


def problems(
    exc: Invalid | Conflict, values: dict[str, Any]
) -> tuple[int, str | None, dict[str, str]]:
    """(status code, message, field errors) to re-display a crime form after a refusal."""
    if isinstance(exc, Conflict):  # the only clash on a crime form is a reference in use
        return 409, exc.message, {"reference": "already used by another crime"}
    message, errors = form_errors(exc, fields=CRIME_FIELDS, aliases=CRIME_ALIASES)
    if "principal" in errors and not values.get("principal"):
        # The schema only says the list is empty; say what to do.
        errors["principal"] = "choose the principal classification"
    return 422, message, errors


def crime_values(crime: Crime) -> dict[str, Any]:
    """The edit form's starting values."""
    return {
        "reported_at": input_datetime(crime.reported_at),
        "recorded_at": input_datetime(crime.recorded_at),
        "offence_from": input_datetime(crime.offence_from),
        "offence_to": input_datetime(crime.offence_to),
        "location_text": crime.location_text,
        "latitude": crime.latitude,
        "longitude": crime.longitude,
        "lsoa_code": crime.lsoa_code,
        "district": crime.district,
        "is_online": crime.is_online,
        "online_methods": [m.method.value for m in crime.online_methods],
        "status": crime.status.value,
        "officer_in_charge_id": crime.officer_in_charge_id,
        "incident_id": crime.incident_id,
        "narrative": crime.narrative,
        "is_restricted": crime.is_restricted,
    }


def reclassify_input(form: FormData) -> tuple[dict, dict]:
    """(values to re-display, data for Reclassification)."""
    values = form_dict(form, lists=("included",))
    data = {
        "classifications": classifications_from(values.get("principal"), values["included"]),
        "reason": values.get("reason") or "",
    }
    return values, data


def reclassify_values(crime: Crime) -> dict[str, Any]:
    principal = crime.principal
    return {
        "principal": principal.classification.code if principal else None,
        "included": [c.classification.code for c in crime.included],
        "reason": "",
    }


def search_values(params: Mapping[str, str] | QueryParams) -> dict[str, Any]:
    """The search form's values as given (for re-display, paging, facet and export links).

    ``classification`` may be repeated as well as comma-separated.
    """
    codes = params.getlist("classification") if isinstance(params, QueryParams) else []
    if not codes and params.get("classification"):
        codes = [params["classification"]]
    values: dict[str, Any] = {
        "classification": ", ".join(c.strip() for c in codes if c.strip()),
        "principal_only": (params.get("principal_only") or "").lower()
        in ("on", "true", "1", "yes"),
    }
    for key in _SEARCH_TEXT:
        values[key] = (params.get(key) or "").strip()
    # Counts per facet value cost a few more queries, so the page shows them on request.
    values["facets"] = "1" if (params.get("facets") or "").lower() in ("1", "on", "true") else ""
    if values["date_field"] == "reported":
        values["date_field"] = ""  # the default, kept out of links
    if values["sort"] == "reported_desc":
        values["sort"] = ""
    return values


def search_problems(exc: Invalid) -> tuple[str | None, dict[str, str]]:
    """(message, errors by search form field) from a refused search.

    A bad value in a list facet is reported by Pydantic as e.g. ``relationship.0``; the form
    has one ``relationship`` field.
    """
    flat = Invalid(
        exc.message, {key.split(".")[0]: msg for key, msg in (exc.field_errors or {}).items()}
    )
    message, errors = form_errors(flat, fields=SEARCH_LABELS, aliases=SEARCH_ALIASES)
    if "cursor" in flat.field_errors:
        message = exc.message
    return message, errors


def search_filters(
    values: dict[str, Any], *, limit: int, offset: int = 0, cursor: str | None = None
) -> dict[str, Any]:
    """CrimeFilter input from the search form's values."""
    online = {"yes": True, "no": False}.get(values["online"]) if values["online"] else None
    if values["online"] and online is None:
        online = values["online"]  # let the schema name the bad value
    return {
        "classification": [values["classification"]] if values["classification"] else [],
        "principal_only": values["principal_only"],
        "date_from": values["from"] or None,
        "date_to": values["to"] or None,
        "date_field": values["date_field"] or "reported",
        "text": values["q"] or None,
        "status": values["status"] or [],
        "relationship": values["relationship"] or [],
        "is_online": online,
        "online_method": values["online_method"] or [],
        "district": values["district"] or [],
        "lsoa": values["lsoa"] or [],
        "outcome": values["outcome"] or [],
        "officer": values["officer"] or None,
        "team": values["team"] or None,
        "sort": values["sort"] or "reported_desc",
        "limit": limit,
        "offset": offset,
        "cursor": cursor,
    }


def usernames_from(text: str | None) -> list[str]:
    """User names typed comma- or space-separated."""
    return [u for u in (text or "").replace(",", " ").split() if u]
