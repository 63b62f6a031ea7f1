"""Crime service rules: classifications, dates, officer in charge, restriction, scope, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from patternwatch.access.actor import Actor
from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes import service
from patternwatch.crimes.models import Crime, CrimeAccess, CrimeClassification
from patternwatch.errors import Conflict, Forbidden, Invalid, NotFound
from patternwatch.reference import service as reference_service
from patternwatch.reference.models import Classification
from tests.conftest import Persona
from tests.factories import make_crime, make_incident

REPORTED = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def _max_seq(session: Session) -> int:
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def _events_after(session: Session, seq: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    )


def _one_event_after(session: Session, seq: int) -> AuditEvent:
    events = _events_after(session, seq)
    assert len(events) == 1, [(e.action, e.summary) for e in events]
    return events[0]


def _crime_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "SVC/000001",
        "reported_at": REPORTED,
        "classifications": [{"code": "8L", "principal": True}],
        "narrative": "Repeated unwanted contact.",
    }
    data.update(overrides)
    return data


def _update_data(crime: Crime, **changes: Any) -> dict[str, Any]:
    """The crime's current details as an update, with some changed."""
    data: dict[str, Any] = {
        name: getattr(crime, name)
        for name in (
            "reported_at",
            "recorded_at",
            "offence_from",
            "offence_to",
            "location_text",
            "latitude",
            "longitude",
            "lsoa_code",
            "district",
            "is_online",
            "status",
            "narrative",
            "officer_in_charge_id",
            "incident_id",
            "is_restricted",
        )
    }
    data["online_methods"] = [m.method for m in crime.online_methods]
    data.update(changes)
    return data


def _codes(crime: Crime) -> tuple[str | None, list[str]]:
    principal = crime.principal
    return (
        principal.classification.code if principal else None,
        [c.classification.code for c in crime.included],
    )


@pytest.fixture()
def inv(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.INVESTIGATOR)


@pytest.fixture()
def sup(actor_of) -> Actor:  # type: ignore[no-untyped-def]
    return actor_of(Role.SUPERVISOR)


# ---- create ------------------------------------------------------------------------------


def test_create_records_principal_included_history_and_audit(session: Session, inv: Actor) -> None:
    seq = _max_seq(session)
    crime = service.create_crime(
        session=session,
        actor=inv,
        data=_crime_data(
            classifications=[
                {"code": "8q", "principal": False},
                {"code": "8L", "principal": True},
                {"code": "8R", "principal": False},
            ]
        ),
    )
    assert _codes(crime) == ("8L", ["8Q", "8R"])
    assert crime.created_by_id == inv.user_id
    assert crime.recorded_at is not None  # defaults to now
    history = service.classification_history(session=session, actor=inv, crime_id=crime.id)
    assert [(h.principal_before, h.principal_after, h.included_after) for h in history] == [
        (None, "8L", "8Q 8R")
    ]
    assert history[0].reason == "Initial classification"
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.CRIME_CREATE.value,
        "crime",
        crime.id,
    )
    assert event.actor_name == inv.username
    assert event.changes == {"reference": "SVC/000001", "principal": "8L", "included": "8Q 8R"}


def test_create_without_reference_generates_one(session: Session, inv: Actor) -> None:
    crime = service.create_crime(session=session, actor=inv, data=_crime_data(reference=None))
    assert crime.reference == f"CR/25/{crime.id:07d}"


