"""Benchmark: crime search, timelines and export on a generated force (1,000,000 crimes by default).

    .venv/bin/python benchmarks/bench_search.py [--crimes N] [--seed S] [--db sqlite,postgresql]
        [--requests R] [--postgres-admin URL] [--cache DIR] [--export-rows N] [--no-export]
        [--json FILE]

The force is generated once per (N, seed) into a cached SQLite file and a PostgreSQL database
(``pw_bench_<N>_<seed>``) and reused by later runs; each run upgrades the schema, marks a few
crimes restricted (so the access filter has work), gives officers teams, and refreshes planner
statistics. The application runs in its own process under uvicorn on 127.0.0.1, as deployed;
requests go over one keep-alive HTTP connection, as an analyst with an API token.

Printed per database, in one run, so ratios hold on a busy machine:

- p50/p95 of /api/v1/health (the framework's floor: routing, a session, ``SELECT 1``);
- p50/p95 of each main search through the API, and of its bare SQL (the count and page
  queries the search runs, straight through SQLAlchemy Core in this process), with the ratios
  search/health and search/bare-SQL;
- the time to render the person page (timeline) of the busiest person, and the busiest pair's
  shared timeline, through the web pages;
- a CSV export of every crime (--export-rows caps it): time, rows, bytes and peak memory, both
  in this process (tracemalloc peak, and the process's peak RSS growth) and through the API
  (the server's peak RSS growth while it streams).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import httpx  # noqa: E402
from sqlalchemy import Engine, create_engine, func, select, text, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from patternwatch.access import service as access_service  # noqa: E402
from patternwatch.access.actor import SYSTEM_ACTOR  # noqa: E402
from patternwatch.access.enums import Role  # noqa: E402
from patternwatch.access.models import User  # noqa: E402
from patternwatch.crimes import export, search  # noqa: E402
from patternwatch.crimes import service as crimes_service  # noqa: E402
from patternwatch.crimes.models import Crime  # noqa: E402
from patternwatch.db import migrate  # noqa: E402
from patternwatch.db.session import make_engine, make_session_factory  # noqa: E402
from patternwatch.people.models import Involvement  # noqa: E402

PASSWORD = "bench-password-not-secret"
TEAMS = ("Stalking Unit", "CID East", "CID West", "Safeguarding Hub")

# The searches: (name, API query parameters). "Done when" is the first one.
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    (
        "stalking, one district, one year",
        {"classification": "8Q", "district": "St Albans", "from": "2025-01-01", "to": "2025-12-31"},
    ),
    ("stalking (principal or included), all", {"classification": "8Q"}),
    ("stalking principal only, all", {"classification": "8Q", "principal_only": "true"}),
    ("stalking, one year", {"classification": "8Q", "from": "2025-01-01", "to": "2025-12-31"}),
    (
        "8Q or 8L or 8R, one month",
        {"classification": "8Q,8L,8R", "from": "2025-06-01", "to": "2025-06-30"},
    ),
    ("ex-partner and online", {"relationship": "ex_partner", "online": "true"}),
    ("under investigation, by team", {"status": "under_investigation", "team": "Stalking Unit"}),
    ("free text (a word)", {"q": "tracker"}),
    ("reference prefix", {"q": "CR/2506"}),
    ("everything, newest first", {}),
    (
        "district + stalking with facets",
        {
            "classification": "8Q",
            "district": "St Albans",
            "from": "2025-01-01",
            "to": "2025-12-31",
            "facets": "true",
        },
    ),
]
DEEP_PAGES = 40  # the keyset page measured: page DEEP_PAGES + 1 of "stalking, all"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95(self) -> float:
        return pct(self.samples, 0.95) * 1000


def repeat(fn: Callable[[], object], n: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


# ---- the cached force ---------------------------------------------------------------------


def _generate(url: str, crimes: int, seed: int) -> None:
    from patternwatch.synth.service import generate_force

    engine = make_engine(url)
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"    generated {done:,}/{total:,}", flush=True)

    try:
        summary = generate_force(engine=engine, crimes=crimes, seed=seed, progress=progress)
    finally:
        engine.dispose()
    print(f"    {summary.line()} ({time.perf_counter() - started:.0f}s)", flush=True)


def prepare_sqlite(cache: Path, crimes: int, seed: int) -> str:
    path = cache / f"crimes_{crimes}_seed{seed}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        # Written under a temporary name and renamed when complete: a run cut off part-way is
        # started again rather than benchmarked half-made.
        partial = path.with_suffix(".partial")
        print(f"  generating {crimes:,} crimes into {path} (once) ...", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        _generate(f"sqlite:///{partial}", crimes, seed)
        partial.rename(path)
    return url


def prepare_postgres(admin_url: str, crimes: int, seed: int) -> str:
    name = f"pw_bench_{crimes}_{seed}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
        if exists:
            done = _crime_count(url) >= crimes
        else:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            done = False
    admin.dispose()
    if not done:
        print(f"  generating {crimes:,} crimes into PostgreSQL {name} (once) ...", flush=True)
        _generate(url, crimes, seed)
    return url


def _crime_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(text("SELECT count(*) FROM crime")) or 0
    except Exception:  # noqa: BLE001 - an empty or half-made database counts as none
        return 0
    finally:
        engine.dispose()


def setup_run(url: str) -> tuple[str, int]:
    """Upgrade, restrict a few crimes, give officers teams, refresh statistics; a bench user."""
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        # About 0.1% of crimes restricted (deterministic): the analyst's access filter has work.
        session.execute(
            update(Crime)
            .where(Crime.id % 997 == 0, Crime.is_restricted.is_(False))
            .values(is_restricted=True)
        )
        officers = list(session.scalars(select(User).where(User.username.like("%.%"))))
        for officer in officers:
            if officer.team is None and officer.role in (Role.INVESTIGATOR, Role.SUPERVISOR):
                officer.team = TEAMS[officer.id % len(TEAMS)]
        user = session.scalar(select(User).where(User.username == "bench-analyst"))
        if user is None:
            access_service.create_user(
                session=session,
                actor=SYSTEM_ACTOR,
                username="bench-analyst",
                role=Role.ANALYST,
                password=PASSWORD,
                display_name="Benchmark analyst",
            )
        _, token = access_service.create_token(
            session=session, actor=SYSTEM_ACTOR, username="bench-analyst", label="benchmark"
        )
        user_id = session.scalar(select(User.id).where(User.username == "bench-analyst"))
        session.commit()
    if url.startswith("sqlite"):
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    assert user_id is not None
    return token, user_id


# ---- the application under uvicorn --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(url: str):  # type: ignore[no-untyped-def]
    port = _free_port()
    env = {
        **os.environ,
        "PATTERNWATCH_DATABASE_URL": url,
        "PATTERNWATCH_ENV": "development",
        "PATTERNWATCH_DATA_DIR": str(Path(url.removeprefix("sqlite:///")).parent)
        if url.startswith("sqlite")
        else "/tmp",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "patternwatch.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=REPO,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _hwm_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _reset_hwm(pid: int) -> None:
    with suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


# ---- measurements -------------------------------------------------------------------------


def _filters(params: dict[str, Any]) -> dict[str, Any]:
    """The API parameters as CrimeFilter input (for the bare-SQL side)."""
    names = {"from": "date_from", "to": "date_to", "q": "text", "online": "is_online"}
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key == "facets":
            continue
        name = names.get(key, key)
        if name in ("date_from", "date_to"):
            value = date.fromisoformat(value)
        elif name in ("principal_only", "is_online"):
            value = value == "true"
        out[name] = value
    return out


def bare(
    session: Session, user_id: int, params: dict[str, Any], limit: int
) -> Callable[[], object]:
    """The search's own SQL (plan lookups, count, page ids, page rows), without HTTP, ORM
    objects, JSON or the audit row."""
    actor = access_service.actor_for(session.get(User, user_id), source="bench", channel="api")  # type: ignore[arg-type]

    def run() -> object:
        plan = crimes_service.plan_search(session=session, actor=actor, filters=_filters(params))
        total = crimes_service.count_crimes(session=session, plan=plan)
        where = crimes_service.page_conditions(session=session, plan=plan, total=total, limit=limit)
        ids = list(
            session.scalars(
                select(Crime.id)
                .where(*where)
                .order_by(
                    *search.order_by(
                        plan.filters.sort, plan.dialect, detached=plan.query.detached_sort
                    )
                )
                .limit(limit + 1)
            )
        )
        rows = session.execute(select(Crime.__table__).where(Crime.id.in_(ids))).all()
        session.rollback()
        return total, len(rows)

    return run


def measure_db(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {label}: {url}", flush=True)
    token, user_id = setup_run(url)
    engine: Engine = make_engine(url)
    result: dict[str, Any] = {"database": label, "searches": {}}
    with (
        server(url) as (base, pid),
        httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600
        ) as client,
    ):
        health = Timing(
            "health", repeat(lambda: client.get("/api/v1/health").raise_for_status(), args.requests)
        )
        result["health"] = {"p50_ms": health.p50, "p95_ms": health.p95}
        print(
            f"  {'query':42} {'found':>9} {'API p50':>8} {'p95':>7} {'SQL p50':>8} {'p95':>7}"
            f" {'/health':>8} {'/SQL':>6}"
        )
        print(f"  {'/api/v1/health':42} {'':>9} {health.p50:8.1f} {health.p95:7.1f}")
        with Session(engine) as session:
            for name, params in SEARCHES:
                body = client.get("/api/v1/crimes?" + urlencode(params)).raise_for_status().json()
                api = Timing(
                    name,
                    repeat(
                        lambda p=params: client.get(
                            "/api/v1/crimes?" + urlencode(p)
                        ).raise_for_status(),
                        args.requests,
                    ),
                )
                sql_t = Timing(name, repeat(bare(session, user_id, params, 25), args.requests))
                _report(result, name, body["total"], api, sql_t, health)
            # A deep keyset page: follow next_cursor DEEP_PAGES times, then time that page.
            params = {"classification": "8Q"}
            cursor = None
            for page in range(DEEP_PAGES):
                if page and cursor is None:
                    break  # fewer pages than that (a small force)
                body = client.get(
                    "/api/v1/crimes?"
                    + urlencode({**params, **({"cursor": cursor} if cursor else {})})
                ).json()
                cursor = body["next_cursor"]
            deep = {**params, **({"cursor": cursor} if cursor else {})}
            api = Timing(
                "deep",
                repeat(
                    lambda: client.get("/api/v1/crimes?" + urlencode(deep)).raise_for_status(),
                    args.requests,
                ),
            )
            _report(
                result,
                f"stalking, all: page {DEEP_PAGES + 1} by cursor",
                body["total"],
                api,
                None,
                health,
            )
            # Offset paging to the same depth, for comparison.
            off = {**params, "offset": DEEP_PAGES * 25}
            api = Timing(
                "offset",
                repeat(
                    lambda: client.get("/api/v1/crimes?" + urlencode(off)).raise_for_status(),
                    args.requests,
                ),
            )
            _report(
                result,
                f"stalking, all: page {DEEP_PAGES + 1} by offset",
                body["total"],
                api,
                None,
                health,
            )

            result["timelines"] = timelines(session, client, base, args)
        if not args.no_export:
            result["export"] = export_memory(engine, user_id, client, pid, args)
    engine.dispose()
    return result


def _report(
    result: dict[str, Any], name: str, total: int, api: Timing, sql_t: Timing | None, health: Timing
) -> None:
    entry = {
        "found": total,
        "api_p50_ms": api.p50,
        "api_p95_ms": api.p95,
        "per_health_p50": api.p50 / health.p50,
    }
    line = f"  {name:42} {total:>9,} {api.p50:8.1f} {api.p95:7.1f}"
    if sql_t is not None:
        entry |= {
            "sql_p50_ms": sql_t.p50,
            "sql_p95_ms": sql_t.p95,
            "per_sql_p50": api.p50 / sql_t.p50,
        }
        ratios = f"{api.p50 / health.p50:8.1f} {api.p50 / sql_t.p50:6.2f}"
        line += f" {sql_t.p50:8.1f} {sql_t.p95:7.1f} {ratios}"
    else:
        line += f" {'':>8} {'':>7} {api.p50 / health.p50:8.1f}"
    result["searches"][name] = entry
    print(line, flush=True)


def _web_login(base: str) -> httpx.Client:
    web = httpx.Client(base_url=base, timeout=600)
    page = web.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    web.post(
        "/login",
        data={"username": "bench-analyst", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    return web


def timelines(
    session: Session, client: httpx.Client, base: str, args: argparse.Namespace
) -> dict[str, Any]:
    busiest, records = session.execute(
        select(Involvement.person_id, func.count())
        .group_by(Involvement.person_id)
        .order_by(func.count().desc(), Involvement.person_id)
        .limit(1)
    ).one()
    other = session.execute(
        select(Involvement.person_id, func.count())
        .where(
            Involvement.crime_id.in_(
                select(Involvement.crime_id).where(Involvement.person_id == busiest)
            ),
            Involvement.person_id != busiest,
        )
        .group_by(Involvement.person_id)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    session.rollback()
    out: dict[str, Any] = {"person_id": busiest, "involvements": records}
    web = _web_login(base)
    try:
        page = web.get(f"/people/{busiest}")
        page.raise_for_status()
        entries = page.text.count('data-testid="timeline-entry"')
        t = Timing(
            "timeline",
            repeat(
                lambda: web.get(f"/people/{busiest}").raise_for_status(), max(5, args.requests // 3)
            ),
        )
        out |= {"entries": entries, "p50_ms": t.p50, "p95_ms": t.p95}
        print(
            f"  person page + timeline of the busiest person ({records} involvements, "
            f"{entries} entries): p50 {t.p50:.1f} ms, p95 {t.p95:.1f} ms"
        )
        if other is not None:
            pair_url = f"/people/{busiest}/pair/{other[0]}"
            page = web.get(pair_url)
            page.raise_for_status()
            entries = page.text.count('data-testid="timeline-entry"')
            t = Timing(
                "pair",
                repeat(lambda: web.get(pair_url).raise_for_status(), max(5, args.requests // 3)),
            )
            out["pair"] = {
                "other_id": other[0],
                "entries": entries,
                "p50_ms": t.p50,
                "p95_ms": t.p95,
            }
            print(
                f"  shared timeline with their most frequent co-involved person ({entries} "
                f"entries): p50 {t.p50:.1f} ms, p95 {t.p95:.1f} ms"
            )
    finally:
        web.close()
    return out


def _export_in_process(
    engine: Engine, user_id: int, limit: int, trace: bool
) -> tuple[int, int, float, float, float]:
    """(rows, bytes, seconds, peak RSS growth MiB, tracemalloc peak MiB) of a CSV export."""
    import itertools

    with Session(engine) as session:
        actor = access_service.actor_for(session.get(User, user_id), source="bench", channel="api")  # type: ignore[arg-type]
        plan = export.plan_export(session=session, actor=actor, filters={})
        rows = export.iter_rows(session=session, plan=plan, between_batches=session.commit)
        if limit:
            rows = itertools.islice(rows, limit)
        counted = [0]

        def counting():  # type: ignore[no-untyped-def]
            for row in rows:
                counted[0] += 1
                yield row

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        n_bytes = sum(len(chunk) for chunk in export.csv_chunks(counting()))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
        if trace:
            tracemalloc.stop()
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return counted[0], n_bytes, seconds, growth, peak


def export_memory(
    engine: Engine, user_id: int, client: httpx.Client, pid: int, args: argparse.Namespace
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rows, n_bytes, seconds, growth, _ = _export_in_process(engine, user_id, args.export_rows, False)
    out["in_process"] = {
        "rows": rows,
        "bytes": n_bytes,
        "seconds": seconds,
        "rss_growth_mib": growth,
    }
    print(
        f"  CSV export in process: {rows:,} rows, {n_bytes / 2**20:,.0f} MiB in {seconds:.1f}s "
        f"({rows / seconds:,.0f} rows/s); process peak RSS growth {growth:.1f} MiB"
    )
    # The Python heap's high-water mark over the first 50,000 rows (tracemalloc is slow).
    rows, _, _, _, peak = _export_in_process(engine, user_id, 50_000, True)
    out["in_process"]["tracemalloc_peak_mib_first_50k"] = peak
    print(f"  Python heap peak (tracemalloc) over the first {rows:,} rows: {peak:.1f} MiB")
    if not args.export_rows:
        _reset_hwm(pid)
        base_rss = _rss_kib(pid)
        started = time.perf_counter()
        n_bytes = 0
        with client.stream("GET", "/api/v1/crimes/export?format=csv") as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                n_bytes += len(chunk)
        seconds = time.perf_counter() - started
        growth = (_hwm_kib(pid) - base_rss) / 1024
        out["api"] = {"bytes": n_bytes, "seconds": seconds, "server_peak_rss_growth_mib": growth}
        print(
            f"  CSV export through the API: {n_bytes / 2**20:,.0f} MiB in {seconds:.1f}s; "
            f"server peak RSS growth {growth:.1f} MiB (from {base_rss / 1024:.0f} MiB)"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crimes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query")
    parser.add_argument("--postgres-admin", default="postgresql+psycopg:///test")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "patternwatch" / "bench"))
    parser.add_argument("--export-rows", type=int, default=0, help="cap the export (0: all)")
    parser.add_argument("--no-export", action="store_true", help="skip the export measurements")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"bench_search: {args.crimes:,} crimes, seed {args.seed}, {args.requests} timed requests "
        f"per query; {os.cpu_count()} CPUs, load average {load[0]:.1f}"
    )
    results = []
    for db in args.db.split(","):
        if db == "sqlite":
            url = prepare_sqlite(Path(args.cache), args.crimes, args.seed)
        elif db == "postgresql":
            url = prepare_postgres(args.postgres_admin, args.crimes, args.seed)
        else:
            raise SystemExit(f"unknown database {db!r}")
        results.append(measure_db(db, url, args))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
