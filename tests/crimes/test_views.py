"""Crime pages: search, record, view, edit, reclassify, restrict, add people."""

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


def _refs(html: str) -> list[str]:
    return [
        row.select_one('[data-testid="crime-ref"]').get_text(strip=True)
        for row in _ids(html, "crime-row")
    ]


@pytest.fixture()
def investigator(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.INVESTIGATOR])
    return personas[Role.INVESTIGATOR]


# ---- list and search -----------------------------------------------------------------------


def test_list_shows_tags_status_and_record_link(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8L", included=("8Q",))
    session.commit()
    r = client.get("/crimes", params={"q": crime.reference})
    assert r.status_code == 200
    row = _one(r.text, "crime-row")
    assert row.select_one('[data-testid="crime-ref"]')["href"] == f"/crimes/{crime.id}"
    assert row.select_one('[data-testid="principal-tag"]')["data-code"] == "8L"
    included = row.select_one('[data-testid="included-tag"]')
    assert included["data-code"] == "8Q"
    assert "stalking" in included["class"]  # from Classification.is_stalking
    assert _one(r.text, "crime-total")["data-total"] == "1"
    assert _one(r.text, "record-crime")["href"] == "/crimes/new"


def test_record_link_hidden_without_create_permission(client, personas):
    login(client, personas[Role.ANALYST])
    r = client.get("/crimes")
    assert r.status_code == 200
    assert not _ids(r.text, "record-crime")


def test_empty_search_says_what_to_do(client, investigator):
    r = client.get("/crimes", params={"q": "no-such-crime-anywhere"})
    assert r.status_code == 200
    empty = _one(r.text, "empty-state")
    assert empty.find("a", href="/crimes") is not None
    assert not _ids(r.text, "crime-row")


def test_unknown_classification_code_is_a_clear_error(client, investigator):
    r = client.get("/crimes", params={"classification": "8Q, ZZ9"})
    assert r.status_code == 422
    summary = _one(r.text, "error-summary")
    assert "ZZ9" in _one(r.text, "error-message").get_text()
    assert summary.select_one('a[href="#f-classification"]') is not None
    # The search form keeps what was typed.
    assert soup(r.text).find(id="f-classification")["value"] == "8Q, ZZ9"


def test_bad_date_in_search_is_a_clear_error(client, investigator):
    r = client.get("/crimes", params={"from": "2025-02-30"})
    assert r.status_code == 422
    assert _one(r.text, "error-summary").select_one('a[href="#f-from"]') is not None


def test_search_by_several_codes_dates_and_status(client, session, actor_of, investigator):
    actor = actor_of(Role.INVESTIGATOR)
    harass = make_crime(session, actor, principal="8L", narrative="pager-marker one")
    stalk = make_crime(
        session,
        actor,
        principal="8Q",
        narrative="pager-marker two",
        reported_at=datetime(2025, 6, 1, 12, tzinfo=UTC),
    )
    make_crime(session, actor, principal="8R", narrative="pager-marker three")
    session.commit()
    both = client.get("/crimes", params={"classification": "8l,8q", "q": "pager-marker"})
    assert sorted(_refs(both.text)) == sorted([harass.reference, stalk.reference])
    repeated = client.get(
        "/crimes",
        params=[("classification", "8L"), ("classification", "8Q"), ("q", "pager-marker")],
    )
    assert sorted(_refs(repeated.text)) == sorted([harass.reference, stalk.reference])
    assert soup(repeated.text).find(id="f-classification")["value"] == "8L, 8Q"
    june = client.get(
        "/crimes", params={"q": "pager-marker", "from": "2025-05-01", "to": "2025-06-30"}
    )
    assert _refs(june.text) == [stalk.reference]
    none = client.get("/crimes", params={"q": "pager-marker", "status": "finalised"})
    assert _refs(none.text) == []


def test_pager_keeps_the_search(app, client, session, actor_of, investigator):
    app.state.settings = app.state.settings.model_copy(update={"page_size": 5})
    actor = actor_of(Role.INVESTIGATOR)
    for _ in range(6):
        make_crime(session, actor, narrative="paging-marker")
    session.commit()
    first = client.get("/crimes", params={"q": "paging-marker"})
    assert len(_ids(first.text, "crime-row")) == 5
    nxt = soup(first.text).select_one('nav.pager a[rel="next"]')["href"]
    # Keyset paging (issue 4): the link carries the search and a cursor, not an offset.
    assert "q=paging-marker" in nxt and "cursor=" in nxt and "offset=" not in nxt
    second = client.get(nxt)
    assert len(_ids(second.text, "crime-row")) == 1
    assert not soup(second.text).select_one('nav.pager a[rel="next"]')
    back = client.get(soup(second.text).select_one('nav.pager a[rel="prev"]')["href"])
    assert _refs(back.text) == _refs(first.text)


def test_restricted_crime_hidden_from_list_of_unnamed_investigator(
    client, session, actor_of, investigator
):
    crime = make_crime(session, actor_of(Role.SUPERVISOR), is_restricted=True)
    session.commit()
    r = client.get("/crimes", params={"q": crime.reference})
    assert _refs(r.text) == []


# ---- record a crime ------------------------------------------------------------------------


def test_record_8l_with_included_8q_then_find_it_by_8q(client, session, investigator):
    form = client.get("/crimes/new")
    assert form.status_code == 200
    page = soup(form.text)
    principal = page.find("select", attrs={"name": "principal"})
    assert principal.find("option", value="8L") is not None
    groups = principal.find_all("optgroup")  # grouped by offence group, stalking's group first
    assert groups[0].find("option", value="8Q") is not None
    assert page.find("input", attrs={"name": "included", "value": "8Q"})["type"] == "checkbox"
    assert page.find("input", attrs={"name": "reported_at"})["type"] == "datetime-local"
    assert page.find("button", string="Record crime") is not None

    r = post_form(
        client,
        "/crimes/new",
        {
            "reference": "WEB/8L8Q/1",
            "reported_at": "2025-05-01T10:00",
            "principal": "8L",
            "included": ["8Q"],
            "narrative": "Repeated unwanted contact after the relationship ended.",
            "status": "recorded",
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/crimes/")
    detail = client.get(r.headers["location"])
    assert detail.status_code == 200
    assert "WEB/8L8Q/1" in _one(detail.text, "flash").get_text()
    codes = {row["data-code"] for row in _ids(detail.text, "classification-row")}
    assert codes == {"8L", "8Q"}

    found = client.get("/crimes", params={"classification": "8Q"})
    assert "WEB/8L8Q/1" in _refs(found.text)
    principal_only = client.get("/crimes", params={"classification": "8Q", "principal_only": "on"})
    assert principal_only.status_code == 200
    assert "WEB/8L8Q/1" not in _refs(principal_only.text)


def test_included_code_equal_to_principal_is_dropped(client, session, actor_of, investigator):
    r = post_form(
        client,
        "/crimes/new",
        {"reported_at": "2025-05-01T10:00", "principal": "8Q", "included": ["8Q", "8R"]},
    )
    assert r.status_code == 303, r.text
    crime_id = int(r.headers["location"].rsplit("/", 1)[1])
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor_of(Role.INVESTIGATOR), crime_id=crime_id, audit_read=False
    )
    assert crime.principal.classification.code == "8Q"
    assert [c.classification.code for c in crime.included] == ["8R"]


def test_datetime_local_is_read_as_london_time(client, session, actor_of, investigator):
    r = post_form(
        client,
        "/crimes/new",
        {"reported_at": "2025-07-01T10:00", "principal": "8L", "offence_from": "2025-06-30T23:30"},
    )
    assert r.status_code == 303, r.text
    crime_id = int(r.headers["location"].rsplit("/", 1)[1])
    crime = crimes_service.get_crime_for_actor(
        session=session, actor=actor_of(Role.INVESTIGATOR), crime_id=crime_id, audit_read=False
    )
    assert crime.reported_at == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)  # BST is UTC+1
    assert crime.offence_from == datetime(2025, 6, 30, 22, 30, tzinfo=UTC)


def test_record_validation_error_rerenders_with_values(client, investigator):
    r = post_form(
        client,
        "/crimes/new",
        {
            "reported_at": "",
            "principal": "",
            "included": ["8Q"],
            "narrative": "Keep this text",
            "latitude": "51.75",
        },
    )
    assert r.status_code == 422
    links = {a["data-field"] for a in _ids(r.text, "error-link")}
    assert {"reported_at", "principal"} <= links
    page = soup(r.text)
    assert page.find(id="f-narrative").get_text() == "Keep this text"
    assert page.find("input", attrs={"name": "included", "value": "8Q"}).has_attr("checked")
    assert page.find(id="f-latitude")["value"] == "51.75"
    for field in links:  # every link in the summary goes to a field on the page
        assert page.find(id=f"f-{field}") is not None


def test_unknown_oic_and_incident_are_field_errors(client, investigator):
    r = post_form(
        client,
        "/crimes/new",
        {
            "reported_at": "2025-05-01T10:00",
            "principal": "8L",
            "officer_in_charge_id": "999999",
        },
    )
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"officer_in_charge_id"}


