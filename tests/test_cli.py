"""The ``patternwatch`` command against a temporary SQLite database set through the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from patternwatch.cli import app
from patternwatch.config import get_settings
from patternwatch.db import migrate
from patternwatch.db.session import make_engine

PASSWORD = "a-long-enough-password"


@pytest.fixture()
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for name in ("PATTERNWATCH_ENV", "PATTERNWATCH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", url)
    monkeypatch.setenv("PATTERNWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no stray .env from the working directory
    get_settings.cache_clear()  # settings are read once per process; re-read ours
    yield url
    get_settings.cache_clear()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def migrated(db_url: str, runner: CliRunner) -> str:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return db_url


def _create_user(
    runner: CliRunner, name: str, role: str = "investigator", password: str = PASSWORD
):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["users", "create", name, "--role", role, "--password-stdin"], input=password + "\n"
    )


def test_db_upgrade_current_and_check(db_url: str, runner: CliRunner) -> None:
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 1  # an empty database is behind the code
    assert "(empty database)" in result.stdout

    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    head = migrate.head_revision()
    assert head in result.stdout
    assert migrate.current_revision(db_url) == head

    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0, result.output
    # Upgrading again is harmless.
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0


def test_users_create_reads_the_password_from_stdin(migrated: str, runner: CliRunner) -> None:
    result = _create_user(runner, "Alice")
    assert result.exit_code == 0, result.output
    assert "Created user alice (investigator)" in result.stdout
    listing = runner.invoke(app, ["users", "list"])
    assert listing.exit_code == 0
    assert "alice" in listing.stdout
    assert PASSWORD not in listing.stdout


def test_duplicate_user_exits_1_with_a_clear_message(migrated: str, runner: CliRunner) -> None:
    assert _create_user(runner, "alice").exit_code == 0
    result = _create_user(runner, "alice", role="analyst")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert "alice" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "password", "mentions"),
    [
        (
            ["users", "create", "bob", "--role", "investigator", "--password-stdin"],
            "short",
            "password",
        ),
        (
            ["users", "create", "b b", "--role", "investigator", "--password-stdin"],
            PASSWORD,
            "username",
        ),
        (["users", "create", "bob", "--role", "wizard", "--password-stdin"], PASSWORD, "wizard"),
    ],
    ids=["short-password", "bad-name", "bad-role"],
)
def test_users_create_rejects_bad_input(
    migrated: str, runner: CliRunner, args: list[str], password: str, mentions: str
) -> None:
    result = runner.invoke(app, args, input=password + "\n")
    assert result.exit_code != 0
    assert mentions in result.output


def test_users_token_prints_a_token_that_works_against_the_api(
    migrated: str, runner: CliRunner
) -> None:
    assert _create_user(runner, "alice").exit_code == 0
    result = runner.invoke(app, ["users", "token", "alice", "--label", "scripts"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("pw_")
    assert token not in result.stderr  # only the token itself goes to stdout

    from patternwatch.app import create_app

    with TestClient(create_app(get_settings())) as client:
        response = client.get("/api/v1/crimes", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        assert response.json()["total"] == 0
        response = client.get("/api/v1/crimes", headers={"Authorization": "Bearer pw_wrong"})
        assert response.status_code == 401
    client.app.state.engine.dispose()


def test_users_token_for_unknown_user_exits_1(migrated: str, runner: CliRunner) -> None:
    result = runner.invoke(app, ["users", "token", "nobody"])
    assert result.exit_code == 1
    assert "nobody" in result.stderr
    assert not result.stdout.strip()


def test_audit_verify_then_tamper(migrated: str, runner: CliRunner) -> None:
    assert _create_user(runner, "alice").exit_code == 0
    assert _create_user(runner, "bob").exit_code == 0
    assert runner.invoke(app, ["users", "token", "alice"]).exit_code == 0

    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 3 events" in result.stdout

    engine = make_engine(migrated)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_event SET summary = 'nothing to see' WHERE seq = 2"))
    finally:
        engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "seq 2" in result.stderr
    assert "altered" in result.stderr
