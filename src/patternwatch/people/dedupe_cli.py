"""``patternwatch people dedupe``: cluster a CSV of person records into person ids, offline,
with the same engine the application uses (people/matching.py)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from patternwatch.people import matching

app = typer.Typer(help="People: duplicate records.", no_args_is_help=True)
err = Console(stderr=True)

DEDUPE_COLUMNS = ("record_id", "forename", "surname", "date_of_birth", "address", "postcode")


class BadInput(Exception):
    """The input file cannot be used (unreadable, not CSV, a required column missing)."""


def iter_rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of a UTF-8 CSV with a header holding at least ``required``, one at a time (a
    million rows held as dicts would cost more memory than matching them)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if not header:
                raise BadInput(f"{path} is empty: expected a header with {', '.join(required)}")
            if missing:
                raise BadInput(f"{path} has no column {', '.join(missing)} (found {header})")
            reader.fieldnames = header
            for row in reader:
                yield {k: (v or "").strip() for k, v in row.items() if k}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from exc


def read_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Every row of a UTF-8 CSV with a header holding at least ``required``."""
    return list(iter_rows(path, required))


def write_rows(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise BadInput(f"cannot write {path}: {exc}") from exc


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on a terminal (stderr), nothing otherwise."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def fail(message: str) -> None:
    err.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command("dedupe")
def dedupe_cmd(
    input_csv: Annotated[Path, typer.Argument(help="CSV: " + ", ".join(DEDUPE_COLUMNS))],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV: record_id, person_id")],
    threshold: Annotated[
        float, typer.Option(help="Match probability at which two records are one person")
    ] = matching.DEFAULT_THRESHOLD,
) -> None:
    """Assign a person id to every record: records of one person share it."""
    malformed = 0
    records: list[matching.PersonRecord] = []
    try:
        for row in iter_rows(input_csv, DEDUPE_COLUMNS):
            dob = matching.parse_date(row.get("date_of_birth"))
            if dob is None and row.get("date_of_birth"):
                malformed += 1
            records.append(
                matching.PersonRecord(
                    record_id=row["record_id"],
                    forename=row.get("forename") or None,
                    surname=row.get("surname") or None,
                    date_of_birth=dob,
                    postcode=row.get("postcode") or None,
                    address=row.get("address") or None,
                )
            )
    except BadInput as exc:
        fail(str(exc))
    if malformed:
        err.print(
            f"[yellow]Warning:[/yellow] {malformed} malformed date(s) of birth treated as missing."
        )
    with progress_bar("Matching") as progress:
        result = matching.dedupe(records, threshold=threshold, progress=progress)
    try:
        write_rows(
            output,
            ("record_id", "person_id"),
            [(r.record_id, pid) for r, pid in zip(records, result.person_ids, strict=True)],
        )
    except BadInput as exc:
        fail(str(exc))
    people = len(set(result.person_ids))
    print(
        f"{len(records)} records, {people} people, {result.n_candidates} pairs compared"
        f" -> {output}",
        file=sys.stdout,
    )