def test_duplicate_reference_is_reported_on_the_field(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(
        client,
        "/crimes/new",
        {"reference": crime.reference, "reported_at": "2025-05-01T10:00", "principal": "8L"},
    )
    assert r.status_code == 409
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"reference"}


def test_form_choices_depend_on_role(client, personas):
    login(client, personas[Role.INVESTIGATOR])
    page = soup(client.get("/crimes/new").text)
    assert page.find(id="f-is_restricted") is None
    oic = page.find("select", attrs={"name": "officer_in_charge_id"})
    ids = {o["value"] for o in oic.find_all("option") if o["value"]}
    assert str(personas[Role.INVESTIGATOR].user_id) in ids
    assert str(personas[Role.SUPERVISOR].user_id) in ids
    assert str(personas[Role.ANALYST].user_id) not in ids
    online = {i["value"] for i in page.find_all("input", attrs={"name": "online_methods"})}
    assert "social_media" in online
    login(client, personas[Role.SUPERVISOR])
    assert soup(client.get("/crimes/new").text).find(id="f-is_restricted") is not None


def test_record_from_incident(client, session, actor_of, investigator):
    incident = make_incident(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    form = client.get("/crimes/new", params={"incident_id": incident.id})
    page = soup(form.text)
    assert _one(form.text, "from-incident").find("a")["href"] == f"/incidents/{incident.id}"
    hidden = page.find("input", attrs={"name": "incident_id"})
    assert hidden["type"] == "hidden" and hidden["value"] == str(incident.id)
    r = post_form(
        client,
        "/crimes/new",
        {"reported_at": "2025-03-01T09:00", "principal": "8Q", "incident_id": str(incident.id)},
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert _one(detail.text, "crime-incident").find("a")["href"] == f"/incidents/{incident.id}"


def test_record_needs_crime_create(client, personas):
    login(client, personas[Role.ANALYST])
    assert client.get("/crimes/new").status_code == 403
    r = post_form(client, "/crimes/new", {"reported_at": "2025-05-01T10:00", "principal": "8L"})
    assert r.status_code == 403


# ---- detail ------------------------------------------------------------------------------


def test_detail_shows_fields_history_and_people(client, session, actor_of, investigator):
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor, principal="8L", included=("8Q",), location_text="High St")
    suspect = make_person(session, actor, forename="Sam")
    victim = make_person(session, actor, forename="Vic")
    link(session, actor, suspect, role="suspect", crime=crime, relationship="ex_partner")
    link(session, actor, victim, role="victim", crime=crime)
    session.commit()
    r = client.get(f"/crimes/{crime.id}")
    assert r.status_code == 200
    assert _one(r.text, "crime-reference").get_text() == crime.reference
    summary = _one(r.text, "crime-summary").get_text()
    assert "High St" in summary
    assert len(_ids(r.text, "history-row")) == 1
    rows = _ids(r.text, "involvement-row")
    assert [row["data-role"] for row in rows] == ["victim", "suspect"]  # victims first
    assert rows[0].find("a")["href"] == f"/people/{victim.id}"
    assert "Ex-partner" in rows[1].get_text()
    assert _one(r.text, "edit-link")["href"] == f"/crimes/{crime.id}/edit"
    assert _one(r.text, "reclassify-link")["href"] == f"/crimes/{crime.id}/reclassify"
    assert _ids(r.text, "add-person-form")
    assert not _ids(r.text, "restriction-form")  # supervisors only


def test_detail_for_analyst_has_no_change_links(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.ANALYST])
    r = client.get(f"/crimes/{crime.id}")
    assert r.status_code == 200
    for testid in ("edit-link", "reclassify-link", "add-person-form", "restriction-form"):
        assert not _ids(r.text, testid), testid


