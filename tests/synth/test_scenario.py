"""The pure scenario: determinism, prefix stability, windows and record invariants (no database)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest

from patternwatch.synth import calibration as cal
from patternwatch.synth.model import Case
from patternwatch.synth.scenario import ScenarioConfig, default_window, generate

START, END = date(2023, 1, 1), date(2025, 12, 31)


def _cases(crimes: int, seed: int, start: date = START, end: date = END) -> list[Case]:
    return list(generate(ScenarioConfig(crimes=crimes, seed=seed, start=start, end=end)))


def _digest(cases: list[Case]) -> str:
    h = hashlib.sha256()
    for case in cases:
        h.update(repr(case).encode())
    return h.hexdigest()


def test_same_seed_same_cases_and_different_seed_differs() -> None:
    a, b, c = _cases(400, 11), _cases(400, 11), _cases(400, 12)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)
    assert sum(len(k.crimes) for k in a) == 400


def test_a_larger_run_extends_a_smaller_one() -> None:
    small, large = _cases(300, 5), _cases(900, 5)
    # Every case but the last (cut short at N) is the same in the larger run.
    assert [repr(k) for k in small[:-1]] == [repr(k) for k in large[: len(small) - 1]]


def test_independent_of_hash_seed() -> None:
    code = (
        "import hashlib; from datetime import date;"
        "from patternwatch.synth.scenario import ScenarioConfig, generate;"
        "h = hashlib.sha256();"
        "[h.update(repr(c).encode()) for c in generate("
        "ScenarioConfig(crimes=150, seed=3, start=date(2023,1,1), end=date(2025,12,31)))];"
        "print(h.hexdigest())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("0", "1", "random")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, (date(2023, 1, 1), cal.DEFAULT_END)),
        (date(2020, 3, 1), None, (date(2020, 3, 1), date(2023, 2, 28))),
        (None, date(2024, 6, 30), (date(2021, 7, 1), date(2024, 6, 30))),
        (date(2024, 1, 1), date(2024, 3, 31), (date(2024, 1, 1), date(2024, 3, 31))),
        (None, date(2024, 2, 29), (date(2021, 3, 1), date(2024, 2, 29))),
    ],
)
def test_default_window(start: date | None, end: date | None, expected: tuple[date, date]) -> None:
    assert default_window(start, end) == expected


@pytest.mark.parametrize(
    ("crimes", "start", "end"),
    [(0, START, END), (-5, START, END), (10, date(2024, 1, 2), date(2024, 1, 1))],
)
def test_bad_config_is_refused(crimes: int, start: date, end: date) -> None:
    with pytest.raises(ValueError):
        ScenarioConfig(crimes=crimes, seed=1, start=start, end=end)


def test_record_invariants() -> None:
    cases = _cases(1500, 21)
    window_start = START - timedelta(days=1)
    window_end = END + timedelta(days=1)
    people: set[int] = set()
    staff_roles: dict[int, str] = {}
    incidents: set[int] = set()
    crime_refs: set[str] = set()
    incident_refs: set[str] = set()
    for case in cases:
        staff_roles |= {s.key: s.role for s in case.staff}
        people |= {p.key for p in case.people}
        for incident in case.incidents:
            assert incident.reference not in incident_refs
            incident_refs.add(incident.reference)
            incidents.add(incident.key)
            assert window_start <= incident.received_at.date() <= window_end
            assert incident.narrative
            assert staff_roles[incident.created_by] == "call_handler"
        crime_keys = {c.key for c in case.crimes}
        for crime in case.crimes:
            assert crime.reference not in crime_refs
            crime_refs.add(crime.reference)
            assert crime.principal not in crime.included
            assert len(set(crime.included)) == len(crime.included)
            assert list(crime.included) == sorted(crime.included)
            assert crime.reported_at <= crime.recorded_at
            assert window_start <= crime.reported_at.date() <= window_end
            if crime.offence_from and crime.offence_to:
                assert crime.offence_from <= crime.offence_to <= crime.reported_at
            assert crime.changes[0].reason == "Initial classification"
            assert crime.changes[0].principal_before is None
            assert crime.changes[-1].principal_after == crime.principal
            assert tuple(crime.changes[-1].included_after) == crime.included
            assert staff_roles[crime.oic] in ("investigator", "supervisor")
            for change in crime.changes[1:]:
                assert staff_roles[change.by] == "registrar"
                assert change.changed_at > crime.recorded_at
            if crime.online_methods:
                assert crime.is_online
            if crime.outcome:
                assert crime.status == "finalised" and crime.outcome_at >= crime.recorded_at
            if crime.incident_key:
                assert crime.incident_key in incidents
        for inv in case.involvements:
            assert inv.person_key in people
            assert inv.crime_key is not None or inv.incident_key is not None
            assert inv.crime_key is None or inv.crime_key in crime_keys
            assert inv.relationship is None or inv.role == "suspect"
    assert len(crime_refs) == 1500


def test_references_sort_by_recording_day() -> None:
    crimes = [c for case in _cases(500, 8) for c in case.crimes]
    by_ref = sorted(crimes, key=lambda c: c.reference)
    days = [c.reference.split("/")[1] for c in by_ref]
    assert days == sorted(days)
    assert all(len(c.reference) == len("CR/250101/00001") for c in crimes)
