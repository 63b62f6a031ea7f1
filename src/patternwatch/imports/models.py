"""Import runs, their rejected rows, and the queue of imported records awaiting screening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from patternwatch.db.base import Base, IdMixin
from patternwatch.db.types import UTCDateTime, enum_column, utcnow
from patternwatch.imports.enums import ImportKind, ImportStatus, QueuedRecordType


class ImportBatch(IdMixin, Base):
    """One run of one input file: who, when, which file (SHA-256), and what became of its rows."""

    __tablename__ = "import_batch"

    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind), nullable=False)
    source_system: Mapped[str] = mapped_column(String(32), nullable=False)
    file_name: Mapped[str] = mapped_column(String(500), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    mapping_name: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus), default=ImportStatus.RUNNING, nullable=False
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    # Last commit of a chunk of rows; a "running" batch long past this was killed.
    progressed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_by: Mapped[str] = mapped_column(String(64), nullable=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    os_user: Mapped[str | None] = mapped_column(String(64))
    read_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    updated_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    error: Mapped[str | None] = mapped_column(Text)


class ImportRowError(IdMixin, Base):
    """A rejected input row, with the reason a person can act on and the row as it was read."""

    __tablename__ = "import_row_error"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), nullable=False, index=True)
    line: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    raw: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ScreeningQueueItem(IdMixin, Base):
    """A newly imported crime or incident waiting for the screening capability (issue 6+).

    The screening issue consumes rows with processed_at NULL and sets processed_at; one row per
    record and reason, so a re-import never queues a record twice.
    """

    __tablename__ = "screening_queue"

    record_type: Mapped[QueuedRecordType] = mapped_column(
        enum_column(QueuedRecordType), nullable=False
    )
    record_id: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (UniqueConstraint("record_type", "record_id", "reason"),)
