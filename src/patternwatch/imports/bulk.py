"""The police.uk bulk path: batched Core inserts and updates with the crimes domain's invariants.

A street file has ~8,000 rows a month, so rows are written a chunk at a time (one query to find
which keys exist, one multi-row INSERT per table, no per-row ORM round trips). The invariants
create_crime keeps hold here too: each crime gets exactly one principal classification and an
"Initial classification" history row; every change is audited (one event per chunk and kind of
change, listing the crimes); new crimes are queued for screening.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes.enums import CrimeStatus
from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.db.types import utcnow
from patternwatch.imports import police_uk
from patternwatch.imports.batches import (
    SCREENING_REASON,
    BatchRun,
    ChunkResult,
    RunContext,
    batch_run,
)
from patternwatch.imports.enums import ImportKind, QueuedRecordType
from patternwatch.imports.models import ScreeningQueueItem
from patternwatch.imports.police_uk import (
    OutcomeRecord,
    RowProblem,
    StreetKey,
    StreetParser,
    StreetRecord,
)
from patternwatch.imports.readers import FileProblem, RowReader, SourceRow, inspect_file
from patternwatch.imports.schemas import ImportSummary
from patternwatch.reference.models import Classification, OutcomeCode

CRIME = cast(Table, Crime.__table__)
CRIME_CLASSIFICATION = cast(Table, CrimeClassification.__table__)
CLASSIFICATION_CHANGE = cast(Table, ClassificationChange.__table__)
SCREENING_QUEUE = cast(Table, ScreeningQueueItem.__table__)
SOURCE = police_uk.SOURCE_SYSTEM
POLICE_UK_CHUNK = 5000

# Street fields a changed row may update (the outcome only while no outcomes file has set one).
_STREET_FIELDS = ("reported_at", "location_text", "latitude", "longitude", "lsoa_code", "district")
_OUTCOME_FIELDS = ("outcome_code_id", "outcome_label", "status")


class _Codes:
    """Classification and outcome ids by code, read once per run."""

    def __init__(self, session: Session) -> None:
        self.classification = dict(
            session.execute(
                select(Classification.code, Classification.id).where(
                    Classification.code.in_(list(police_uk.CATEGORY_CODES.values()))
                )
            ).all()
        )
        missing = set(police_uk.CATEGORY_CODES.values()) - set(self.classification)
        if missing:
            raise FileProblem(
                f"The police.uk categories {', '.join(sorted(missing))} are not in the "
                "classification table; run `patternwatch db upgrade`."
            )
        self.outcome = dict(session.execute(select(OutcomeCode.code, OutcomeCode.id)).all())
        self.code_of = {v: k for k, v in self.classification.items()}


def open_police_uk(path: Path) -> tuple[str, RowReader]:
    """Check the file and tell street from outcomes by its header."""
    info = inspect_file(path, fmt="csv")
    reader = RowReader(info, fmt="csv")
    kind = police_uk.file_kind(reader.header)
    if kind is None:
        reader.close()
        raise FileProblem(
            f"{path.name} is neither a police.uk street file (no 'Crime type' column) nor an "
            f"outcomes file (no 'Outcome type' column). Its columns: {', '.join(reader.header)}."
        )
    missing = police_uk.missing_columns(kind, reader.header)
    if missing:
        reader.close()
        raise FileProblem(
            f"{path.name} looks like a police.uk {kind} file but is missing required "
            f"column{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}."
        )
    return kind, reader


def import_police_uk_files(
    ctx: RunContext, paths: list[Path], *, force: str = police_uk.DEFAULT_FORCE
) -> ImportSummary:
    """Import street files (first, oldest month first) and then outcomes files."""
    opened: list[tuple[str, Path, RowReader]] = []
    try:
        for path in paths:
            kind, reader = open_police_uk(path)
            opened.append((kind, path, reader))
    except BaseException:
        for _, _, reader in opened:
            reader.close()
        raise
    # Outcomes refer to crimes from street files, so street files go first whatever the order
    # given; within a kind, file names (YYYY-MM-...) put months in order.
    opened.sort(key=lambda item: (item[0] != "street", item[1].name))
    total = ImportSummary()
    for kind, path, reader in opened:
        with reader:
            if kind == "street":
                total.add(_import_street(ctx, reader, force=force))
            else:
                total.add(_import_outcomes(ctx, reader, path, force=force))
    return total


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


# ---- street files -----------------------------------------------------------------------------


def _import_street(ctx: RunContext, reader: RowReader, *, force: str) -> ImportSummary:
    with batch_run(ctx, kind=ImportKind.POLICE_UK, source_system=SOURCE, info=reader.info) as run:
        codes = _Codes(run.session)
        parser = StreetParser(force=force)
        for rows in _chunks(iter(reader), max(ctx.chunk_size, 1)):
            chunk = ChunkResult()
            chunk.summary.read = len(rows)
            keyed: list[tuple[StreetKey, SourceRow]] = []
            for row in rows:
                if row.error:
                    chunk.reject(run.file_name, row.line, row.error, row.raw)
                    continue
                try:
                    keyed.append((parser.identify(row.values, row.line), row))
                except RowProblem as exc:
                    chunk.reject(run.file_name, row.line, str(exc), row.raw)
            _write_street_chunk(run, codes, parser, keyed, chunk)
            run.end_chunk(chunk)
        return run.totals


def _write_street_chunk(
    run: BatchRun,
    codes: _Codes,
    parser: StreetParser,
    keyed: list[tuple[StreetKey, SourceRow]],
    chunk: ChunkResult,
) -> None:
    if not keyed:
        return
    session = run.session
    v = _Values(session)
    keys = v.keys(session, [k.source_ref for k, _ in keyed])
    # Only rows that are new or whose content changed are parsed in full (a re-import of an
    # unchanged month does no more than hash and look up).
    new: list[StreetRecord] = []
    differing: list[StreetRecord] = []
    for key, row in keyed:
        held = keys.get(key.source_ref)
        if held is not None and held[1] == key.content_hash:
            chunk.summary.unchanged += 1
            continue
        try:
            record = parser.build(row.values, key)
        except RowProblem as exc:
            chunk.reject(run.file_name, row.line, str(exc), row.raw)
            continue
        (new if held is None else differing).append(record)
    now = utcnow()
    changed: list[tuple[StreetRecord, Any]] = []
    if differing:
        current_rows = {
            row.id: row
            for row in session.execute(
                select(
                    CRIME.c.id,
                    *(CRIME.c[name] for name in _STREET_FIELDS),
                    *(CRIME.c[name] for name in _OUTCOME_FIELDS),
                    CRIME.c.outcome_at,
                ).where(CRIME.c.id.in_([keys[r.source_ref][0] for r in differing]))
            )
        }
        for record in differing:
            current = current_rows[keys[record.source_ref][0]]
            if record.reported_at < current.reported_at:
                # An older month's restatement of a crime we already hold: keep ours.
                chunk.summary.unchanged += 1
            else:
                changed.append((record, current))
    if new:
        _insert_new(run, codes, new, now)
        chunk.summary.created += len(new)
    if changed:
        _update_changed(run, codes, changed, now)
        chunk.summary.updated += len(changed)


_CRIME_INSERT = (
    "reference",
    "reported_at",
    "location_text",
    "latitude",
    "longitude",
    "lsoa_code",
    "district",
    "is_online",
    "status",
    "outcome_code_id",
    "outcome_label",
    "is_restricted",
    "narrative",
    "created_by_id",
    "created_at",
    "updated_at",
    "source_system",
    "source_ref",
    "source_hash",
)


class _Values:
    """Python values as the database driver takes them, for executemany without SQLAlchemy.

    SQLAlchemy's per-value type processing costs more than the insert itself at this volume, so
    on SQLite the bulk path hands the driver ready values: UTC datetimes in the same text form
    SQLAlchemy's DateTime stores ("YYYY-MM-DD HH:MM:SS.ffffff"), enums as their values. On
    PostgreSQL (psycopg 3) rows go in with COPY; elsewhere through Core.
    """

    def __init__(self, session: Session) -> None:
        dialect = session.get_bind().dialect
        self.sqlite = dialect.name == "sqlite"
        self.copy = dialect.name == "postgresql" and dialect.driver == "psycopg"
        self._cache: dict[datetime, Any] = {}

    def dt(self, value: datetime) -> Any:
        if not self.sqlite:
            return value
        text = self._cache.get(value)
        if text is None:
            text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            self._cache[value] = text
        return text

    def enum(self, value: Any) -> Any:
        return value.value if self.sqlite else value

    def keys(self, session: Session, refs: list[str]) -> dict[str, tuple[int, str | None]]:
        """source_ref -> (crime id, source_hash) for those of these police.uk keys we hold."""
        if not refs:
            return {}
        if self.sqlite:
            marks = ", ".join("?" * len(refs))
            rows = session.connection().exec_driver_sql(
                "SELECT source_ref, id, source_hash FROM crime "
                f"WHERE source_system = ? AND source_ref IN ({marks})",
                (SOURCE, *refs),
            )
        else:
            rows = session.execute(
                select(CRIME.c.source_ref, CRIME.c.id, CRIME.c.source_hash).where(
                    CRIME.c.source_system == SOURCE, CRIME.c.source_ref.in_(refs)
                )
            )
        return {ref: (cid, digest) for ref, cid, digest in rows.all()}

    def insert(
        self, session: Session, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            session.connection().exec_driver_sql(
                f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})", rows
            )
        elif self.copy:
            # PostgreSQL: COPY in the session's own transaction (psycopg 3), many times faster
            # than INSERTs for a chunk of thousands of rows.
            driver = session.connection().connection.driver_connection
            with driver.cursor() as cursor:  # type: ignore[union-attr]
                sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _insert_new(run: BatchRun, codes: _Codes, new: list[StreetRecord], now: datetime) -> None:
    session, actor = run.session, run.ctx.actor
    v = _Values(session)
    stamp = v.dt(now)
    outcome_ids = codes.outcome
    v.insert(
        session,
        CRIME,
        _CRIME_INSERT,
        [
            (
                r.reference,
                v.dt(r.reported_at),
                r.location_text,
                r.latitude,
                r.longitude,
                r.lsoa_code,
                r.district,
                False,
                v.enum(r.status),
                outcome_ids.get(r.outcome_code) if r.outcome_code else None,
                r.outcome_label,
                False,
                "",
                actor.user_id,
                stamp,
                stamp,
                SOURCE,
                r.source_ref,
                r.content_hash,
            )
            for r in new
        ],
    )
    # One query brings the new ids back (executemany cannot return rows on every driver).
    returned = v.keys(session, [r.source_ref for r in new])
    ids = [returned[r.source_ref][0] for r in new]
    v.insert(
        session,
        CRIME_CLASSIFICATION,
        ("crime_id", "classification_id", "is_principal", "added_at"),
        [
            (cid, codes.classification[r.classification], True, stamp)
            for cid, r in zip(ids, new, strict=True)
        ],
    )
    v.insert(
        session,
        CLASSIFICATION_CHANGE,
        (
            "crime_id",
            "changed_at",
            "changed_by_id",
            "changed_by_name",
            "reason",
            "principal_before",
            "principal_after",
            "included_before",
            "included_after",
        ),
        [
            (
                cid,
                stamp,
                actor.user_id,
                actor.username,
                "Initial classification (police.uk import)",
                None,
                r.classification,
                "",
                "",
            )
            for cid, r in zip(ids, new, strict=True)
        ],
    )
    v.insert(
        session,
        SCREENING_QUEUE,
        ("record_type", "record_id", "reason", "queued_at"),
        [(v.enum(QueuedRecordType.CRIME), cid, SCREENING_REASON, stamp) for cid in ids],
    )
    assert run.batch is not None
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_CREATE,
        entity_type="import_batch",
        entity_id=run.batch.id,
        summary=f"Imported {len(ids)} crimes from {run.file_name} (police.uk, import "
        f"{run.batch.id}, lines {new[0].line}-{new[-1].line})",
        changes={"crime_ids": _ranges(ids), "lines": [new[0].line, new[-1].line]},
    )


def _update_changed(
    run: BatchRun, codes: _Codes, changed: list[tuple[StreetRecord, Any]], now: datetime
) -> None:
    session, actor = run.session, run.ctx.actor
    crime_ids = [current.id for _, current in changed]
    principals = dict(
        session.execute(
            select(CRIME_CLASSIFICATION.c.crime_id, CRIME_CLASSIFICATION.c.classification_id).where(
                CRIME_CLASSIFICATION.c.crime_id.in_(crime_ids),
                CRIME_CLASSIFICATION.c.is_principal.is_(True),
            )
        ).all()
    )
    on_crime = {
        (cid, clid)
        for cid, clid in session.execute(
            select(CRIME_CLASSIFICATION.c.crime_id, CRIME_CLASSIFICATION.c.classification_id).where(
                CRIME_CLASSIFICATION.c.crime_id.in_(crime_ids)
            )
        )
    }
    updates: list[dict[str, Any]] = []
    audit_changes: dict[str, dict[str, Any]] = {}
    reclassified: list[dict[str, Any]] = []
    for record, current in changed:
        values: dict[str, Any] = {
            "reported_at": record.reported_at,
            "location_text": record.location_text,
            "latitude": record.latitude,
            "longitude": record.longitude,
            "lsoa_code": record.lsoa_code,
            "district": record.district,
        }
        if current.outcome_at is None:  # no outcomes file has spoken yet
            values["outcome_code_id"] = (
                codes.outcome.get(record.outcome_code) if record.outcome_code else None
            )
            values["outcome_label"] = record.outcome_label
            values["status"] = record.status
        else:
            values.update({name: getattr(current, name) for name in _OUTCOME_FIELDS})
        diff = {
            name: [_plain(getattr(current, name)), _plain(value)]
            for name, value in values.items()
            if getattr(current, name) != value
        }
        new_cls = codes.classification[record.classification]
        old_cls = principals.get(current.id)
        old_code = codes.code_of.get(old_cls) if old_cls is not None else None
        # Only move a police.uk category; a crime someone has reclassified in Patternwatch keeps
        # the registrar's decision.
        if old_code is not None and old_cls != new_cls and (current.id, new_cls) not in on_crime:
            reclassified.append(
                {"crime_id": current.id, "old": old_code, "new": record.classification}
            )
        updates.append(
            {"b_id": current.id, "source_hash": record.content_hash, "updated_at": now, **values}
        )
        if diff:
            audit_changes[str(current.id)] = diff
    session.execute(
        update(CRIME)
        .where(CRIME.c.id == bindparam("b_id"))
        .values({name: bindparam(name) for name in updates[0] if name != "b_id"})
        .execution_options(synchronize_session=False),
        updates,
    )
    assert run.batch is not None
    if audit_changes:
        audit.record(
            session=session,
            actor=actor,
            action=Action.CRIME_EDIT,
            entity_type="import_batch",
            entity_id=run.batch.id,
            summary=f"Updated {len(audit_changes)} crimes from changed rows of {run.file_name} "
            f"(police.uk, import {run.batch.id})",
            changes={"crimes": audit_changes},
        )
    if reclassified:
        _reclassify(run, codes, reclassified, now)


def _reclassify(run: BatchRun, codes: _Codes, moves: list[dict[str, Any]], now: datetime) -> None:
    session, actor = run.session, run.ctx.actor
    session.execute(
        update(CRIME_CLASSIFICATION)
        .where(
            CRIME_CLASSIFICATION.c.crime_id == bindparam("b_crime"),
            CRIME_CLASSIFICATION.c.is_principal.is_(True),
        )
        .values(classification_id=bindparam("b_cls"), added_at=now)
        .execution_options(synchronize_session=False),
        [{"b_crime": m["crime_id"], "b_cls": codes.classification[m["new"]]} for m in moves],
    )
    session.execute(
        insert(CLASSIFICATION_CHANGE),
        [
            {
                "crime_id": m["crime_id"],
                "changed_at": now,
                "changed_by_id": actor.user_id,
                "changed_by_name": actor.username,
                "reason": f"police.uk category changed on re-import ({run.file_name})",
                "principal_before": m["old"],
                "principal_after": m["new"],
                "included_before": "",
                "included_after": "",
            }
            for m in moves
        ],
    )
    assert run.batch is not None
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_RECLASSIFY,
        entity_type="import_batch",
        entity_id=run.batch.id,
        summary=f"Reclassified {len(moves)} crimes whose police.uk category changed "
        f"({run.file_name}, import {run.batch.id})",
        changes={"crimes": {str(m["crime_id"]): [m["old"], m["new"]] for m in moves}},
    )


# ---- outcomes files ---------------------------------------------------------------------------


def _import_outcomes(
    ctx: RunContext, reader: RowReader, path: Path, *, force: str
) -> ImportSummary:
    # First pass: which row holds each crime's latest outcome in this file (latest month, then
    # the later line). Earlier rows for the same crime are superseded and count as unchanged, so
    # a re-run never flips a crime between two outcomes of one month.
    effective: dict[str, tuple[datetime, int]] = {}
    with RowReader(reader.info, fmt="csv") as first_pass:
        for row in first_pass:
            if row.error:
                continue
            try:
                record = police_uk.parse_outcome(row.values, row.line, force=force)
            except RowProblem:
                continue
            best = effective.get(record.crime_id)
            if best is None or (record.outcome_at, record.line) > best:
                effective[record.crime_id] = (record.outcome_at, record.line)
    with batch_run(ctx, kind=ImportKind.POLICE_UK, source_system=SOURCE, info=reader.info) as run:
        codes = _Codes(run.session)
        for rows in _chunks(iter(reader), max(ctx.chunk_size, 1)):
            chunk = ChunkResult()
            records: list[tuple[OutcomeRecord, SourceRow]] = []
            chunk.summary.read = len(rows)
            for row in rows:
                if row.error:
                    chunk.reject(run.file_name, row.line, row.error, row.raw)
                    continue
                try:
                    record = police_uk.parse_outcome(row.values, row.line, force=force)
                except RowProblem as exc:
                    chunk.reject(run.file_name, row.line, str(exc), row.raw)
                    continue
                records.append((record, row))
            _write_outcome_chunk(run, codes, records, chunk, effective)
            run.end_chunk(chunk)
        return run.totals


def _write_outcome_chunk(
    run: BatchRun,
    codes: _Codes,
    records: list[tuple[OutcomeRecord, SourceRow]],
    chunk: ChunkResult,
    effective: dict[str, tuple[datetime, int]],
) -> None:
    if not records:
        return
    session, actor = run.session, run.ctx.actor
    crimes = {
        row.source_ref: row
        for row in session.execute(
            select(
                CRIME.c.id,
                CRIME.c.source_ref,
                CRIME.c.outcome_at,
                CRIME.c.outcome_label,
                CRIME.c.outcome_code_id,
                CRIME.c.status,
            ).where(
                CRIME.c.source_system == SOURCE,
                CRIME.c.source_ref.in_([r.crime_id for r, _ in records]),
            )
        )
    }
    now = utcnow()
    updates: list[dict[str, Any]] = []
    audit_changes: dict[str, Any] = {}
    for record, row in records:
        crime = crimes.get(record.crime_id)
        if crime is None:
            chunk.reject(
                run.file_name,
                row.line,
                f"no crime with Crime ID {record.crime_id} has been imported; outcomes files "
                "also list crimes reported before the street files you imported (import the "
                "street file for the month it was reported, then run this file again)",
                row.raw,
            )
            continue
        if effective[record.crime_id][1] != record.line:
            chunk.summary.unchanged += 1  # superseded by a later row for the crime in this file
            continue
        if crime.outcome_at is not None and (
            record.outcome_at < crime.outcome_at
            or (record.outcome_at == crime.outcome_at and record.label == crime.outcome_label)
        ):
            chunk.summary.unchanged += 1  # the same outcome, or a later one is already held
            continue
        code_id = codes.outcome.get(record.code) if record.code else None
        updates.append(
            {
                "b_id": crime.id,
                "outcome_at": record.outcome_at,
                "outcome_label": record.label,
                "outcome_code_id": code_id,
                "status": record.status,
                "updated_at": now,
            }
        )
        audit_changes[str(crime.id)] = {
            "outcome": [crime.outcome_label, record.label],
            "outcome_at": [_plain(crime.outcome_at), _plain(record.outcome_at)],
        }
        chunk.summary.updated += 1
    if not updates:
        return
    session.execute(
        update(CRIME)
        .where(CRIME.c.id == bindparam("b_id"))
        .values({name: bindparam(name) for name in updates[0] if name != "b_id"})
        .execution_options(synchronize_session=False),
        updates,
    )
    assert run.batch is not None
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_EDIT,
        entity_type="import_batch",
        entity_id=run.batch.id,
        summary=f"Recorded {len(updates)} outcomes from {run.file_name} (police.uk, import "
        f"{run.batch.id})",
        changes={"crimes": audit_changes},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, CrimeStatus):
        return value.value
    return value


def _ranges(ids: list[int]) -> list[list[int]]:
    """[1,2,3,7,8] -> [[1,3],[7,8]]: compact lists of consecutive ids for the audit trail."""
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out