def test_detail_of_missing_crime_is_404(client, investigator):
    r = client.get("/crimes/99999999")
    assert r.status_code == 404
    assert _one(r.text, "error-page")["data-status"] == "404"


def test_restricted_crime_is_404_to_unnamed_investigator_but_seen_by_supervisor(
    client, session, actor_of, personas
):
    crime = make_crime(session, actor_of(Role.SUPERVISOR), is_restricted=True)
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    for path in ("", "/edit", "/reclassify"):
        assert client.get(f"/crimes/{crime.id}{path}").status_code == 404, path
    r = post_form(client, f"/crimes/{crime.id}/people", {"forename": "A", "role": "victim"})
    assert r.status_code == 404
    login(client, personas[Role.SUPERVISOR])
    r = client.get(f"/crimes/{crime.id}")
    assert r.status_code == 200
    assert _ids(r.text, "restricted-tag")
    assert _ids(r.text, "restriction-form")


def test_named_investigator_sees_restricted_crime(client, session, actor_of, personas):
    crime = make_crime(
        session,
        actor_of(Role.SUPERVISOR),
        is_restricted=True,
        officer_in_charge_id=personas[Role.INVESTIGATOR].user_id,
    )
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    assert client.get(f"/crimes/{crime.id}").status_code == 200


