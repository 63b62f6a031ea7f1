"""Enumerations for crimes."""

from enum import StrEnum


class CrimeStatus(StrEnum):
    RECORDED = "recorded"
    UNDER_INVESTIGATION = "under_investigation"
    FINALISED = "finalised"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class OnlineMethod(StrEnum):
    """How an online-flagged crime was committed (HOCR online crime flag; domain.md 9)."""

    MESSAGING = "messaging"
    SOCIAL_MEDIA = "social_media"
    EMAIL = "email"
    PHONE_CALLS = "phone_calls"
    FAKE_ACCOUNTS = "fake_accounts"
    TRACKING_DEVICE = "tracking_device"
    SPYWARE = "spyware"
    LOCATION_SHARING = "location_sharing"
    ACCOUNT_ACCESS = "account_access"
    PUBLISHING_MATERIAL = "publishing_material"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
