"""Course-of-conduct flags from the database's records (screening/series.py), both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.screening import series
from patternwatch.screening.enums import FlagMethod
from patternwatch.screening.models import ScreeningFlag
from tests.factories import link, make_crime, make_incident, make_person

NARRATIVE = "Ex-partner keeps messaging her and turned up outside her work again; she blocked him."


def _series(session, actor, codes: list[tuple[str, tuple[str, ...]]], *, suspect_forename: str):
    """Crimes between one victim and one suspect on consecutive weeks, recorded as given; the
    suspect's name is spelt differently on the last record (a duplicate person record)."""
    victim = make_person(
        session, actor, forename="Dana", surname="Okafor", date_of_birth=date(1990, 4, 2)
    )
    born = date(1987, 9, 12)
    suspect = make_person(
        session, actor, forename=suspect_forename, surname="Brennan", date_of_birth=born
    )
    duplicate = make_person(
        session, actor, forename=suspect_forename, surname="Brenan", date_of_birth=born
    )
    crimes = []
    for n, (principal, included) in enumerate(codes):
        crime = make_crime(
            session,
            actor,
            principal=principal,
            included=included,
            narrative=NARRATIVE,
            reported_at=datetime(2025, 3, 1 + 7 * n, 10, 0, tzinfo=UTC),
        )
        link(session, actor, victim, role="victim", crime=crime)
        who = duplicate if n == len(codes) - 1 else suspect
        link(session, actor, who, role="suspect", crime=crime, relationship="ex_partner")
        crimes.append(crime)
    return crimes


@pytest.mark.parametrize(
    ("codes", "flagged"),
    [
        ([("8L", ()), ("8R", ()), ("8L", ())], True),  # harassment-type series: hidden stalking
        ([("8L", ()), ("58A", ("8Q",)), ("8L", ())], False),  # already holds stalking
        ([("8L", ())], False),  # one occasion is not a course of conduct
    ],
)
def test_hidden_stalking_series_is_flagged_once_on_its_latest_record(
    session, personas, codes, flagged
) -> None:
    investigator = personas[Role.INVESTIGATOR].actor
    crimes = _series(session, investigator, codes, suspect_forename="Kieran")
    # An unrelated incident with no suspect is not part of anything.
    make_incident(session, investigator, narrative=NARRATIVE)

    summary = series.flag_series(session=session, actor=personas[Role.REGISTRAR].actor)
    flags = list(
        session.scalars(select(ScreeningFlag).where(ScreeningFlag.method == FlagMethod.SERIES))
    )
    mine = [f for f in flags if f.record_id in {c.id for c in crimes}]
    if not flagged:
        assert mine == []
        return
    assert summary.flagged >= 1
    (flag,) = mine
    assert flag.record_id == crimes[-1].id
    assert flag.indicators == f"{series.COURSE_OF_CONDUCT};{series.SERIES_RECORD}"
    listed = [e["text"] for e in flag.evidence if e["indicator"] == series.SERIES_RECORD]
    assert [t.split(",")[0] for t in listed] == [f"crime {c.reference}" for c in crimes]
    assert any("occasions" in e["text"] for e in flag.evidence)

    again = series.flag_series(session=session, actor=personas[Role.REGISTRAR].actor)
    assert again.flagged == 0  # idempotent
