"""Enumerations for incidents."""

from enum import StrEnum


class IncidentSource(StrEnum):
    EMERGENCY_CALL = "999"
    NON_EMERGENCY_CALL = "101"
    ONLINE_REPORT = "online"
    FRONT_COUNTER = "front_counter"
    OFFICER_GENERATED = "officer"
    PARTNER_REFERRAL = "partner"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "999": "999 call",
            "101": "101 call",
            "online": "Online report",
            "front_counter": "Front counter",
            "officer": "Officer generated",
            "partner": "Partner referral",
            "other": "Other",
        }[self.value]


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
