"""Pure Victims' Code timescales: working days that skip weekends and bank holidays.

The bank holidays (England and Wales) and the day counts are data loaded by migration; this
module takes them as arguments so it never touches a session.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

# Victim's details passed to support services within 2 days unless the victim objects
# (domain.md 5, older Code and GOV.UK summaries [V11][V13]); counted here as working days.
SUPPORT_REFERRAL_WORKING_DAYS = 2


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The date `days` working days after `start` (the start day itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            counted += 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            count += 1
    return count


def update_due(
    event_on: date,
    *,
    enhanced: bool,
    standard_days: int,
    enhanced_days: int,
    holidays: Collection[date],
) -> date:
    """When a victim must be told of an event: 5 working days, 1 for enhanced rights (data)."""
    return add_working_days(event_on, enhanced_days if enhanced else standard_days, holidays)
