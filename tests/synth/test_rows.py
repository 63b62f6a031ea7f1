"""Row building: column kinds match the models; PostgreSQL COPY text is escaped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Boolean, Date

from patternwatch.db.types import UTCDateTime
from patternwatch.synth.rows import TABLES, _copy_value, _sqlite_dt
from patternwatch.synth.writer import MODELS


@pytest.mark.parametrize("table", list(TABLES))
def test_column_kinds_match_the_models(table: str) -> None:
    model = MODELS[table]
    for column, kind in TABLES[table]:
        col_type = model.c[column].type
        expected = (
            "dt"
            if isinstance(col_type, UTCDateTime)
            else "date"
            if isinstance(col_type, Date)
            else "bool"
            if isinstance(col_type, Boolean)
            else ""
        )
        assert kind == expected, (table, column)
    # Every NOT NULL column without a default is written.
    written = {c for c, _ in TABLES[table]}
    for column in model.c:
        if not column.nullable and column.default is None and column.server_default is None:
            assert column.name in written, (table, column.name)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "\\N"),
        (True, "t"),
        (False, "f"),
        (12, "12"),
        (51.5, "51.5"),
        ("plain", "plain"),
        ("two\nlines\tand\\slash\r", "two\\nlines\\tand\\\\slash\\r"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 6, 30, 8, 50, 47, tzinfo=UTC), "2024-06-30 08:50:47+00:00"),
    ],
)
def test_copy_values(value: object, text: str) -> None:
    assert _copy_value(value) == text


def test_sqlite_datetimes_are_stored_as_sqlalchemy_stores_them() -> None:
    from datetime import timedelta, timezone

    assert _sqlite_dt(datetime(2024, 6, 30, 8, 50, 47, tzinfo=UTC)) == "2024-06-30 08:50:47.000000"
    bst = timezone(timedelta(hours=1))
    assert (
        _sqlite_dt(datetime(2024, 6, 30, 9, 50, 47, 5, tzinfo=bst)) == "2024-06-30 08:50:47.000005"
    )
