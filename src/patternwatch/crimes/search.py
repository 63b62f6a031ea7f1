"""Crime search as SQL: filter conditions, the access filter, sort orders, keyset cursors, facets.

Nothing here runs a query; crimes/service.py does. Every condition is shaped so that each
database can answer it from an index (docs/search.md lists which, and tests/crimes/
test_explain.py checks the planners agree):

- a classification is ``crime.id IN (SELECT crime_id FROM crime_classification WHERE
  classification_id IN (...) [AND is_principal])``, answered from ix_crime_classification_search;
- the reported-date range, district, status and sort use the (column, reported_at, id) indexes;
- relationship and online method start from their own (value, crime_id) indexes;
- free text is the full-text index of each database (db/sql.py) or a reference prefix;
- the access filter is ``crime.id NOT IN (restricted crimes the actor is not named on)``: the
  few restricted crimes come from a partial index, so the filter never reads every crime row
  (the equivalent ``NOT is_restricted OR id IN (...)`` would, to count a large result).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import aliased

from patternwatch.access.actor import Actor
from patternwatch.access.models import User
from patternwatch.access.permissions import SEES_ALL_RESTRICTED, Action
from patternwatch.crimes.models import Crime, CrimeAccess, CrimeClassification, CrimeOnlineMethod
from patternwatch.crimes.schemas import CrimeFilter
from patternwatch.db import sql
from patternwatch.db.types import UTCDateTime
from patternwatch.errors import Invalid
from patternwatch.people.models import Involvement
from patternwatch.reference.models import Classification
from patternwatch.timeutil import day_start_utc

# Facet counts are computed when a search finds at most this many crimes; beyond it they would
# cost more than the search itself, and the page says so instead (docs/search.md).
FACET_CAP = 50_000
FACETS = ("classification", "status", "district", "is_online", "online_method", "relationship")

Direction = Literal["next", "prev"]


# ---- the filter as SQL ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the filter's codes and names stand for in this database (looked up by the service)."""

    classification_ids: list[int] = field(default_factory=list)
    outcome_ids: list[int] = field(default_factory=list)
    officer_id: int | None = None


# Built once: constructing an alias (and its column adapters) costs more than the query it names.
_RESTRICTED = aliased(Crime, name="restricted_crime")


def hidden_ids(actor: Actor) -> Select[Any] | None:
    """Ids of restricted crimes the actor is not named on (None: the actor sees every crime).

    Read from the partial index on restricted crimes, so it costs the few restricted rows.
    """
    if actor.role in SEES_ALL_RESTRICTED:
        return None
    restricted = _RESTRICTED
    named = select(CrimeAccess.crime_id).where(CrimeAccess.user_id == actor.user_id)
    # "= true" (not "IS true") so SQLite matches the partial index's own WHERE clause.
    return select(restricted.id).where(
        restricted.is_restricted == true(), restricted.id.not_in(named)
    )


def visible(actor: Actor) -> ColumnElement[bool] | None:
    """The access filter (None: sees every crime); the same rows as crimes.service.scope()."""
    if not actor.can(Action.CRIME_VIEW):
        return false()
    hidden = hidden_ids(actor)
    return None if hidden is None else Crime.id.not_in(hidden)


