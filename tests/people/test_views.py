"""People pages: search (names and aliases), add, edit, and the person's timeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from patternwatch.access.enums import Role
from patternwatch.crimes import service as crimes_service
from tests.factories import link, make_crime, make_incident, make_person
from tests.helpers import login, post_form, soup


def _ids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


def _one(html: str, testid: str):  # type: ignore[no-untyped-def]
    found = _ids(html, testid)
    assert len(found) == 1, f"expected one {testid}, found {len(found)}"
    return found[0]


@pytest.fixture()
def investigator(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.INVESTIGATOR])
    return personas[Role.INVESTIGATOR]


def test_search_matches_names_and_aliases(client, session, actor_of, investigator):
    actor = actor_of(Role.INVESTIGATOR)
    by_name = make_person(session, actor, forename="Quentin", surname="Zebedee")
    by_alias = make_person(
        session,
        actor,
        forename="Robert",
        surname="Other",
        aliases=[{"forename": "Bobby", "surname": "Zebedee"}],
        date_of_birth="1980-02-03",
    )
    make_person(session, actor, forename="Unrelated")
    session.commit()
    r = client.get("/people", params={"q": "zebedee"})
    assert r.status_code == 200
    rows = {row["data-person-id"]: row for row in _ids(r.text, "person-row")}
    assert set(rows) == {str(by_name.id), str(by_alias.id)}
    assert "03 Feb 1980" in rows[str(by_alias.id)].get_text()
    assert rows[str(by_name.id)].find("a")["href"] == f"/people/{by_name.id}"


def test_search_without_match_says_what_to_do(client, investigator):
    r = client.get("/people", params={"q": "nobody-matches-this"})
    assert r.status_code == 200
    assert _one(r.text, "person-total")["data-total"] == "0"
    assert _one(r.text, "empty-state").find("a", href="/people/new") is not None


def test_search_is_audited(client, session, actor_of, personas, investigator):
    client.get("/people", params={"q": "audited-search-word"})
    login(client, personas[Role.SUPERVISOR])
    r = client.get("/audit", params={"user": "investigator"})
    actions = [row["data-action"] for row in _ids(r.text, "audit-row")]
    assert "person.search" in actions


def test_pager(app, client, session, actor_of, investigator):
    app.state.settings = app.state.settings.model_copy(update={"page_size": 5})
    for _ in range(6):
        make_person(session, actor_of(Role.INVESTIGATOR), forename="Pagerperson")
    session.commit()
    r = client.get("/people", params={"q": "pagerperson"})
    assert len(_ids(r.text, "person-row")) == 5
    nxt = soup(r.text).select_one('nav.pager a[rel="next"]')["href"]
    assert len(_ids(client.get(nxt).text, "person-row")) == 1


def test_add_person_with_alias_and_identifier(client, investigator):
    form = client.get("/people/new")
    assert form.status_code == 200
    page = soup(form.text)
    assert page.find(id="f-aliases-0-surname") is not None
    assert page.find(id="f-identifiers-0-kind") is not None
    r = post_form(
        client,
        "/people/new",
        {
            "forename": "Alice",
            "surname": "Example",
            "date_of_birth": "1991-09-09",
            "gender": "female",
            "postcode": "al1 1aa",
            "aliases-0-forename": "Ali",
            "aliases-0-surname": "Sample",
            "identifiers-0-kind": "phone",
            "identifiers-0-value": "07700 900123",
        },
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert _one(detail.text, "person-name").get_text() == "Alice Example"
    assert "AL1 1AA" in _one(detail.text, "person-summary").get_text()
    assert _one(detail.text, "alias").get_text(" ", strip=True).startswith("Ali Sample")
    assert "07700 900123" in _one(detail.text, "identifier").get_text()


def test_add_person_validation_error(client, investigator):
    r = post_form(
        client,
        "/people/new",
        {
            "forename": "",
            "surname": "",
            "address": "Kept address",
            "aliases-0-surname": "Alias",
            "identifiers-0-value": "no kind given",
        },
    )
    assert r.status_code == 422
    page = soup(r.text)
    assert page.find(id="f-address")["value"] == "Kept address"
    fields = {a["data-field"] for a in _ids(r.text, "error-link")}
    assert fields == {"identifiers-0-kind"}
    assert page.find(id="f-identifiers-0-value")["value"] == "no kind given"
    # With the rows right, the whole-form rule (some name) is shown against the forename.
    r = post_form(client, "/people/new", {"forename": "", "surname": "", "gender": "unknown"})
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"forename"}
    assert soup(r.text).find(id="f-forename") is not None


def test_add_person_needs_permission(client, personas):
    login(client, personas[Role.ANALYST])
    assert client.get("/people/new").status_code == 403
    assert post_form(client, "/people/new", {"forename": "X"}).status_code == 403


def test_edit_keeps_every_alias_and_adds_one(client, session, actor_of, investigator):
    person = make_person(
        session,
        actor_of(Role.INVESTIGATOR),
        forename="Edit",
        aliases=[{"surname": "First"}, {"surname": "Second"}],
    )
    session.commit()
    form = client.get(f"/people/{person.id}/edit")
    assert form.status_code == 200
    page = soup(form.text)
    assert len(_ids(form.text, "alias-row")) == 3  # two existing and one blank
    data = {
        inp["name"]: inp.get("value", "")
        for inp in page.select('form[data-testid="person-form"] input')
        if inp.get("name") and inp.get("type") != "hidden"
    }
    data["gender"] = "unknown"
    data["aliases-2-surname"] = "Third"
    r = post_form(client, f"/people/{person.id}/edit", data)
    assert r.status_code == 303, r.text
    detail = client.get(f"/people/{person.id}")
    names = [row.find("td").get_text() for row in _ids(detail.text, "alias")]
    assert sorted(names) == ["First", "Second", "Third"]


def test_edit_validation_error(client, session, actor_of, investigator):
    person = make_person(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(
        client,
        f"/people/{person.id}/edit",
        {"forename": "Still", "date_of_birth": "2999-01-01", "gender": "unknown"},
    )
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"date_of_birth"}


def test_edit_needs_permission(client, session, actor_of, personas):
    person = make_person(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.CALL_HANDLER])  # may add people, not change them
    assert client.get(f"/people/{person.id}/edit").status_code == 403
    assert post_form(client, f"/people/{person.id}/edit", {"forename": "X"}).status_code == 403


def test_timeline_in_date_order_with_roles_and_links(client, session, actor_of, investigator):
    actor = actor_of(Role.INVESTIGATOR)
    person = make_person(session, actor)
    incident = make_incident(session, actor, received_at=datetime(2025, 1, 10, tzinfo=UTC))
    crime = make_crime(session, actor, principal="8L", reported_at=datetime(2025, 2, 1, tzinfo=UTC))
    link(session, actor, person, role="victim", incident=incident)
    link(session, actor, person, role="victim", crime=crime)
    crimes_service.reclassify_crime(
        session=session,
        actor=actor,
        crime_id=crime.id,
        data={
            "classifications": [{"code": "8Q", "principal": True}],
            "reason": "Pattern of fixation",
        },
    )
    session.commit()
    r = client.get(f"/people/{person.id}")
    assert r.status_code == 200
    entries = _ids(r.text, "timeline-entry")
    kinds = [e["data-kind"] for e in entries]
    assert kinds == ["incident", "crime", "reclassification"]
    assert entries[0].find("a")["href"] == f"/incidents/{incident.id}"
    assert entries[1].find("a")["href"] == f"/crimes/{crime.id}"
    assert "Victim" in entries[1].get_text()
    assert "Pattern of fixation" in entries[2].get_text()


def test_timeline_leaves_out_restricted_crimes(client, session, actor_of, investigator):
    person = make_person(session, actor_of(Role.SUPERVISOR))
    crime = make_crime(session, actor_of(Role.SUPERVISOR), is_restricted=True)
    link(session, actor_of(Role.SUPERVISOR), person, role="suspect", crime=crime)
    session.commit()
    r = client.get(f"/people/{person.id}")
    assert r.status_code == 200
    assert not _ids(r.text, "timeline-entry")
    assert _ids(r.text, "empty-timeline")


def test_person_pages_need_person_view(client, session, actor_of, personas):
    person = make_person(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.PARTNER])
    assert client.get("/people").status_code == 403
    assert client.get(f"/people/{person.id}").status_code == 403


def test_missing_person_is_404(client, investigator):
    assert client.get("/people/99999999").status_code == 404


def test_unsupported_method_is_405(client, investigator):
    # People have no POST-only path of their own; the form paths take only GET and POST.
    assert client.put("/people/new").status_code == 405
