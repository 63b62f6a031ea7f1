"""Incident pages: list, record, view, edit, add people, and crimes raised from an incident."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patternwatch.access.enums import Role
from tests.factories import link, make_crime, make_incident, make_person
from tests.helpers import login, post_form, soup


def _ids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


def _one(html: str, testid: str):  # type: ignore[no-untyped-def]
    found = _ids(html, testid)
    assert len(found) == 1, f"expected one {testid}, found {len(found)}"
    return found[0]


@pytest.fixture()
def call_handler(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.CALL_HANDLER])
    return personas[Role.CALL_HANDLER]


def test_list_search_by_text_dates_and_status(client, session, actor_of, call_handler):
    actor = actor_of(Role.CALL_HANDLER)
    early = make_incident(
        session,
        actor,
        narrative="inc-marker parked outside",
        received_at=datetime(2025, 1, 5, tzinfo=UTC),
    )
    late = make_incident(
        session, actor, narrative="inc-marker at work", received_at=datetime(2025, 4, 5, tzinfo=UTC)
    )
    session.commit()
    r = client.get("/incidents", params={"q": "inc-marker"})
    assert r.status_code == 200
    ids = [row["data-incident-id"] for row in _ids(r.text, "incident-row")]
    assert ids == [str(late.id), str(early.id)]  # newest first
    r = client.get("/incidents", params={"q": "inc-marker", "from": "2025-03-01"})
    assert [row["data-incident-id"] for row in _ids(r.text, "incident-row")] == [str(late.id)]
    r = client.get("/incidents", params={"q": "inc-marker", "status": "closed"})
    assert not _ids(r.text, "incident-row")
    assert _one(r.text, "empty-state").find("a", href="/incidents") is not None
    assert _one(r.text, "record-incident")["href"] == "/incidents/new"


def test_list_bad_date_is_a_clear_error(client, call_handler):
    r = client.get("/incidents", params={"to": "not-a-date"})
    assert r.status_code == 422
    assert _one(r.text, "error-summary").select_one('a[href="#f-to"]') is not None


def test_pager(app, client, session, actor_of, call_handler):
    app.state.settings = app.state.settings.model_copy(update={"page_size": 5})
    for _ in range(7):
        make_incident(session, actor_of(Role.CALL_HANDLER), narrative="incpager-marker")
    session.commit()
    r = client.get("/incidents", params={"q": "incpager-marker"})
    assert len(_ids(r.text, "incident-row")) == 5
    nxt = soup(r.text).select_one('nav.pager a[rel="next"]')["href"]
    assert "offset=5" in nxt and "q=incpager-marker" in nxt
    assert len(_ids(client.get(nxt).text, "incident-row")) == 2


def test_record_incident(client, call_handler):
    form = client.get("/incidents/new")
    assert form.status_code == 200
    r = post_form(
        client,
        "/incidents/new",
        {
            "received_at": "2025-07-01T21:15",
            "source": "999",
            "status": "open",
            "location_text": "Station Road",
            "narrative": "Caller says her ex is outside again.\nThird time this week.",
        },
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert detail.status_code == 200
    assert _ids(detail.text, "flash")
    narrative = _one(detail.text, "incident-narrative")
    assert "narrative" in narrative["class"]  # pre-wrap block keeps the caller's line breaks
    assert narrative.get_text() == "Caller says her ex is outside again.\nThird time this week."
    assert "21:15" in _one(detail.text, "incident-summary").get_text()  # London time shown


def test_record_incident_validation_error(client, call_handler):
    r = post_form(
        client,
        "/incidents/new",
        {"received_at": "", "narrative": "", "location_text": "Kept place", "latitude": "99"},
    )
    assert r.status_code == 422
    fields = {a["data-field"] for a in _ids(r.text, "error-link")}
    assert {"received_at", "narrative", "latitude"} <= fields
    assert soup(r.text).find(id="f-location_text")["value"] == "Kept place"


def test_record_incident_needs_permission(client, personas):
    login(client, personas[Role.ANALYST])
    assert client.get("/incidents/new").status_code == 403
    r = post_form(client, "/incidents/new", {"received_at": "2025-01-01T10:00", "narrative": "x"})
    assert r.status_code == 403


def test_detail_lists_people_crimes_and_record_crime_link(client, session, actor_of, personas):
    actor = actor_of(Role.INVESTIGATOR)
    incident = make_incident(session, actor)
    crime = make_crime(session, actor, incident_id=incident.id)
    hidden = make_crime(
        session, actor_of(Role.SUPERVISOR), incident_id=incident.id, is_restricted=True
    )
    victim = make_person(session, actor)
    link(session, actor, victim, role="victim", incident=incident)
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    r = client.get(f"/incidents/{incident.id}")
    assert r.status_code == 200
    crime_links = [li.find("a")["href"] for li in _ids(r.text, "incident-crime")]
    assert crime_links == [f"/crimes/{crime.id}"]  # the restricted one is not shown
    assert f"/crimes/{hidden.id}" not in crime_links
    assert _one(r.text, "record-crime-from-incident")["href"] == (
        f"/crimes/new?incident_id={incident.id}"
    )
    assert _one(r.text, "involvement-row")["data-person-id"] == str(victim.id)
    assert _ids(r.text, "add-person-form")


def test_detail_without_crime_create_has_no_record_crime_link(client, session, actor_of, personas):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    login(client, personas[Role.ANALYST])
    r = client.get(f"/incidents/{incident.id}")
    assert r.status_code == 200
    assert not _ids(r.text, "record-crime-from-incident")
    assert not _ids(r.text, "edit-link")
    assert not _ids(r.text, "add-person-form")


def test_missing_incident_is_404(client, call_handler):
    assert client.get("/incidents/99999999").status_code == 404


def test_partner_may_not_see_incidents(client, session, actor_of, personas):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    login(client, personas[Role.PARTNER])
    assert client.get("/incidents").status_code == 403
    assert client.get(f"/incidents/{incident.id}").status_code == 403


def test_edit_incident(client, session, actor_of, call_handler):
    incident = make_incident(
        session, actor_of(Role.CALL_HANDLER), received_at=datetime(2025, 7, 1, 20, 0, tzinfo=UTC)
    )
    session.commit()
    form = client.get(f"/incidents/{incident.id}/edit")
    assert form.status_code == 200
    assert soup(form.text).find(id="f-received_at")["value"] == "2025-07-01T21:00"
    r = post_form(
        client,
        f"/incidents/{incident.id}/edit",
        {
            "received_at": "2025-07-01T21:00",
            "source": "101",
            "status": "closed",
            "narrative": "Closed",
        },
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert _one(detail.text, "incident-status").get_text() == "Closed"


def test_edit_incident_validation_error(client, session, actor_of, call_handler):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    r = post_form(
        client,
        f"/incidents/{incident.id}/edit",
        {"received_at": "2025-07-01T21:00", "narrative": "Kept", "lsoa_code": "nope"},
    )
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"lsoa_code"}
    assert soup(r.text).find(id="f-narrative").get_text() == "Kept"


def test_edit_needs_permission(client, session, actor_of, personas):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    login(client, personas[Role.REGISTRAR])
    assert client.get(f"/incidents/{incident.id}/edit").status_code == 403


def test_add_person_to_incident(client, session, actor_of, call_handler):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    r = post_form(
        client,
        f"/incidents/{incident.id}/people",
        {"forename": "Caller", "surname": "Person", "role": "victim"},
    )
    assert r.status_code == 303, r.text
    rows = _ids(client.get(f"/incidents/{incident.id}").text, "involvement-row")
    assert [row["data-role"] for row in rows] == ["victim"]


def test_add_person_to_incident_error(client, session, actor_of, call_handler):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    r = post_form(
        client, f"/incidents/{incident.id}/people", {"person_id": "abc", "role": "victim"}
    )
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"person_id"}


def test_add_person_needs_permission(client, session, actor_of, personas):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    login(client, personas[Role.VICTIM_CARE])
    r = post_form(client, f"/incidents/{incident.id}/people", {"forename": "A", "role": "victim"})
    assert r.status_code == 403


def test_get_on_post_only_route_is_405(client, session, actor_of, call_handler):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    assert client.get(f"/incidents/{incident.id}/people").status_code == 405
