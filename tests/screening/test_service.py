"""The screening queue, flags and the registrar's decisions, on SQLite and PostgreSQL.

The learned model takes a minute to train, so these tests screen with the rules alone
(``Screener(None)``); the model is tested in test_model.py and evaluated in the benchmark.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.errors import Conflict, Forbidden, Invalid
from patternwatch.imports.enums import QueuedRecordType
from patternwatch.imports.models import ScreeningQueueItem
from patternwatch.screening import service
from patternwatch.screening.enums import FlagStatus
from patternwatch.screening.model import Screener
from patternwatch.synth import search
from tests.factories import make_crime, make_incident

MISRECORDED = (
    "IP reports her ex-partner keeps turning up at her work and has followed her home twice. "
    "He has made new accounts on insta after she blocked him and is messaging her mum."
)


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "_screener", lambda: Screener(None))


def test_misrecorded_harassment_is_flagged_confirmed_and_found_as_stalking(
    session, personas
) -> None:
    investigator = personas[Role.INVESTIGATOR].actor
    registrar = personas[Role.REGISTRAR].actor
    crime = make_crime(session, investigator, principal="8L", narrative=MISRECORDED)
    other = make_crime(
        session, investigator, principal="8L", narrative="Neighbour dispute over a fence."
    )
    service.enqueue(session, QueuedRecordType.CRIME, crime.id)
    service.enqueue(session, QueuedRecordType.CRIME, other.id)
    service.enqueue(session, QueuedRecordType.CRIME, crime.id)  # idempotent

    summary = service.process_screening_queue(
        session=session, actor=service.SCREENING_ACTOR, limit=100
    )
    assert summary.processed >= 2
    assert summary.flagged >= 1
    assert (
        session.scalars(
            select(ScreeningQueueItem).where(ScreeningQueueItem.processed_at.is_(None))
        ).all()
        == []
    )

    flags, total = service.list_flags(session=session, actor=registrar, status=FlagStatus.OPEN)
    mine = [f for f in flags if f.record_id == crime.id]
    assert len(mine) == 1 and not [f for f in flags if f.record_id == other.id]
    flag = mine[0]
    assert {"turning_up", "following", "new_accounts"} <= set(flag.indicators.split(";"))
    assert any(e["text"] and e["text"] in MISRECORDED for e in flag.evidence)

    before = {
        row.reference for row in search.iter_crimes(session=session, actor=registrar, code="8Q")
    }
    assert crime.reference not in before

    with pytest.raises(Forbidden):
        service.confirm_flag(
            session=session, actor=investigator, flag_id=flag.id, reason="looks like stalking"
        )
    with pytest.raises(Invalid):
        service.confirm_flag(session=session, actor=registrar, flag_id=flag.id, reason="")
    service.confirm_flag(
        session=session,
        actor=registrar,
        flag_id=flag.id,
        reason="Course of conduct with s2A behaviours",
        as_principal=False,
    )
    assert flag.status == FlagStatus.CONFIRMED and flag.decided_by_name == registrar.username
    codes = {(cc.classification.code, cc.is_principal) for cc in crime.classifications}
    assert ("8Q", False) in codes and ("8L", True) in codes
    after = {
        row.reference for row in search.iter_crimes(session=session, actor=registrar, code="8Q")
    }
    assert crime.reference in after
    with pytest.raises(Conflict):
        service.dismiss_flag(
            session=session, actor=registrar, flag_id=flag.id, reason="changed mind"
        )


def test_dismiss_needs_a_reason_and_confirm_can_make_8q_principal(session, personas) -> None:
    investigator = personas[Role.INVESTIGATOR].actor
    supervisor = personas[Role.SUPERVISOR].actor
    a = make_crime(session, investigator, principal="8R", narrative=MISRECORDED)
    b = make_crime(session, investigator, principal="8R", narrative=MISRECORDED + " Again today.")
    for c in (a, b):
        service.enqueue(session, "crime", c.id)
    service.process_screening_queue(session=session, actor=service.SCREENING_ACTOR)
    flags, _ = service.list_flags(session=session, actor=supervisor)
    by_record = {f.record_id: f for f in flags}
    with pytest.raises(Invalid):
        service.dismiss_flag(
            session=session, actor=supervisor, flag_id=by_record[a.id].id, reason=""
        )
    service.dismiss_flag(
        session=session,
        actor=supervisor,
        flag_id=by_record[a.id].id,
        reason="Business dispute only",
    )
    assert by_record[a.id].status == FlagStatus.DISMISSED
    service.confirm_flag(
        session=session,
        actor=supervisor,
        flag_id=by_record[b.id].id,
        reason="Stalking",
        as_principal=True,
    )
    codes = {(cc.classification.code, cc.is_principal) for cc in b.classifications}
    assert codes == {("8Q", True), ("8R", False)}


def test_new_crimes_and_incidents_are_queued_not_screened_inline(session, personas) -> None:
    from tests.factories import make_incident

    actor = personas[Role.CALL_HANDLER].actor
    crime = make_crime(session, actor, narrative=MISRECORDED)
    incident = make_incident(session, actor)
    queued = {
        (q.record_type.value, q.record_id)
        for q in session.scalars(
            select(ScreeningQueueItem).where(ScreeningQueueItem.processed_at.is_(None))
        )
    }
    assert {("crime", crime.id), ("incident", incident.id)} <= queued
    flags, _ = service.list_flags(session=session, actor=personas[Role.REGISTRAR].actor)
    assert all(f.record_id != crime.id for f in flags)


@pytest.mark.parametrize(
    ("principal", "included", "flagged"),
    [
        ("8L", (), True),  # harassment reading like stalking: hidden stalking
        ("8R", ("8L",), True),
        ("8Q", (), False),  # already stalking as principal
        ("58A", ("8Q",), False),  # already stalking as an included classification
    ],
)
def test_records_already_holding_stalking_are_screened_but_not_flagged(
    session, personas, principal, included, flagged
) -> None:
    investigator = personas[Role.INVESTIGATOR].actor
    registrar = personas[Role.REGISTRAR].actor
    incident = make_incident(session, investigator, narrative=MISRECORDED)
    crime = make_crime(
        session,
        investigator,
        principal=principal,
        included=included,
        narrative=MISRECORDED,
        incident_id=incident.id,
    )
    service.process_screening_queue(session=session, actor=service.SCREENING_ACTOR, limit=100)
    flags, _ = service.list_flags(session=session, actor=registrar, status=FlagStatus.OPEN)
    flagged_records = {(f.record_type.value, f.record_id) for f in flags}
    # The incident goes with its crime: not flagged once the crime records stalking.
    assert (("crime", crime.id) in flagged_records) is flagged
    assert (("incident", incident.id) in flagged_records) is flagged
    assert service.waiting(session) == 0


def test_enqueue_all_queues_every_record_once_for_a_reason(session, personas) -> None:
    investigator = personas[Role.INVESTIGATOR].actor
    crime = make_crime(session, investigator, narrative=MISRECORDED)
    incident = make_incident(session, investigator)
    queued = service.enqueue_all(session, reason="demo")
    assert queued >= 2
    rows = {
        (i.record_type, i.record_id)
        for i in session.scalars(
            select(ScreeningQueueItem).where(ScreeningQueueItem.reason == "demo")
        )
    }
    assert (QueuedRecordType.CRIME, crime.id) in rows
    assert (QueuedRecordType.INCIDENT, incident.id) in rows
    assert service.enqueue_all(session, reason="demo") == 0  # nothing queued twice
    assert service.waiting(session) >= queued
    service.process_screening_queue(session=session, actor=service.SCREENING_ACTOR, limit=10_000)
    assert service.waiting(session) == 0
