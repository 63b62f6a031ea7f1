"""Local time for England and Wales: naive times from forms and files are read as Europe/London."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

FORCE_TZ = ZoneInfo("Europe/London")


def as_utc(value: datetime) -> datetime:
    """Attach Europe/London to a naive datetime (wall-clock time as a user enters it), then UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=FORCE_TZ)
    return value.astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    """A stored UTC datetime as Europe/London wall-clock time."""
    if value is None:
        return None
    return value.astimezone(FORCE_TZ)


def day_start_utc(day: date) -> datetime:
    """Midnight at the start of a local day, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=FORCE_TZ).astimezone(UTC)
