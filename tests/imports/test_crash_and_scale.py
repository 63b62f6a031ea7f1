"""Crash safety (kill -9 part-way, re-run, same end state as one clean run) and the full data set.

Both use the real police.uk files beside the repository (<repo>/../shared/data, as in CI, or
/work/shared/data) and are skipped, saying so, when those are absent.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.db.session import make_engine, make_session_factory
from patternwatch.imports.batches import IMPORT_ACTOR, RejectsFile, RunContext
from patternwatch.imports.bulk import import_police_uk_files
from patternwatch.imports.enums import ImportStatus
from patternwatch.imports.models import ImportBatch, ScreeningQueueItem
from tests.imports.conftest import env_for, outcome_files, street_files

NO_DATA = "the police.uk files are not at <repo>/../shared/data or /work/shared/data"


def _end_state(url: str) -> dict[str, Any]:
    """Everything an import decides, keyed by source reference (ids and timestamps aside)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            ref = {cid: r for cid, r in s.execute(select(Crime.id, Crime.source_ref))}
            crimes = Counter(
                s.execute(
                    select(
                        Crime.source_ref,
                        Crime.reference,
                        Crime.reported_at,
                        Crime.location_text,
                        Crime.latitude,
                        Crime.longitude,
                        Crime.lsoa_code,
                        Crime.district,
                        Crime.status,
                        Crime.outcome_code_id,
                        Crime.outcome_label,
                        Crime.outcome_at,
                        Crime.source_hash,
                    )
                ).all()
            )
            classifications = Counter(
                (ref[c], k, p)
                for c, k, p in s.execute(
                    select(
                        CrimeClassification.crime_id,
                        CrimeClassification.classification_id,
                        CrimeClassification.is_principal,
                    )
                )
            )
            history = Counter(
                (ref[c], a, b, reason)
                for c, a, b, reason in s.execute(
                    select(
                        ClassificationChange.crime_id,
                        ClassificationChange.principal_before,
                        ClassificationChange.principal_after,
                        ClassificationChange.reason,
                    )
                )
            )
            queue = Counter(ref[r] for r in s.scalars(select(ScreeningQueueItem.record_id)))
            return {
                "crimes": crimes,
                "classifications": classifications,
                "history": history,
                "queue": queue,
            }
    finally:
        engine.dispose()


def _count(url: str, sql: str) -> int:
    # A plain engine: a read only, so no BEGIN IMMEDIATE (make_engine's SQLite transactions take
    # the write lock and would queue behind, or time out against, the import being watched).
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def _batch_ids(url: str, *statuses: ImportStatus) -> set[int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            return set(s.scalars(select(ImportBatch.id).where(ImportBatch.status.in_(statuses))))
    finally:
        engine.dispose()


def _command(files: list[Path]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "patternwatch",
        "import",
        "police-uk",
        *map(str, files),
        "--chunk-size",
        "500",
    ]


def _run_and_kill(url: str, files: list[Path], *, after_crimes: int) -> int:
    """Start an import, SIGKILL it once more than after_crimes crimes have committed."""
    proc = subprocess.Popen(
        _command(files), env=env_for(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(
                    f"the import finished before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
                )
            committed = _count(url, "SELECT count(*) FROM crime")
            if committed > after_crimes:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                return _count(url, "SELECT count(*) FROM crime")
            time.sleep(0.02)
        raise AssertionError("the import made no progress in 300 s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(not street_files(), reason=NO_DATA)
def test_kill_9_part_way_then_rerun_equals_one_clean_run(new_database) -> None:  # type: ignore[no-untyped-def]
    files = [*street_files()[:2], *outcome_files()[:1]]
    clean = new_database()
    crashed = new_database()
    done = subprocess.run(_command(files), env=env_for(clean), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    # Killed right after the first committed chunk, then again further on, then run to the end.
    first = _run_and_kill(crashed, files, after_crimes=0)
    second = _run_and_kill(crashed, files, after_crimes=first + 1500)
    assert 0 < first < second
    # The runs the kills cut off: still 'running', or already marked interrupted by the second
    # run (which starts by closing the first run's file-one batch). A kill can also land just
    # after one file's run closed and before the next opened, leaving nothing open.
    cut_off = _batch_ids(crashed, ImportStatus.RUNNING, ImportStatus.INTERRUPTED)
    assert cut_off, "the first kill, after the first committed chunk of file one, left no run open"
    final = subprocess.run(_command(files), env=env_for(crashed), capture_output=True, text=True)
    assert final.returncode == 0, final.stderr

    assert _end_state(crashed) == _end_state(clean)
    # Nothing lost, nothing doubled: one crime per key.
    assert _count(crashed, "SELECT count(*) FROM crime") == _count(
        crashed, "SELECT count(DISTINCT source_ref) FROM crime"
    )
    # Every run the kills cut off was marked interrupted by the run after it, and nothing else.
    assert _batch_ids(crashed, ImportStatus.INTERRUPTED) == cut_off
    assert _batch_ids(crashed, ImportStatus.RUNNING) == set()


@pytest.mark.slow
@pytest.mark.skipif(not street_files(), reason=NO_DATA)
def test_all_street_rows_accounted_for_and_none_doubled(backend: str, fresh_url: str) -> None:
    if backend != "sqlite":
        pytest.skip("the 108,465-row run is SQLite only in the test suite (see the benchmark)")
    files = street_files()
    assert len(files) == 13
    engine = make_engine(fresh_url)
    factory = make_session_factory(engine)

    def run() -> dict[str, int]:
        ctx = RunContext(
            session_factory=factory, actor=IMPORT_ACTOR, rejects=RejectsFile(None), chunk_size=5000
        )
        return import_police_uk_files(ctx, files).model_dump()

    first = run()
    assert first == {
        "read": 108_465,
        "created": 108_461,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,  # four Crime IDs listed twice in one month's file
    }
    again = run()
    assert again == {
        "read": 108_465,
        "created": 0,
        "updated": 0,
        "unchanged": 108_461,
        "rejected": 4,
    }
    with factory() as s:
        assert s.scalar(select(func.count(Crime.id))) == 108_461
        assert s.scalar(select(func.count(func.distinct(Crime.source_ref)))) == 108_461
        assert s.scalar(select(func.count(CrimeClassification.id))) == 108_461
        # 27,858 anti-social behaviour rows have no Crime ID; each is kept once.
        assert s.scalar(select(func.count(Crime.id)).where(Crime.source_ref.like("nokey:%"))) == (
            27_858
        )
    engine.dispose()