def test_naive_times_are_london_wall_clock(session: Session, inv: Actor) -> None:
    crime = service.create_crime(
        session=session, actor=inv, data=_crime_data(reported_at=datetime(2025, 7, 1, 9, 0))
    )
    assert crime.reported_at == datetime(2025, 7, 1, 8, 0, tzinfo=UTC)  # BST is UTC+1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"classifications": [{"code": "8L", "principal": False}]}, "principal"),
        (
            {
                "classifications": [
                    {"code": "8L", "principal": True},
                    {"code": "8Q", "principal": True},
                ]
            },
            "principal",
        ),
        ({"classifications": []}, "classifications"),
        ({"classifications": [{"code": "ZZ9", "principal": True}]}, "ZZ9"),
        (
            {
                "classifications": [
                    {"code": "8L", "principal": True},
                    {"code": "QQ1", "principal": False},
                    {"code": "QQ2", "principal": False},
                ]
            },
            "QQ1, QQ2",
        ),
        (
            {
                "classifications": [
                    {"code": "8L", "principal": True},
                    {"code": "8l", "principal": False},
                ]
            },
            "8L is listed twice",
        ),
        (
            {
                "offence_from": datetime(2025, 2, 10, tzinfo=UTC),
                "offence_to": datetime(2025, 2, 1, tzinfo=UTC),
            },
            "offence period ends before it starts",
        ),
        ({"offence_from": datetime(2025, 3, 2, tzinfo=UTC)}, "starts after"),
        ({"recorded_at": datetime(2025, 3, 1, 9, 59, tzinfo=UTC)}, "recorded before"),
        ({"online_methods": ["messaging"]}, "not flagged online"),
        ({"online_methods": ["carrier_pigeon"], "is_online": True}, "online_methods"),
        ({"latitude": 51.75}, "latitude and longitude"),
        ({"lsoa_code": "X01234567"}, "lsoa_code"),
        ({"reference": "a"}, "reference"),
        ({"incident_id": 999_999_999}, "Incident 999999999"),
        ({"officer_in_charge_id": 999_999_999}, "officer in charge"),
        ({"is_restricted": True}, "supervisor"),
    ],
)
def test_create_rejects(
    session: Session, inv: Actor, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        service.create_crime(session=session, actor=inv, data=_crime_data(**overrides))
    assert message in caught.value.message
    assert session.scalar(select(Crime.id).where(Crime.reference == "SVC/000001")) is None


@pytest.mark.parametrize(
    ("oic_role", "allowed"),
    [(role, role in (Role.INVESTIGATOR, Role.SUPERVISOR)) for role in Role],
    ids=[role.value for role in Role],
)
def test_officer_in_charge_must_be_investigator_or_supervisor(
    session: Session, inv: Actor, personas: dict[Role, Persona], oic_role: Role, allowed: bool
) -> None:
    data = _crime_data(officer_in_charge_id=personas[oic_role].user_id)
    if allowed:
        crime = service.create_crime(session=session, actor=inv, data=data)
        assert crime.officer_in_charge_id == personas[oic_role].user_id
    else:
        with pytest.raises(Invalid, match="officer in charge"):
            service.create_crime(session=session, actor=inv, data=data)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_create_needs_crime_create(session: Session, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(role)
    if can(role, Action.CRIME_CREATE):
        assert service.create_crime(session=session, actor=actor, data=_crime_data()).id
    else:
        with pytest.raises(Forbidden):
            service.create_crime(session=session, actor=actor, data=_crime_data())


def test_create_duplicate_reference_is_conflict(session: Session, inv: Actor) -> None:
    service.create_crime(session=session, actor=inv, data=_crime_data())
    with pytest.raises(Conflict, match="SVC/000001"):
        service.create_crime(session=session, actor=inv, data=_crime_data())


def test_online_crime_keeps_its_methods(session: Session, inv: Actor) -> None:
    crime = service.create_crime(
        session=session,
        actor=inv,
        data=_crime_data(is_online=True, online_methods=["social_media", "messaging", "messaging"]),
    )
    assert sorted(m.method.value for m in crime.online_methods) == ["messaging", "social_media"]


def test_create_linked_to_an_incident(session: Session, inv: Actor) -> None:
    incident = make_incident(session, inv)
    crime = service.create_crime(
        session=session, actor=inv, data=_crime_data(incident_id=incident.id)
    )
    assert crime.incident_id == incident.id


def test_supervisor_restricts_at_creation_naming_self_and_oic(
    session: Session, sup: Actor, personas: dict[Role, Persona]
) -> None:
    oic = personas[Role.INVESTIGATOR]
    crime = service.create_crime(
        session=session,
        actor=sup,
        data=_crime_data(is_restricted=True, officer_in_charge_id=oic.user_id),
    )
    assert crime.is_restricted
    named = service.named_users(session=session, actor=sup, crime_id=crime.id)
    assert {u.username for u in named} == {sup.username, oic.username}


# ---- the database's own invariants ------------------------------------------------------


def _classification_id(session: Session, code: str) -> int:
    return session.scalars(select(Classification.id).where(Classification.code == code)).one()


def test_database_rejects_a_second_principal(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv, principal="8L")
    # An included classification is fine...
    with session.begin_nested():
        session.execute(
            insert(CrimeClassification).values(
                crime_id=crime.id,
                classification_id=_classification_id(session, "8R"),
                is_principal=False,
                added_at=REPORTED,
            )
        )
    # ...but a second principal, bypassing the service, breaks the partial unique index.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            insert(CrimeClassification).values(
                crime_id=crime.id,
                classification_id=_classification_id(session, "8Q"),
                is_principal=True,
                added_at=REPORTED,
            )
        )


