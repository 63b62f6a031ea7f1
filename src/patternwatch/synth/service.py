"""Generate a synthetic force into a database: scenario -> bulk writer (+ truth files) -> audit."""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from patternwatch.access.actor import SYSTEM_ACTOR, Actor
from patternwatch.access.models import User
from patternwatch.audit import service as audit
from patternwatch.crimes.models import Crime
from patternwatch.errors import Conflict, Invalid
from patternwatch.synth import calibration as cal
from patternwatch.synth.producer import Job, Message, produce
from patternwatch.synth.rows import TABLES
from patternwatch.synth.scenario import ScenarioConfig, default_window
from patternwatch.synth.writer import Sink, check_codes, read_targets

AUDIT_ACTION = "synth.generate"
Progress = Callable[[int, int], None]
# From this many crimes the scenario is generated in a second process while this one writes
# (worth the process start-up only for large runs; the output is the same either way).
PARALLEL_FROM = 20_000


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What a run wrote."""

    seed: int
    start: date
    end: date
    crimes: int
    incidents: int
    person_records: int
    true_people: int
    duplicate_records: int
    series: int
    officers: int
    involvements: int
    truth_dir: Path | None
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def crimes_per_second(self) -> float:
        return self.crimes / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        truth = f"; truth files in {self.truth_dir}" if self.truth_dir else ""
        return (
            f"Generated {self.crimes:,} crimes, {self.incidents:,} incidents, "
            f"{self.person_records:,} person records ({self.duplicate_records:,} duplicates of "
            f"{self.true_people:,} people), {self.series:,} courses of conduct and "
            f"{self.officers:,} officers for {self.start} to {self.end} (seed {self.seed}) "
            f"in {self.seconds:.1f}s ({self.crimes_per_second:,.0f} crimes/s){truth}."
        )


def validate(crimes: int, start: date | None, end: date | None) -> tuple[date, date]:
    """Check the arguments; return the window (defaults: DEFAULT_YEARS to DEFAULT_END)."""
    if crimes < 1:
        raise Invalid("The number of crimes must be at least 1.", {"crimes": "at least 1"})
    window = default_window(start, end)
    if window[1] < window[0]:
        raise Invalid(
            f"The end date {window[1]} is before the start date {window[0]}.",
            {"end": "before start"},
        )
    return window


def _engine_of(session_factory: sessionmaker[Session] | None, engine: Engine | None) -> Engine:
    if engine is not None:
        return engine
    bind = session_factory.kw.get("bind") if session_factory is not None else None
    if not isinstance(bind, Engine):
        raise ValueError("the session factory is not bound to an engine")
    return bind


def generate_force(
    *,
    crimes: int,
    seed: int,
    session_factory: sessionmaker[Session] | None = None,
    engine: Engine | None = None,
    session: Session | None = None,
    start: date | None = None,
    end: date | None = None,
    truth_dir: Path | None = None,
    progress: Progress | None = None,
    actor: Actor = SYSTEM_ACTOR,
    upgrade: bool = True,
    batch_rows: int = 5000,
    parallel: bool | None = None,
) -> GenerationSummary:
    """Write a synthetic force of ``crimes`` crimes into an empty database.

    Give ``session_factory`` or ``engine`` to let the generator upgrade the schema, open one
    transaction and commit it at the end; or give ``session`` (already migrated) and commit it
    yourself. Refuses (Conflict) if the database already holds any crime: generate into an empty
    database. Same arguments and same starting database -> the same rows, byte for byte (the one
    audit event that records the run carries the time it ran). ``parallel`` (default: from
    PARALLEL_FROM crimes) generates in a second process while this one writes.
    """
    first, last = validate(crimes, start, end)
    if sum(x is not None for x in (session_factory, engine, session)) != 1:
        raise ValueError("give exactly one of session_factory, engine or session")
    if parallel is None:
        parallel = crimes >= PARALLEL_FROM
    run = _Run(crimes, seed, first, last, truth_dir, progress, actor, batch_rows, parallel)
    if session is not None:
        return run.execute(session)
    bound = _engine_of(session_factory, engine)
    if upgrade:
        from patternwatch.db import migrate

        migrate.upgrade(bound.url.render_as_string(hide_password=False))
    factory = session_factory or sessionmaker(bind=bound, expire_on_commit=False)
    with factory() as own:
        try:
            summary = run.execute(own)
            own.commit()
        except BaseException:
            own.rollback()
            raise
    return summary


@dataclass(frozen=True, slots=True)
class _Run:
    crimes: int
    seed: int
    start: date
    end: date
    truth_dir: Path | None
    progress: Progress | None
    actor: Actor
    batch_rows: int
    parallel: bool

    def execute(self, session: Session) -> GenerationSummary:
        return _generate(session, self)


def _generate(session: Session, run: _Run) -> GenerationSummary:
    began = time.perf_counter()
    crimes, seed, start, end, truth_dir, progress = (
        run.crimes,
        run.seed,
        run.start,
        run.end,
        run.truth_dir,
        run.progress,
    )
    existing = session.scalar(select(func.count(Crime.id))) or 0
    if existing:
        raise Conflict(
            f"The database already holds {existing:,} crimes. The generator only writes into an "
            "empty database: point PATTERNWATCH_DATABASE_URL at a new SQLite file or an empty "
            "PostgreSQL database."
        )
    reserved = frozenset(
        session.scalars(
            select(User.username).where(
                User.username.like("pc.%")
                | User.username.like("ds.%")
                | User.username.like("ch.%")
                | User.username.like("fcr.%")
            )
        )
    )
    config = ScenarioConfig(
        crimes=crimes, seed=seed, start=start, end=end, reserved_usernames=reserved
    )
    connection = session.connection()
    targets = read_targets(connection)
    check_codes(
        targets, _codes_used(), set(cal.STALKING_OUTCOMES) | set(cal.OUTCOMES_KNOWN_SUSPECT)
    )
    job = Job(config=config, targets=targets, truth_dir=truth_dir, batch_rows=run.batch_rows)
    sink = Sink(connection)
    counts = dict.fromkeys(TABLES, 0)
    stats: dict[str, int] = {}
    counted = 0
    step = max(500, crimes // 200)  # progress every half percent, at most every 500 crimes
    for kind, payload, done in _second_process(job) if run.parallel else produce(job):
        if kind == "done":
            stats = payload
            break
        for table, n, rows in payload:
            sink.write(table, rows)
            counts[table] += n
        if progress is not None and (done - counted >= step or done == crimes):
            counted = done
            progress(done, crimes)
    sink.finish()
    summary = GenerationSummary(
        seed=seed,
        start=start,
        end=end,
        crimes=counts["crime"],
        incidents=counts["incident"],
        person_records=counts["person"],
        true_people=stats["true_people"],
        duplicate_records=stats["duplicates"],
        series=stats["series"],
        officers=counts["user_account"],
        involvements=counts["involvement"],
        truth_dir=truth_dir,
        seconds=time.perf_counter() - began,
        rows=counts,
    )
    audit.record(
        session=session,
        actor=run.actor,
        action=AUDIT_ACTION,
        entity_type="synthetic_force",
        summary=f"Generated a synthetic force: {summary.crimes:,} crimes (seed {seed}, "
        f"{start} to {end})",
        changes={
            "seed": seed,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "rows": counts,
            "truth_files": truth_dir is not None,
        },
    )
    return summary


def _codes_used() -> set[str]:
    from patternwatch.synth.oneoff import _ONE_OFF

    codes = {"8Q", "8L", "8R", "8S", "8U", "9A", "105A", "8N", "BR-SPO", "NT-SPO", "BR-RO"}
    codes |= {"BR-NMO", "3B", "20A"}
    for table in cal.SERIOUS_AT_STAGE.values():
        codes |= set(table)
    codes |= set(cal.MISRECORD_ONLINE) | set(cal.MISRECORD_IN_PERSON)
    for spec in _ONE_OFF.values():
        codes |= set(spec.codes) | {c for c, _ in spec.extra_included}
    return codes


def _second_process(job: Job) -> Iterator[Message]:
    """``produce(job)`` run by ``python -m patternwatch.synth.producer``: the same messages, made
    on the other core while this process writes."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "patternwatch.synth.producer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(job.encode().encode())
            child.stdin.close()
            while True:
                try:
                    message = pickle.load(child.stdout)
                except EOFError:
                    child.wait()
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()
                    raise RuntimeError(
                        f"the generator process stopped (exit {child.returncode}): {detail}"
                    ) from None
                yield message
                if message[0] == "done":
                    return
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()
