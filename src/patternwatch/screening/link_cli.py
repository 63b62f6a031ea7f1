"""``patternwatch link``: group a CSV of incidents and crimes into courses of conduct, offline,
with the same engine the application uses (screening/linking.py)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from patternwatch.people import matching
from patternwatch.people.dedupe_cli import BadInput, fail, progress_bar, read_rows, write_rows
from patternwatch.screening import linking

err = Console(stderr=True)

LINK_COLUMNS = (
    "id",
    "reported_at",
    "victim_forename",
    "victim_surname",
    "victim_dob",
    "suspect_forename",
    "suspect_surname",
    "suspect_dob",
    "recorded_as",
    "narrative",
)


def parse_when(value: str) -> datetime | None:
    """An ISO date or date-time (a date alone is midnight); None if blank or malformed."""
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        day = matching.parse_date(text)
        return datetime.combine(day, time()) if day else None


def _person(row: dict[str, str], role: str) -> matching.PersonRecord | None:
    fore, sur = row.get(f"{role}_forename") or None, row.get(f"{role}_surname") or None
    if not fore and not sur:
        return None
    return matching.PersonRecord(
        record_id=f"{role}:{row['id']}",
        forename=fore,
        surname=sur,
        date_of_birth=matching.parse_date(row.get(f"{role}_dob")),
    )


def link_cmd(
    input_csv: Annotated[Path, typer.Argument(help="CSV: " + ", ".join(LINK_COLUMNS))],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV: id, series_id")],
    max_gap_days: Annotated[
        int, typer.Option(help="Occasions further apart than this start a new series")
    ] = linking.DEFAULT_MAX_GAP_DAYS,
) -> None:
    """Give each incident or crime its course-of-conduct series id (blank if in none)."""
    try:
        rows = read_rows(input_csv, LINK_COLUMNS)
    except BadInput as exc:
        fail(str(exc))
    records: list[linking.LinkRecord] = []
    undated = 0
    for row in rows:
        when = parse_when(row["reported_at"])
        if when is None:
            undated += 1
            continue
        records.append(
            linking.LinkRecord(
                id=row["id"],
                reported_at=when,
                victim=_person(row, "victim"),
                suspect=_person(row, "suspect"),
                recorded_as=row.get("recorded_as", ""),
                narrative=row.get("narrative", ""),
                relationship=row.get("relationship") or None,
            )
        )
    if undated:
        err.print(
            f"[yellow]Warning:[/yellow] {undated} record(s) with a blank or malformed reported_at"
            " are in no series."
        )
    with progress_bar("Linking"):
        result = linking.link(records, max_gap_days=max_gap_days)
    try:
        write_rows(
            output,
            ("id", "series_id"),
            [(row["id"], result.series_of.get(row["id"], "")) for row in rows],
        )
    except BadInput as exc:
        fail(str(exc))
    flagged = sum(1 for s in result.series if s.looks_like_stalking)
    print(
        f"{len(rows)} records, {len(result.series)} series ({flagged} look like stalking)"
        f" -> {output}"
    )
