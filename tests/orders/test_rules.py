"""Order rules, table-driven: SPO minimum duration, status from dates, notification, checks."""

from __future__ import annotations

from datetime import date

import pytest

from patternwatch.orders import rules
from patternwatch.orders.enums import OrderStatus, ProtectiveOrderType

SPO = ProtectiveOrderType.SPO
RO = ProtectiveOrderType.RESTRAINING
D = date


@pytest.mark.parametrize(
    ("order_type", "start", "end", "ufo", "ok"),
    [
        (SPO, D(2025, 1, 10), D(2027, 1, 10), False, True),  # exactly 2 years
        (SPO, D(2025, 1, 10), D(2027, 1, 9), False, False),  # a day short
        (SPO, D(2025, 1, 10), D(2025, 7, 10), False, False),  # 6 months
        (SPO, D(2025, 1, 10), None, True, True),  # until further order
        (SPO, D(2025, 1, 10), None, False, False),  # neither
        (SPO, D(2024, 2, 29), D(2026, 2, 28), False, True),  # leap day
        (SPO, D(2025, 1, 10), D(2028, 1, 10), True, False),  # both
        (RO, D(2025, 1, 10), D(2025, 3, 10), False, True),  # no minimum for others
        (RO, D(2025, 1, 10), D(2024, 3, 10), False, False),  # ends before it starts
    ],
)
def test_duration(order_type, start, end, ufo, ok) -> None:  # type: ignore[no-untyped-def]
    error = rules.duration_error(order_type, start, end, ufo)
    assert (error is None) is ok, error


def test_short_spo_message_is_clear() -> None:
    message = rules.duration_error(SPO, D(2025, 1, 10), D(2026, 1, 10), False)
    assert message and "at least 2 years" in message and "until further order" in message


TODAY = D(2025, 6, 1)


@pytest.mark.parametrize(
    ("dates", "status"),
    [
        ({}, OrderStatus.CONSIDERED),
        ({"authorised_on": D(2025, 5, 1)}, OrderStatus.AUTHORISED),
        ({"interim_applied_on": D(2025, 5, 2)}, OrderStatus.INTERIM_APPLIED),
        (
            {"interim_applied_on": D(2025, 5, 2), "interim_granted_on": D(2025, 5, 3)},
            OrderStatus.INTERIM_ACTIVE,
        ),
        ({"applied_on": D(2025, 5, 2)}, OrderStatus.APPLIED),
        (
            {"applied_on": D(2025, 5, 2), "interim_granted_on": D(2025, 5, 3)},
            OrderStatus.INTERIM_ACTIVE,
        ),
        ({"applied_on": D(2025, 5, 2), "refused_on": D(2025, 5, 20)}, OrderStatus.REFUSED),
        ({"granted_on": D(2025, 5, 20), "end_date": D(2027, 5, 20)}, OrderStatus.ACTIVE),
        ({"granted_on": D(2022, 5, 20), "end_date": D(2024, 5, 20)}, OrderStatus.EXPIRED),
        ({"granted_on": D(2022, 5, 20), "until_further_order": True}, OrderStatus.ACTIVE),
        ({"granted_on": D(2025, 5, 20), "discharged_on": D(2025, 5, 30)}, OrderStatus.DISCHARGED),
        ({"granted_on": D(2025, 5, 20), "discharged_on": D(2025, 6, 30)}, OrderStatus.ACTIVE),
    ],
)
def test_status_from_dates(dates: dict, status: OrderStatus) -> None:  # type: ignore[type-arg]
    assert rules.status(rules.OrderDates(order_type=SPO, **dates), TODAY) is status


@pytest.mark.parametrize(
    ("order_type", "served", "received", "today", "due", "overdue"),
    [
        (SPO, None, None, D(2025, 6, 1), None, False),
        (SPO, D(2025, 6, 1), None, D(2025, 6, 4), D(2025, 6, 4), False),  # day 3: still in time
        (SPO, D(2025, 6, 1), None, D(2025, 6, 5), D(2025, 6, 4), True),  # missed
        (SPO, D(2025, 6, 1), D(2025, 6, 3), D(2025, 6, 9), D(2025, 6, 4), False),
        (RO, D(2025, 6, 1), None, D(2025, 6, 9), None, False),  # SPOs only
    ],
)
def test_notification(order_type, served, received, today, due, overdue) -> None:  # type: ignore[no-untyped-def]
    dates = rules.OrderDates(
        order_type=order_type, served_on=served, notification_received_on=received
    )
    assert rules.notification_due(dates) == due
    assert rules.notification_overdue(dates, today) is overdue


@pytest.mark.parametrize(
    ("dates", "last", "due"),
    [
        ({}, None, None),
        ({"granted_on": D(2025, 1, 1)}, None, D(2025, 1, 29)),
        ({"granted_on": D(2025, 1, 1), "served_on": D(2025, 1, 3)}, None, D(2025, 1, 31)),
        ({"granted_on": D(2025, 1, 1)}, D(2025, 2, 1), D(2025, 3, 1)),
    ],
)
def test_next_check_due(dates: dict, last: date | None, due: date | None) -> None:  # type: ignore[type-arg]
    assert rules.next_check_due(rules.OrderDates(order_type=SPO, **dates), last) == due
