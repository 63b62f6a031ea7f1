"""Settings: fail fast on a weak secret outside development; database URL defaults."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from patternwatch.config import Environment, Settings, get_settings

STRONG = "k" * 32


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PATTERNWATCH_* variables or .env file from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("PATTERNWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _settings(**kwargs: Any) -> Settings:
    return Settings(_env_file=None, **kwargs)  # type: ignore[call-arg]


@pytest.mark.parametrize("env", [Environment.TEST, Environment.PRODUCTION])
@pytest.mark.parametrize(
    "secret",
    [None, "", "changethis", "CHANGETHIS", "secret", "patternwatch", "x" * 31],
    ids=["missing", "empty", "changethis", "upper", "secret", "app-name", "31-chars"],
)
def test_weak_or_missing_secret_refused_outside_development(
    env: Environment, secret: str | None
) -> None:
    with pytest.raises(ValidationError, match="PATTERNWATCH_SECRET_KEY"):
        _settings(env=env, secret_key=secret)


@pytest.mark.parametrize("env", [Environment.TEST, Environment.PRODUCTION])
def test_strong_secret_accepted(env: Environment) -> None:
    settings = _settings(env=env, secret_key=STRONG)
    assert settings.resolved_secret_key() == STRONG


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATTERNWATCH_ENV", "production")
    with pytest.raises(ValidationError):
        _settings()
    monkeypatch.setenv("PATTERNWATCH_SECRET_KEY", "e" * 40)
    assert _settings().secret_key == "e" * 40


def test_development_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    settings = _settings(data_dir=tmp_path / "data")
    assert settings.env is Environment.DEVELOPMENT
    first = settings.resolved_secret_key()
    assert len(first) >= 32
    key_file = tmp_path / "data" / ".secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _settings(data_dir=tmp_path / "data").resolved_secret_key() == first


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = _settings(data_dir=tmp_path / "store")
    expected = (tmp_path / "store" / "patternwatch.db").resolve()
    assert settings.resolved_database_url == f"sqlite:///{expected}"


def test_relative_data_dir_is_made_absolute(tmp_path: Path) -> None:
    url = _settings(data_dir=Path("rel")).resolved_database_url
    assert url == f"sqlite:///{(tmp_path / 'rel' / 'patternwatch.db').resolve()}"


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://pw:secret@db.example:5432/patternwatch", "postgresql+psycopg:///pw"],
)
def test_postgres_url_is_passed_through(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _settings(database_url=url).resolved_database_url == url
    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", url)
    assert _settings().resolved_database_url == url


@pytest.mark.parametrize(
    ("env", "override", "secure"),
    [
        (Environment.DEVELOPMENT, None, False),
        (Environment.TEST, None, False),
        (Environment.PRODUCTION, None, True),
        (Environment.PRODUCTION, False, False),
        (Environment.DEVELOPMENT, True, True),
    ],
)
def test_secure_cookies(env: Environment, override: bool | None, secure: bool) -> None:
    settings = _settings(env=env, secret_key=STRONG, cookie_secure=override)
    assert settings.secure_cookies is secure


@pytest.mark.parametrize(
    "field", [{"page_size": 4}, {"page_size": 501}, {"api_max_limit": 9}, {"port": 0}]
)
def test_out_of_range_values_refused(field: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        _settings(**field)


def test_get_settings_is_cached_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    try:
        monkeypatch.setenv("PATTERNWATCH_PAGE_SIZE", "40")
        assert get_settings().page_size == 40
        monkeypatch.setenv("PATTERNWATCH_PAGE_SIZE", "50")
        assert get_settings().page_size == 40
        get_settings.cache_clear()
        assert get_settings().page_size == 50
    finally:
        get_settings.cache_clear()