def test_database_rejects_the_same_code_twice(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv, principal="8L")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            insert(CrimeClassification).values(
                crime_id=crime.id,
                classification_id=_classification_id(session, "8L"),
                is_principal=False,
                added_at=REPORTED,
            )
        )


def test_database_rejects_an_offence_period_out_of_order(session: Session) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            insert(Crime).values(
                reference="RAW/1",
                reported_at=REPORTED,
                offence_from=datetime(2025, 2, 10, tzinfo=UTC),
                offence_to=datetime(2025, 2, 1, tzinfo=UTC),
                is_online=False,
                status="recorded",
                is_restricted=False,
                narrative="",
                created_at=REPORTED,
                updated_at=REPORTED,
            )
        )


# ---- update ------------------------------------------------------------------------------


def test_update_changes_details_and_audits_them(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv)
    seq = _max_seq(session)
    updated = service.update_crime(
        session=session,
        actor=inv,
        crime_id=crime.id,
        data=_update_data(
            crime,
            location_text="High Street, Watford",
            narrative="New narrative",
            is_online=True,
            online_methods=["email"],
        ),
    )
    assert updated.location_text == "High Street, Watford"
    assert [m.method.value for m in updated.online_methods] == ["email"]
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.CRIME_EDIT.value, crime.id)
    assert set(event.changes or {}) == {"location_text", "narrative", "is_online", "online_methods"}
    # The narrative itself is not copied into the audit trail.
    assert event.changes["narrative"] == {"changed": True}


