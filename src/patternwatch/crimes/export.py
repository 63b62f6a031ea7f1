"""Export any crime search to CSV or XLSX without holding the result in memory.

Rows come in keyset batches (the search's own sort and conditions), so a 1,000,000-row export
costs one batch of memory. CSV is streamed as it is read; XLSX goes through openpyxl's
write-only workbook into a temporary file (a zip cannot be streamed as it is built), which is
then streamed. Every export is audited once, with its filters and row count (export_crimes).

Spreadsheet safety: in CSV a text cell starting with = + - @ or a tab/carriage return gets a
leading apostrophe so a spreadsheet shows it as text instead of running it as a formula (OWASP
"CSV injection"); XLSX cells are typed as strings, which spreadsheets never evaluate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.models import User
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import search
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime, CrimeClassification, CrimeOnlineMethod
from patternwatch.crimes.schemas import CrimeFilter
from patternwatch.db import sql
from patternwatch.errors import Invalid
from patternwatch.people.models import Involvement
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.timeutil import local

BATCH_ROWS = 2000

# (column name, heading). The order is the file's column order; tests read files back by it.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "Reference"),
    ("reported_at", "Reported"),
    ("recorded_at", "Recorded"),
    ("offence_from", "Offence from"),
    ("offence_to", "Offence to"),
    ("principal", "Principal classification"),
    ("included", "Included classifications"),
    ("status", "Status"),
    ("outcome", "Outcome"),
    ("district", "District"),
    ("lsoa_code", "LSOA"),
    ("location", "Location"),
    ("is_online", "Online"),
    ("online_methods", "Online methods"),
    ("relationship", "Suspect relationship to victim"),
    ("officer_in_charge", "Officer in charge"),
    ("team", "Team"),
    ("restricted", "Restricted"),
    ("narrative", "Narrative"),
)
DATETIME_COLUMNS = frozenset({"reported_at", "recorded_at", "offence_from", "offence_to"})


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Export:
    """An export about to be (or being) written: what it holds and what to call the file."""

    plan: crimes_service.SearchPlan
    format: ExportFormat
    rows: int
    filename: str


def start_export(
    *,
    session: Session,
    actor: Actor,
    filters: CrimeFilter | dict[str, Any],
    fmt: ExportFormat | str,
    rows: int | None = None,
) -> Export:
    """Check and audit an export of a search: one audit row with its filters and row count.

    ``rows`` is the count when the caller has already written the file (XLSX); otherwise the
    search is counted now, just before streaming (CSV).
    """
    actor.require(Action.REPORT_EXPORT)
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise Invalid(
            f"Unknown export format {fmt!r}; use csv or xlsx.", {"format": "csv or xlsx"}
        ) from None
    plan = crimes_service.plan_search(session=session, actor=actor, filters=filters)
    count = rows if rows is not None else crimes_service.count_crimes(session=session, plan=plan)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    audit.record(
        session=session,
        actor=actor,
        action=Action.REPORT_EXPORT,
        entity_type="crime",
        summary=f"Exported {count} crime{'s' if count != 1 else ''} as {fmt.value.upper()}",
        changes={"format": fmt.value, "rows": count, "filters": plan.filters.criteria()},
    )
    return Export(plan=plan, format=fmt, rows=count, filename=f"crimes-{stamp}.{fmt.value}")


def plan_export(
    *, session: Session, actor: Actor, filters: CrimeFilter | dict[str, Any]
) -> crimes_service.SearchPlan:
    """Check an export before writing it (permission and filters), without auditing yet."""
    actor.require(Action.REPORT_EXPORT)
    return crimes_service.plan_search(session=session, actor=actor, filters=filters)


def _codes(session: Session, dialect: str, ids: list[int]) -> dict[int, tuple[str, list[str]]]:
    out: dict[int, tuple[str, list[str]]] = {i: ("", []) for i in ids}
    stmt = (
        select(CrimeClassification.crime_id, Classification.code, CrimeClassification.is_principal)
        .join(Classification, Classification.id == CrimeClassification.classification_id)
        .where(sql.in_ids(dialect, CrimeClassification.crime_id, ids))
    )
    for crime_id, code, principal in session.execute(stmt):
        first, included = out[crime_id]
        if principal:
            out[crime_id] = (code, included)
        else:
            included.append(code)
    return out


def _grouped(session: Session, stmt: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for crime_id, value in session.execute(stmt):
        text = str(getattr(value, "value", value))
        values = out.setdefault(crime_id, [])
        if text not in values:
            values.append(text)
    return out


def iter_rows(
    *,
    session: Session,
    plan: crimes_service.SearchPlan,
    batch_rows: int = BATCH_ROWS,
    between_batches: Callable[[], None] | None = None,
    total: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Every crime the planned search finds, in its sort, as dicts keyed by COLUMNS' names.

    ``between_batches`` runs after each batch is read (the web layer ends the read transaction
    there, so a long export never holds SQLite's write lock for its whole length). ``total``,
    when the caller has counted the search already, saves counting it again.
    """
    sort, dialect = plan.filters.sort, plan.dialect
    if total is None:
        total = crimes_service.count_crimes(session=session, plan=plan)
    where = crimes_service.page_conditions(
        session=session, plan=plan, total=total, limit=batch_rows
    )
    base = (
        select(
            Crime.id,
            Crime.reference,
            Crime.reported_at,
            Crime.recorded_at,
            Crime.offence_from,
            Crime.offence_to,
            Crime.status,
            OutcomeCode.code.label("outcome"),
            Crime.district,
            Crime.lsoa_code,
            Crime.location_text,
            Crime.is_online,
            User.username.label("officer"),
            User.team,
            Crime.is_restricted,
            Crime.narrative,
        )
        .select_from(Crime)
        .outerjoin(OutcomeCode, OutcomeCode.id == Crime.outcome_code_id)
        .outerjoin(User, User.id == Crime.officer_in_charge_id)
        .where(*where)
        .order_by(*search.order_by(sort, dialect, detached=plan.query.detached_sort))
        .limit(batch_rows)
    )
    key: tuple[Any, ...] | None = None
    while True:
        stmt = base if key is None else base.where(search.beyond(sort, dialect, key))
        rows = session.execute(stmt).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        codes = _codes(session, dialect, ids)
        methods = _grouped(
            session,
            select(CrimeOnlineMethod.crime_id, CrimeOnlineMethod.method)
            .where(sql.in_ids(dialect, CrimeOnlineMethod.crime_id, ids))
            .order_by(CrimeOnlineMethod.crime_id, CrimeOnlineMethod.method),
        )
        relationships = _grouped(
            session,
            select(Involvement.crime_id, Involvement.relationship)
            .where(
                sql.in_ids(dialect, Involvement.crime_id, ids),
                Involvement.relationship.is_not(None),
            )
            .order_by(Involvement.crime_id, Involvement.id),
        )
        key = search.key_of(sort, rows[-1])
        if between_batches is not None:
            between_batches()
        for r in rows:
            principal, included = codes[r.id]
            yield {
                "reference": r.reference,
                "reported_at": r.reported_at,
                "recorded_at": r.recorded_at,
                "offence_from": r.offence_from,
                "offence_to": r.offence_to,
                "principal": principal,
                "included": " ".join(sorted(included)),
                "status": r.status.value,
                "outcome": r.outcome or "",
                "district": r.district or "",
                "lsoa_code": r.lsoa_code or "",
                "location": r.location_text or "",
                "is_online": bool(r.is_online),
                "online_methods": " ".join(methods.get(r.id, [])),
                "relationship": " ".join(relationships.get(r.id, [])),
                "officer_in_charge": r.officer or "",
                "team": r.team or "",
                "restricted": bool(r.is_restricted),
                "narrative": r.narrative,
            }
        if len(rows) < batch_rows:
            return


