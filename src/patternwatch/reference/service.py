"""Read and extend the classification and outcome code lists."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.permissions import Action
from patternwatch.audit import service as audit
from patternwatch.errors import Conflict, Invalid, NotFound, invalid_from
from patternwatch.reference.models import Classification, OutcomeCode
from patternwatch.reference.schemas import ClassificationCreate, OutcomeCodeCreate


def list_classifications(
    *, session: Session, include_inactive: bool = False
) -> list[Classification]:
    """Classifications ordered by group then code."""
    stmt = select(Classification)
    if not include_inactive:
        stmt = stmt.where(Classification.is_active.is_(True))
    return list(session.scalars(stmt.order_by(Classification.offence_group, Classification.code)))


def classifications_by_code(*, session: Session, codes: Iterable[str]) -> dict[str, Classification]:
    """Map each given code (case-insensitive) to its active classification; unknown codes absent."""
    wanted = {c.strip().upper() for c in codes if c and c.strip()}
    if not wanted:
        return {}
    rows = session.scalars(
        select(Classification).where(
            Classification.code.in_(wanted), Classification.is_active.is_(True)
        )
    )
    return {row.code: row for row in rows}


def get_classification(*, session: Session, code: str) -> Classification:
    row = session.scalar(select(Classification).where(Classification.code == code.strip().upper()))
    if row is None:
        raise NotFound(f"Unknown classification code {code!r}.")
    return row


def create_classification(
    *, session: Session, actor: Actor, data: ClassificationCreate | dict[str, object]
) -> Classification:
    """Add a classification to the code list (administrators)."""
    actor.require(Action.REFERENCE_MANAGE)
    if not isinstance(data, ClassificationCreate):
        try:
            data = ClassificationCreate.model_validate(data)
        except ValidationError as exc:
            raise invalid_from(exc, "The classification could not be added") from exc
    if session.scalar(select(Classification.id).where(Classification.code == data.code)):
        raise Conflict(f"Classification {data.code} already exists.")
    row = Classification(**data.model_dump(), is_active=True)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.REFERENCE_MANAGE,
        entity_type="classification",
        entity_id=row.id,
        summary=f"Added classification {row.code} {row.title}",
        changes=data.model_dump(mode="json"),
    )
    return row


def set_classification_active(
    *, session: Session, actor: Actor, code: str, active: bool
) -> Classification:
    """Retire or restore a classification; retired codes stay on old crimes but cannot be chosen."""
    actor.require(Action.REFERENCE_MANAGE)
    row = get_classification(session=session, code=code)
    if row.is_active != active:
        row.is_active = active
        session.flush()
        audit.record(
            session=session,
            actor=actor,
            action=Action.REFERENCE_MANAGE,
            entity_type="classification",
            entity_id=row.id,
            summary=f"{'Restored' if active else 'Retired'} classification {row.code}",
            changes={"is_active": active},
        )
    return row


def list_outcomes(*, session: Session, include_inactive: bool = False) -> list[OutcomeCode]:
    stmt = select(OutcomeCode)
    if not include_inactive:
        stmt = stmt.where(OutcomeCode.is_active.is_(True))
    rows = list(session.scalars(stmt))
    return sorted(rows, key=lambda r: _outcome_sort_key(r.code))


def _outcome_sort_key(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 9999, code)


def get_outcome(*, session: Session, code: str) -> OutcomeCode:
    row = session.scalar(select(OutcomeCode).where(OutcomeCode.code == code.strip().upper()))
    if row is None or not row.is_active:
        raise Invalid(f"Unknown outcome code {code!r}.", {"outcome": "unknown code"})
    return row


def create_outcome(
    *, session: Session, actor: Actor, data: OutcomeCodeCreate | dict[str, object]
) -> OutcomeCode:
    """Add an outcome code (administrators)."""
    actor.require(Action.REFERENCE_MANAGE)
    if not isinstance(data, OutcomeCodeCreate):
        try:
            data = OutcomeCodeCreate.model_validate(data)
        except ValidationError as exc:
            raise invalid_from(exc, "The outcome code could not be added") from exc
    if session.scalar(select(OutcomeCode.id).where(OutcomeCode.code == data.code)):
        raise Conflict(f"Outcome code {data.code} already exists.")
    row = OutcomeCode(**data.model_dump(), is_active=True)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=Action.REFERENCE_MANAGE,
        entity_type="outcome_code",
        entity_id=row.id,
        summary=f"Added outcome code {row.code} {row.title}",
        changes=data.model_dump(mode="json"),
    )
    return row