def test_update_without_changes_writes_nothing(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv)
    seq = _max_seq(session)
    service.update_crime(session=session, actor=inv, crime_id=crime.id, data=_update_data(crime))
    assert _events_after(session, seq) == []


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"recorded_at": datetime(2025, 2, 1, tzinfo=UTC)}, Invalid, "recorded before"),
        (
            {
                "offence_from": datetime(2025, 2, 10, tzinfo=UTC),
                "offence_to": datetime(2025, 2, 1, tzinfo=UTC),
            },
            Invalid,
            "offence period",
        ),
        ({"offence_from": datetime(2025, 3, 2, tzinfo=UTC)}, Invalid, "starts after"),
        ({"online_methods": ["email"], "is_online": False}, Invalid, "not flagged online"),
        ({"officer_in_charge_id": "analyst"}, Invalid, "officer in charge"),
        ({"incident_id": 999_999_999}, Invalid, "Incident"),
        ({"is_restricted": True}, Forbidden, "crime.restrict"),
    ],
)
def test_update_rejects(
    session: Session,
    inv: Actor,
    personas: dict[Role, Persona],
    changes: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    crime = make_crime(session, inv)
    if changes.get("officer_in_charge_id") == "analyst":
        changes = {**changes, "officer_in_charge_id": personas[Role.ANALYST].user_id}
    with pytest.raises(error, match=message):
        service.update_crime(
            session=session, actor=inv, crime_id=crime.id, data=_update_data(crime, **changes)
        )


def test_update_needs_crime_edit(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, inv)
    with pytest.raises(Forbidden):
        service.update_crime(
            session=session,
            actor=actor_of(Role.REGISTRAR),
            crime_id=crime.id,
            data=_update_data(crime, narrative="x"),
        )


def test_supervisor_restricts_by_update_naming_creator_and_oic(
    session: Session, inv: Actor, sup: Actor, personas: dict[Role, Persona]
) -> None:
    crime = make_crime(session, inv, officer_in_charge_id=personas[Role.SUPERVISOR].user_id)
    service.update_crime(
        session=session, actor=sup, crime_id=crime.id, data=_update_data(crime, is_restricted=True)
    )
    named = {u.username for u in service.named_users(session=session, actor=sup, crime_id=crime.id)}
    assert named == {inv.username, sup.username}


# ---- reclassification --------------------------------------------------------------------


def test_reclassify_keeps_history_with_who_when_why_before_after(
    session: Session, inv: Actor, actor_of
) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, inv, principal="8L", included=("8R",))
    registrar = actor_of(Role.REGISTRAR)
    seq = _max_seq(session)
    before = datetime.now(UTC)
    # Swap principal and included and drop 8R: the index must never see two principals.
    service.reclassify_crime(
        session=session,
        actor=registrar,
        crime_id=crime.id,
        data={
            "classifications": [
                {"code": "8Q", "principal": True},
                {"code": "8L", "principal": False},
            ],
            "reason": "Fixation and repeated following: stalking (HOCR)",
        },
    )
    crime = service.get_crime_for_actor(
        session=session, actor=inv, crime_id=crime.id, audit_read=False
    )
    assert _codes(crime) == ("8Q", ["8L"])
    history = service.classification_history(session=session, actor=inv, crime_id=crime.id)
    assert len(history) == 2
    change = history[-1]
    assert change.changed_by_id == registrar.user_id
    assert change.changed_by_name == registrar.username
    assert change.changed_at >= before
    assert change.reason == "Fixation and repeated following: stalking (HOCR)"
    assert (change.principal_before, change.included_before) == ("8L", "8R")
    assert (change.principal_after, change.included_after) == ("8Q", "8L")
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.CRIME_RECLASSIFY.value,
        "crime",
        crime.id,
    )
    assert event.changes["principal"] == {"from": "8L", "to": "8Q"}
    assert event.changes["included"] == {"from": "8R", "to": "8L"}


def test_reclassify_can_promote_an_included_code_twice_in_a_row(
    session: Session, inv: Actor
) -> None:
    crime = make_crime(session, inv, principal="8L", included=("8Q",))
    for principal, included in (("8Q", "8L"), ("8L", "8Q")):
        service.reclassify_crime(
            session=session,
            actor=inv,
            crime_id=crime.id,
            data={
                "classifications": [
                    {"code": principal, "principal": True},
                    {"code": included, "principal": False},
                ],
                "reason": "Back and forth on review",
            },
        )
    crime = service.get_crime_for_actor(
        session=session, actor=inv, crime_id=crime.id, audit_read=False
    )
    assert _codes(crime) == ("8L", ["8Q"])
    assert len(service.classification_history(session=session, actor=inv, crime_id=crime.id)) == 3


