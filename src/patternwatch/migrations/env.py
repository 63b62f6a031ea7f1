"""Alembic environment: the URL comes from Settings (or the caller), never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from patternwatch.config import get_settings
from patternwatch.db.models import Base
from patternwatch.db.session import make_engine

config = context.config
target_metadata = Base.metadata

# Full-text search objects that exist on one database only and are not on the models (see the
# search migration, e2c4d2283356): autogenerate must neither drop them nor report them as drift.
DIALECT_ONLY_TABLES = ("crime_fts",)  # SQLite FTS5 table and its crime_fts_* shadow tables
DIALECT_ONLY_INDEXES = frozenset({"ix_crime_text_search", "ix_crime_reference_bytes"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    if name is None:
        return True
    if type_ == "table":
        return not any(name == t or name.startswith(t + "_") for t in DIALECT_ONLY_TABLES)
    if type_ == "index":
        return name not in DIALECT_ONLY_INDEXES
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("database_url") or get_settings().resolved_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
