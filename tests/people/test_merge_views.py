"""Duplicate review and merge pages: candidates side by side, merge, undo, errors, permissions."""

from __future__ import annotations

from datetime import date

import pytest

from patternwatch.access.enums import Role
from tests.factories import make_person
from tests.helpers import login, post_form, soup


def _testids(html: str, testid: str) -> list:  # type: ignore[type-arg]
    return soup(html).select(f'[data-testid="{testid}"]')


@pytest.fixture()
def pair(session, actor_of):  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    a = make_person(
        session, inv, forename="Margaret", surname="Quixley", date_of_birth=date(1961, 1, 30)
    )
    b = make_person(
        session, inv, forename="Peggy", surname="Quixley", date_of_birth=date(1961, 1, 30)
    )
    return a, b


def test_review_merge_and_undo(client, personas, pair):  # type: ignore[no-untyped-def]
    a, b = pair
    login(client, personas[Role.REGISTRAR])
    page = client.get("/people/duplicates")
    assert page.status_code == 200
    found = [
        c
        for c in _testids(page.text, "candidate")
        if {c["data-left"], c["data-right"]} == {str(a.id), str(b.id)}
    ]
    assert len(found) == 1
    left, right = int(found[0]["data-left"]), int(found[0]["data-right"])

    bad = post_form(
        client,
        "/people/duplicates/merge",
        {"left_id": left, "right_id": right, "survivor_id": left, "reason": ""},
    )
    assert bad.status_code == 422
    assert _testids(bad.text, "error-summary")

    done = post_form(
        client,
        "/people/duplicates/merge",
        {"left_id": left, "right_id": right, "survivor_id": left, "reason": "Same DOB, nickname"},
    )
    assert done.status_code == 303
    merges = client.get("/people/merges")
    rows = _testids(merges.text, "merge")
    assert rows and "Same DOB, nickname" in rows[0].get_text()
    merge_id = rows[0]["data-merge-id"]

    undo = post_form(client, f"/people/merges/{merge_id}/undo", {"reason": "Sisters"})
    assert undo.status_code == 303
    after = client.get("/people/merges")
    assert _testids(after.text, "undone")


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.ANALYST, Role.CALL_HANDLER])
def test_other_roles_cannot_review(client, personas, role):  # type: ignore[no-untyped-def]
    login(client, personas[role])
    assert client.get("/people/duplicates").status_code == 403
    assert client.get("/people/merges").status_code == 403


def test_get_on_post_only_route(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.SUPERVISOR])
    assert client.get("/people/duplicates/merge").status_code == 405