@pytest.mark.parametrize(
    ("classifications", "reason", "message"),
    [
        (
            [{"code": "8L", "principal": True}, {"code": "8Q", "principal": False}],
            "No change at all",
            "already",
        ),
        (
            [{"code": "8Q", "principal": False}, {"code": "8L", "principal": True}],
            "Same set, other order",
            "already",
        ),
        ([{"code": "ZZ9", "principal": True}], "Unknown code given", "ZZ9"),
        ([{"code": "8L", "principal": False}], "Nobody is principal", "principal"),
        (
            [{"code": "8L", "principal": True}, {"code": "8Q", "principal": True}],
            "Two principals given",
            "principal",
        ),
        ([{"code": "8Q", "principal": True}], "no", "reason"),
    ],
    ids=["no-op", "no-op-reordered", "unknown", "no-principal", "two-principals", "short-reason"],
)
def test_reclassify_rejects(
    session: Session,
    inv: Actor,
    classifications: list[dict[str, Any]],
    reason: str,
    message: str,
) -> None:
    crime = make_crime(session, inv, principal="8L", included=("8Q",))
    seq = _max_seq(session)
    with pytest.raises(Invalid, match=message):
        service.reclassify_crime(
            session=session,
            actor=inv,
            crime_id=crime.id,
            data={"classifications": classifications, "reason": reason},
        )
    assert _events_after(session, seq) == []


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_reclassify_needs_crime_reclassify(
    session: Session, inv: Actor, actor_of, role: Role
) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, inv, principal="8L")
    data = {"classifications": [{"code": "8Q", "principal": True}], "reason": "Now stalking"}
    if can(role, Action.CRIME_RECLASSIFY):
        service.reclassify_crime(
            session=session, actor=actor_of(role), crime_id=crime.id, data=data
        )
    else:
        with pytest.raises(Forbidden):
            service.reclassify_crime(
                session=session, actor=actor_of(role), crime_id=crime.id, data=data
            )


# ---- scope, reads and restriction --------------------------------------------------------

# role -> (sees an unrestricted crime, sees a restricted crime it is not named on)
SCOPE = {
    Role.CALL_HANDLER: (True, False),
    Role.INVESTIGATOR: (True, False),
    Role.SUPERVISOR: (True, True),
    Role.REGISTRAR: (True, False),
    Role.ANALYST: (True, False),
    Role.VICTIM_CARE: (True, False),
    Role.PARTNER: (False, False),
    Role.ADMIN: (True, False),
}


def test_scope_table_covers_every_role() -> None:
    assert set(SCOPE) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_scope(session: Session, inv: Actor, sup: Actor, actor_of, role: Role) -> None:  # type: ignore[no-untyped-def]
    open_crime = make_crime(session, inv)
    # Restricted by a supervisor with no officer in charge: named are the supervisor only.
    closed = make_crime(session, sup, is_restricted=True)
    actor = actor_of(role)
    seen = set(
        session.scalars(
            service.scope(select(Crime.id).where(Crime.id.in_([open_crime.id, closed.id])), actor)
        )
    )
    sees_open, sees_restricted = SCOPE[role]
    assert (open_crime.id in seen) is sees_open
    assert (closed.id in seen) is sees_restricted
    ids = {open_crime.id, closed.id}
    assert service.visible_crime_ids(session=session, actor=actor, crime_ids=ids) == seen
    if not can(role, Action.CRIME_VIEW):
        with pytest.raises(Forbidden):
            service.search_crimes(session=session, actor=actor, filters={})
        with pytest.raises(Forbidden):
            service.get_crime_for_actor(session=session, actor=actor, crime_id=open_crime.id)
        return
    found = {c.id for c in service.search_crimes(session=session, actor=actor, filters={}).items}
    assert found & ids == seen
    if sees_restricted:
        assert service.get_crime_for_actor(session=session, actor=actor, crime_id=closed.id)
    else:
        with pytest.raises(NotFound):
            service.get_crime_for_actor(session=session, actor=actor, crime_id=closed.id)


def test_named_user_sees_a_restricted_crime(
    session: Session, sup: Actor, actor_of, personas: dict[Role, Persona]
) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(
        session, sup, is_restricted=True, officer_in_charge_id=personas[Role.INVESTIGATOR].user_id
    )
    assert service.get_crime_for_actor(
        session=session, actor=actor_of(Role.INVESTIGATOR), crime_id=crime.id
    )
    with pytest.raises(NotFound):
        service.get_crime_for_actor(
            session=session, actor=actor_of(Role.ANALYST), crime_id=crime.id
        )


def test_get_for_actor_audits_the_read(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv)
    seq = _max_seq(session)
    service.get_crime_for_actor(session=session, actor=inv, crime_id=crime.id)
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id, event.actor_id) == (
        Action.CRIME_VIEW.value,
        "crime",
        crime.id,
        inv.user_id,
    )
    seq = _max_seq(session)
    service.get_crime_for_actor(session=session, actor=inv, crime_id=crime.id, audit_read=False)
    assert _events_after(session, seq) == []