def test_detail_reads_are_audited(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.SUPERVISOR])
    client.get(f"/crimes/{crime.id}")
    r = client.get("/audit", params={"entity_type": "crime", "entity_id": crime.id})
    actions = [row["data-action"] for row in _ids(r.text, "audit-row")]
    assert "crime.view" in actions


# ---- edit --------------------------------------------------------------------------------


def test_edit_form_prefilled_and_saved(client, session, actor_of, investigator):
    crime = make_crime(
        session,
        actor_of(Role.INVESTIGATOR),
        reported_at=datetime(2025, 7, 1, 9, 0, tzinfo=UTC),
        narrative="Before",
    )
    session.commit()
    form = client.get(f"/crimes/{crime.id}/edit")
    assert form.status_code == 200
    page = soup(form.text)
    assert page.find(id="f-reported_at")["value"] == "2025-07-01T10:00"  # London time
    assert page.find("select", attrs={"name": "principal"}) is None  # reclassify page does that
    assert _one(form.text, "reclassify-link")["href"] == f"/crimes/{crime.id}/reclassify"
    r = post_form(
        client,
        f"/crimes/{crime.id}/edit",
        {
            "reported_at": "2025-07-01T10:00",
            "status": "under_investigation",
            "narrative": "After",
            "is_online": "on",
            "online_methods": ["social_media", "messaging"],
        },
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert _one(detail.text, "crime-status").get_text() == "Under investigation"
    assert _one(detail.text, "crime-narrative").get_text() == "After"
    assert "Social media" in _one(detail.text, "crime-summary").get_text()


def test_edit_validation_error_rerenders(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(
        client,
        f"/crimes/{crime.id}/edit",
        {"reported_at": "2025-03-01T10:00", "latitude": "51.7", "narrative": "Kept"},
    )
    assert r.status_code == 422
    assert "latitude and longitude" in _one(r.text, "error-message").get_text()
    assert soup(r.text).find(id="f-narrative").get_text() == "Kept"


def test_named_investigator_edit_keeps_restriction(client, session, actor_of, personas):
    crime = make_crime(
        session,
        actor_of(Role.SUPERVISOR),
        is_restricted=True,
        officer_in_charge_id=personas[Role.INVESTIGATOR].user_id,
    )
    session.commit()
    login(client, personas[Role.INVESTIGATOR])
    r = post_form(
        client,
        f"/crimes/{crime.id}/edit",
        {
            "reported_at": "2025-03-01T10:00",
            "officer_in_charge_id": str(personas[Role.INVESTIGATOR].user_id),
            "narrative": "Updated by the OIC",
        },
    )
    assert r.status_code == 303, r.text
    session.refresh(crime)
    assert crime.is_restricted


def test_edit_needs_crime_edit(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.REGISTRAR])
    assert client.get(f"/crimes/{crime.id}/edit").status_code == 403
    r = post_form(client, f"/crimes/{crime.id}/edit", {"reported_at": "2025-03-01T10:00"})
    assert r.status_code == 403


# ---- reclassify --------------------------------------------------------------------------


def test_reclassify_prefilled_then_saved_with_history(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8L", included=("8R",))
    session.commit()
    login(client, personas[Role.REGISTRAR])  # the registrar owns classification decisions
    form = client.get(f"/crimes/{crime.id}/reclassify")
    assert form.status_code == 200
    page = soup(form.text)
    assert (
        page.find("select", attrs={"name": "principal"}).find("option", selected=True)["value"]
        == "8L"
    )
    assert page.find("input", attrs={"name": "included", "value": "8R"}).has_attr("checked")
    r = post_form(
        client,
        f"/crimes/{crime.id}/reclassify",
        {"principal": "8Q", "included": ["8L", "8R"], "reason": "Fixated, obsessive pattern"},
    )
    assert r.status_code == 303, r.text
    login(client, personas[Role.INVESTIGATOR])
    detail = client.get(f"/crimes/{crime.id}")
    principal = _one(detail.text, "principal-tag")
    assert principal["data-code"] == "8Q"
    history = _ids(detail.text, "history-row")
    assert len(history) == 2
    assert "Fixated, obsessive pattern" in history[1].get_text()
    assert "registrar" in history[1].get_text()


def test_reclassify_without_reason_rerenders(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8L")
    session.commit()
    r = post_form(client, f"/crimes/{crime.id}/reclassify", {"principal": "8Q", "included": ["8L"]})
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"reason"}
    page = soup(r.text)
    assert page.find("option", value="8Q").has_attr("selected")


def test_reclassify_unchanged_is_explained(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR), principal="8L")
    session.commit()
    r = post_form(
        client, f"/crimes/{crime.id}/reclassify", {"principal": "8L", "reason": "No change"}
    )
    assert r.status_code == 422
    assert "already" in _one(r.text, "error-message").get_text()


def test_reclassify_needs_permission(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.ANALYST])
    assert client.get(f"/crimes/{crime.id}/reclassify").status_code == 403
    r = post_form(client, f"/crimes/{crime.id}/reclassify", {"principal": "8Q", "reason": "xxxxx"})
    assert r.status_code == 403


