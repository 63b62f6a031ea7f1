"""``patternwatch generate`` and ``search`` on temporary SQLite files; same seed, same bytes."""

from __future__ import annotations

import filecmp
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select, text
from typer.testing import CliRunner

from patternwatch.cli import app
from patternwatch.config import get_settings
from patternwatch.db.session import make_engine
from patternwatch.synth.truth import FILES

N = 250


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("PATTERNWATCH_ENV", "PATTERNWATCH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATTERNWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    get_settings.cache_clear()


def _use(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()


def _generate(runner: CliRunner, *args: str) -> None:
    result = runner.invoke(app, ["generate", *args])
    assert result.exit_code == 0, result.output
    assert "Generated" in result.stdout


def _search(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["search", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the audit trail (which records when the run happened)."""
    engine = make_engine(f"sqlite:///{path}")
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name.startswith("audit") or name == "alembic_version":
                continue
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]
    engine.dispose()
    return out


def test_same_seed_same_data_and_truth(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("a", "b", "c"):
        _use(monkeypatch, env / f"{name}.db")
        seed = "7" if name != "c" else "8"
        _generate(runner, "--crimes", str(N), "--seed", seed, "--truth-dir", str(env / name))
        outputs.append(
            (
                _search(runner, "--classification", "8Q"),
                _search(runner, "--classification", "8L", "--format", "json"),
            )
        )
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]
    for file in FILES:
        assert filecmp.cmp(env / "a" / file, env / "b" / file, shallow=False), file
    assert not filecmp.cmp(env / "a" / "truth_crimes.csv", env / "c" / "truth_crimes.csv")
    assert _dump(env / "a.db") == _dump(env / "b.db")
    # The audit trail has exactly one generation event and still verifies.
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_search_output(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    _use(monkeypatch, env / "s.db")
    _generate(
        runner, "--crimes", str(N), "--seed", "3", "--start", "2024-01-01", "--end", "2024-12-31"
    )
    csv_out = _search(runner, "--classification", "8q")
    lines = csv_out.splitlines()
    assert lines[0] == (
        "reference,reported_at,principal,included,status,outcome,lsoa_code,district,is_online"
    )
    refs = [line.split(",")[0] for line in lines[1:]]
    assert refs and refs == sorted(refs)
    assert any(",8Q," in line for line in lines[1:])  # principal
    assert any(line.split(",")[2] != "8Q" for line in lines[1:])  # included only
    principal = _search(runner, "--classification", "8Q", "--principal-only").splitlines()
    assert 1 < len(principal) < len(lines)
    rows = json.loads(_search(runner, "--classification", "8Q", "--format", "json"))
    assert [r["reference"] for r in rows] == refs
    assert list(rows[0]) == lines[0].split(",")
    assert isinstance(rows[0]["is_online"], bool)
    assert rows[0]["reported_at"].endswith("Z")
    window = _search(runner, "--classification", "8Q", "--from", "2024-06-01", "--to", "2024-06-30")
    assert 1 <= len(window.splitlines()) < len(lines)
    empty = _search(runner, "--classification", "19F", "--format", "json")
    assert json.loads(empty) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["generate", "--crimes", "0", "--seed", "1"], 1, "at least 1"),
        (
            [
                "generate",
                "--crimes",
                "5",
                "--seed",
                "1",
                "--start",
                "2024-02-01",
                "--end",
                "2024-01-01",
            ],
            1,
            "before the start",
        ),
        (["generate", "--crimes", "5", "--seed", "1", "--start", "1st May"], 2, "--start"),
        (["search", "--classification", "ZZ9"], 1, "Unknown classification code"),
        (["search", "--classification", "8Q", "--format", "xml"], 2, "csv or json"),
        (["search", "--classification", "8Q", "--from", "2024-13-01"], 2, "--from"),
    ],
)
def test_bad_input_fails_clearly(
    env: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    _use(monkeypatch, env / "e.db")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert message in " ".join(result.output.split())


def test_refuses_to_generate_twice(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, env / "twice.db")
    runner = CliRunner()
    _generate(runner, "--crimes", "20", "--seed", "1")
    result = runner.invoke(app, ["generate", "--crimes", "20", "--seed", "1"])
    assert result.exit_code == 1
    assert "empty database" in " ".join(result.output.split())
    engine = make_engine(f"sqlite:///{env / 'twice.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM crime")).scalar() == 20
    engine.dispose()


def test_sqlite_and_postgresql_hold_the_same_force(tmp_path: Path) -> None:
    import uuid

    from patternwatch.access.actor import SYSTEM_ACTOR
    from patternwatch.db.session import make_session_factory
    from patternwatch.synth import search
    from patternwatch.synth.service import generate_force
    from tests.conftest import PG_ADMIN_URL, _pg_admin_engine, postgres_available

    ok, why = postgres_available()
    if not ok:
        pytest.skip(f"PostgreSQL not reachable ({why})")
    name = f"pw_synth_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = {
        "sqlite": f"sqlite:///{tmp_path / 'x.db'}",
        "postgresql": f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}",
    }
    out = {}
    try:
        for backend, url in urls.items():
            engine = make_engine(url)
            generate_force(engine=engine, crimes=N, seed=42, truth_dir=tmp_path / backend)
            with make_session_factory(engine)() as session:
                out[backend] = [
                    r.values()
                    for code in ("8Q", "8L", "105A", "BR-NMO")
                    for r in search.iter_crimes(session=session, actor=SYSTEM_ACTOR, code=code)
                ]
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert out["sqlite"] == out["postgresql"]
    for file in FILES:
        assert filecmp.cmp(
            tmp_path / "sqlite" / file, tmp_path / "postgresql" / file, shallow=False
        )


def test_second_process_gives_the_same_force(tmp_path: Path) -> None:
    from patternwatch.synth.service import generate_force

    dumps = []
    for parallel in (False, True):
        path = tmp_path / f"p{int(parallel)}.db"
        engine = make_engine(f"sqlite:///{path}")
        summary = generate_force(
            engine=engine,
            crimes=300,
            seed=17,
            parallel=parallel,
            truth_dir=tmp_path / f"t{int(parallel)}",
        )
        engine.dispose()
        assert summary.crimes == 300
        dumps.append(_dump(path))
    assert dumps[0] == dumps[1]
    for file in FILES:
        assert filecmp.cmp(tmp_path / "t0" / file, tmp_path / "t1" / file, shallow=False)
