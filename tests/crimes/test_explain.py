"""The planners use the intended index for each main search query, on SQLite and PostgreSQL.

PostgreSQL prefers sequential scans on tables this small, so each test turns them off for its
own transaction (SET LOCAL enable_seqscan = off): the question here is whether an index *can*
answer the query shape, which is what holds at 1,000,000 rows (docs/search.md has those plans).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from patternwatch.crimes import search
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.db.sql import explain
from tests.factories import link, make_crime, make_person


@pytest.fixture()
def data(session: Session, actor_of, backend: str) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    sup = actor_of(Role.SUPERVISOR)
    base = datetime(2024, 1, 1, 9, tzinfo=UTC)
    for i in range(60):
        crime = make_crime(
            session,
            sup if i % 15 == 0 else inv,
            reference=f"XP/{i:04d}",
            principal=("8Q", "8L", "8R")[i % 3],
            included=("8Q",) if i % 3 == 1 else (),
            reported_at=base + timedelta(days=9 * i),
            district=("St Albans", "Watford", "Dacorum")[i % 3],
            narrative=f"Suspect {'tracker' if i % 30 == 7 else 'flowers'} again, entry {i}",
            is_restricted=i % 15 == 0,
        )
        # A victim on every crime, a suspect on most; ex-partners are one suspect in five.
        link(session, sup, make_person(session, sup), role="victim", crime=crime)
        if i % 4:
            suspect = make_person(session, sup)
            relationship = "ex_partner" if i % 5 == 0 else ("stranger", "neighbour")[i % 2]
            link(session, sup, suspect, role="suspect", crime=crime, relationship=relationship)
    if backend == "postgresql":
        session.execute(text("ANALYZE"))
        session.execute(text("SET LOCAL enable_seqscan = off"))


def _plan(session: Session, role: Role, actor_of, filters: dict[str, Any]):  # type: ignore[no-untyped-def]
    return crimes_service.plan_search(session=session, actor=actor_of(role), filters=filters)


def _count_plans(session: Session, plan) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(
        line for _, stmt in plan.query.count_statements() for line in explain(session, stmt)
    )


def _page_plan(session: Session, plan, *, drive: bool, key: tuple[Any, ...] | None = None) -> str:  # type: ignore[no-untyped-def]
    f, dialect = plan.filters, plan.dialect
    stmt = select(Crime.id).where(*plan.query.where(drive=drive))
    if key is not None:
        stmt = stmt.where(search.beyond(f.sort, dialect, key))
    stmt = stmt.order_by(*search.order_by(f.sort, dialect)).limit(26)
    return "\n".join(explain(session, stmt))


def _uses(plan_text: str, *names: str) -> None:
    for name in names:
        assert name in plan_text, f"{name} not in the plan:\n{plan_text}"


pytestmark = pytest.mark.usefixtures("data")


def test_classification_search_starts_from_the_classification_index(
    session: Session, actor_of
) -> None:  # type: ignore[no-untyped-def]
    for filters in ({"classification": ["8Q"]}, {"classification": ["8Q"], "principal_only": True}):
        plan = _plan(session, Role.ANALYST, actor_of, filters)
        _uses(_count_plans(session, plan), "ix_crime_classification_search")
        # Rare matches: the classification index starts the page query too.
        _uses(_page_plan(session, plan, drive=True), "ix_crime_classification_search")


def test_common_classification_pages_along_the_date_index(
    session: Session, actor_of, backend: str
) -> None:  # type: ignore[no-untyped-def]
    # Common matches: walk (reported_at, id) in order and check each crime's classification by
    # the (crime_id, classification_id) unique index; from a cursor, seek straight to the key.
    # (PostgreSQL chooses its own join for the first page, a hash join on a table this small.)
    plan = _plan(session, Role.ANALYST, actor_of, {"classification": ["8Q"]})
    key = (datetime(2024, 6, 1, tzinfo=UTC), 10**9)
    keyset = _page_plan(session, plan, drive=False, key=key)
    _uses(keyset, "ix_crime_reported_at_id", "crime_classification")
    if backend == "sqlite":
        _uses(_page_plan(session, plan, drive=False), "ix_crime_reported_at_id")


def test_date_range_uses_the_reported_at_index(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(
        session,
        Role.SUPERVISOR,
        actor_of,
        {"date_from": date(2024, 3, 1), "date_to": date(2024, 4, 1)},
    )
    _uses(_count_plans(session, plan), "ix_crime_reported_at_id")
    _uses(_page_plan(session, plan, drive=False), "ix_crime_reported_at_id")


def test_district_date_and_stalking_use_the_district_index(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    # The analysts' main search: stalking (principal or included) in a district and a year.
    plan = _plan(
        session,
        Role.ANALYST,
        actor_of,
        {
            "classification": ["8Q"],
            "district": ["St Albans"],
            "date_from": date(2024, 1, 1),
            "date_to": date(2024, 12, 31),
        },
    )
    assert plan.query.selective
    _uses(_count_plans(session, plan), "ix_crime_district_reported_at", "crime_classification")
    _uses(_page_plan(session, plan, drive=False), "ix_crime_district_reported_at")


def test_text_search_uses_the_full_text_index(session: Session, actor_of, backend: str) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(session, Role.SUPERVISOR, actor_of, {"text": "tracker"})
    index = "crime_fts" if backend == "sqlite" else "ix_crime_text_search"
    _uses(_count_plans(session, plan), index)
    if backend == "sqlite":
        # PostgreSQL walks all 60 rows of the date index for a page rather than sort two.
        _uses(_page_plan(session, plan, drive=False), index)
    assert "Seq Scan" not in _count_plans(session, plan)


def test_reference_prefix_uses_a_bytewise_index(session: Session, actor_of, backend: str) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(session, Role.SUPERVISOR, actor_of, {"text": "XP/0012", "sort": "reference"})
    index = "sqlite_autoindex_crime_1" if backend == "sqlite" else "ix_crime_reference_bytes"
    _uses(_count_plans(session, plan), index)
    _uses(_page_plan(session, plan, drive=False), index)


def test_relationship_search_uses_its_index(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(session, Role.SUPERVISOR, actor_of, {"relationship": ["ex_partner"]})
    _uses(_count_plans(session, plan), "ix_involvement_relationship_crime")


def test_access_filter_reads_restricted_crimes_from_their_partial_index(
    session: Session, actor_of
) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(session, Role.ANALYST, actor_of, {"district": ["Watford"]})
    _uses(_count_plans(session, plan), "ix_crime_restricted")


def test_full_text_objects_exist(session: Session, backend: str) -> None:
    # An Alembic batch migration that recreates the crime table on SQLite drops its triggers;
    # this fails until that migration creates them again (see the search migration).
    if backend == "sqlite":
        names = set(
            session.scalars(text("SELECT name FROM sqlite_master WHERE tbl_name = 'crime'"))
        )
        assert {
            "crime_fts_after_insert",
            "crime_fts_after_update",
            "crime_fts_after_delete",
        } <= names
        assert session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'crime_fts'"))
    else:
        names = set(
            session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'crime'"))
        )
        assert {"ix_crime_text_search", "ix_crime_reference_bytes"} <= names
