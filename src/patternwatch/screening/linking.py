"""Pure course-of-conduct linking: group incidents and crimes by the same suspect against the
same victim over time, whatever each was recorded as, and flag series that look like stalking.

A course of conduct needs conduct on at least two occasions (Protection from Harassment Act 1997
s7; domain.md 3.1), so a series has at least two distinct days. Occasions further apart than
``max_gap_days`` (default 180) start a new series: the fewer and further apart the incidents, the
less likely a court finds a course of conduct (domain.md 3.1: four months apart was upheld). A
breach of an order (a classification with ``order_type``) continues the course of conduct the
order came from, so it joins the pair's latest earlier series whatever the gap. People are
matched first (people/matching.py), so "Kate Smith" and "Katherine Smyth" are one victim.
Never imports a session.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from patternwatch.people.matching import PersonRecord, dedupe, probability, score

DEFAULT_MAX_GAP_DAYS = 180
MIN_OCCASIONS = 2

# Codes stalking is commonly misrecorded as (domain.md 4.2-4.3): harassment, malicious and
# improper communications, public fear, criminal damage, non-crime incidents and breaches.
HARASSMENT_LIKE = frozenset(
    {"8L", "8M", "8R", "8S", "8U", "9A", "9B", "58A", "58B", "58C", "58D", "NON-CRIME", ""}
)
BREACH_CODES = frozenset({"BR-SPO", "NT-SPO", "BR-RO", "BR-NMO"})
STALKING_CODE = "8Q"
STALKING_RELATIONSHIPS = frozenset({"ex_partner", "online_only", "stranger"})

# Behaviours "associated with stalking" (PHA 1997 s2A(3)) in a narrative; a light check only,
# the screening model (screening/text.py) does the real text work.
_BEHAVIOUR = re.compile(
    r"\b(follow(?:ed|ing|s)?|loiter\w*|watch(?:ed|ing)|waiting outside|turn(?:ed|s)? up|"
    r"outside (?:her|his|their|the victim'?s?) (?:home|house|work|address)|track\w*|"
    r"monitor\w*|new accounts?|fake accounts?|blocked|gifts?|flowers|won'?t leave|"
    r"keeps? (?:calling|messaging|texting|contacting)|fixat\w*|obsess\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LinkRecord:
    """One incident or crime as the linker sees it."""

    id: str
    reported_at: datetime
    victim: PersonRecord | None
    suspect: PersonRecord | None
    recorded_as: str = ""
    narrative: str = ""
    relationship: str | None = None

    @property
    def code(self) -> str:
        return (self.recorded_as or "").strip().upper()


@dataclass
class Series:
    """A course of conduct: at least two occasions, the same victim and suspect."""

    series_id: str
    record_ids: list[str]
    first_at: datetime
    last_at: datetime
    occasions: int
    looks_like_stalking: bool
    recorded_as_stalking: bool
    breach_ids: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class LinkResult:
    series: list[Series]
    series_of: dict[str, str]  # record id -> series id (records in no series are absent)


def _is_breach(code: str, breach_codes: frozenset[str]) -> bool:
    return code in breach_codes or code.startswith("BR-")


# Each of a victim pair and a suspect pair may be too weak alone (a nickname and no date of
# birth) yet the two together say "the same two people": join both when each pair's match weight
# is at least this (log2 odds; docs/matching.md).
JOINT_MIN_WEIGHT = -4.0


def _person_ids(records: Sequence[LinkRecord]) -> tuple[list[str | None], list[str | None]]:
    """Match every victim and suspect record into person ids (one dedupe over both roles, so a
    person who is a victim once and a suspect once is still one person)."""
    people: list[PersonRecord] = []
    slot: dict[tuple[int, str], int] = {}
    owner: list[tuple[int, str]] = []
    for index, rec in enumerate(records):
        for role, person in (("v", rec.victim), ("s", rec.suspect)):
            if person is not None and (person.forename or person.surname):
                slot[(index, role)] = len(people)
                owner.append((index, role))
                people.append(
                    PersonRecord(
                        record_id=str(len(people)),
                        forename=person.forename,
                        surname=person.surname,
                        date_of_birth=person.date_of_birth,
                        postcode=person.postcode,
                        address=person.address,
                    )
                )
    if not people:
        return [None] * len(records), [None] * len(records)
    result = dedupe(people, keep_pairs_above=probability(JOINT_MIN_WEIGHT))
    parent = [int(pid) for pid in result.person_ids]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    # A pair of victim records and a pair of suspect records, each weak alone, together say
    # "the same two people": try the other role for every scored pair in either role.
    other = {"v": "s", "s": "v"}
    for a, b, _result in result.pairs:
        (ia, ra), (ib, rb) = owner[a], owner[b]
        if ra != rb or ia == ib:
            continue
        oa, ob = slot.get((ia, other[ra])), slot.get((ib, other[ra]))
        if oa is None or ob is None:
            continue
        if find(oa) == find(ob) or score(people[oa], people[ob]).weight >= JOINT_MIN_WEIGHT:
            union(a, b)
            union(oa, ob)
    victims: list[str | None] = [None] * len(records)
    suspects: list[str | None] = [None] * len(records)
    for (index, role), k in slot.items():
        (victims if role == "v" else suspects)[index] = str(find(k))
    return victims, suspects


def link(
    records: Sequence[LinkRecord],
    *,
    max_gap_days: int = DEFAULT_MAX_GAP_DAYS,
    min_occasions: int = MIN_OCCASIONS,
    breach_codes: frozenset[str] = BREACH_CODES,
) -> LinkResult:
    """Group records into courses of conduct and flag those that look like stalking."""
    victims, suspects = _person_ids(records)
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index in range(len(records)):
        v, s = victims[index], suspects[index]
        if v is not None and s is not None and v != s:
            by_pair[(v, s)].append(index)

    series: list[Series] = []
    series_of: dict[str, str] = {}
    for pair in sorted(by_pair):
        members = sorted(by_pair[pair], key=lambda i: (records[i].reported_at, records[i].id))
        runs: list[list[int]] = []
        for i in members:
            rec = records[i]
            if runs:
                last = records[runs[-1][-1]].reported_at
                gap = (rec.reported_at - last).days
                if gap <= max_gap_days or _is_breach(rec.code, breach_codes):
                    runs[-1].append(i)
                    continue
            runs.append([i])
        for run in runs:
            days = {records[i].reported_at.date() for i in run}
            if len(days) < min_occasions:
                continue
            s = _make_series(f"S{len(series) + 1:05d}", [records[i] for i in run], breach_codes)
            series.append(s)
            for rid in s.record_ids:
                series_of[rid] = s.series_id
    return LinkResult(series=series, series_of=series_of)


def _make_series(series_id: str, recs: list[LinkRecord], breach_codes: frozenset[str]) -> Series:
    codes = [r.code for r in recs]
    occasions = len({r.reported_at.date() for r in recs})
    recorded_as_stalking = STALKING_CODE in codes
    harassment_like = sum(
        1 for c in codes if c in HARASSMENT_LIKE or _is_breach(c, breach_codes) or c == "NON CRIME"
    )
    relationships = {r.relationship for r in recs if r.relationship}
    behaviours = sorted(
        {m.group(0).lower() for r in recs for m in _BEHAVIOUR.finditer(r.narrative or "")}
    )
    reasons: list[str] = [f"{occasions} occasions"]
    if relationships & STALKING_RELATIONSHIPS:
        reasons.append("relationship: " + ", ".join(sorted(relationships & STALKING_RELATIONSHIPS)))
    if behaviours:
        reasons.append("behaviours: " + "; ".join(behaviours[:8]))
    mostly_harassment = harassment_like * 2 >= len(recs)
    if mostly_harassment:
        reasons.append(f"{harassment_like} of {len(recs)} recorded as harassment-type")
    looks = occasions >= MIN_OCCASIONS and (
        recorded_as_stalking
        or (mostly_harassment and bool(behaviours or relationships & STALKING_RELATIONSHIPS))
    )
    return Series(
        series_id=series_id,
        record_ids=[r.id for r in recs],
        first_at=recs[0].reported_at,
        last_at=recs[-1].reported_at,
        occasions=occasions,
        looks_like_stalking=looks,
        recorded_as_stalking=recorded_as_stalking,
        breach_ids=[r.id for r in recs if _is_breach(r.code, breach_codes)],
        reasons=reasons,
    )
