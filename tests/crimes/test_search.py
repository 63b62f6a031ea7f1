"""Crime search against a brute-force filter over a generated force, keyset paging, cursors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.models import User
from patternwatch.crimes import search
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import (
    ClassificationChange,
    Crime,
    CrimeAccess,
    CrimeClassification,
    CrimeOnlineMethod,
)
from patternwatch.crimes.schemas import CrimeFilter
from patternwatch.db import sql
from patternwatch.errors import Invalid
from patternwatch.people.models import Involvement
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.synth.service import generate_force
from patternwatch.timeutil import day_start_utc
from tests.factories import make_crime

N = 300
TEAMS = ("Hatfield CID", "Watford Stalking Unit")


# ---- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Followed to WORK", ["followed", "to", "work"]),
        ("ex-partner's car", ["ex", "partner", "s", "car"]),
        ("100%", ["100"]),
        ("%", []),
        ("snake_case", ["snake", "case"]),
        ("a a b", ["a", "b"]),
        ("josé", ["josé"]),
        (
            "one two three four five six seven eight nine",
            ["one", "two", "three", "four", "five", "six", "seven", "eight"],
        ),
    ],
)
def test_text_words(query: str, words: list[str]) -> None:
    assert sql.text_words(query) == words


@pytest.mark.parametrize(
    "cursor",
    [
        search.Cursor("reported_desc", "next", (datetime(2025, 1, 2, 3, 4, 5, 6, UTC), 42)),
        search.Cursor("reported_asc", "prev", (datetime(2024, 12, 31, tzinfo=UTC), 1)),
        search.Cursor("reference", "next", ("CR/250101/00001",)),
        search.Cursor("reference", "prev", ("Ünïcode/ref",)),
    ],
)
def test_cursor_round_trip(cursor: search.Cursor) -> None:
    token = search.encode_cursor(cursor)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # URL-safe, no padding
    assert search.decode_cursor(token, cursor.sort) == cursor


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-base64!",
        "e30",  # {}
        search.encode_cursor(search.Cursor("reference", "next", ("X",))),  # another sort
        "eyJ2IjoxLCJzIjoicmVwb3J0ZWRfZGVzYyIsImQiOiJuZXh0IiwiayI6WyJub3QgYSBkYXRlIiwxXX0",
        "eyJ2IjoxLCJzIjoicmVwb3J0ZWRfZGVzYyIsImQiOiJzaWRld2F5cyIsImsiOltdfQ",
    ],
)
def test_bad_cursor_is_invalid(token: str) -> None:
    with pytest.raises(Invalid, match="cursor"):
        search.decode_cursor(token, "reported_desc")


def test_filter_reads_repeated_and_comma_separated_values() -> None:
    f = CrimeFilter.model_validate(
        {
            "classification": ["8q, 8l", "8Q"],
            "status": "Recorded,finalised",
            "district": ["St Albans", " Watford "],
            "lsoa": "e01023456",
        }
    )
    assert f.classification == ["8Q", "8L"]
    assert [s.value for s in f.status] == ["recorded", "finalised"]
    assert f.district == ["St Albans", "Watford"]
    assert f.lsoa == ["E01023456"]
    assert f.criteria() == {
        "classification": ["8Q", "8L"],
        "status": ["recorded", "finalised"],
        "district": ["St Albans", "Watford"],
        "lsoa": ["E01023456"],
    }


# ---- a generated force and a brute-force filter over it -------------------------------------


@dataclass
class Row:
    id: int
    reference: str
    reported_at: datetime
    offence_from: datetime | None
    offence_to: datetime | None
    status: str
    is_online: bool
    outcome: str | None
    lsoa: str | None
    district: str | None
    officer: str | None
    team: str | None
    document: str
    restricted: bool
    named: set[int] = field(default_factory=set)
    codes: dict[str, bool] = field(default_factory=dict)  # code -> is principal
    relationships: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)


_WORD = re.compile(r"[^\W_]+")


def _in_days(when: datetime, first: date | None, last: date | None) -> bool:
    if first and when < day_start_utc(first):
        return False
    return not (last and when >= day_start_utc(last + timedelta(days=1)))


def _matches(row: Row, f: CrimeFilter, actor: Actor) -> bool:  # noqa: C901 - one rule a line
    if row.restricted and actor.role is not Role.SUPERVISOR and actor.user_id not in row.named:
        return False
    if f.classification:
        held = [c for c, principal in row.codes.items() if principal or not f.principal_only]
        if not set(held) & set(f.classification):
            return False
    if f.date_from or f.date_to:
        if f.date_field == "reported" or row.offence_from is None:
            if not _in_days(row.reported_at, f.date_from, f.date_to):
                return False
        else:
            end = row.offence_to or row.offence_from
            if f.date_to and row.offence_from >= day_start_utc(f.date_to + timedelta(days=1)):
                return False
            if f.date_from and end < day_start_utc(f.date_from):
                return False
    checks: list[tuple[Any, Callable[[], bool]]] = [
        (f.status, lambda: row.status in {s.value for s in f.status}),
        (f.is_online is not None, lambda: row.is_online is f.is_online),
        (f.online_method, lambda: bool(row.methods & {m.value for m in f.online_method})),
        (f.relationship, lambda: bool(row.relationships & {r.value for r in f.relationship})),
        (f.outcome, lambda: row.outcome in f.outcome),
        (f.lsoa, lambda: row.lsoa in f.lsoa),
        (f.district, lambda: row.district in f.district),
        (f.officer, lambda: row.officer == f.officer),
        (f.team, lambda: row.team == f.team),
        (f.text, lambda: _text_matches(row, f.text or "")),
    ]
    return all(check() for given_, check in checks if given_)


def _text_matches(row: Row, text: str) -> bool:
    needle = text.strip()
    if row.reference.startswith(needle) or row.reference.startswith(needle.upper()):
        return True
    if "/" in needle and " " not in needle:
        return False
    words = sql.text_words(needle)
    tokens = _WORD.findall(row.document.lower())
    return bool(words) and all(any(t.startswith(w) for t in tokens) for w in words)


def _expected(rows: list[Row], f: CrimeFilter, actor: Actor) -> list[int]:
    found = [r for r in rows if _matches(r, f, actor)]
    if f.sort == "reference":
        found.sort(key=lambda r: r.reference.encode())
    else:
        found.sort(key=lambda r: (r.reported_at, r.id), reverse=f.sort == "reported_desc")
    return [r.id for r in found]


@dataclass
class Force:
    rows: list[Row]
    restricted_named: int  # the user named on the restricted crimes


@pytest.fixture()
def force(session: Session, personas) -> Force:  # type: ignore[no-untyped-def]
    generate_force(
        session=session, crimes=N, seed=404, start=date(2024, 1, 1), end=date(2025, 6, 30)
    )
    officers = list(
        session.scalars(select(User).where(User.username.like("%.%")).order_by(User.id))
    )
    for i, officer in enumerate(officers):
        if i % 3 != 2:  # some officers have no team
            officer.team = TEAMS[i % 2]
    # A few restricted crimes: hidden from the analyst, one of them named to the investigator.
    crime_ids = list(session.scalars(select(Crime.id).order_by(Crime.id)))
    restricted = crime_ids[5::40]
    session.execute(update(Crime).where(Crime.id.in_(restricted)).values(is_restricted=True))
    investigator = personas[Role.INVESTIGATOR].user_id
    session.add(CrimeAccess(crime_id=restricted[0], user_id=investigator))
    session.flush()
    users = {u.id: u for u in session.scalars(select(User))}
    outcomes = {i: code for i, code in session.execute(select(OutcomeCode.id, OutcomeCode.code))}
    rows = {
        c.id: Row(
            id=c.id,
            reference=c.reference,
            reported_at=c.reported_at,
            offence_from=c.offence_from,
            offence_to=c.offence_to,
            status=c.status.value,
            is_online=c.is_online,
            outcome=outcomes.get(c.outcome_code_id),
            lsoa=c.lsoa_code,
            district=c.district,
            officer=users[c.officer_in_charge_id].username if c.officer_in_charge_id else None,
            team=users[c.officer_in_charge_id].team if c.officer_in_charge_id else None,
            document=" ".join([c.reference, c.narrative, c.location_text or ""]),
            restricted=c.is_restricted,
        )
        for c in session.scalars(select(Crime))
    }
    for crime_id, user_id in session.execute(select(CrimeAccess.crime_id, CrimeAccess.user_id)):
        rows[crime_id].named.add(user_id)
    for crime_id, code, principal in session.execute(
        select(
            CrimeClassification.crime_id, Classification.code, CrimeClassification.is_principal
        ).join(Classification, Classification.id == CrimeClassification.classification_id)
    ):
        rows[crime_id].codes[code] = principal
    for crime_id, relationship in session.execute(
        select(Involvement.crime_id, Involvement.relationship).where(
            Involvement.crime_id.is_not(None), Involvement.relationship.is_not(None)
        )
    ):
        rows[crime_id].relationships.add(relationship.value)
    for crime_id, method in session.execute(
        select(CrimeOnlineMethod.crime_id, CrimeOnlineMethod.method)
    ):
        rows[crime_id].methods.add(method.value)
    return Force(rows=list(rows.values()), restricted_named=investigator)


def _values(force: Force, attr: str) -> list[Any]:
    seen: set[Any] = set()
    for row in force.rows:
        value = getattr(row, attr)
        for v in value if isinstance(value, set | dict) else [value]:
            if v is not None:
                seen.add(v)
    return sorted(seen)


def _search_ids(session: Session, actor: Actor, f: dict[str, Any]) -> tuple[int, list[int]]:
    page = crimes_service.search_crimes(session=session, actor=actor, filters={**f, "limit": 5000})
    return page.total, [c.id for c in page.items]


@st.composite
def _filters(draw: st.DrawFn, force: Force) -> dict[str, Any]:
    rows = force.rows
    facets = draw(
        st.lists(
            st.sampled_from(
                [
                    "classification",
                    "dates",
                    "status",
                    "relationship",
                    "online",
                    "online_method",
                    "outcome",
                    "lsoa",
                    "district",
                    "officer",
                    "team",
                    "text",
                ]
            ),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    f: dict[str, Any] = {
        "sort": draw(st.sampled_from(["reported_desc", "reported_asc", "reference"]))
    }
    pick = lambda attr, most=2: draw(  # noqa: E731
        st.lists(st.sampled_from(_values(force, attr)), min_size=1, max_size=most, unique=True)
    )
    for facet in facets:
        if facet == "classification":
            f["classification"] = pick("codes")
            f["principal_only"] = draw(st.booleans())
        elif facet == "dates":
            first = draw(st.dates(date(2023, 12, 1), date(2025, 7, 31)))
            f["date_from"] = first if draw(st.booleans()) else None
            f["date_to"] = first + timedelta(days=draw(st.integers(0, 200)))
            f["date_field"] = draw(st.sampled_from(["reported", "offence"]))
        elif facet == "online":
            f["is_online"] = draw(st.booleans())
        elif facet in ("officer", "team"):
            f[facet] = draw(st.sampled_from(_values(force, facet)))
        elif facet == "text":
            row = draw(st.sampled_from(rows))
            words = _WORD.findall(row.document.lower())
            f["text"] = draw(
                st.one_of(
                    st.just(row.reference[: draw(st.integers(4, len(row.reference)))]),
                    st.just(
                        " ".join(draw(st.lists(st.sampled_from(words), min_size=1, max_size=2)))
                    ),
                    st.just(draw(st.sampled_from(words))[:3]),
                )
            )
        else:
            attr = {
                "status": "status",
                "relationship": "relationships",
                "online_method": "methods",
                "outcome": "outcome",
                "lsoa": "lsoa",
                "district": "district",
            }[facet]
            f[facet] = pick(attr)
    return f


@pytest.mark.parametrize("role", [Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR])
def test_every_facet_matches_a_brute_force_filter(
    session: Session, force: Force, actor_of, role: Role
) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(role)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(f=_filters(force))
    def check(f: dict[str, Any]) -> None:
        expected = _expected(force.rows, CrimeFilter.model_validate(f), actor)
        total, ids = _search_ids(session, actor, f)
        assert (total, ids) == (len(expected), expected), f

    check()


def test_each_facet_alone_finds_something(session: Session, force: Force, actor_of) -> None:  # type: ignore[no-untyped-def]
    # Guards the property test: every facet selects a non-empty, proper subset somewhere.
    actor = actor_of(Role.SUPERVISOR)
    row = next(r for r in force.rows if r.relationships and r.methods and r.outcome and r.team)
    code = next(iter(row.codes))
    single = {
        "classification": {"classification": [code]},
        "status": {"status": [row.status]},
        "relationship": {"relationship": sorted(row.relationships)[:1]},
        "online": {"is_online": True},
        "online_method": {"online_method": sorted(row.methods)[:1]},
        "outcome": {"outcome": [row.outcome]},
        "lsoa": {"lsoa": [row.lsoa]},
        "district": {"district": [row.district]},
        "officer": {"officer": row.officer},
        "team": {"team": row.team},
        "text": {"text": _WORD.findall(row.document.lower())[-1]},
        "offence": {
            "date_field": "offence",
            "date_from": row.reported_at.date() - timedelta(days=10),
            "date_to": row.reported_at.date(),
        },
    }
    for name, f in single.items():
        expected = _expected(force.rows, CrimeFilter.model_validate(f), actor)
        assert 0 < len(expected) < len(force.rows), name
        assert _search_ids(session, actor, f) == (len(expected), expected), name


def test_facet_counts_match_a_brute_force_count(session: Session, force: Force, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.ANALYST)
    f = {"date_from": date(2024, 3, 1), "date_to": date(2025, 3, 1)}
    page = crimes_service.search_crimes(session=session, actor=actor, filters=f, facets=True)
    found = [r for r in force.rows if _matches(r, CrimeFilter.model_validate(f), actor)]
    assert page.total == len(found)
    assert page.facets is not None

    def counts(values: Callable[[Row], list[str]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in found:
            for v in values(r):
                out[v] = out.get(v, 0) + 1
        return out

    got = {name: {v.value: v.count for v in values} for name, values in page.facets.items()}
    assert got["classification"] == counts(lambda r: list(r.codes))
    assert got["status"] == counts(lambda r: [r.status])
    assert got["district"] == counts(lambda r: [r.district or ""])
    assert got["is_online"] == counts(lambda r: ["true" if r.is_online else "false"])
    assert got["relationship"] == counts(lambda r: sorted(r.relationships))
    assert got["online_method"] == counts(lambda r: sorted(r.methods))
    # Largest first.
    for values in page.facets.values():
        assert [v.count for v in values] == sorted((v.count for v in values), reverse=True)


def test_facets_are_skipped_above_the_cap(
    session: Session, force: Force, actor_of, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(search, "FACET_CAP", 10)
    page = crimes_service.search_crimes(
        session=session, actor=actor_of(Role.ANALYST), filters={}, facets=True
    )
    assert page.facets is None
    assert page.facets_note and "10" in page.facets_note


def test_access_filter_is_the_same_as_scope(session: Session, force: Force, actor_of) -> None:  # type: ignore[no-untyped-def]
    for role in Role:
        actor = actor_of(role)
        by_scope = set(session.scalars(crimes_service.scope(select(Crime.id), actor)))
        condition = search.visible(actor)
        stmt = select(Crime.id) if condition is None else select(Crime.id).where(condition)
        assert set(session.scalars(stmt)) == by_scope, role


# ---- keyset paging --------------------------------------------------------------------------


def _walk(
    session: Session,
    actor: Actor,
    f: dict[str, Any],
    between: Callable[[int], None] | None = None,
) -> list[int]:
    seen: list[int] = []
    cursor = None
    for n in range(1000):
        page = crimes_service.search_crimes(
            session=session, actor=actor, filters={**f, "limit": 7, "cursor": cursor}
        )
        seen.extend(c.id for c in page.items)
        if page.next_cursor is None:
            return seen
        if between is not None:
            between(n)
        cursor = page.next_cursor
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("sort", ["reported_desc", "reported_asc", "reference"])
def test_keyset_paging_has_no_duplicates_or_gaps_while_rows_are_added(
    session: Session, actor_of, sort: str
) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    base = datetime(2025, 5, 1, 12, tzinfo=UTC)
    # Equal reported times on purpose: the id breaks the tie.
    original = [
        make_crime(
            session,
            actor,
            reference=f"KS/{i:03d}",
            principal="8Q",
            reported_at=base + timedelta(hours=i // 3),
        ).id
        for i in range(40)
    ]
    added: list[int] = []

    def insert(n: int) -> None:
        # Before and after the pages already read, in time and in reference order.
        for j, hours in enumerate((-1000, 1000, 7)):
            added.append(
                make_crime(
                    session,
                    actor,
                    reference=f"KS/{n:03d}-{j}" if j != 1 else f"KT/{n:03d}",
                    principal="8Q",
                    reported_at=base + timedelta(hours=hours),
                ).id
            )

    seen = _walk(session, actor, {"classification": ["8Q"], "sort": sort}, insert)
    assert len(seen) == len(set(seen)), "a crime came twice"
    assert set(original) <= set(seen), "a crime present throughout was skipped"
    assert set(seen) <= set(original) | set(added)
    # What was read is in the sort order.
    order = _expected_order(session, seen, sort)
    assert seen == order


def _expected_order(session: Session, ids: list[int], sort: str) -> list[int]:
    crimes = list(session.scalars(select(Crime).where(Crime.id.in_(ids))))
    if sort == "reference":
        crimes.sort(key=lambda c: c.reference.encode())
    else:
        crimes.sort(key=lambda c: (c.reported_at, c.id), reverse=sort == "reported_desc")
    return [c.id for c in crimes]


def test_previous_cursor_goes_back_exactly(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    for i in range(20):
        make_crime(
            session,
            actor,
            reference=f"PV/{i:03d}",
            principal="8Q",
            reported_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i),
        )
    f = {"text": "PV/", "limit": 6}
    first = crimes_service.search_crimes(session=session, actor=actor, filters=f)
    assert first.prev_cursor is None and first.next_cursor
    second = crimes_service.search_crimes(
        session=session, actor=actor, filters={**f, "cursor": first.next_cursor}
    )
    third = crimes_service.search_crimes(
        session=session, actor=actor, filters={**f, "cursor": second.next_cursor}
    )
    back = crimes_service.search_crimes(
        session=session, actor=actor, filters={**f, "cursor": third.prev_cursor}
    )
    assert [c.id for c in back.items] == [c.id for c in second.items]
    assert back.prev_cursor and back.next_cursor
    start = crimes_service.search_crimes(
        session=session, actor=actor, filters={**f, "cursor": back.prev_cursor}
    )
    assert [c.id for c in start.items] == [c.id for c in first.items]
    assert start.prev_cursor is None  # nothing before the first page
    assert {first.total, second.total, third.total, back.total} == {20}


def test_offset_paging_still_works_and_gives_a_cursor(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    ids = [
        make_crime(
            session,
            actor,
            reference=f"OF/{i}",
            principal="8R",
            reported_at=datetime(2025, 2, 1, tzinfo=UTC) + timedelta(days=i),
        ).id
        for i in range(5)
    ]
    page = crimes_service.search_crimes(
        session=session, actor=actor, filters={"text": "OF/", "limit": 2, "offset": 2}
    )
    assert [c.id for c in page.items] == [ids[2], ids[1]]
    assert page.prev_cursor and page.next_cursor
    rest = crimes_service.search_crimes(
        session=session,
        actor=actor,
        filters={"text": "OF/", "limit": 2, "cursor": page.next_cursor},
    )
    assert [c.id for c in rest.items] == [ids[0]]
    with pytest.raises(Invalid, match="cursor or an offset"):
        crimes_service.search_crimes(
            session=session,
            actor=actor,
            filters={"text": "OF/", "offset": 2, "cursor": page.next_cursor},
        )


def test_cursor_from_another_sort_is_refused(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    for i in range(3):
        make_crime(session, actor, reference=f"SO/{i}")
    page = crimes_service.search_crimes(
        session=session, actor=actor, filters={"text": "SO/", "limit": 1}
    )
    with pytest.raises(Invalid, match="cursor"):
        crimes_service.search_crimes(
            session=session,
            actor=actor,
            filters={"text": "SO/", "limit": 1, "sort": "reference", "cursor": page.next_cursor},
        )


# ---- free text and its index --------------------------------------------------------------


def test_full_text_follows_edits_and_deletes(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(
        session, actor, narrative="Gift left on the doorstep", location_text="Hitchin"
    )
    found = lambda q: [  # noqa: E731
        c.id
        for c in crimes_service.search_crimes(
            session=session, actor=actor, filters={"text": q}
        ).items
    ]
    assert found("doorstep") == [crime.id]
    assert found("door hitch") == [crime.id]  # every word, each as a prefix
    assert found("doorstep luton") == []
    crimes_service.update_crime(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={"reported_at": crime.reported_at, "narrative": "Tracker found under the car"},
    )
    session.flush()
    assert found("doorstep") == []
    assert found("tracker") == [crime.id]
    assert found("hitchin") == []  # the edit cleared the location
    ref = crime.reference
    assert found(ref.lower()) == [crime.id]  # reference prefix, any case
    assert found(ref.split("/")[-1]) == [crime.id]  # a piece of the reference, as a word
    session.execute(delete(ClassificationChange).where(ClassificationChange.crime_id == crime.id))
    session.delete(session.get(Crime, crime.id))
    session.flush()
    assert found("tracker") == []
