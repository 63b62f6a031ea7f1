"""Append audit events and verify the chain; the only code that touches the audit tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit.chain import (
    GENESIS_HASH,
    EventFields,
    VerifyResult,
    canonical_changes,
    compute_hash,
    verify_chain,
)
from patternwatch.audit.models import AuditChainHead, AuditEvent
from patternwatch.db.types import utcnow

HEAD_ID = 1


def record(
    *,
    session: Session,
    actor: Actor,
    action: Action | str,
    summary: str,
    entity_type: str | None = None,
    entity_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain; it commits or rolls back with the change it describes."""
    # UPDATE first: it takes the write lock on the head row (PostgreSQL row lock, SQLite
    # RESERVED lock), so concurrent appenders wait and then read the new head.
    bump = (
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + 1)
        .execution_options(synchronize_session=False)
    )
    head: Any = None
    if session.get_bind().dialect.update_returning:
        # PostgreSQL and SQLite >= 3.35: the bump and the read of the new head in one statement.
        head = session.execute(
            bump.returning(AuditChainHead.last_seq, AuditChainHead.last_hash)
        ).one_or_none()
        bumped = head is not None
    else:
        bumped = session.execute(bump).rowcount > 0  # type: ignore[attr-defined]
    if not bumped:
        session.add(AuditChainHead(id=HEAD_ID, last_seq=1, last_hash=GENESIS_HASH))
        session.flush()
    if head is None:
        head = session.execute(
            select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
                AuditChainHead.id == HEAD_ID
            )
        ).one()
    fields = EventFields(
        seq=head.last_seq,
        occurred_at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username,
        actor_role=actor.role_name,
        channel=actor.channel,
        source=actor.source[:64],
        action=str(action),
        entity_type=entity_type,
        entity_id=entity_id,
        summary=summary,
        changes=canonical_changes(changes),
        prev_hash=head.last_hash,
    )
    digest = compute_hash(fields)
    event = AuditEvent(
        seq=fields.seq,
        occurred_at=fields.occurred_at,
        actor_id=fields.actor_id,
        actor_name=fields.actor_name,
        actor_role=fields.actor_role,
        channel=fields.channel,
        source=fields.source,
        action=fields.action,
        entity_type=fields.entity_type,
        entity_id=fields.entity_id,
        summary=fields.summary,
        changes=fields.changes,
        prev_hash=fields.prev_hash,
        hash=digest,
    )
    session.add(event)
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=digest)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return event


def _fields_of(event: AuditEvent | Row[Any]) -> EventFields:
    return EventFields(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        channel=event.channel,
        source=event.source,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        summary=event.summary,
        changes=event.changes,
        prev_hash=event.prev_hash,
    )


def _iter_events(session: Session, batch: int = 2000) -> Iterator[tuple[int, EventFields, str]]:
    # Plain rows, not ORM objects: the identity map may still hold events as this session wrote
    # them, and the check is of what the database holds now.
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent.__table__)
            .where(AuditEvent.seq > last)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield row.id, _fields_of(row), row.hash
        last = rows[-1].seq


def verify(*, session: Session) -> VerifyResult:
    """Recompute every hash in order and report the first event that does not fit."""
    # Read the head from the database too (record() updates it without touching the ORM object).
    head = session.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(
            AuditChainHead.id == HEAD_ID
        )
    ).one_or_none()
    return verify_chain(
        _iter_events(session),
        head_seq=head.last_seq if head else None,
        head_hash=head.last_hash if head else None,
    )


@dataclass(frozen=True, slots=True)
class AuditPage:
    total: int
    items: list[AuditEvent]


def list_events(
    *,
    session: Session,
    actor: Actor,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor_name: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AuditPage:
    """Events newest first, filtered; viewing the trail needs audit.view."""
    actor.require(Action.AUDIT_VIEW)
    stmt = select(AuditEvent)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_name:
        stmt = stmt.where(AuditEvent.actor_name == actor_name)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(stmt.order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)).all()
    return AuditPage(total=total, items=list(items))