def test_get_unknown_crime_is_not_found(session: Session, inv: Actor) -> None:
    with pytest.raises(NotFound):
        service.get_crime_for_actor(session=session, actor=inv, crime_id=999_999_999)


def test_set_restriction_names_users_and_can_be_lifted(
    session: Session, inv: Actor, sup: Actor, actor_of
) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, inv)
    analyst = actor_of(Role.ANALYST)
    seq = _max_seq(session)
    service.set_restriction(
        session=session, actor=sup, crime_id=crime.id, restricted=True, usernames=[" Analyst "]
    )
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_id) == (Action.CRIME_RESTRICT.value, crime.id)
    assert event.changes == {"is_restricted": True, "named": ["analyst"]}
    names = {u.username for u in service.named_users(session=session, actor=sup, crime_id=crime.id)}
    assert names == {"analyst", sup.username}
    assert service.get_crime_for_actor(session=session, actor=analyst, crime_id=crime.id)
    with pytest.raises(NotFound):
        service.get_crime_for_actor(session=session, actor=inv, crime_id=crime.id)

    service.set_restriction(
        session=session, actor=sup, crime_id=crime.id, restricted=False, usernames=[]
    )
    assert service.get_crime_for_actor(session=session, actor=inv, crime_id=crime.id)
    assert session.scalars(select(CrimeAccess).where(CrimeAccess.crime_id == crime.id)).all() == []


def test_set_restriction_rules(session: Session, inv: Actor, sup: Actor) -> None:
    crime = make_crime(session, inv)
    with pytest.raises(Forbidden):
        service.set_restriction(
            session=session, actor=inv, crime_id=crime.id, restricted=True, usernames=[]
        )
    with pytest.raises(Invalid, match="nobody-here"):
        service.set_restriction(
            session=session,
            actor=sup,
            crime_id=crime.id,
            restricted=True,
            usernames=["nobody-here"],
        )


# ---- search ------------------------------------------------------------------------------


@pytest.fixture()
def corpus(session: Session, inv: Actor) -> None:
    make_crime(
        session,
        inv,
        reference="F/STALK",
        principal="8Q",
        reported_at=datetime(2025, 1, 10, 12, tzinfo=UTC),
        narrative="Followed to work daily",
    )
    make_crime(
        session,
        inv,
        reference="F/HARASS",
        principal="8L",
        included=("8Q", "8R"),
        reported_at=datetime(2025, 2, 10, 12, tzinfo=UTC),
        location_text="Market Place, St Albans",
    )
    make_crime(
        session,
        inv,
        reference="F/COMMS",
        principal="8R",
        reported_at=datetime(2025, 3, 10, 12, tzinfo=UTC),
        narrative="Sent 100% abusive messages",
        status="under_investigation",
    )


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["F/COMMS", "F/HARASS", "F/STALK"]),
        ({"classification": ["8Q"]}, ["F/HARASS", "F/STALK"]),
        ({"classification": ["8Q"], "principal_only": True}, ["F/STALK"]),
        ({"classification": ["8R"]}, ["F/COMMS", "F/HARASS"]),
        ({"classification": ["8R", "8Q"], "principal_only": True}, ["F/COMMS", "F/STALK"]),
        ({"classification": ["8r,8q"]}, ["F/COMMS", "F/HARASS", "F/STALK"]),
        ({"classification": ["8M"]}, []),
        ({"date_from": date(2025, 2, 10)}, ["F/COMMS", "F/HARASS"]),
        ({"date_to": date(2025, 2, 10)}, ["F/HARASS", "F/STALK"]),
        ({"date_from": date(2025, 2, 10), "date_to": date(2025, 2, 10)}, ["F/HARASS"]),
        ({"text": "FOLLOWED"}, ["F/STALK"]),
        ({"text": "st albans"}, ["F/HARASS"]),
        ({"text": "f/comms"}, ["F/COMMS"]),
        ({"text": "100%"}, ["F/COMMS"]),
        # Free text is word-based since issue 4 (a full-text index, not a substring scan):
        # punctuation alone is no word, and matches no reference prefix here.
        ({"text": "%"}, []),
        ({"text": "_"}, []),
        ({"status": "under_investigation"}, ["F/COMMS"]),
        ({"limit": 1}, ["F/COMMS"]),
        ({"limit": 2, "offset": 1}, ["F/HARASS", "F/STALK"]),
    ],
)
def test_search_facets(
    session: Session, inv: Actor, filters: dict[str, Any], expected: list[str]
) -> None:
    page = service.search_crimes(session=session, actor=inv, filters=filters)
    assert [c.reference for c in page.items if c.reference.startswith("F/")] == expected
    if "limit" not in filters:
        assert page.total == len(expected)
    else:
        assert page.total == 3


