"""The pure hash chain: every kind of tampering is caught and the first bad event is named."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from patternwatch.audit.chain import (
    GENESIS_HASH,
    EventFields,
    canonical_changes,
    compute_hash,
    verify_chain,
)

Chain = list[tuple[int, EventFields, str]]
T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def build_chain(n: int = 5) -> Chain:
    """n well-formed events; event ids are 100 + seq so they differ from seqs."""
    chain: Chain = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        fields = EventFields(
            seq=seq,
            occurred_at=T0 + timedelta(minutes=seq),
            actor_id=7,
            actor_name="investigator",
            actor_role="investigator",
            channel="web",
            source="127.0.0.1",
            action="crime.view",
            entity_type="crime",
            entity_id=seq,
            summary=f"Viewed crime {seq}",
            changes={"n": seq},
            prev_hash=prev,
        )
        digest = compute_hash(fields)
        chain.append((100 + seq, fields, digest))
        prev = digest
    return chain


def _head(chain: Chain) -> tuple[int, str]:
    return chain[-1][1].seq, chain[-1][2]


def _alter(chain: Chain, target: int, /, **changes: Any) -> Chain:
    """Change stored fields of one event without recomputing its hash (a raw UPDATE)."""
    return [
        (eid, dataclasses.replace(f, **changes) if f.seq == target else f, h) for eid, f, h in chain
    ]


def _forge(chain: Chain, target: int, /, **changes: Any) -> Chain:
    """Change one event and recompute its own hash, but not the events after it."""
    out: Chain = []
    for eid, f, h in chain:
        if f.seq == target:
            f = dataclasses.replace(f, **changes)
            h = compute_hash(f)
        out.append((eid, f, h))
    return out


def _remove(chain: Chain, seq: int) -> Chain:
    return [e for e in chain if e[1].seq != seq]


def _swap(chain: Chain, a: int, b: int) -> Chain:
    out = list(chain)
    out[a - 1], out[b - 1] = out[b - 1], out[a - 1]
    return out


# Each case: (name, tampering, first bad seq, a word the reason must contain).
CASES: list[tuple[str, Callable[[Chain], Chain], int, str]] = [
    ("altered summary", lambda c: _alter(c, 3, summary="Nothing to see"), 3, "altered"),
    ("altered actor", lambda c: _alter(c, 2, actor_name="supervisor"), 2, "altered"),
    ("altered time", lambda c: _alter(c, 4, occurred_at=T0), 4, "altered"),
    ("altered changes", lambda c: _alter(c, 1, changes={"n": 99}), 1, "altered"),
    ("changes removed", lambda c: _alter(c, 5, changes=None), 5, "altered"),
    ("altered entity", lambda c: _alter(c, 2, entity_id=999), 2, "altered"),
    ("removed middle", lambda c: _remove(c, 3), 3, "missing"),
    ("removed first", lambda c: _remove(c, 1), 1, "missing"),
    ("removed two", lambda c: _remove(_remove(c, 2), 3), 2, "missing"),
    ("reordered", lambda c: _swap(c, 2, 3), 2, "missing"),
    ("renumbered", lambda c: _alter(c, 3, seq=6), 3, "missing"),
    ("wrong prev_hash", lambda c: _alter(c, 4, prev_hash="f" * 64), 4, "link"),
    ("forged event", lambda c: _forge(c, 2, summary="Rewritten"), 3, "link"),
    ("forged link", lambda c: _forge(c, 3, prev_hash=GENESIS_HASH), 3, "link"),
    (
        "stored hash changed",
        lambda c: [(i, f, "0" * 64) if f.seq == 5 else (i, f, h) for i, f, h in c],
        5,
        "altered",
    ),
]


def test_an_intact_chain_verifies() -> None:
    chain = build_chain()
    head_seq, head_hash = _head(chain)
    result = verify_chain(chain, head_seq=head_seq, head_hash=head_hash)
    assert result.ok
    assert result.checked == 5
    assert result.bad_seq is None and result.reason is None


@pytest.mark.parametrize(
    ("tamper", "bad_seq", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_tampering_names_the_first_bad_event(
    tamper: Callable[[Chain], Chain], bad_seq: int, reason: str
) -> None:
    original = build_chain()
    head_seq, head_hash = _head(original)
    result = verify_chain(tamper(original), head_seq=head_seq, head_hash=head_hash)
    assert not result.ok
    assert result.bad_seq == bad_seq
    assert reason in (result.reason or "")
    assert result.checked == bad_seq - 1
    if result.bad_event_id is not None:
        # The event id named is the one stored at that position, for a reviewer to look up.
        assert result.bad_event_id >= 100


def test_removed_last_event_is_caught_by_the_head() -> None:
    original = build_chain()
    head_seq, head_hash = _head(original)
    result = verify_chain(original[:-1], head_seq=head_seq, head_hash=head_hash)
    assert not result.ok
    assert result.bad_seq == 5
    assert result.bad_event_id is None
    assert "removed" in (result.reason or "")
    assert result.checked == 4


def test_removed_last_events_name_the_first_removed() -> None:
    original = build_chain()
    head_seq, head_hash = _head(original)
    result = verify_chain(original[:2], head_seq=head_seq, head_hash=head_hash)
    assert (result.ok, result.bad_seq) == (False, 3)


def test_head_hash_must_match_the_last_event() -> None:
    chain = build_chain()
    result = verify_chain(chain, head_seq=5, head_hash="e" * 64)
    assert (result.ok, result.bad_seq) == (False, 5)
    assert "head hash" in (result.reason or "")


def test_recomputed_tail_is_still_caught_by_the_head() -> None:
    # An attacker who rewrites event 5 and recomputes its hash still disagrees with the head.
    chain = _forge(build_chain(), 5, summary="Rewritten")
    result = verify_chain(chain, head_seq=5, head_hash=build_chain()[-1][2])
    assert (result.ok, result.bad_seq) == (False, 5)


@pytest.mark.parametrize(
    ("events", "head_seq", "ok"),
    [([], None, True), ([], 0, True), ([], 2, False)],
    ids=["empty", "empty-head-zero", "all-removed"],
)
def test_empty_chain(events: Chain, head_seq: int | None, ok: bool) -> None:
    result = verify_chain(events, head_seq=head_seq, head_hash=None)
    assert result.ok is ok
    if not ok:
        assert result.bad_seq == 1


def test_verify_without_a_head_checks_links_only() -> None:
    chain = build_chain()
    assert verify_chain(chain[:-1], head_seq=None, head_hash=None).ok


# ---- compute_hash ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("seq", 2),
        ("occurred_at", T0 + timedelta(microseconds=1)),
        ("actor_id", 8),
        ("actor_id", None),
        ("actor_name", "other"),
        ("actor_role", "supervisor"),
        ("channel", "api"),
        ("source", "10.0.0.1"),
        ("action", "crime.edit"),
        ("entity_type", "person"),
        ("entity_id", None),
        ("summary", "Viewed crime 1 "),
        ("changes", {"n": "1"}),
        ("changes", None),
        ("prev_hash", "1" * 64),
    ],
)
def test_every_field_is_in_the_hash(field: str, value: Any) -> None:
    fields = build_chain(1)[0][1]
    assert compute_hash(dataclasses.replace(fields, **{field: value})) != compute_hash(fields)


def test_hash_is_deterministic_and_timezone_independent() -> None:
    fields = build_chain(1)[0][1]
    same_instant = fields.occurred_at.astimezone(timezone(timedelta(hours=1)))
    assert compute_hash(fields) == compute_hash(
        dataclasses.replace(fields, occurred_at=same_instant)
    )
    assert len(compute_hash(fields)) == 64


def test_hash_ignores_key_order_in_changes() -> None:
    fields = build_chain(1)[0][1]
    a = dataclasses.replace(fields, changes={"a": 1, "b": 2})
    b = dataclasses.replace(fields, changes={"b": 2, "a": 1})
    assert compute_hash(a) == compute_hash(b)


def test_canonical_changes_is_what_json_storage_returns() -> None:
    when = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert canonical_changes(None) is None
    assert canonical_changes({"at": when, "codes": ("8Q", "8L"), "n": 1}) == {
        "at": str(when),
        "codes": ["8Q", "8L"],
        "n": 1,
    }
