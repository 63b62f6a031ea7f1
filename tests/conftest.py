"""Fixtures: every database test runs on SQLite and on PostgreSQL (skipped, saying so, if absent).

Each backend gets a fresh database migrated with Alembic (so the migrations are exercised on
both), persona users committed once, and each test runs inside a transaction rolled back at the
end (SAVEPOINTs let services and routes "commit").
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from patternwatch.access import passwords
from patternwatch.access.actor import SYSTEM_ACTOR, Actor
from patternwatch.access.enums import Role
from patternwatch.config import Environment, Settings
from patternwatch.db import migrate
from patternwatch.db.session import make_engine, make_session_factory, session_scope
from patternwatch.web.deps import get_session

# Cheap argon2 parameters for tests only; production uses argon2-cffi's defaults.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords.DUMMY_HASH = passwords._hasher.hash("no-such-user-password")

BACKENDS = [
    b.strip()
    for b in os.environ.get("PATTERNWATCH_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if b.strip()
]
PG_ADMIN_URL = os.environ.get("PATTERNWATCH_TEST_POSTGRES_URL", "postgresql+psycopg:///test")
PASSWORD = "correct-horse-battery"


@dataclass(frozen=True)
class Persona:
    user_id: int
    username: str
    role: Role
    password: str
    token: str

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username, self.role, "127.0.0.1", "test")


def _pg_admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


def postgres_available() -> tuple[bool, str]:
    try:
        engine = _pg_admin_engine()
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return False, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    backend = request.param
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    if backend != "postgresql":
        raise pytest.UsageError(f"unknown backend {backend!r}")
    ok, why = postgres_available()
    if not ok:
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL} ({why})"
        if os.environ.get("PATTERNWATCH_REQUIRE_POSTGRES"):
            # CI must exercise PostgreSQL: a silent skip there would hide a whole backend.
            pytest.fail(f"{message}, and PATTERNWATCH_REQUIRE_POSTGRES is set", pytrace=False)
        pytest.skip(f"{message}: PostgreSQL tests SKIPPED")
    name = f"pw_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def personas(engine: Engine) -> dict[Role, Persona]:
    """One committed user per role (user name = role name), each with an API token."""
    from patternwatch.access import service as access_service

    out: dict[Role, Persona] = {}
    with session_scope(make_session_factory(engine)) as session:
        for role in Role:
            user = access_service.create_user(
                session=session,
                actor=SYSTEM_ACTOR,
                username=role.value.replace("_", "-"),
                role=role,
                password=PASSWORD,
                display_name=f"Test {role.label}",
            )
            _, token = access_service.create_token(
                session=session, actor=SYSTEM_ACTOR, username=user.username
            )
            out[role] = Persona(user.id, user.username, role, PASSWORD, token)
    return out


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture()
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        env=Environment.TEST,
        secret_key="t" * 48,
        database_url=database_url,
        data_dir=tmp_path,
    )


@pytest.fixture()
def app(settings: Settings, engine: Engine, session: Session):  # type: ignore[no-untyped-def]
    from patternwatch.app import create_app

    application = create_app(settings, engine=engine)

    def _session_override() -> Iterator[Session]:
        yield session

    application.dependency_overrides[get_session] = _session_override
    return application


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def actor_of(personas: dict[Role, Persona]):  # type: ignore[no-untyped-def]
    """actor_of(Role.INVESTIGATOR) -> Actor."""
    return lambda role: personas[role].actor
