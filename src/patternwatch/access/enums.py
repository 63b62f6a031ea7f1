"""Roles a user can hold."""

from enum import StrEnum


class Role(StrEnum):
    CALL_HANDLER = "call_handler"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    REGISTRAR = "registrar"
    ANALYST = "analyst"
    VICTIM_CARE = "victim_care"
    PARTNER = "partner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