def _day_range(col: Any, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    out = []
    if first:
        out.append(col >= day_start_utc(first))
    if last:
        out.append(col < day_start_utc(last + timedelta(days=1)))
    return out


def _offence_overlaps(first: date | None, last: date | None) -> ColumnElement[bool]:
    """The offence period overlaps the days; with no offence period, the reported date does.

    The period is [offence_from, offence_to], or the single moment offence_from when there is
    no end. Written without COALESCE around indexed columns so offence_from's index is usable.
    """
    start = day_start_utc(first) if first else None
    end = day_start_utc(last + timedelta(days=1)) if last else None
    with_period = [Crime.offence_from.is_not(None)]
    if end is not None:
        with_period.append(Crime.offence_from < end)
    if start is not None:
        with_period.append(
            or_(
                Crime.offence_to >= start,
                and_(Crime.offence_to.is_(None), Crime.offence_from >= start),
            )
        )
    without = [Crime.offence_from.is_(None), *_day_range(Crime.reported_at, first, last)]
    return or_(and_(*with_period), and_(*without))


def is_reference_like(text: str) -> bool:
    """Text with a "/" and no spaces is (the start of) a crime reference."""
    needle = text.strip()
    return "/" in needle and " " not in needle


def text_condition(dialect: str, text: str) -> ColumnElement[bool]:
    """Free text: a reference starting with it, or every word (as a word prefix) somewhere in
    the reference, narrative or location (the full-text index splits references at / and -).

    Text with a "/" and no spaces is taken as (the start of) a reference and only matched so:
    its pieces as words ("CR", "250101") would match most of the force's references.
    """
    needle = text.strip()
    prefixes = {needle, needle.upper()}
    by_reference = [sql.starts_with(dialect, Crime.reference, p) for p in sorted(prefixes)]
    words = [] if is_reference_like(needle) else sql.text_words(needle)
    if not words:
        return or_(*by_reference)
    by_words = sql.full_text_match(
        dialect,
        rowid=Crime.id,
        words=words,
        sqlite_fts_table="crime_fts",
        pg_document_sql=sql.pg_document(
            "crime.reference", "crime.narrative", "crime.location_text"
        ),
        fallback_columns=[Crime.reference, Crime.narrative, Crime.location_text],
    )
    return or_(*by_reference, by_words)


@dataclass(frozen=True, slots=True)
class Child:
    """A filter answered from a table holding crime ids (classification, relationship, method).

    ``unique``: at most one matching row per crime, so its rows can be counted directly.
    """

    name: str
    crime_id: Any
    where: tuple[ColumnElement[bool], ...]
    unique: bool

    def holding(self) -> ColumnElement[bool]:
        """``crime.id IN (ids from the child's index)``: the child's index drives the query."""
        return Crime.id.in_(select(self.crime_id).where(*self.where))

    def probe(self) -> ColumnElement[bool]:
        """``EXISTS (...)``: each candidate crime is checked against the child's index."""
        # SELECT crime_id, not SELECT *: the check is then answered from the index alone.
        return select(self.crime_id).where(self.crime_id == Crime.id, *self.where).exists()

    @property
    def countable(self) -> bool:
        """Whether the child's own rows can be counted for a search with no other filter."""
        return True


@dataclass(frozen=True, slots=True)
class Team(Child):
    """The officer in charge is in a team: many crimes per team, so like a child filter it
    starts the query only when nothing more selective does."""

    def holding(self) -> ColumnElement[bool]:
        return Crime.officer_in_charge_id.in_(select(self.crime_id).where(*self.where))

    def probe(self) -> ColumnElement[bool]:
        # "+ 0" keeps SQLite from starting at the officer index: a per-row check instead.
        return (Crime.officer_in_charge_id + 0).in_(select(self.crime_id).where(*self.where))

    @property
    def countable(self) -> bool:
        return False


# A reported-date range up to this long is treated as selective (it starts the query).
SELECTIVE_DAYS = 62
# When the sort's own index is scanned and each row checked, the expected rows read per page
# are limit x crimes / matches; above this many, fetching every match and sorting is cheaper.
SCAN_BUDGET = 50_000


@dataclass(slots=True)
class SearchQuery:
    """A search as SQL, with the choice of which index starts it.

    PostgreSQL plans IN and EXISTS alike (as semi-joins) and chooses for itself. SQLite does
    not: ``crime.id IN (subquery)`` always drives from the subquery, and EXISTS is always a
    per-row check, and its cost model (which assumes row lookups are cheap) picked the
    classification index even for "8Q in one district this year" -- 100,000 row lookups instead
    of 40,000 index probes (docs/search.md has the numbers). So the shape is chosen here:

    - a selective crime-level filter (district, LSOA, officer, outcome, text, a short date
      range) starts the query, and classification/relationship/method/team are checks;
    - otherwise the first child filter starts it (IN) and the others are checks; the page then
      either scans the sort's index checking each row (when matches are common) or fetches all
      matches and sorts them (when they are rare).
    """

    crime: list[ColumnElement[bool]]  # conditions on crime's own columns
    children: list[Child]
    hidden: Select[Any] | None  # restricted crimes the actor may not see
    blocked: bool  # the actor may see no crime at all
    selective: bool
    # A reference prefix finds one stretch of time (references carry their date): walking the
    # date index to it from the newest crime reads every crime in between, so the page is read
    # through the reference index and sorted instead.
    detached_sort: bool = False

    def _filters(self, *, drive: bool) -> list[ColumnElement[bool]]:
        lead = drive and not self.selective
        return [
            *self.crime,
            *(c.holding() if lead and i == 0 else c.probe() for i, c in enumerate(self.children)),
        ]

    def where(self, *, drive: bool = True) -> list[ColumnElement[bool]]:
        """All conditions, the access filter included; ``drive``: let a child start the query."""
        out: list[ColumnElement[bool]] = [false()] if self.blocked else []
        if self.hidden is not None:
            out.append(Crime.id.not_in(self.hidden))
        return out + self._filters(drive=drive)

    def count_statements(self) -> list[tuple[int, Select[Any]]]:
        """(sign, statement) pairs whose counts sum to the number of matches.

        Restricted crimes are subtracted rather than checked row by row: the filter's count,
        minus its matches among the few hidden crimes (a query started from the hidden ids,
        every other condition a check).
        """
        if self.blocked:
            return []
        if not self.crime and len(self.children) == 1 and self.children[0].countable:
            child = self.children[0]
            counted = func.count() if child.unique else func.count(func.distinct(child.crime_id))
            out = [(1, select(counted).where(*child.where))]
        else:
            crimes = select(func.count()).select_from(Crime)
            out = [(1, crimes.where(*self._filters(drive=True)))]
        if self.hidden is not None:
            hidden = select(func.count()).select_from(Crime).where(Crime.id.in_(self.hidden))
            out.append((-1, hidden.where(*self._filters(drive=False))))
        return out

    def page_where(
        self, *, total: int, limit: int, crimes: Callable[[], int]
    ) -> list[ColumnElement[bool]]:
        """Conditions for fetching a page, given the match count and (asked only when it
        matters) the number of crimes."""
        if self.selective or not self.children:
            return self.where(drive=False)
        scan = limit * crimes() / max(total, 1)
        return self.where(drive=scan > SCAN_BUDGET)


def _selective(f: CrimeFilter) -> bool:
    if f.district or f.lsoa or f.officer or f.outcome or f.text:
        return True
    if f.date_field == "reported" and f.date_from and f.date_to:
        return (f.date_to - f.date_from).days < SELECTIVE_DAYS
    return False


def build(filters: CrimeFilter, resolved: Resolved, *, dialect: str, actor: Actor) -> SearchQuery:
    """The search as SQL for this actor and database (see SearchQuery)."""
    f = filters
    crime: list[ColumnElement[bool]] = []
    children: list[Child] = []
    if f.classification:
        where = [CrimeClassification.classification_id.in_(resolved.classification_ids)]
        if f.principal_only:
            where.append(CrimeClassification.is_principal == true())
        children.append(
            Child(
                "classification",
                CrimeClassification.crime_id,
                tuple(where),
                unique=f.principal_only or len(resolved.classification_ids) == 1,
            )
        )
    if f.relationship:
        children.append(
            Child(
                "relationship",
                Involvement.crime_id,
                (
                    Involvement.relationship.in_(f.relationship),
                    Involvement.crime_id.is_not(None),
                ),
                unique=False,
            )
        )
    if f.online_method:
        children.append(
            Child(
                "online_method",
                CrimeOnlineMethod.crime_id,
                (CrimeOnlineMethod.method.in_(f.online_method),),
                unique=len(f.online_method) == 1,
            )
        )
    if f.date_field == "reported":
        crime.extend(_day_range(Crime.reported_at, f.date_from, f.date_to))
    elif f.date_from or f.date_to:
        crime.append(_offence_overlaps(f.date_from, f.date_to))
    if f.status:
        crime.append(Crime.status.in_(f.status))
    if f.is_online is not None:
        crime.append(Crime.is_online == (true() if f.is_online else false()))
    if f.outcome:
        crime.append(Crime.outcome_code_id.in_(resolved.outcome_ids))
    if f.lsoa:
        crime.append(Crime.lsoa_code.in_(f.lsoa))
    if f.district:
        crime.append(Crime.district.in_(f.district))
    if f.officer:
        crime.append(Crime.officer_in_charge_id == resolved.officer_id)
    if f.team:
        children.append(Team("team", User.id, (User.team == f.team,), unique=False))
    if f.text:
        crime.append(text_condition(dialect, f.text))
    blocked = not actor.can(Action.CRIME_VIEW)
    return SearchQuery(
        crime=crime,
        children=children,
        hidden=None if blocked else hidden_ids(actor),
        blocked=blocked,
        selective=_selective(f),
        detached_sort=bool(f.text) and is_reference_like(f.text or "") and f.sort != "reference",
    )


# ---- order and keyset cursors -----------------------------------------------------------------


def _sort_columns(sort: str, dialect: str) -> tuple[list[ColumnElement[Any]], bool]:
    """(key columns, descending) of a sort; every sort ends in a unique column."""
    if sort == "reference":
        return [sql.bytewise(dialect, Crime.reference)], False
    return [Crime.reported_at, Crime.id], sort == "reported_desc"


def order_by(
    sort: str, dialect: str, *, reverse: bool = False, detached: bool = False
) -> list[ColumnElement[Any]]:
    """ORDER BY for a sort, or its exact reverse (to fetch the page before a cursor).

    ``detached``: sort by an expression no index holds, so the planner reads the matches through
    the filter's own index and sorts them, instead of walking the sort's index (see
    SearchQuery.detached_sort).
    """
    cols, descending = _sort_columns(sort, dialect)
    if reverse:
        descending = not descending
    if detached:
        cols = [func.coalesce(cols[0], cols[0]), *cols[1:]]
    return [c.desc() if descending else c.asc() for c in cols]


def beyond(sort: str, dialect: str, key: tuple[Any, ...], *, reverse: bool = False):  # type: ignore[no-untyped-def]
    """Rows strictly after ``key`` in the sort's order (before it, when ``reverse``).

    A row-value comparison, so both databases seek the (reported_at, id) index to the key.
    """
    cols, descending = _sort_columns(sort, dialect)
    if reverse:
        descending = not descending
    if len(cols) == 1:
        return cols[0] < key[0] if descending else cols[0] > key[0]
    values = tuple_(literal(key[0], UTCDateTime()), literal(key[1]))
    left = tuple_(*cols)
    return left < values if descending else left > values


def key_of(sort: str, crime: Any) -> tuple[Any, ...]:
    """The sort key of a row (an ORM Crime or a row with the same attribute names)."""
    if sort == "reference":
        return (crime.reference,)
    return (crime.reported_at, crime.id)


@dataclass(frozen=True, slots=True)
class Cursor:
    sort: str
    direction: Direction
    key: tuple[Any, ...]


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, URL-safe token for the rows after (or before) a key."""
    key = [v.isoformat() if isinstance(v, datetime) else v for v in cursor.key]
    raw = json.dumps(
        {"v": 1, "s": cursor.sort, "d": cursor.direction, "k": key}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, sort: str) -> Cursor:
    """The cursor in a token given back by a client, for this sort; Invalid if it is not one."""
    bad = Invalid(
        "The paging cursor is not valid; start again from the first page.",
        {"cursor": "not a cursor from this search"},
    )
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(data, dict) or data.get("v") != 1:
            raise bad
        direction = data["d"]
        raw = data["k"]
        if data["s"] != sort or direction not in ("next", "prev") or not isinstance(raw, list):
            raise bad
        if sort == "reference":
            if len(raw) != 1 or not isinstance(raw[0], str):
                raise bad
            key: tuple[Any, ...] = (raw[0],)
        else:
            if len(raw) != 2 or not isinstance(raw[0], str) or type(raw[1]) is not int:
                raise bad
            when = datetime.fromisoformat(raw[0])
            if when.tzinfo is None:
                raise bad
            key = (when, raw[1])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad from exc
    return Cursor(sort=sort, direction=direction, key=key)


# ---- facets -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int


def facet_statements(where: list[ColumnElement[bool]]) -> dict[str, Select[Any]]:
    """GROUP BY counts over the filtered crimes, one statement per table they come from.

    Crime columns (status, district, online) share one scan; the others count crimes per
    value in their own table, restricted to the filtered ids.
    """
    ids = select(Crime.id).where(*where)
    return {
        "crime": select(Crime.status, Crime.district, Crime.is_online, func.count())
        .where(*where)
        .group_by(Crime.status, Crime.district, Crime.is_online),
        "classification": select(Classification.code, func.count())
        .join(CrimeClassification, CrimeClassification.classification_id == Classification.id)
        .where(CrimeClassification.crime_id.in_(ids))
        .group_by(Classification.code),
        "online_method": select(CrimeOnlineMethod.method, func.count())
        .where(CrimeOnlineMethod.crime_id.in_(ids))
        .group_by(CrimeOnlineMethod.method),
        "relationship": select(
            Involvement.relationship, func.count(func.distinct(Involvement.crime_id))
        )
        .where(Involvement.crime_id.in_(ids), Involvement.relationship.is_not(None))
        .group_by(Involvement.relationship),
    }


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(getattr(v, "value", v))


def shape_facets(results: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[FacetValue]]:
    """Facet name -> values with counts, largest first (then by value), from the raw rows."""
    totals: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for status, district, online, n in results.get("crime", []):
        for name, v in (("status", status), ("district", district), ("is_online", online)):
            key = _value(v)
            totals[name][key] = totals[name].get(key, 0) + n
    for name in ("classification", "online_method", "relationship"):
        for v, n in results.get(name, []):
            totals[name][_value(v)] = n
    return {
        name: [
            FacetValue(v, n)
            for v, n in sorted(values.items(), key=lambda item: (-item[1], item[0]))
        ]
        for name, values in totals.items()
    }
