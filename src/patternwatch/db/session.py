"""Engine and session factories; nothing connects at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# SQLite's page cache per connection. Its default (2 MiB) makes a search that probes tens of
# thousands of index entries re-read pages from the OS; 64 MiB cut "8Q in one district in one
# year" at 1,000,000 crimes from 297 to 189 ms (best of 7, docs/search.md).
DEFAULT_SQLITE_CACHE_MB = 64


def make_engine(url: str, *, sqlite_cache_mb: int | None = None, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL, a busy timeout, real SAVEPOINTs and a
    larger page cache (``sqlite_cache_mb``, default 64 MiB per connection)."""
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(
            engine,
            in_memory=":memory:" in url or url in ("sqlite://", "sqlite:///"),
            cache_mb=sqlite_cache_mb or DEFAULT_SQLITE_CACHE_MB,
        )
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine, *, in_memory: bool, cache_mb: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; take it over
        # (SQLAlchemy's documented recipe) and emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")  # negative: KiB
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE: nearly every request writes (reads are audited), so take the single write
        # lock up front. A deferred transaction that reads and then writes after another writer
        # committed fails at once with SQLITE_BUSY_SNAPSHOT instead of waiting busy_timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work for the CLI and imports: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
