"""Enumerations for screening."""

from enum import StrEnum


class FlagStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class FlagMethod(StrEnum):
    TEXT = "text"  # one narrative read by the rules and the model
    SERIES = "series"  # a course of conduct found by linking (screening/linking.py)


class FlagRecordType(StrEnum):
    CRIME = "crime"
    INCIDENT = "incident"