# ---- restriction -------------------------------------------------------------------------


def test_supervisor_restricts_to_named_user(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.SUPERVISOR])
    r = post_form(
        client,
        f"/crimes/{crime.id}/restriction",
        {"restricted": "on", "usernames": "investigator"},
    )
    assert r.status_code == 303, r.text
    detail = client.get(r.headers["location"])
    assert "investigator" in _one(detail.text, "named-users").get_text()
    assert _ids(detail.text, "restricted-tag")
    login(client, personas[Role.INVESTIGATOR])
    assert client.get(f"/crimes/{crime.id}").status_code == 200
    login(client, personas[Role.ANALYST])
    assert client.get(f"/crimes/{crime.id}").status_code == 404


def test_restriction_with_unknown_user_rerenders(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.SUPERVISOR])
    r = post_form(
        client,
        f"/crimes/{crime.id}/restriction",
        {"restricted": "on", "usernames": "nobody-by-this-name"},
    )
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"usernames"}
    assert soup(r.text).find(id="f-usernames")["value"] == "nobody-by-this-name"


def test_restriction_needs_supervisor(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(client, f"/crimes/{crime.id}/restriction", {"restricted": "on"})
    assert r.status_code == 403


# ---- add a person ------------------------------------------------------------------------


def test_add_new_and_existing_person(client, session, actor_of, investigator):
    actor = actor_of(Role.INVESTIGATOR)
    crime = make_crime(session, actor)
    suspect = make_person(session, actor, forename="Known")
    session.commit()
    r = post_form(
        client,
        f"/crimes/{crime.id}/people",
        {"forename": "Vera", "surname": "Victim", "date_of_birth": "1990-04-01", "role": "victim"},
    )
    assert r.status_code == 303, r.text
    r = post_form(
        client,
        f"/crimes/{crime.id}/people",
        {"person_id": str(suspect.id), "role": "suspect", "relationship": "ex_partner"},
    )
    assert r.status_code == 303, r.text
    detail = client.get(f"/crimes/{crime.id}")
    rows = _ids(detail.text, "involvement-row")
    assert [row["data-role"] for row in rows] == ["victim", "suspect"]
    assert "Vera Victim" in rows[0].get_text()
    assert rows[1]["data-person-id"] == str(suspect.id)


def test_add_person_errors_rerender_and_keep_no_new_person(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(
        client,
        f"/crimes/{crime.id}/people",
        {"forename": "Orphan", "surname": "Uniquename", "role": "victim", "relationship": "family"},
    )
    assert r.status_code == 422
    form = _one(r.text, "add-person")
    assert form.has_attr("open")
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"relationship"}
    assert soup(r.text).find(id="f-forename")["value"] == "Orphan"
    people = client.get("/people", params={"q": "Uniquename"})
    assert _one(people.text, "person-total")["data-total"] == "0"


def test_add_person_needs_someone(client, session, actor_of, investigator):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = post_form(client, f"/crimes/{crime.id}/people", {"role": "witness"})
    assert r.status_code == 422
    r = post_form(client, f"/crimes/{crime.id}/people", {"person_id": "99999999", "role": "victim"})
    assert r.status_code == 422
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"person_id"}


def test_add_person_needs_involvement_edit(client, session, actor_of, personas):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    login(client, personas[Role.ANALYST])
    r = post_form(client, f"/crimes/{crime.id}/people", {"forename": "A", "role": "victim"})
    assert r.status_code == 403


@pytest.mark.parametrize("suffix", ["restriction", "people"])
def test_get_on_post_only_route_is_405(client, session, actor_of, investigator, suffix):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    assert client.get(f"/crimes/{crime.id}/{suffix}").status_code == 405


def test_post_without_csrf_token_is_refused(client, investigator):
    r = client.post("/crimes/new", data={"reported_at": "2025-05-01T10:00", "principal": "8L"})
    assert r.status_code == 403
