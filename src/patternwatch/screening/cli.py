"""`patternwatch screen` (offline batch screening of a CSV) and `patternwatch screening run`."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Stalking screening of records (issue 6).", no_args_is_help=True)
err = Console(stderr=True)

BATCH = 2000


def _die(message: str, code: int = 2) -> None:
    err.print(f"[red]Error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def _read_input(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = [c.strip().lower() for c in (reader.fieldnames or [])]
            missing = [c for c in ("id", "narrative") if c not in columns]
            if missing:
                _die(
                    f"{path} is missing the column(s) {', '.join(missing)}; "
                    "expected id, narrative and optionally recorded_as."
                )
            rows = []
            for raw in reader:
                row = {(k or "").strip().lower(): (v or "") for k, v in raw.items()}
                rows.append(row)
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        _die(f"cannot read {path}: {exc}")
    return []


def screen_cmd(
    input_csv: Annotated[
        Path, typer.Argument(help="CSV with columns id, narrative[, recorded_as]")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the results CSV")],
) -> None:
    """Score each narrative for possible stalking: id, score, flagged, indicators."""
    from patternwatch.config import get_settings
    from patternwatch.screening.model import get_screener

    rows = _read_input(input_csv)
    ids = [r["id"] for r in rows]
    seen: set[str] = set()
    dupes = {i for i in ids if i in seen or seen.add(i)}  # type: ignore[func-returns-value]
    if dupes:
        _die(f"{input_csv} repeats id(s): {', '.join(sorted(dupes)[:5])}")
    try:
        data_dir = get_settings().data_dir
    except ValueError:
        data_dir = None
    screener = get_screener(data_dir)
    try:
        out = output.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        _die(f"cannot write {output}: {exc}")
    with out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "score", "flagged", "indicators"])

        def work(progress=None, task=None) -> None:  # type: ignore[no-untyped-def]
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                results = screener.screen([r["narrative"] for r in chunk])
                for row, res in zip(chunk, results, strict=True):
                    writer.writerow(
                        [
                            row["id"],
                            f"{res.score:.4f}",
                            "true" if res.flagged else "false",
                            ";".join(res.indicators),
                        ]
                    )
                if progress is not None:
                    progress.update(task, advance=len(chunk))

        if err.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            with Progress(
                *Progress.get_default_columns()[:1],
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as progress:
                task = progress.add_task("Screening", total=len(rows))
                work(progress, task)
        else:
            work()
    err.print(f"Screened {len(rows)} narratives into {output}", highlight=False)


@app.command("run")
def run_cmd(
    limit: Annotated[int, typer.Option("--limit", help="At most this many queued records")] = 10000,
) -> None:
    """Screen records waiting in the screening queue (new and imported crimes and incidents)."""
    from patternwatch.cli import _session_factory, _settings
    from patternwatch.db.session import session_scope
    from patternwatch.screening.service import SCREENING_ACTOR, process_screening_queue

    settings = _settings()
    with session_scope(_session_factory(settings)) as session:
        summary = process_screening_queue(session=session, actor=SCREENING_ACTOR, limit=limit)
    print(
        f"Screened {summary.processed} queued records; {summary.flagged} flagged for review.",
        file=sys.stdout,
    )


@app.command("series")
def series_cmd() -> None:
    """Link crimes and incidents into courses of conduct and flag those that look like stalking
    but hold no stalking record (one flag per series, on its latest record)."""
    from patternwatch.cli import _session_factory, _settings
    from patternwatch.db.session import session_scope
    from patternwatch.screening.series import flag_series
    from patternwatch.screening.service import SCREENING_ACTOR

    settings = _settings()
    with session_scope(_session_factory(settings)) as session:
        summary = flag_series(session=session, actor=SCREENING_ACTOR)
    print(
        f"Linked {summary.records} records into {summary.series} series; "
        f"{summary.looks_like_stalking} look like stalking; {summary.flagged} newly flagged.",
        file=sys.stdout,
    )
