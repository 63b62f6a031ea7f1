"""Pure hash-chain logic: how an event is hashed and how a sequence of events is verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class EventFields:
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    channel: str
    source: str
    action: str
    entity_type: str | None
    entity_id: int | None
    summary: str
    changes: dict[str, Any] | None
    prev_hash: str


def canonical_changes(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    """The JSON form the database will hand back, so the hash is computed over stored values."""
    if changes is None:
        return None
    loaded: dict[str, Any] = json.loads(json.dumps(changes, default=str, sort_keys=True))
    return loaded


def compute_hash(fields: EventFields) -> str:
    """SHA-256 over a canonical JSON rendering of every field, including the previous hash."""
    occurred = fields.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = [
        fields.seq,
        occurred,
        fields.actor_id,
        fields.actor_name,
        fields.actor_role,
        fields.channel,
        fields.source,
        fields.action,
        fields.entity_type,
        fields.entity_id,
        fields.summary,
        fields.changes,
        fields.prev_hash,
    ]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    bad_event_id: int | None = None
    reason: str | None = None


def verify_chain(
    events: Iterable[tuple[int, EventFields, str]],
    *,
    head_seq: int | None,
    head_hash: str | None,
) -> VerifyResult:
    """Check events ``(event_id, fields, stored_hash)`` in seq order; name the first bad one.

    Detects an altered field (hash mismatch), a removed or reordered event (gap in seq or a
    broken prev_hash link) and removed events at the end (the chain head disagrees).
    """
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    for event_id, fields, stored_hash in events:
        if fields.seq != expected_seq:
            return VerifyResult(
                False,
                checked,
                expected_seq,
                event_id,
                f"event seq {expected_seq} is missing (next present is seq {fields.seq})",
            )
        if fields.prev_hash != prev:
            return VerifyResult(
                False,
                checked,
                fields.seq,
                event_id,
                "link to the previous event is broken (prev_hash differs)",
            )
        actual = compute_hash(fields)
        if actual != stored_hash:
            return VerifyResult(
                False,
                checked,
                fields.seq,
                event_id,
                "contents were altered (hash does not match)",
            )
        prev = stored_hash
        checked += 1
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            None,
            f"chain head says {head_seq} events but {last_seq} were found: events at the end "
            "were removed",
        )
    if head_hash is not None and last_seq > 0 and head_hash != prev:
        return VerifyResult(False, checked, last_seq, None, "chain head hash does not match")
    return VerifyResult(True, checked)
