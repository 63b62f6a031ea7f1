"""Import runs: start, progress and finish an ImportBatch; rejects to the database and a CSV file.

Each chunk of rows commits together with the batch's counters, its rejected rows and its audit
event, so after a crash the database holds whole chunks only, and a re-run finds what committed
by its source keys.
"""

from __future__ import annotations

import csv
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

import patternwatch.db.models  # noqa: F401 - every mapper, so string relationships resolve
from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.audit import service as audit
from patternwatch.db.types import utcnow
from patternwatch.imports.enums import ImportKind, ImportStatus, QueuedRecordType
from patternwatch.imports.models import ImportBatch, ImportRowError, ScreeningQueueItem
from patternwatch.imports.readers import FileInfo
from patternwatch.imports.schemas import ImportSummary

# Audit action for import runs (the per-record events use the crime/person/incident actions).
AUDIT_IMPORT = "import.run"
SCREENING_REASON = "imported"

# Who imports when no user is named: a system identity with an investigating supervisor's rights,
# so it can create, edit and reclassify records (and see restricted ones it must update).
IMPORT_ACTOR = Actor(
    user_id=None, username="import", role=Role.SUPERVISOR, source="import", channel="system"
)


@dataclass(slots=True)
class Reject:
    file: str
    line: int
    reason: str
    raw: str


class RejectsFile:
    """The rejects CSV (file, line, reason, raw row); written as chunks are processed."""

    HEADER = ("file", "line", "reason", "raw")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self.count = 0

    def write(self, rejects: list[Reject]) -> None:
        if self.path is None or not rejects:
            return
        if self._handle is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(self.HEADER)
        for r in rejects:
            self._writer.writerow((r.file, r.line, r.reason, r.raw))
        self.count += len(rejects)
        self._handle.flush()

    def close(self) -> None:
        if self.path is not None and self._handle is None:
            # Always leave a file behind when one was asked for, so "no rejects" is visible.
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            csv.writer(self._handle).writerow(self.HEADER)
        if self._handle is not None:
            self._handle.close()
            self._handle = None


Progress = Callable[[int], None]


def _no_progress(_rows: int) -> None:
    return None


@dataclass(slots=True)
class RunContext:
    """What every file of one command shares."""

    session_factory: sessionmaker[Session]
    actor: Actor
    dry_run: bool = False
    rejects: RejectsFile = field(default_factory=lambda: RejectsFile(None))
    progress: Progress = _no_progress
    chunk_size: int = 1000


@dataclass(slots=True)
class ChunkResult:
    summary: ImportSummary = field(default_factory=ImportSummary)
    rejects: list[Reject] = field(default_factory=list)

    def reject(self, file: str, line: int, reason: str, raw: str) -> None:
        self.rejects.append(Reject(file, line, reason, raw))
        self.summary.rejected += 1


def os_user() -> str | None:
    try:
        return getpass.getuser()[:64]
    except Exception:  # noqa: BLE001 - no login name in some containers
        return None


def start_batch(
    *,
    session: Session,
    actor: Actor,
    kind: ImportKind,
    source_system: str,
    info: FileInfo,
    mapping_name: str | None = None,
) -> ImportBatch:
    """Record the start of a run; earlier runs of the same file still 'running' were cut off."""
    now = utcnow()
    stale = list(
        session.scalars(
            select(ImportBatch.id).where(
                ImportBatch.file_sha256 == info.sha256,
                ImportBatch.kind == kind,
                ImportBatch.status == ImportStatus.RUNNING,
            )
        )
    )
    if stale:
        session.execute(
            update(ImportBatch)
            .where(ImportBatch.id.in_(stale))
            .values(
                status=ImportStatus.INTERRUPTED,
                finished_at=now,
                error="The run stopped without finishing (killed or crashed); its committed "
                "chunks were kept and the next run of the same file completed the rest.",
            )
            .execution_options(synchronize_session=False)
        )
    batch = ImportBatch(
        kind=kind,
        source_system=source_system,
        file_name=str(info.path)[:500],
        file_sha256=info.sha256,
        mapping_name=mapping_name,
        status=ImportStatus.RUNNING,
        started_at=now,
        progressed_at=now,
        started_by=actor.username,
        started_by_id=actor.user_id,
        os_user=os_user(),
    )
    session.add(batch)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=AUDIT_IMPORT,
        entity_type="import_batch",
        entity_id=batch.id,
        summary=f"Started import {batch.id} of {info.path.name} ({kind.value}, {source_system})",
        changes={
            "file": str(info.path),
            "sha256": info.sha256,
            "bytes": info.size,
            "mapping": mapping_name,
            "interrupted_runs": stale,
        },
    )
    return batch


def record_chunk(
    *, session: Session, batch: ImportBatch | None, totals: ImportSummary, rejects: list[Reject]
) -> None:
    """Add a chunk's rejected rows and the running totals to the batch (same transaction)."""
    if batch is None:
        return
    if rejects:
        session.execute(
            insert(ImportRowError),
            [
                {"batch_id": batch.id, "line": r.line, "reason": r.reason, "raw": r.raw}
                for r in rejects
            ],
        )
    session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id)
        .values(
            progressed_at=utcnow(),
            read_count=totals.read,
            created_count=totals.created,
            updated_count=totals.updated,
            unchanged_count=totals.unchanged,
            rejected_count=totals.rejected,
        )
        .execution_options(synchronize_session=False)
    )


