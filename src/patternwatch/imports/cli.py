"""`patternwatch import ...`: force exports through a mapping, and police.uk files.

The last line on stdout is always the JSON summary {"read", "created", "updated", "unchanged",
"rejected"}; everything for people (progress, notes, errors) goes to stderr, with a progress bar
only when stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.errors import DomainError
from patternwatch.imports import police_uk
from patternwatch.imports.batches import IMPORT_ACTOR, Progress, RejectsFile, RunContext
from patternwatch.imports.bulk import POLICE_UK_CHUNK
from patternwatch.imports.mapping import MappingError, load_mapping
from patternwatch.imports.readers import FileProblem
from patternwatch.imports.schemas import ImportSummary

app = typer.Typer(
    help="Import crime records from force exports and police.uk files.", no_args_is_help=True
)
err = Console(stderr=True)

# What an importing user's role must allow (the default import identity has all of them).
_NEEDED = (
    Action.CRIME_CREATE,
    Action.CRIME_EDIT,
    Action.CRIME_RECLASSIFY,
    Action.PERSON_CREATE,
    Action.PERSON_EDIT,
    Action.INCIDENT_CREATE,
    Action.INCIDENT_EDIT,
    Action.INVOLVEMENT_EDIT,
)

RejectsOpt = Annotated[
    Path | None,
    typer.Option(
        "--rejects",
        help="Write rejected rows (file, line, reason, raw row) to this CSV. They are also kept "
        "in the database with the import batch.",
        dir_okay=False,
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Check and count everything, then roll back: nothing is kept."),
]
AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Import as this Patternwatch user (audited under their name). Default: the system "
        "identity 'import'.",
    ),
]


def _factory():  # type: ignore[no-untyped-def]
    from patternwatch.cli import _session_factory, _settings

    return _session_factory(_settings())


def _actor(factory, username: str | None) -> Actor:  # type: ignore[no-untyped-def]
    if username is None:
        return IMPORT_ACTOR
    from patternwatch.access import service as access_service

    with factory() as session:
        try:
            user = access_service.get_user_by_username(session=session, username=username)
        except DomainError as exc:
            _fail(exc.message)
        if not user.is_active:
            _fail(f"User {username} is not active.")
        actor = access_service.actor_for(user, source="import", channel="cli")
    missing = [a.value for a in _NEEDED if not actor.can(a)]
    if missing:
        _fail(f"User {username} ({user.role.value}) may not import: lacks {', '.join(missing)}.")
    return actor


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]Import failed:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def _progress(total_bytes: int) -> Iterator[Progress]:
    """A rich progress bar on a terminal; nothing otherwise (machine-readable output)."""
    if not sys.stderr.isatty():
        yield lambda _rows: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("rows", total=None)
        yield lambda rows: bar.advance(task, rows)


def _finish(summary: ImportSummary, rejects: RejectsFile, dry_run: bool) -> None:
    if summary.rejected:
        where = (
            f"see {rejects.path}"
            if rejects.path
            else "they are kept with the import batch; pass --rejects FILE for a CSV"
        )
        err.print(f"{summary.rejected} row(s) rejected: {where}.", highlight=False)
    if dry_run:
        err.print("Dry run: nothing was saved.")
    # The contract: the last stdout line is this JSON object.
    print(json.dumps(summary.model_dump()))


@app.command("crimes")
def import_crimes(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON Lines export", dir_okay=False)],
    mapping: Annotated[
        Path, typer.Option("--mapping", help="YAML mapping (see docs/mappings/)", dir_okay=False)
    ],
    rejects: RejectsOpt = None,
    dry_run: DryRunOpt = False,
    as_user: AsOpt = None,
    chunk_size: Annotated[
        int, typer.Option(help="Rows per transaction (crash safety vs. speed).", min=1)
    ] = 1000,
) -> None:
    """Import crimes, incidents, people or involvements from a force export via a mapping."""
    from patternwatch.imports import service

    try:
        spec = load_mapping(mapping)
    except MappingError as exc:
        _fail(exc.message)
    factory = _factory()
    actor = _actor(factory, as_user)
    sink = RejectsFile(rejects)
    try:
        with _progress(file.stat().st_size if file.exists() else 0) as progress:
            ctx = RunContext(
                session_factory=factory,
                actor=actor,
                dry_run=dry_run,
                rejects=sink,
                progress=progress,
                chunk_size=chunk_size,
            )
            summary = service.import_mapped_file(ctx, file, spec, mapping_name=str(mapping))
    except (FileProblem, MappingError) as exc:
        _fail(exc.message)
    finally:
        sink.close()
    _finish(summary, sink, dry_run)


@app.command("police-uk")
def import_police_uk(
    files: Annotated[
        list[Path], typer.Argument(help="police.uk street and/or outcomes CSVs", dir_okay=False)
    ],
    rejects: RejectsOpt = None,
    dry_run: DryRunOpt = False,
    force: Annotated[
        str,
        typer.Option(
            "--force",
            help="Keep rows whose 'Falls within' is this force; reject the others.",
        ),
    ] = police_uk.DEFAULT_FORCE,
    as_user: AsOpt = None,
    chunk_size: Annotated[
        int, typer.Option(help="Rows per transaction (crash safety vs. speed).", min=1)
    ] = POLICE_UK_CHUNK,
) -> None:
    """Import police.uk street files (crimes) and outcomes files (outcomes of those crimes)."""
    from patternwatch.imports import service

    factory = _factory()
    actor = _actor(factory, as_user)
    sink = RejectsFile(rejects)
    try:
        with _progress(sum(f.stat().st_size for f in files if f.exists())) as progress:
            ctx = RunContext(
                session_factory=factory,
                actor=actor,
                dry_run=dry_run,
                rejects=sink,
                progress=progress,
                chunk_size=chunk_size,
            )
            summary = service.import_police_uk_files(ctx, files, force=force)
    except FileProblem as exc:
        _fail(exc.message)
    finally:
        sink.close()
    _finish(summary, sink, dry_run)
