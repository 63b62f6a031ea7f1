"""Dialect-portable SQL helpers: one function per construct that SQLite and PostgreSQL spell apart.

Callers pass the dialect name (``session.get_bind().dialect.name``) and get back an expression
that each database can answer from an index: no helper here may turn into a full scan on one
database and an index lookup on the other.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, column, func, literal_column, or_, select, table, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

# A word is a run of letters and digits: the same split the SQLite FTS5 unicode61 tokenizer
# makes, and what the PostgreSQL index expression makes by replacing everything else with spaces.
_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8


def text_words(query: str) -> list[str]:
    """The words of a free-text query, lower-cased, at most MAX_WORDS, in order, no repeats."""
    out: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in out:
            out.append(word)
    return out[:MAX_WORDS]


def pg_document(*columns: str) -> str:
    """SQL for the tsvector a PostgreSQL GIN expression index holds over these text columns.

    Non-alphanumerics become spaces first so PostgreSQL's parser makes the same words as
    SQLite's FTS5 (it would otherwise keep e-mail addresses, paths and host names whole).
    The migration that creates the index must spell the expression exactly like this, or the
    planner will not match query and index.
    """
    joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('simple'::regconfig, regexp_replace({joined}, '[^[:alnum:]]+', ' ', 'g'))"


def full_text_match(
    dialect: str,
    *,
    rowid: ColumnElement[int],
    words: list[str],
    sqlite_fts_table: str,
    pg_document_sql: str,
    fallback_columns: list[ColumnElement[str]],
) -> ColumnElement[bool]:
    """Rows containing every word (each as a word prefix), answered from the full-text index.

    SQLite: an FTS5 table (external content, rowid = the row's id). PostgreSQL: a GIN index on
    ``pg_document_sql``. Any other database: a case-insensitive substring scan (correct, slow).
    """
    if not words:
        raise ValueError("full_text_match needs at least one word")
    if dialect == "sqlite":
        # Words are alphanumeric only, so quoting cannot be broken out of; "w"* is a prefix term.
        match = " ".join(f'"{w}"*' for w in words)
        fts = table(sqlite_fts_table, column("rowid"))
        hits = select(fts.c.rowid).where(
            text(f"{sqlite_fts_table} MATCH :fts_query").bindparams(fts_query=match)
        )
        return rowid.in_(hits)
    if dialect == "postgresql":
        query = " & ".join(f"{w}:*" for w in words)
        return literal_column(pg_document_sql).bool_op("@@")(
            func.to_tsquery(literal_column("'simple'::regconfig"), query)
        )
    return and_(
        *[
            or_(*[func.lower(func.coalesce(c, "")).contains(w) for c in fallback_columns])
            for w in words
        ]
    )


def bytewise(dialect: str, col: ColumnElement[str]) -> ColumnElement[str]:
    """``col`` compared byte by byte (code point order) on every database.

    SQLite's default BINARY collation already is; PostgreSQL compares by the database's locale
    unless told COLLATE "C" (the migration gives PostgreSQL a matching index on
    ``reference COLLATE "C"``), so sorting, keyset paging and prefix ranges agree on both.
    """
    return col.collate("C") if dialect == "postgresql" else col


def starts_with(dialect: str, col: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """``col`` begins with ``prefix`` (case-sensitive): a half-open range on a bytewise index."""
    if not prefix:
        return col.is_not(None)
    key = bytewise(dialect, col)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(key >= prefix, key < upper)


class _Explain(Executable, ClauseElement):
    """EXPLAIN [QUERY PLAN] of a statement, with the statement's own parameters and types."""

    inherit_cache = False

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement


@compiles(_Explain)
def _compile_explain(element: _Explain, compiler: Any, **kw: Any) -> str:
    prefix = "EXPLAIN QUERY PLAN " if compiler.dialect.name == "sqlite" else "EXPLAIN "
    return prefix + compiler.process(element.statement, **kw)


def explain(session: Session, statement: ClauseElement) -> list[str]:
    """The database's plan for a statement, one line per step (SQLite: EXPLAIN QUERY PLAN's
    detail column; PostgreSQL: EXPLAIN's text lines)."""
    return [str(row[-1]) for row in session.execute(_Explain(statement))]


def in_ids(dialect: str, col: ColumnElement[int], ids: list[int]) -> ColumnElement[bool]:
    """``col IN ids`` for a long list, sent as one parameter instead of one per id.

    Thousands of bound parameters cost more to expand and send than the query takes to run
    (exports read 2,000 crimes a batch): PostgreSQL takes one integer array (``= ANY``),
    SQLite one JSON array read by json_each.
    """
    if dialect == "postgresql":
        from sqlalchemy import Integer, any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return col == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    if dialect == "sqlite":
        import json

        values = func.json_each(json.dumps(ids)).table_valued("value")
        return col.in_(select(values.c.value))
    return col.in_(ids)
