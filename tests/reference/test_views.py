"""Reference pages: classification and outcome code lists; administrators extend them."""

from __future__ import annotations

import pytest

from patternwatch.access.enums import Role
from tests.helpers import login, post_form, soup


def _ids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


def _row(html: str, code: str):  # type: ignore[no-untyped-def]
    return soup(html).select_one(f'[data-testid="classification-row"][data-code="{code}"]')


@pytest.fixture()
def admin(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.ADMIN])
    return personas[Role.ADMIN]


def test_classifications_table_for_reader(client, personas):
    login(client, personas[Role.ANALYST])
    r = client.get("/reference/classifications")
    assert r.status_code == 200
    row = _row(r.text, "8Q")
    text = row.get_text(" ", strip=True)
    assert "Stalking" in text and "Protection from Harassment Act 1997" in text
    assert "Either way" in text
    assert row.select_one(".tag.stalking") is not None
    assert _row(r.text, "8L").find(string=lambda s: "Screen for stalking" in s) is not None
    assert not _ids(r.text, "classification-form")
    assert not _ids(r.text, "active-form")


def test_admin_adds_a_classification(client, admin):
    r = client.get("/reference/classifications")
    assert _ids(r.text, "classification-form")
    r = post_form(
        client,
        "/reference/classifications",
        {
            "code": "zz1",
            "title": "Test offence",
            "offence_group": "Test group",
            "mode_of_trial": "summary",
            "screen_for_stalking": "on",
        },
    )
    assert r.status_code == 303, r.text
    page = client.get("/reference/classifications")
    row = _row(page.text, "ZZ1")
    assert row is not None and "Summary only" in row.get_text()
    assert _ids(page.text, "flash")


def test_add_classification_validation_error(client, admin):
    r = post_form(
        client,
        "/reference/classifications",
        {"code": "bad code!", "title": "T", "offence_group": "", "mode_of_trial": "summary"},
    )
    assert r.status_code == 422
    fields = {a["data-field"] for a in _ids(r.text, "error-link")}
    assert {"code", "title", "offence_group"} <= fields
    assert soup(r.text).find(id="f-code")["value"] == "bad code!"


def test_add_duplicate_classification_is_reported(client, admin):
    r = post_form(
        client,
        "/reference/classifications",
        {"code": "8Q", "title": "Again", "offence_group": "Group", "mode_of_trial": "summary"},
    )
    assert r.status_code == 409
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"code"}


def test_retire_and_restore(client, admin):
    r = post_form(client, "/reference/classifications/8R/active", {})
    assert r.status_code == 303, r.text
    assert _row(client.get("/reference/classifications").text, "8R")["data-active"] == "no"
    r = post_form(client, "/reference/classifications/8R/active", {"active": "true"})
    assert r.status_code == 303
    assert _row(client.get("/reference/classifications").text, "8R")["data-active"] == "yes"


def test_retired_code_not_offered_on_crime_form(client, personas):
    login(client, personas[Role.ADMIN])
    post_form(client, "/reference/classifications/8R/active", {})
    login(client, personas[Role.INVESTIGATOR])
    page = soup(client.get("/crimes/new").text)
    assert page.find("option", value="8R") is None
    assert page.find("option", value="8Q") is not None


def test_unknown_code_is_404(client, admin):
    assert post_form(client, "/reference/classifications/NOPE/active", {}).status_code == 404


def test_manage_needs_admin(client, personas):
    login(client, personas[Role.SUPERVISOR])
    r = post_form(
        client,
        "/reference/classifications",
        {"code": "ZZ2", "title": "T t", "offence_group": "Gg", "mode_of_trial": "summary"},
    )
    assert r.status_code == 403
    assert post_form(client, "/reference/classifications/8R/active", {}).status_code == 403
    assert post_form(client, "/reference/outcomes", {"code": "99"}).status_code == 403


def test_reference_needs_reference_view(client, personas):
    login(client, personas[Role.PARTNER])
    assert client.get("/reference/classifications").status_code == 403
    assert client.get("/reference/outcomes").status_code == 403


def test_outcomes_table_and_admin_add(client, admin):
    r = client.get("/reference/outcomes")
    assert r.status_code == 200
    codes = [row["data-code"] for row in _ids(r.text, "outcome-row")]
    assert codes[:3] == ["0", "1", "1A"]
    r = post_form(
        client,
        "/reference/outcomes",
        {"code": "99z", "title": "Test outcome", "outcome_group": "Test", "parent_code": ""},
    )
    assert r.status_code == 303, r.text
    codes = [
        row["data-code"] for row in _ids(client.get("/reference/outcomes").text, "outcome-row")
    ]
    assert "99Z" in codes


def test_add_outcome_validation_error(client, admin):
    r = post_form(client, "/reference/outcomes", {"code": "", "title": "x"})
    assert r.status_code == 422
    assert {"code", "title", "outcome_group"} <= {
        a["data-field"] for a in _ids(r.text, "error-link")
    }


@pytest.mark.parametrize("path", ["/reference/classifications/8Q/active"])
def test_get_on_post_only_route_is_405(client, admin, path):
    assert client.get(path).status_code == 405
