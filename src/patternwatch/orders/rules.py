"""Pure order rules: SPO duration, status from dates, notification and compliance-check dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from patternwatch.orders.enums import OrderStatus, ProtectiveOrderType

# Stalking Protection Act 2019 (domain.md 3.2): an SPO lasts a fixed period of at least 2
# years, or until further order; the subject must notify police within 3 days of service.
SPO_MIN_YEARS = 2
NOTIFICATION_DAYS = 3
# How often an active order's compliance is checked: a force-local default (no national rule).
COMPLIANCE_CHECK_DAYS = 28


@dataclass(frozen=True, slots=True)
class OrderDates:
    order_type: ProtectiveOrderType
    authorised_on: date | None = None
    interim_applied_on: date | None = None
    interim_granted_on: date | None = None
    applied_on: date | None = None
    granted_on: date | None = None
    refused_on: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    until_further_order: bool = False
    served_on: date | None = None
    notification_received_on: date | None = None
    discharged_on: date | None = None


def add_years(day: date, years: int) -> date:
    """The same date years later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def duration_error(
    order_type: ProtectiveOrderType,
    start: date | None,
    end: date | None,
    until_further_order: bool,
) -> str | None:
    """Why an order's duration is not allowed, or None."""
    if until_further_order and end is not None:
        return "An order until further order has no end date."
    if start is not None and end is not None and end < start:
        return "The order ends before it starts."
    if order_type is not ProtectiveOrderType.SPO:
        return None
    if until_further_order:
        return None
    if start is None or end is None:
        return "A Stalking Protection Order needs a start and end date, or until further order."
    if end < add_years(start, SPO_MIN_YEARS):
        return (
            f"A Stalking Protection Order must last at least {SPO_MIN_YEARS} years or until "
            f"further order (Stalking Protection Act 2019); {start.isoformat()} to "
            f"{end.isoformat()} is shorter."
        )
    return None


def status(order: OrderDates, today: date) -> OrderStatus:
    """Where the order stands on a day, from its dates alone."""
    if order.discharged_on is not None and order.discharged_on <= today:
        return OrderStatus.DISCHARGED
    if order.granted_on is not None:
        if order.end_date is not None and order.end_date < today:
            return OrderStatus.EXPIRED
        return OrderStatus.ACTIVE
    if order.refused_on is not None:
        return OrderStatus.REFUSED
    if order.applied_on is not None:
        # The interim order protects the victim while the full application is heard.
        if order.interim_granted_on is not None:
            return OrderStatus.INTERIM_ACTIVE
        return OrderStatus.APPLIED
    if order.interim_granted_on is not None:
        return OrderStatus.INTERIM_ACTIVE
    if order.interim_applied_on is not None:
        return OrderStatus.INTERIM_APPLIED
    if order.authorised_on is not None:
        return OrderStatus.AUTHORISED
    return OrderStatus.CONSIDERED


def notification_due(order: OrderDates) -> date | None:
    """When the SPO subject's notification is due (3 days after service), if it applies."""
    if order.order_type is not ProtectiveOrderType.SPO or order.served_on is None:
        return None
    return order.served_on + timedelta(days=NOTIFICATION_DAYS)


def notification_overdue(order: OrderDates, today: date) -> bool:
    """Served, not notified, and the 3 days have passed."""
    due = notification_due(order)
    return due is not None and order.notification_received_on is None and today > due


def next_check_due(order: OrderDates, last_check: date | None) -> date | None:
    """When an order in force is next due a compliance check (None when not in force)."""
    since = last_check or order.served_on or order.granted_on or order.interim_granted_on
    if since is None:
        return None
    return since + timedelta(days=COMPLIANCE_CHECK_DAYS)
