"""Benchmark ``patternwatch generate``: crimes per second and peak memory, against a baseline.

    .venv/bin/python benchmarks/bench_generate.py                 # 20k and 100k on SQLite (+ PG)
    .venv/bin/python benchmarks/bench_generate.py --sizes 1000000 # the million
    .venv/bin/python benchmarks/bench_generate.py --parallel off  # single process only

Each run is a fresh database (a temporary SQLite file; a temporary PostgreSQL database when
PostgreSQL answers at --postgres) and a fresh worker process, so its peak resident memory
(``ru_maxrss``) is its own. The baseline, measured in the same worker right after the run, is a
bare ``executemany`` of the same number of crime-shaped rows (same columns, ~200-character
narrative) into a table with no index, constraint or trigger: it is what the storage engine and
driver alone cost, so ``ratio`` = generator crimes/s / baseline rows/s shows how much the
generation itself and the real schema (indexes, foreign keys, full-text triggers, and six more
tables per crime) add. Results go to stdout as a table and, with --json, as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEFAULT_PG = "postgresql+psycopg:///test"


def _baseline_rows(n: int) -> list[tuple]:  # type: ignore[type-arg]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    text = "ip reports ex-partner sending msgs daily and turning up at home address " * 3
    rows = []
    for i in range(n):
        t = start + timedelta(minutes=i)
        rows.append(
            (
                i + 1,
                f"CR/240101/{i:07d}",
                t,
                t,
                "E01023855",
                "Watford",
                0,
                "finalised",
                text,
                t,
            )
        )
    return rows


_BASELINE_COLUMNS = (
    "id INTEGER, reference VARCHAR(40), reported_at TIMESTAMP, recorded_at TIMESTAMP, "
    "lsoa_code VARCHAR(12), district VARCHAR(64), is_online INTEGER, status VARCHAR(32), "
    "narrative TEXT, created_at TIMESTAMP"
)


def _baseline(backend: str, url: str, n: int, workdir: Path) -> float:
    """Rows per second for a bare executemany into an unindexed table."""
    rows = _baseline_rows(n)
    if backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(workdir / "baseline.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"CREATE TABLE raw_crime ({_BASELINE_COLUMNS})")
        values = [
            tuple(v.isoformat(" ") if isinstance(v, datetime) else v for v in row) for row in rows
        ]
        began = time.perf_counter()
        conn.execute("BEGIN")
        for k in range(0, n, 5000):
            conn.executemany(
                "INSERT INTO raw_crime VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values[k : k + 5000]
            )
        conn.execute("COMMIT")
        seconds = time.perf_counter() - began
        conn.close()
        return n / seconds
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE raw_crime ({_BASELINE_COLUMNS})")
        began = time.perf_counter()
        for k in range(0, n, 5000):
            cur.executemany(
                "INSERT INTO raw_crime VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows[k : k + 5000],
            )
        conn.commit()
        return n / (time.perf_counter() - began)


def worker(backend: str, url: str, n: int, parallel: str, workdir: Path) -> dict[str, object]:
    """One run in this (fresh) process; prints nothing, returns the measurements."""
    from patternwatch.db.session import make_engine
    from patternwatch.synth.service import generate_force

    engine = make_engine(url)
    summary = generate_force(
        engine=engine,
        crimes=n,
        seed=42,
        parallel={"on": True, "off": False, "auto": None}[parallel],
    )
    engine.dispose()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    baseline = _baseline(backend, url, n, workdir)
    rows = sum(summary.rows.values())
    return {
        "backend": backend,
        "crimes": n,
        "parallel": parallel,
        "seconds": round(summary.seconds, 1),
        "crimes_per_s": round(summary.crimes_per_second),
        "rows": rows,
        "rows_per_s": round(rows / summary.seconds),
        "baseline_rows_per_s": round(baseline),
        "ratio": round(summary.crimes_per_second / baseline, 3),
        "peak_rss_mb": round(peak_self, 1),
        "producer_peak_rss_mb": round(peak_children, 1),
        "load_avg": os.getloadavg()[0],
    }


def _pg_database(admin_url: str) -> tuple[str, str] | None:
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        name = f"pw_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return name, f"{admin_url.rsplit('/', 1)[0]}/{name}"
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional here
        print(f"PostgreSQL not reachable at {admin_url} ({type(exc).__name__}); skipped")
        return None


def _drop_pg(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(backend: str, n: int, parallel: str, pg_admin: str) -> dict[str, object] | None:
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as tmp:
        workdir = Path(tmp)
        pg_name = None
        if backend == "sqlite":
            url = f"sqlite:///{workdir / 'force.db'}"
        else:
            made = _pg_database(pg_admin)
            if made is None:
                return None
            pg_name, url = made
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", backend, url, str(n), parallel, tmp],
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            if pg_name:
                _drop_pg(pg_admin, pg_name)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"{backend} {n}: worker failed")
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--parallel", choices=["auto", "on", "off"], default="auto")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="admin URL to create databases")
    parser.add_argument("--json", action="store_true", help="also print JSON lines")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        backend, url, n, parallel, tmp = args.worker
        print(json.dumps(worker(backend, url, int(n), parallel, Path(tmp))))
        return
    header = (
        f"{'backend':<10} {'crimes':>9} {'par':>4} {'secs':>7} {'crimes/s':>9} {'rows/s':>8} "
        f"{'baseline/s':>10} {'ratio':>6} {'rss MB':>7} {'prod MB':>7} {'load':>5}"
    )
    print(header)
    results = []
    for backend in args.backends:
        for n in args.sizes:
            r = run(backend, n, args.parallel, args.postgres)
            if r is None:
                break
            results.append(r)
            print(
                f"{r['backend']:<10} {r['crimes']:>9,} {r['parallel']:>4} {r['seconds']:>7} "
                f"{r['crimes_per_s']:>9,} {r['rows_per_s']:>8,} {r['baseline_rows_per_s']:>10,} "
                f"{r['ratio']:>6} {r['peak_rss_mb']:>7} {r['producer_peak_rss_mb']:>7} "
                f"{r['load_avg']:>5.1f}",
                flush=True,
            )
    if args.json:
        for r in results:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
