"""Domain errors raised by services; the web and API layers map them to HTTP answers."""

from __future__ import annotations


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