def finish_batch(
    *,
    session: Session,
    actor: Actor,
    batch_id: int,
    totals: ImportSummary,
    status: ImportStatus,
    error: str | None = None,
) -> None:
    """Close the run with its final counts and status, and audit it."""
    session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            status=status,
            finished_at=utcnow(),
            progressed_at=utcnow(),
            read_count=totals.read,
            created_count=totals.created,
            updated_count=totals.updated,
            unchanged_count=totals.unchanged,
            rejected_count=totals.rejected,
            error=error,
        )
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session=session,
        actor=actor,
        action=AUDIT_IMPORT,
        entity_type="import_batch",
        entity_id=batch_id,
        summary=f"Import {batch_id} {status.value}: {totals.read} read, {totals.created} created, "
        f"{totals.updated} updated, {totals.unchanged} unchanged, {totals.rejected} rejected"
        + (f" ({error})" if error else ""),
        changes={**totals.model_dump(), "status": status.value, "error": error},
    )


def queue_for_screening(
    session: Session, record_type: QueuedRecordType, record_ids: list[int]
) -> None:
    """Queue newly imported records for the screening capability (it sets processed_at)."""
    if not record_ids:
        return
    now = utcnow()
    session.execute(
        insert(cast(Table, ScreeningQueueItem.__table__)),
        [
            {
                "record_type": record_type,
                "record_id": rid,
                "reason": SCREENING_REASON,
                "queued_at": now,
                "processed_at": None,
            }
            for rid in record_ids
        ],
    )


@contextmanager
def batch_run(
    ctx: RunContext,
    *,
    kind: ImportKind,
    source_system: str,
    info: FileInfo,
    mapping_name: str | None = None,
) -> Iterator[BatchRun]:
    """A session and an ImportBatch for one file; commits per chunk, marks failure on error."""
    session = ctx.session_factory()
    run = BatchRun(ctx=ctx, session=session, info=info)
    tuned = _tune_sqlite(session, bulk=True)
    try:
        run.batch = start_batch(
            session=session,
            actor=ctx.actor,
            kind=kind,
            source_system=source_system,
            info=info,
            mapping_name=mapping_name,
        )
        run.commit()
        yield run
        if ctx.dry_run:
            session.rollback()
        else:
            finish_batch(
                session=session,
                actor=ctx.actor,
                batch_id=run.batch.id,
                totals=run.totals,
                status=ImportStatus.COMPLETED,
            )
            session.commit()
    except BaseException as exc:
        session.rollback()
        if not ctx.dry_run and run.batch is not None and run.batch_committed:
            try:
                finish_batch(
                    session=session,
                    actor=ctx.actor,
                    batch_id=run.batch.id,
                    totals=run.committed_totals,
                    status=ImportStatus.FAILED,
                    error=f"{type(exc).__name__}: {exc}"[:2000],
                )
                session.commit()
            except Exception:  # noqa: BLE001 - report the original error, not this one
                session.rollback()
        raise
    finally:
        if tuned:
            _tune_sqlite(session, bulk=False)
        session.close()


def _tune_sqlite(session: Session, *, bulk: bool) -> bool:
    """On SQLite, give an import's connection a bigger page cache and fewer WAL checkpoints.

    Index pages for random keys (Crime IDs are hashes) outgrow the default 2 MB cache within a
    month's file; checkpointing every 4 MB of WAL writes the same pages again and again. Both
    settings go back to SQLite's defaults afterwards, as the connection returns to the pool.
    Durability is unchanged: each chunk's COMMIT is still written to the WAL before we go on.
    """
    if session.get_bind().dialect.name != "sqlite":
        return False
    connection = session.connection()
    if bulk:
        connection.exec_driver_sql("PRAGMA cache_size=-131072")  # 128 MB
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=25000")  # ~100 MB of WAL
    else:
        session.rollback()
        connection = session.connection()
        connection.exec_driver_sql("PRAGMA cache_size=-2000")
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint=1000")
        session.rollback()
    return True


@dataclass(slots=True)
class BatchRun:
    ctx: RunContext
    session: Session
    info: FileInfo
    batch: ImportBatch | None = None
    batch_committed: bool = False
    totals: ImportSummary = field(default_factory=ImportSummary)
    committed_totals: ImportSummary = field(default_factory=ImportSummary)

    @property
    def file_name(self) -> str:
        return self.info.path.name

    def commit(self) -> None:
        """Commit the chunk (a dry run keeps one transaction and rolls it back at the end)."""
        if self.ctx.dry_run:
            return
        self.session.commit()
        self.batch_committed = True
        self.committed_totals = self.totals.model_copy()

    def end_chunk(self, chunk: ChunkResult) -> None:
        """Fold a chunk into the totals, store its rejects, commit, report progress."""
        self.totals.add(chunk.summary)
        chunk.rejects.sort(key=lambda r: r.line)  # found in two passes; report in file order
        record_chunk(
            session=self.session, batch=self.batch, totals=self.totals, rejects=chunk.rejects
        )
        self.ctx.rejects.write(chunk.rejects)
        self.commit()
        self.ctx.progress(chunk.summary.read)