# ---- CSV ----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(name: str, value: Any) -> str:
    """One CSV cell: local ISO times with their offset, yes/no, formula-safe text."""
    if value is None:
        return ""
    if name in DATETIME_COLUMNS:
        lv = local(value)
        return lv.isoformat(timespec="seconds") if lv else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_chunks(rows: Iterator[dict[str, Any]], *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark, so spreadsheets detect the encoding), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([heading for _, heading in COLUMNS])
    for n, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(name, row[name]) for name, _ in COLUMNS])
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail.encode("utf-8")


# ---- XLSX ---------------------------------------------------------------------------------------

# Characters XML 1.0 forbids; openpyxl refuses them, so they are dropped from cells.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(rows: Iterator[dict[str, Any]], path: Path) -> int:
    """Write the rows to an XLSX file with a write-only workbook; return how many were written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Crimes")
    sheet.append([heading for _, heading in COLUMNS])
    n = 0
    for row in rows:
        cells = []
        for name, _ in COLUMNS:
            value = row[name]
            if name in DATETIME_COLUMNS:
                # Excel has no time zones: write London wall-clock time, to the second.
                lv = local(value)
                cell = WriteOnlyCell(
                    sheet, value=lv.replace(tzinfo=None, microsecond=0) if lv else None
                )
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, bool):
                cell = WriteOnlyCell(sheet, value="yes" if value else "no")
            else:
                cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", str(value)))
                # A string cell even if it starts with "=": never a formula.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        n += 1
    workbook.save(path)
    return n


# ---- the command line's search ------------------------------------------------------------------


def search_rows(
    *, session: Session, actor: Actor, filters: CrimeFilter | dict[str, Any]
) -> tuple[crimes_service.SearchPlan, Iterator[dict[str, Any]]]:
    """Every crime a search finds, for ``patternwatch search`` (the same plan as the pages)."""
    plan = crimes_service.plan_search(session=session, actor=actor, filters=filters)
    return plan, iter_rows(session=session, plan=plan)


def record_search(
    *, session: Session, actor: Actor, plan: crimes_service.SearchPlan, count: int
) -> None:
    """Audit a command-line search (a sensitive read) with its filters and result count."""
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_SEARCH,
        entity_type="crime",
        summary=f"Searched crimes from the command line ({count} found)",
        changes=plan.filters.criteria(),
    )
