"""Enumerations for imports."""

from enum import StrEnum


class ImportStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    # A run that stopped without saying so (killed, power cut); marked by the next run of the file.
    INTERRUPTED = "interrupted"


class ImportKind(StrEnum):
    CRIMES = "crimes"
    POLICE_UK = "police_uk"


class QueuedRecordType(StrEnum):
    CRIME = "crime"
    INCIDENT = "incident"


class RowOutcome(StrEnum):
    """What happened to one input row; every row gets exactly one."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"
