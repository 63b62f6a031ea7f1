"""The administrators' users page."""

from __future__ import annotations

import pytest

from patternwatch.access.enums import Role
from tests.conftest import Persona
from tests.helpers import login, post_form, soup


def _ids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


@pytest.fixture()
def admin(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.ADMIN])
    return personas[Role.ADMIN]


def test_lists_users(client, admin, personas):
    r = client.get("/admin/users")
    assert r.status_code == 200
    names = {row["data-username"] for row in _ids(r.text, "user-row")}
    assert {p.username for p in personas.values()} <= names


def test_create_user_who_can_then_log_in(client, admin):
    r = post_form(
        client,
        "/admin/users",
        {
            "username": "J.Smith",
            "display_name": "DC Jo Smith",
            "role": "investigator",
            "password": "a-long-enough-password",
            "organisation": "",
        },
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    row = soup(page.text).select_one('[data-testid="user-row"][data-username="j.smith"]')
    assert row is not None and "Investigator" in row.get_text()
    post_form(client, "/logout", {})
    login(client, Persona(0, "j.smith", Role.INVESTIGATOR, "a-long-enough-password", ""))
    assert client.get("/crimes").status_code == 200


def test_create_user_validation_error(client, admin):
    r = post_form(
        client,
        "/admin/users",
        {"username": "Bad Name", "display_name": "Kept", "role": "analyst", "password": "short"},
    )
    assert r.status_code == 422
    fields = {a["data-field"] for a in _ids(r.text, "error-link")}
    assert {"username", "password"} <= fields
    page = soup(r.text)
    assert page.find(id="f-display_name")["value"] == "Kept"
    assert page.find(id="f-password")["value"] == ""  # a password is never echoed back
    assert page.find(id="f-role").find("option", selected=True)["value"] == "analyst"


def test_duplicate_user_is_reported(client, admin):
    r = post_form(
        client,
        "/admin/users",
        {"username": "investigator", "role": "analyst", "password": "a-long-enough-password"},
    )
    assert r.status_code == 409
    assert {a["data-field"] for a in _ids(r.text, "error-link")} == {"username"}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.INVESTIGATOR, Role.PARTNER])
def test_users_page_needs_user_manage(client, personas, role):
    login(client, personas[role])
    assert client.get("/admin/users").status_code == 403
    r = post_form(
        client,
        "/admin/users",
        {"username": "sneaky", "role": "admin", "password": "a-long-enough-password"},
    )
    assert r.status_code == 403


def test_put_is_405(client, admin):
    assert client.put("/admin/users").status_code == 405
