"""Domain errors raised by services; the web and API layers map them to HTTP answers."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DomainError(Exception):
    """Base class for errors a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The record does not exist, or the actor may not know that it exists."""


class Forbidden(DomainError):
    """The actor's role does not allow the action."""


class Unauthenticated(DomainError):
    """No valid log-in or API token."""


class Conflict(DomainError):
    """The change clashes with existing data (e.g. a duplicate reference)."""


class Invalid(DomainError):
    """Input breaks a rule; ``field_errors`` maps field names to messages."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors = field_errors or {}


def invalid_from(exc: ValidationError, message: str) -> Invalid:
    """Turn a Pydantic error into an Invalid naming each bad field."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        name = ".".join(str(p) for p in err["loc"]) or "input"
        fields.setdefault(name, err["msg"].removeprefix("Value error, "))
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return Invalid(f"{message}: {detail}", fields)


def validated(model: type[M], data: M | dict[str, Any], message: str) -> M:
    """``data`` as ``model`` (checked when given as a dict); Invalid naming each bad field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_from(exc, message) from exc
