"""Enumerations for reference data."""

from enum import StrEnum


class ModeOfTrial(StrEnum):
    SUMMARY = "summary"
    EITHER_WAY = "either_way"
    INDICTABLE = "indictable"

    @property
    def label(self) -> str:
        return {
            "summary": "Summary only",
            "either_way": "Either way",
            "indictable": "Indictable only",
        }[self.value]


class OrderType(StrEnum):
    """The protective order a breach classification belongs to."""

    SPO = "spo"
    RESTRAINING = "restraining"
    NON_MOLESTATION = "non_molestation"
