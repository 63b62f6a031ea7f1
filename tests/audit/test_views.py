"""The audit trail page: filters, paging and who may see it."""

from __future__ import annotations

import pytest

from patternwatch.access.enums import Role
from tests.factories import make_crime
from tests.helpers import login, post_form, soup


def _ids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


@pytest.fixture()
def supervisor(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.SUPERVISOR])
    return personas[Role.SUPERVISOR]


def test_trail_filtered_by_record(client, session, actor_of, supervisor):
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    client.get(f"/crimes/{crime.id}")
    r = client.get("/audit", params={"entity_type": "crime", "entity_id": str(crime.id)})
    assert r.status_code == 200
    rows = _ids(r.text, "audit-row")
    assert [row["data-action"] for row in rows] == ["crime.view", "crime.create"]  # newest first
    cells = [td.get_text(strip=True) for td in rows[0].find_all("td")]
    seq, _when, user, role, channel, _source, action, record, summary = cells
    assert int(seq) > int(rows[1]["data-seq"])
    assert (user, role, channel, action) == ("supervisor", "supervisor", "web", "crime.view")
    assert rows[0].find("a", href=f"/crimes/{crime.id}") is not None
    assert crime.reference in summary
    assert _ids(r.text, "audit-total")[0]["data-total"] == "2"


def test_trail_filtered_by_user(client, session, actor_of, supervisor, personas):
    make_crime(session, actor_of(Role.CALL_HANDLER))
    session.commit()
    r = client.get("/audit", params={"user": "call-handler", "entity_type": "crime"})
    users = {row.find_all("td")[2].get_text(strip=True) for row in _ids(r.text, "audit-row")}
    assert users == {"call-handler"}


def test_bad_record_number_is_a_clear_error(client, supervisor):
    r = client.get("/audit", params={"entity_id": "abc"})
    assert r.status_code == 422
    summary = _ids(r.text, "error-summary")[0]
    assert summary.select_one('a[href="#f-entity_id"]') is not None


def test_no_match_says_what_to_do(client, supervisor):
    r = client.get("/audit", params={"user": "no-such-user-anywhere"})
    assert r.status_code == 200
    assert _ids(r.text, "empty-state")[0].find("a", href="/audit") is not None


def test_pager(app, client, session, actor_of, supervisor):
    app.state.settings = app.state.settings.model_copy(update={"page_size": 5})
    for _ in range(6):
        make_crime(session, actor_of(Role.INVESTIGATOR))
    session.commit()
    r = client.get("/audit", params={"entity_type": "crime", "user": "investigator"})
    assert len(_ids(r.text, "audit-row")) == 5
    nxt = soup(r.text).select_one('nav.pager a[rel="next"]')["href"]
    assert "user=investigator" in nxt and "offset=5" in nxt
    assert len(_ids(client.get(nxt).text, "audit-row")) >= 1


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.ANALYST, Role.PARTNER])
def test_trail_needs_audit_view(client, personas, role):
    login(client, personas[role])
    assert client.get("/audit").status_code == 403


def test_admin_sees_trail(client, personas):
    login(client, personas[Role.ADMIN])
    assert client.get("/audit").status_code == 200


def test_trail_is_read_only(client, supervisor):
    assert post_form(client, "/audit", {}).status_code == 405