def test_search_is_audited_with_its_filters(session: Session, inv: Actor) -> None:
    seq = _max_seq(session)
    service.search_crimes(
        session=session, actor=inv, filters={"classification": ["8q"], "principal_only": True}
    )
    event = _one_event_after(session, seq)
    assert (event.action, event.entity_type, event.entity_id) == (
        Action.CRIME_SEARCH.value,
        "crime",
        None,
    )
    assert event.changes == {"classification": ["8Q"], "principal_only": True}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"classification": ["ZZ9"]}, "ZZ9"),
        ({"date_from": date(2025, 2, 2), "date_to": date(2025, 2, 1)}, "before"),
        ({"limit": 0}, "limit"),
    ],
)
def test_search_rejects(
    session: Session, inv: Actor, filters: dict[str, Any], message: str
) -> None:
    with pytest.raises(Invalid, match=message):
        service.search_crimes(session=session, actor=inv, filters=filters)


def test_search_finds_crimes_by_a_retired_code(session: Session, inv: Actor, actor_of) -> None:  # type: ignore[no-untyped-def]
    make_crime(session, inv, reference="F/RETIRED", principal="8M")
    reference_service.set_classification_active(
        session=session, actor=actor_of(Role.ADMIN), code="8M", active=False
    )
    page = service.search_crimes(session=session, actor=inv, filters={"classification": ["8M"]})
    assert [c.reference for c in page.items] == ["F/RETIRED"]


def test_to_read_lists_principal_first(session: Session, inv: Actor) -> None:
    crime = make_crime(session, inv, principal="8R", included=("8Q", "8L"))
    crime = service.get_crime_for_actor(
        session=session, actor=inv, crime_id=crime.id, audit_read=False
    )
    read = service.to_read(crime)
    assert read.principal == "8R"
    assert [(c.code, c.principal) for c in read.classifications] == [
        ("8R", True),
        ("8L", False),
        ("8Q", False),
    ]


def test_reclassify_may_keep_a_retired_code_already_on_the_crime(
    session: Session, inv: Actor, actor_of
) -> None:  # type: ignore[no-untyped-def]
    # Retired codes "stay on old crimes but cannot be chosen": changing the principal of an old
    # crime must not force dropping (and so misrecording) a retired included code...
    crime = make_crime(session, inv, principal="8L", included=("8M",))
    reference_service.set_classification_active(
        session=session, actor=actor_of(Role.ADMIN), code="8M", active=False
    )
    service.reclassify_crime(
        session=session,
        actor=inv,
        crime_id=crime.id,
        data={
            "classifications": [{"code": "8Q", "principal": True}, {"code": "8M"}],
            "reason": "Stalking; keep the old aggravated code",
        },
    )
    crime = service.get_crime_for_actor(
        session=session, actor=inv, crime_id=crime.id, audit_read=False
    )
    assert _codes(crime) == ("8Q", ["8M"])
    # ...but a retired code cannot be newly added.
    other = make_crime(session, inv, principal="8L")
    with pytest.raises(Invalid, match="8M"):
        service.reclassify_crime(
            session=session,
            actor=inv,
            crime_id=other.id,
            data={
                "classifications": [{"code": "8L", "principal": True}, {"code": "8M"}],
                "reason": "Trying to add a retired code",
            },
        )
