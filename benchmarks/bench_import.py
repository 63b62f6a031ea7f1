"""Benchmark: import the 13 Hertfordshire police.uk street files against a bare load of the rows.

    .venv/bin/python benchmarks/bench_import.py [--data DIR] [--postgres URL] [--no-postgres]

The bare load is what any loader must do at least: Python's csv module plus one
``sqlite3.executemany`` into a single raw table (and ``COPY`` on PostgreSQL), in one transaction,
with the same journal settings Patternwatch uses (WAL, synchronous=NORMAL). The import is
``patternwatch import police-uk`` minus the process start: a fresh migrated database, 5,000-row
transactions, every invariant kept. Both are timed in the same run, so the ratio holds on a busy
machine too. PostgreSQL is measured when reachable (default: the local server over the socket).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from patternwatch.db import migrate  # noqa: E402
from patternwatch.db.session import make_engine, make_session_factory  # noqa: E402
from patternwatch.imports import batches, bulk  # noqa: E402
from patternwatch.imports.batches import IMPORT_ACTOR, RejectsFile, RunContext  # noqa: E402
from patternwatch.imports.bulk import POLICE_UK_CHUNK, import_police_uk_files  # noqa: E402


def data_dir(given: str | None) -> Path:
    candidates = (
        [Path(given)] if given else [REPO.parent / "shared" / "data", Path("/work/shared/data")]
    )
    for candidate in candidates:
        street = candidate / "police_uk_hertfordshire" / "street"
        if street.is_dir():
            return street
    raise SystemExit(f"No police.uk street files under {', '.join(map(str, candidates))}")


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bare_sqlite(files: list[Path], path: Path) -> int:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE raw (" + ", ".join(f"c{i} TEXT" for i in range(12)) + ")")
    rows = 0
    con.execute("BEGIN")
    for file in files:
        with file.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            batch = list(reader)
        con.executemany("INSERT INTO raw VALUES (" + ", ".join("?" * 12) + ")", batch)
        rows += len(batch)
    con.execute("COMMIT")
    con.close()
    return rows


class Breakdown:
    """Time spent writing rows, committing chunks and looking up keys, by wrapping the bulk path."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._patches: list[tuple[object, str, object]] = []

    def _wrap(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed_call(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                # _Values.insert(self, session, table, ...): split the writes by table.
                key = f"{label} {args[2].name}" if label == "writes" else label  # type: ignore[attr-defined]
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - start

        self._patches.append((owner, name, original))
        setattr(owner, name, timed_call)

    def __enter__(self) -> Breakdown:
        self._wrap(bulk._Values, "insert", "writes")
        self._wrap(bulk._Values, "keys", "key lookups")
        self._wrap(batches.BatchRun, "commit", "commits")
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._patches):
            setattr(owner, name, original)


def import_into(url: str, files: list[Path]) -> dict[str, int]:
    engine = make_engine(url)
    try:
        ctx = RunContext(
            session_factory=make_session_factory(engine),
            actor=IMPORT_ACTOR,
            rejects=RejectsFile(None),
            chunk_size=POLICE_UK_CHUNK,
        )
        return import_police_uk_files(ctx, files).model_dump()
    finally:
        engine.dispose()


def bare_postgres(files: list[Path], dsn: str) -> int:
    import psycopg

    rows = 0
    with psycopg.connect(dsn) as con, con.cursor() as cur:
        cur.execute("CREATE TABLE raw (" + ", ".join(f"c{i} text" for i in range(12)) + ")")
        for file in files:
            with file.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                for row in reader:
                    writer.writerow(row)
                    rows += 1
            with cur.copy("COPY raw FROM STDIN (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
    return rows


def postgres_case(admin_url: str, files: list[Path]) -> tuple[float, float, float, int] | str:
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - unreachable server: say so and go on
        return f"PostgreSQL not reachable at {admin_url} ({type(exc).__name__}); skipped"
    names = [f"pw_bench_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    base = admin_url.rsplit("/", 1)[0]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{base}/{names[0]}"
        migrate.upgrade(url)
        dsn = f"{base}/{names[1]}".replace("postgresql+psycopg://", "postgresql://")
        bare, rows = timed(lambda: bare_postgres(files, dsn))
        first, _ = timed(lambda: import_into(url, files))
        again, _ = timed(lambda: import_into(url, files))
        return bare, first, again, int(rows)  # type: ignore[arg-type]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="folder holding police_uk_hertfordshire/")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PATTERNWATCH_TEST_POSTGRES_URL", "postgresql+psycopg:///postgres"),
        help="an admin URL; two scratch databases are created and dropped",
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    files = sorted(data_dir(args.data).glob("*.csv"))
    print(f"{len(files)} street files")
    with tempfile.TemporaryDirectory() as tmp:
        bare_path = Path(tmp) / "bare.db"
        bare, rows = timed(lambda: bare_sqlite(files, bare_path))
        url = f"sqlite:///{Path(tmp) / 'patternwatch.db'}"
        migrate.upgrade(url)
        with Breakdown() as parts:
            first, summary = timed(lambda: import_into(url, files))
        again, resummary = timed(lambda: import_into(url, files))
    print(f"rows: {rows:,}; import summary: {summary}; re-import: {resummary}")
    print(f"{'database':<11}{'bare load':>11}{'import':>10}{'ratio':>8}{'re-import':>11}")
    print(f"{'SQLite':<11}{bare:>10.2f}s{first:>9.2f}s{first / bare:>7.1f}x{again:>10.2f}s")
    rest = first - sum(parts.seconds.values())
    print("SQLite import, where the time went:")
    for label, value in sorted(parts.seconds.items(), key=lambda item: -item[1]):
        print(f"  {label:<32}{value:>7.2f}s")
    print(f"  {'reading, checks, hashing, audit':<32}{rest:>7.2f}s")
    if not args.no_postgres:
        result = postgres_case(args.postgres, files)
        if isinstance(result, str):
            print(result)
        else:
            pg_bare, pg_first, pg_again, _ = result
            print(
                f"{'PostgreSQL':<11}{pg_bare:>10.2f}s{pg_first:>9.2f}s"
                f"{pg_first / pg_bare:>7.1f}x{pg_again:>10.2f}s"
            )


if __name__ == "__main__":
    main()
