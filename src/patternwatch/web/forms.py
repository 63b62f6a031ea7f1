"""Helpers to turn submitted forms into dicts that Pydantic schemas validate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from patternwatch.errors import Invalid


def form_dict(
    form: FormData, *, lists: tuple[str, ...] = (), bools: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Blank fields become None; ``lists`` collect repeated fields; ``bools`` are checkboxes."""
    out: dict[str, Any] = {}
    for key in {k for k in form if k != "csrf_token"}:
        if key in lists:
            out[key] = [v for v in form.getlist(key) if isinstance(v, str) and v.strip()]
        else:
            value = form.get(key)
            if isinstance(value, str):
                value = value.strip()
                out[key] = value if value != "" else None
    for key in lists:
        out.setdefault(key, [])
    for key in bools:
        out[key] = form.get(key) in ("on", "true", "1", "yes")
    return out


async def read_form(request: Request) -> FormData:
    """The submitted form, for plain ``def`` routes (Starlette caches it, so CSRF reads it too)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


# Pydantic's wording for an empty required field, in plain words for the page.
_PLAIN = {"Field required": "enter a value"}


def form_errors(
    exc: Invalid, *, fields: Iterable[str], aliases: Mapping[str, str] | None = None
) -> tuple[str | None, dict[str, str]]:
    """Split a service's Invalid into errors linked to form fields and a message for the rest.

    ``aliases`` maps a schema field name to the form's input name (``date_from`` -> ``from``);
    dotted names become dashed (``aliases.0.surname`` -> ``aliases-0-surname``).
    """
    if not exc.field_errors:
        return exc.message, {}
    known = set(fields)
    aliases = aliases or {}
    linked: dict[str, str] = {}
    other: list[str] = []
    for key, msg in exc.field_errors.items():
        name = aliases.get(key, key).replace(".", "-")
        if name in known:
            linked.setdefault(name, _PLAIN.get(msg, msg))
        else:
            other.append(msg[:1].upper() + msg[1:])
    # invalid_from() builds "<what failed>: <field>: <msg>; ..."; the list repeats the detail.
    detail = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items())
    message = exc.message
    if message.endswith(": " + detail):
        message = message[: -len(detail) - 2] + "."
        if other:
            message += " " + " ".join(m.rstrip(".") + "." for m in other)
    return message, linked


def parse_offset(value: str | None) -> int:
    """A paging offset from the query string; anything odd means the first page."""
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0
