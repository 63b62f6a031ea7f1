"""Compliance checks on the safeguarding page: who is due, recording one, refusals, roles."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from patternwatch.orders import service as orders_service
from patternwatch.orders.models import ComplianceCheck
from patternwatch.orders.rules import COMPLIANCE_CHECK_DAYS
from patternwatch.orders.service import today
from tests.factories import make_crime
from tests.helpers import login, post_form, soup


def _order_in_force(session, actor, crime_id: int, served_days_ago: int):  # type: ignore[no-untyped-def]
    """A restraining order granted and served some days ago (no minimum duration)."""
    served = today() - timedelta(days=served_days_ago)
    order = orders_service.create_order(
        session=session,
        actor=actor,
        crime_id=crime_id,
        data={"order_type": "restraining", "granted_on": served, "start_date": served},
    )
    orders_service.record_order_event(
        session=session, actor=actor, order_id=order.id, data={"kind": "served", "on": served}
    )
    return order


def _checks(session, order_id: int) -> list[ComplianceCheck]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(
        session.scalars(select(ComplianceCheck).where(ComplianceCheck.order_id == order_id))
    )


def test_due_check_is_shown_and_recorded(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    order = _order_in_force(session, investigator.actor, crime.id, COMPLIANCE_CHECK_DAYS + 5)
    session.commit()
    login(client, investigator)
    url = f"/crimes/{crime.id}/safeguarding"

    page = soup(client.get(url).text)
    due = page.select_one('[data-testid="check-due"]')
    assert due is not None and due["data-order"] == str(order.id)
    assert "Due now" in page.select_one(f'#order-{order.id} [data-testid="next-check"]').text
    form = page.select_one(f'#order-{order.id} [data-testid="check-form"]')
    assert form is not None
    assert form["action"] == f"/crimes/{crime.id}/orders/{order.id}/compliance-checks"
    for field in form.select("input:not([type=hidden]), select, textarea"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None

    on = today()
    done = post_form(
        client,
        form["action"],
        {"checked_on": on.isoformat(), "outcome": "compliant", "note": "Seen at home address"},
    )
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"#order-{order.id}")
    page = soup(client.get(url).text)
    assert page.select_one('[data-testid="check-due"]') is None
    rows = page.select(f'#order-{order.id} [data-testid="check"]')
    assert [r["data-outcome"] for r in rows] == ["compliant"]
    assert "Seen at home address" in rows[0].text
    next_check = page.select_one(f'#order-{order.id} [data-testid="next-check"]').text
    assert "Due now" not in next_check
    assert len(_checks(session, order.id)) == 1
    audited = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "protective_order",
            AuditEvent.entity_id == order.id,
            AuditEvent.summary.like("Compliance check%"),
        )
    ).all()
    assert len(audited) == 1


def test_bad_checks_are_refused_with_field_errors(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    order = _order_in_force(session, investigator.actor, crime.id, 3)
    considered = orders_service.create_order(
        session=session, actor=investigator.actor, crime_id=crime.id, data={"order_type": "spo"}
    )
    session.commit()
    login(client, investigator)
    action = f"/crimes/{crime.id}/orders/{order.id}/compliance-checks"

    blank = post_form(client, action, {"checked_on": "", "outcome": "not_seen", "note": "Kept"})
    assert blank.status_code == 422
    page = soup(blank.text)
    assert page.select_one(
        f'[data-testid="error-summary"] a[href="#f-check-{order.id}-checked_on"]'
    )
    assert page.select_one(f"#f-check-{order.id}-note").text == "Kept"
    assert page.select_one(f"#f-check-{order.id}-outcome option[selected]")["value"] == "not_seen"

    future = (today() + timedelta(days=1)).isoformat()
    ahead = post_form(client, action, {"checked_on": future, "outcome": "compliant"})
    assert ahead.status_code == 422
    assert "future" in soup(ahead.text).select_one('[data-testid="error-message"]').text

    bad_outcome = post_form(client, action, {"checked_on": today().isoformat(), "outcome": "fine"})
    assert bad_outcome.status_code == 422
    assert soup(bad_outcome.text).select_one(f'a[href="#f-check-{order.id}-outcome"]') is not None

    # An order only considered is not in force: no form, and a forged post is refused.
    page = soup(client.get(f"/crimes/{crime.id}/safeguarding").text)
    assert page.select_one(f'#order-{considered.id} [data-testid="check-form"]') is None
    not_in_force = post_form(
        client,
        f"/crimes/{crime.id}/orders/{considered.id}/compliance-checks",
        {"checked_on": today().isoformat(), "outcome": "compliant"},
    )
    assert not_in_force.status_code == 422
    assert "in force" in soup(not_in_force.text).select_one('[data-testid="error-message"]').text

    # The order must belong to the crime in the address.
    other = make_crime(session, investigator.actor, principal="8Q")
    session.commit()
    elsewhere = post_form(
        client,
        f"/crimes/{other.id}/orders/{order.id}/compliance-checks",
        {"checked_on": today().isoformat(), "outcome": "compliant"},
    )
    assert elsewhere.status_code == 422
    assert not _checks(session, order.id) and not _checks(session, considered.id)


def test_roles_without_order_manage_are_refused(client, session, personas) -> None:  # type: ignore[no-untyped-def]
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(session, investigator.actor, principal="8Q")
    order = _order_in_force(session, investigator.actor, crime.id, COMPLIANCE_CHECK_DAYS + 1)
    session.commit()
    action = f"/crimes/{crime.id}/orders/{order.id}/compliance-checks"
    data = {"checked_on": today().isoformat(), "outcome": "compliant"}

    login(client, personas[Role.VICTIM_CARE])
    page = soup(client.get(f"/crimes/{crime.id}/safeguarding").text)
    assert page.select_one('[data-testid="check-due"]') is not None  # sees what is owed
    assert page.select_one('[data-testid="check-form"]') is None
    assert post_form(client, action, data).status_code == 403

    login(client, personas[Role.CALL_HANDLER])
    assert post_form(client, action, data).status_code == 403
    assert not _checks(session, order.id)

    login(client, personas[Role.SUPERVISOR])
    assert client.get(action).status_code == 405
    missing = post_form(client, f"/crimes/{crime.id}/orders/999999/compliance-checks", data)
    assert missing.status_code == 404
