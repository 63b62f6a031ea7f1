"""Enumerations for people and involvements."""

from enum import StrEnum


class InvolvementRole(StrEnum):
    VICTIM = "victim"
    SUSPECT = "suspect"
    WITNESS = "witness"
    THIRD_PARTY = "third_party"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Relationship(StrEnum):
    """The suspect's relationship to the victim (HOCR April 2020: ex-partner conduct is stalking
    unless police are satisfied it is harassment only; domain.md 4.3)."""

    EX_PARTNER = "ex_partner"
    PARTNER = "partner"
    FAMILY = "family"
    ACQUAINTANCE = "acquaintance"
    COLLEAGUE = "colleague"
    NEIGHBOUR = "neighbour"
    STRANGER = "stranger"
    ONLINE_ONLY = "online_only"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize().replace("Ex partner", "Ex-partner")


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class IdentifierKind(StrEnum):
    PNC = "pnc"
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    VEHICLE = "vehicle"
    SOURCE_SYSTEM = "source_system"
    OTHER = "other"
