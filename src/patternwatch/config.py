"""Typed settings read from ``PATTERNWATCH_*`` environment variables (and an optional ``.env``)."""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Keys that must never be accepted outside development (the full-stack template's "changethis").
_WEAK_SECRETS = {"", "changethis", "secret", "development", "patternwatch"}
MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting Patternwatch reads; each is documented in docs/config.md."""

    model_config = SettingsConfigDict(
        env_prefix="PATTERNWATCH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="Deployment environment: development, test or production. Outside "
        "development a strong secret key is required and cookies are marked Secure.",
    )
    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the default SQLite database and the development secret key.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: sqlite:///<data_dir>/patternwatch.db. Use "
        "postgresql+psycopg://user@host/dbname for PostgreSQL.",
    )
    secret_key: str | None = Field(
        default=None,
        description="Key that signs session cookies and CSRF tokens (at least 32 characters). "
        "Required outside development; in development one is generated and kept in data_dir.",
    )
    session_max_age_seconds: int = Field(
        default=8 * 3600,
        ge=300,
        description="How long a browser log-in lasts, in seconds (default one 8-hour shift).",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Mark the session cookie Secure (HTTPS only). Default: true in production.",
    )
    page_size: int = Field(
        default=25,
        ge=5,
        le=500,
        description="Rows per page in web lists and the API default limit.",
    )
    api_max_limit: int = Field(
        default=500, ge=10, le=10000, description="Largest `limit` the JSON API accepts."
    )
    sqlite_cache_mb: int = Field(
        default=64,
        ge=2,
        le=4096,
        description="SQLite page cache per connection, in MiB (SQLite's own default is 2).",
    )
    host: str = Field(default="127.0.0.1", description="Address `patternwatch serve` binds to.")
    port: int = Field(
        default=8000, ge=1, le=65535, description="Port `patternwatch serve` binds to."
    )
    log_level: str = Field(
        default="info", description="Log level for the server (debug, info, warning)."
    )

    @model_validator(mode="after")
    def _require_secret_outside_development(self) -> Settings:
        if self.env is Environment.DEVELOPMENT:
            return self
        key = self.secret_key or ""
        if key.lower() in _WEAK_SECRETS or len(key) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"PATTERNWATCH_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters when PATTERNWATCH_ENV={self.env.value}"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file inside data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'patternwatch.db').resolve()}"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env is Environment.PRODUCTION

    def resolved_secret_key(self) -> str:
        """The signing key; in development, create one once and keep it in data_dir."""
        if self.secret_key:
            return self.secret_key
        # Only reachable in development (the validator refuses a missing key elsewhere).
        path = self.data_dir / ".secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
