"""The streaming read behind ``patternwatch search``: crimes holding a classification, by reference.

Pages with a keyset on the reference (never OFFSET, never the whole result in memory), applies
crimes_service.scope for the actor on every page, and returns plain rows in a stable column order
so two databases with the same data print the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime, CrimeClassification
from patternwatch.errors import Invalid
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.timeutil import day_start_utc

COLUMNS = (
    "reference",
    "reported_at",
    "principal",
    "included",
    "status",
    "outcome",
    "lsoa_code",
    "district",
    "is_online",
)


class OutputFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class CrimeRow:
    reference: str
    reported_at: str  # ISO 8601, UTC, to the second: 2024-06-30T08:50:47Z
    principal: str
    included: str  # sorted codes, space-separated
    status: str
    outcome: str
    lsoa_code: str
    district: str
    is_online: bool

    def values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iter_crimes(
    *,
    session: Session,
    actor: Actor,
    code: str,
    principal_only: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
    page_size: int = 2000,
) -> Iterator[CrimeRow]:
    """Crimes holding ``code`` (principal or included, or principal only), sorted by reference.

    Dates are local (Europe/London) days, inclusive, on the reported date, as in search_crimes.
    Raises Invalid for an unknown code or a 'to' before 'from'.
    """
    actor.require(Action.CRIME_VIEW)
    wanted = code.strip().upper()
    classification = session.scalar(select(Classification).where(Classification.code == wanted))
    if classification is None:
        raise Invalid(
            f"Unknown classification code {code!r}. See the code list in the reference pages.",
            {"classification": "unknown code"},
        )
    if date_from and date_to and date_to < date_from:
        raise Invalid(f"'to' ({date_to}) is before 'from' ({date_from}).", {"to": "before from"})
    holding = select(CrimeClassification.crime_id).where(
        CrimeClassification.classification_id == classification.id
    )
    if principal_only:
        holding = holding.where(CrimeClassification.is_principal.is_(True))
    # Byte order on both databases, so SQLite and PostgreSQL sort references alike.
    postgres = session.get_bind().dialect.name == "postgresql"
    key = Crime.reference.collate("C") if postgres else Crime.reference
    base = (
        select(
            Crime.id,
            Crime.reference,
            Crime.reported_at,
            Crime.status,
            OutcomeCode.code.label("outcome"),
            Crime.lsoa_code,
            Crime.district,
            Crime.is_online,
        )
        .outerjoin(OutcomeCode, OutcomeCode.id == Crime.outcome_code_id)
        .where(Crime.id.in_(holding))
    )
    if date_from:
        base = base.where(Crime.reported_at >= day_start_utc(date_from))
    if date_to:
        base = base.where(Crime.reported_at < day_start_utc(date_to + timedelta(days=1)))
    base = crimes_service.scope(base, actor)  # type: ignore[arg-type]
    last: str | None = None
    while True:
        stmt = base if last is None else base.where(key > last)
        rows = session.execute(stmt.order_by(key).limit(page_size)).all()
        if not rows:
            return
        codes: dict[int, tuple[str, list[str]]] = {r.id: ("", []) for r in rows}
        for crime_id, cls_code, is_principal in session.execute(
            select(
                CrimeClassification.crime_id, Classification.code, CrimeClassification.is_principal
            )
            .join(Classification, Classification.id == CrimeClassification.classification_id)
            .where(CrimeClassification.crime_id.in_(list(codes)))
        ):
            principal, included = codes[crime_id]
            if is_principal:
                codes[crime_id] = (cls_code, included)
            else:
                included.append(cls_code)
        for r in rows:
            principal, included = codes[r.id]
            yield CrimeRow(
                reference=r.reference,
                reported_at=_iso_utc(r.reported_at),
                principal=principal,
                included=" ".join(sorted(included)),
                status=r.status.value if hasattr(r.status, "value") else str(r.status),
                outcome=r.outcome or "",
                lsoa_code=r.lsoa_code or "",
                district=r.district or "",
                is_online=bool(r.is_online),
            )
        if len(rows) < page_size:
            return
        last = rows[-1].reference


def write_rows(rows: Iterator[CrimeRow], out: io.TextIOBase | Any, fmt: OutputFormat) -> int:
    """Stream rows as CSV (header first) or a JSON array (an object a line); return the count."""
    n = 0
    if fmt is OutputFormat.CSV:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            values = list(row.values())
            values[-1] = "true" if row.is_online else "false"
            writer.writerow(values)
            n += 1
        return n
    out.write("[")
    for row in rows:
        out.write(
            ("\n" if n == 0 else ",\n") + json.dumps(dict(zip(COLUMNS, row.values(), strict=True)))
        )
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def record_search(
    *,
    session: Session,
    actor: Actor,
    code: str,
    principal_only: bool,
    date_from: date | None,
    date_to: date | None,
    count: int,
) -> None:
    """Audit a command-line search (a sensitive read) with its filters and result count."""
    audit.record(
        session=session,
        actor=actor,
        action=Action.CRIME_SEARCH,
        entity_type="crime",
        summary=f"Searched crimes from the command line ({count} found)",
        changes={
            "classification": code.strip().upper(),
            "principal_only": principal_only,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
    )
