"""Enumerations for risk assessment."""

from enum import StrEnum


class RiskTool(StrEnum):
    S_DASH = "s-dash"
    DASH = "dash"
    # Online and digital risk questions (tracking devices, shared accounts, location sharing).
    DIGITAL = "digital"

    @property
    def label(self) -> str:
        return {"s-dash": "S-DASH", "dash": "DASH", "digital": "Online and digital risk"}[
            self.value
        ]


class RiskLevel(StrEnum):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        """Higher is more urgent (the task inbox orders by it)."""
        return {"standard": 0, "medium": 1, "high": 2}[self.value]
