"""Enumerations for victim care (Victims' Code 2021)."""

from enum import StrEnum


class EnhancedCategory(StrEnum):
    """Who is entitled to enhanced rights (domain.md 5)."""

    MOST_SERIOUS_CRIME = "most_serious_crime"
    PERSISTENTLY_TARGETED = "persistently_targeted"
    VULNERABLE_OR_INTIMIDATED = "vulnerable_or_intimidated"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class UpdateKind(StrEnum):
    ARREST = "arrest"
    CHARGE = "charge"
    BAIL = "bail"
    NO_FURTHER_ACTION = "no_further_action"
    OUTCOME = "outcome"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SupportService(StrEnum):
    ISAC_IDVA = "isac_idva"
    PALADIN = "paladin"
    NATIONAL_STALKING_HELPLINE = "national_stalking_helpline"
    LOCAL = "local"

    @property
    def label(self) -> str:
        return {
            "isac_idva": "ISAC / IDVA",
            "paladin": "Paladin (National Stalking Advocacy Service)",
            "national_stalking_helpline": "National Stalking Helpline",
            "local": "Local service",
        }[self.value]


class ReferralStatus(StrEnum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUSPENDED = "suspended"

    @property
    def label(self) -> str:
        return self.value.capitalize()
