"""Import fixtures: a fresh, migrated database per test (imports commit for real, in chunks).

The shared ``session`` fixture rolls each test back, but an import opens its own sessions and
commits chunk by chunk, so these tests get their own database: a copy of a migrated SQLite file,
or a PostgreSQL database cloned from a migrated template. Both run for every backend the shared
``database_url`` fixture runs.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from patternwatch.config import get_settings
from patternwatch.db import migrate
from patternwatch.db.session import make_engine, make_session_factory
from patternwatch.imports.batches import IMPORT_ACTOR, RejectsFile, RunContext
from tests.conftest import PG_ADMIN_URL, _pg_admin_engine

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAPPINGS = REPO_ROOT / "docs" / "mappings"


def shared_data_dir() -> Path | None:
    """The real data: <repo>/../shared/data (as in CI), else /work/shared/data."""
    for candidate in (REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (candidate / "police_uk_hertfordshire" / "street").is_dir():
            return candidate
    return None


def street_files() -> list[Path]:
    data = shared_data_dir()
    if data is None:
        return []
    return sorted((data / "police_uk_hertfordshire" / "street").glob("*.csv"))


def outcome_files() -> list[Path]:
    data = shared_data_dir()
    if data is None:
        return []
    return sorted((data / "police_uk_hertfordshire" / "outcomes").glob("*.csv"))


@pytest.fixture(scope="session")
def template_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("import-template") / "template.db"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    name = f"pw_imp_tmpl_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def new_database(backend: str, template_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """new_database() -> the URL of another migrated database, dropped after the test."""
    made: list[str] = []

    def _new() -> str:
        n = len(made)
        if backend == "sqlite":
            path = tmp_path / f"import-{n}.db"
            shutil.copyfile(template_url.removeprefix("sqlite:///"), path)
            made.append(str(path))
            return f"sqlite:///{path}"
        template = template_url.rsplit("/", 1)[1]
        name = f"pw_imp_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        admin.dispose()
        made.append(name)
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"

    yield _new
    if backend != "sqlite" and made:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def fresh_url(new_database: Callable[[], str]) -> str:
    """A new migrated database for this test only."""
    return new_database()


@pytest.fixture()
def import_engine(fresh_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def factory(import_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(import_engine)


@pytest.fixture()
def make_ctx(factory: sessionmaker[Session], tmp_path: Path):  # type: ignore[no-untyped-def]
    """make_ctx(rejects=Path|None, dry_run=False, chunk_size=1000) -> RunContext."""

    def _make(
        *, rejects: Path | None = None, dry_run: bool = False, chunk_size: int = 1000
    ) -> RunContext:
        return RunContext(
            session_factory=factory,
            actor=IMPORT_ACTOR,
            dry_run=dry_run,
            rejects=RejectsFile(rejects),
            chunk_size=chunk_size,
        )

    return _make


@pytest.fixture()
def run_cli(fresh_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """run_cli(*args) -> click Result, against this test's database."""
    from patternwatch.cli import app

    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", fresh_url)
    monkeypatch.setenv("PATTERNWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PATTERNWATCH_ENV", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def _run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["import", *args], catch_exceptions=False)

    yield _run
    get_settings.cache_clear()


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATTERNWATCH_DATABASE_URL"] = url
    env.pop("PATTERNWATCH_ENV", None)
    return env
