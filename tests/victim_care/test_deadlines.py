"""Working days and Victims' Code due dates, table-driven, with the bank holidays held as data."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from patternwatch.victim_care import deadlines

DATA = Path(deadlines.__file__).resolve().parent.parent / "migrations" / "data"
with (DATA / "bank_holidays_england_wales.csv").open(encoding="utf-8") as handle:
    HOLIDAYS = {date.fromisoformat(row["day"]) for row in csv.DictReader(handle)}
D = date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2025, 6, 2), 5, D(2025, 6, 9)),  # Monday -> next Monday
        (D(2025, 6, 6), 1, D(2025, 6, 9)),  # Friday + 1 -> Monday
        (D(2025, 6, 7), 1, D(2025, 6, 9)),  # Saturday + 1 -> Monday
        (D(2025, 6, 2), 0, D(2025, 6, 2)),
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        (D(2025, 4, 17), 1, D(2025, 4, 22)),
        (D(2025, 4, 16), 5, D(2025, 4, 25)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        # Christmas 2025: Thursday 25 and Friday 26 December.
        (D(2025, 12, 24), 1, D(2025, 12, 29)),
        (D(2025, 12, 23), 5, D(2026, 1, 2)),  # also skips New Year's Day
        # Christmas 2026 falls on a Friday: Boxing Day substitute is Monday 28 December.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        # Christmas 2027 is a Saturday: substitutes on Monday 27 and Tuesday 28 December.
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        # Early May and Spring bank holidays 2025.
        (D(2025, 5, 2), 1, D(2025, 5, 6)),
        (D(2025, 5, 23), 1, D(2025, 5, 27)),
        # 2022 specials: Platinum Jubilee (2-3 June), the Queen's funeral (19 September).
        (D(2022, 6, 1), 1, D(2022, 6, 6)),
        (D(2022, 9, 16), 1, D(2022, 9, 20)),
    ],
)
def test_add_working_days(start: date, days: int, due: date) -> None:
    assert deadlines.add_working_days(start, days, HOLIDAYS) == due


@pytest.mark.parametrize(
    ("event", "enhanced", "due"),
    [
        (D(2025, 4, 17), False, D(2025, 4, 28)),  # 5 working days over Easter
        (D(2025, 4, 17), True, D(2025, 4, 22)),  # 1 working day for enhanced rights
        (D(2025, 12, 22), False, D(2025, 12, 31)),
        (D(2025, 12, 24), True, D(2025, 12, 29)),
    ],
)
def test_update_due(event: date, enhanced: bool, due: date) -> None:
    assert (
        deadlines.update_due(
            event, enhanced=enhanced, standard_days=5, enhanced_days=1, holidays=HOLIDAYS
        )
        == due
    )


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2025, 6, 2), D(2025, 6, 9), 5),
        (D(2025, 12, 24), D(2025, 12, 29), 1),
        (D(2025, 6, 9), D(2025, 6, 2), 0),
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert deadlines.working_days_between(start, end, HOLIDAYS) == count


def test_holiday_data_covers_2020_to_2030() -> None:
    years = {d.year for d in HOLIDAYS}
    assert years == set(range(2020, 2031))
    assert all(d.weekday() < 5 for d in HOLIDAYS)  # substitutes, never weekend days
    assert D(2023, 5, 8) in HOLIDAYS and D(2020, 5, 8) in HOLIDAYS


def test_negative_days_refused() -> None:
    with pytest.raises(ValueError):
        deadlines.add_working_days(D(2025, 1, 1), -1, HOLIDAYS)
