"""Generating into the database (SQLite and PostgreSQL): invariants, truth files, search, audit."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from patternwatch.access.actor import SYSTEM_ACTOR
from patternwatch.access.enums import Role
from patternwatch.access.models import User
from patternwatch.access.passwords import verify_password
from patternwatch.audit import service as audit_service
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.errors import Conflict, Invalid
from patternwatch.incidents.models import Incident
from patternwatch.people.models import Involvement, Person
from patternwatch.reference.models import Classification
from patternwatch.synth import search
from patternwatch.synth.service import AUDIT_ACTION, GenerationSummary, generate_force
from patternwatch.synth.writer import DISABLED_PASSWORD_HASH
from tests.factories import make_crime

N = 400


@pytest.fixture()
def generated(session: Session, tmp_path: Path, personas) -> GenerationSummary:  # type: ignore[no-untyped-def]
    return generate_force(
        session=session,
        crimes=N,
        seed=99,
        start=date(2023, 1, 1),
        end=date(2025, 12, 31),
        truth_dir=tmp_path / "truth",
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_counts_and_summary(session: Session, generated: GenerationSummary) -> None:
    assert generated.crimes == N == session.scalar(select(func.count(Crime.id)))
    assert generated.incidents == session.scalar(select(func.count(Incident.id)))
    assert generated.person_records == session.scalar(select(func.count(Person.id)))
    assert "Generated 400 crimes" in generated.line()


def test_one_principal_and_distinct_included(
    session: Session, generated: GenerationSummary
) -> None:
    principals = Counter(
        session.scalars(
            select(CrimeClassification.crime_id).where(CrimeClassification.is_principal.is_(True))
        )
    )
    crime_ids = set(session.scalars(select(Crime.id)))
    assert set(principals) == crime_ids
    assert set(principals.values()) == {1}
    pairs = session.execute(
        select(CrimeClassification.crime_id, CrimeClassification.classification_id)
    ).all()
    assert len(pairs) == len(set(pairs))


def test_dates_in_order(session: Session, generated: GenerationSummary) -> None:
    for crime in session.scalars(select(Crime)):
        assert crime.reported_at <= crime.recorded_at
        if crime.offence_from and crime.offence_to:
            assert crime.offence_from <= crime.offence_to <= crime.reported_at
        if crime.outcome_at:
            assert crime.outcome_at >= crime.recorded_at
        assert crime.created_at == crime.recorded_at
        assert crime.updated_at >= crime.created_at


def test_initial_classification_row_per_crime(
    session: Session, generated: GenerationSummary
) -> None:
    initial = Counter(
        session.scalars(
            select(ClassificationChange.crime_id).where(
                ClassificationChange.reason == "Initial classification"
            )
        )
    )
    assert set(initial.values()) == {1}
    assert len(initial) == N
    # Reclassifications by the registrar end where the crime's classifications are now.
    later = session.scalars(
        select(ClassificationChange).where(ClassificationChange.reason != "Initial classification")
    ).all()
    for change in later:
        crime = crimes_service.get_crime_for_actor(
            session=session, actor=SYSTEM_ACTOR, crime_id=change.crime_id, audit_read=False
        )
        assert crime.principal.classification.code == change.principal_after
        assert session.get(User, change.changed_by_id).role is Role.REGISTRAR


def test_involvements_point_at_people_and_records(
    session: Session, generated: GenerationSummary
) -> None:
    rows = session.execute(
        select(Involvement.person_id, Involvement.crime_id, Involvement.incident_id)
    ).all()
    people = set(session.scalars(select(Person.id)))
    crimes = set(session.scalars(select(Crime.id)))
    incidents = set(session.scalars(select(Incident.id)))
    assert rows
    for person_id, crime_id, incident_id in rows:
        assert person_id in people
        assert crime_id is not None or incident_id is not None
        assert crime_id is None or crime_id in crimes
        assert incident_id is None or incident_id in incidents
    # Every crime with a victim has exactly one victim (one crime per victim).
    victims = Counter(
        session.scalars(
            select(Involvement.crime_id).where(
                Involvement.role == "victim", Involvement.crime_id.is_not(None)
            )
        )
    )
    assert set(victims.values()) == {1}


def test_officers_in_charge_are_active_investigators_who_cannot_log_in(
    session: Session, generated: GenerationSummary
) -> None:
    oics = session.scalars(
        select(User).where(User.id.in_(select(Crime.officer_in_charge_id)))
    ).all()
    assert oics
    for user in oics:
        assert user.is_active and user.role in crimes_service.OIC_ROLES
        assert user.username.startswith(("pc.", "ds."))
        assert user.password_hash == DISABLED_PASSWORD_HASH
        assert not verify_password(user.password_hash, "")
        assert not verify_password(user.password_hash, DISABLED_PASSWORD_HASH)


def test_truth_files_match_the_database(
    session: Session, generated: GenerationSummary, tmp_path: Path
) -> None:
    truth = tmp_path / "truth"
    crimes = _read(truth / "truth_crimes.csv")
    by_ref = dict(session.execute(select(Crime.reference, Crime.id)).all())
    assert len(crimes) == N
    assert len({r["reference"] for r in crimes}) == N
    for row in crimes:
        assert by_ref[row["reference"]] == int(row["crime_id"])
    incidents = _read(truth / "truth_incidents.csv")
    inc_refs = dict(session.execute(select(Incident.reference, Incident.id)).all())
    assert len(incidents) == len(inc_refs)
    assert all(inc_refs[r["reference"]] == int(r["incident_id"]) for r in incidents)
    people = _read(truth / "truth_people.csv")
    assert {int(r["person_id"]) for r in people} == set(session.scalars(select(Person.id)))
    series = {r["series_id"]: r for r in _read(truth / "truth_series.csv")}
    for row in crimes:
        assert row["series_id"] == "" or row["series_id"] in series
    # Recorded classifications in the truth file are the database's.
    codes = {
        (crime_id, code, principal)
        for crime_id, code, principal in session.execute(
            select(
                CrimeClassification.crime_id, Classification.code, CrimeClassification.is_principal
            ).join(Classification)
        )
    }
    for row in crimes:
        cid = int(row["crime_id"])
        assert (cid, row["recorded_principal"], True) in codes
        for code in row["recorded_included"].split():
            assert (cid, code, False) in codes
    facts = _read(truth / "safeguarding_facts.csv")
    assert {f["fact"] for f in facts} >= {"risk_screening", "spo", "needs_assessment"}
    victims = {int(f["victim_person_id"]) for f in facts if f["victim_person_id"]}
    assert victims <= set(session.scalars(select(Person.id)))


def test_search_streams_by_reference(session: Session, generated: GenerationSummary) -> None:
    rows = list(search.iter_crimes(session=session, actor=SYSTEM_ACTOR, code="8q", page_size=7))
    refs = [r.reference for r in rows]
    assert refs == sorted(refs) and len(refs) == len(set(refs))
    principal_only = list(
        search.iter_crimes(session=session, actor=SYSTEM_ACTOR, code="8Q", principal_only=True)
    )
    assert all(r.principal == "8Q" for r in principal_only)
    included_only = [r for r in rows if r.principal != "8Q"]
    assert included_only and all("8Q" in r.included.split() for r in included_only)
    assert len(rows) == len(principal_only) + len(included_only)
    expected = session.scalar(
        select(func.count(func.distinct(CrimeClassification.crime_id)))
        .join(Classification)
        .where(Classification.code == "8Q")
    )
    assert len(rows) == expected
    dated = list(
        search.iter_crimes(
            session=session,
            actor=SYSTEM_ACTOR,
            code="8Q",
            date_from=date(2024, 1, 1),
            date_to=date(2024, 12, 31),
        )
    )
    assert dated and all(r.reported_at[:4] in ("2023", "2024") for r in dated)
    assert len(dated) < len(rows)


def test_search_refuses_unknown_code(session: Session) -> None:
    with pytest.raises(Invalid, match="Unknown classification code"):
        list(search.iter_crimes(session=session, actor=SYSTEM_ACTOR, code="ZZ9"))


def test_one_audit_event_records_the_run(session: Session, generated: GenerationSummary) -> None:
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == AUDIT_ACTION)).all()
    assert len(events) == 1
    assert events[0].changes["seed"] == 99
    assert events[0].changes["rows"]["crime"] == N
    assert audit_service.verify(session=session).ok


def test_refuses_a_database_that_holds_crimes(session: Session, personas) -> None:  # type: ignore[no-untyped-def]
    make_crime(session, personas[Role.INVESTIGATOR].actor)
    with pytest.raises(Conflict, match="empty database"):
        generate_force(session=session, crimes=10, seed=1)


def test_ids_continue_after_generation(
    session: Session,
    generated: GenerationSummary,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    # On PostgreSQL the sequences were moved past the ids the writer chose.
    crime = make_crime(session, personas[Role.INVESTIGATOR].actor)
    assert crime.id > N


@pytest.mark.parametrize("crimes", [0, -1])
def test_bad_arguments(session: Session, crimes: int) -> None:
    with pytest.raises(Invalid):
        generate_force(session=session, crimes=crimes, seed=1)
    with pytest.raises(Invalid, match="before the start"):
        generate_force(
            session=session, crimes=5, seed=1, start=date(2024, 2, 1), end=date(2024, 1, 1)
        )
