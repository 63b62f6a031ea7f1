"""The JSON crime API's contract: shapes, search facets, errors and access."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from patternwatch.audit.models import AuditEvent
from tests.conftest import Persona
from tests.factories import make_crime
from tests.helpers import bearer


def _crime_json(
    reference: str,
    principal: str = "8L",
    included: tuple[str, ...] = (),
    reported_at: str = "2025-05-01T10:00:00",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "reference": reference,
        "reported_at": reported_at,
        "classifications": [{"code": principal, "principal": True}]
        + [{"code": c, "principal": False} for c in included],
        **extra,
    }


def _refs(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json()["items"]]


@pytest.fixture()
def inv(personas: dict[Role, Persona]) -> dict[str, str]:
    return bearer(personas[Role.INVESTIGATOR])


# ---- create and read ---------------------------------------------------------------------


def test_create_returns_201_with_id_principal_and_included(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/crimes", json=_crime_json("API/1", "8L", ("8Q", "8R")), headers=inv
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["reference"] == "API/1"
    assert body["principal"] == "8L"
    assert [(c["code"], c["principal"]) for c in body["classifications"]] == [
        ("8L", True),
        ("8Q", False),
        ("8R", False),
    ]
    # A naive time is read as Europe/London wall-clock time (BST in May: UTC+1).
    assert body["reported_at"].startswith("2025-05-01T09:00:00")


def test_create_without_reference_generates_one(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    data = _crime_json("x")
    del data["reference"]
    response = client.post("/api/v1/crimes", json=data, headers=inv)
    assert response.status_code == 201, response.text
    assert response.json()["reference"].startswith("CR/25/")


def test_get_by_id(client: TestClient, inv, session: Session) -> None:  # type: ignore[no-untyped-def]
    created = client.post(
        "/api/v1/crimes", json=_crime_json("API/2", "8Q", ("8L",)), headers=inv
    ).json()
    response = client.get(f"/api/v1/crimes/{created['id']}", headers=inv)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == created["id"]
    assert body["reference"] == "API/2"
    assert body["principal"] == "8Q"
    assert body["people"] == []
    # The read is audited, on the API channel.
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "crime", AuditEvent.entity_id == created["id"])
        .order_by(AuditEvent.seq.desc())
    ).first()
    assert event is not None
    assert (event.action, event.channel, event.actor_name) == ("crime.view", "api", "investigator")


def test_get_unknown_id_is_404(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/crimes/999999999", headers=inv)
    assert response.status_code == 404
    assert "999999999" in response.json()["detail"]


# ---- search ------------------------------------------------------------------------------


@pytest.fixture()
def three_crimes(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    make_crime(session, actor, reference="S/PRINCIPAL", principal="8Q")
    make_crime(session, actor, reference="S/INCLUDED", principal="8L", included=("8Q",))
    make_crime(session, actor, reference="S/MALCOMMS", principal="8R")


@pytest.mark.usefixtures("three_crimes")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("classification=8Q", {"S/PRINCIPAL", "S/INCLUDED"}),
        ("classification=8q", {"S/PRINCIPAL", "S/INCLUDED"}),
        ("classification=8Q&principal_only=true", {"S/PRINCIPAL"}),
        ("classification=8L", {"S/INCLUDED"}),
        ("classification=8L&principal_only=true", {"S/INCLUDED"}),
        ("classification=8R&classification=8Q", {"S/PRINCIPAL", "S/INCLUDED", "S/MALCOMMS"}),
        ("classification=8R,8Q", {"S/PRINCIPAL", "S/INCLUDED", "S/MALCOMMS"}),
        ("classification=8R, 8L", {"S/INCLUDED", "S/MALCOMMS"}),
        ("classification=8R,8Q&principal_only=true", {"S/PRINCIPAL", "S/MALCOMMS"}),
        ("classification=8M", set()),
        ("q=malcomms", {"S/MALCOMMS"}),
        ("", {"S/PRINCIPAL", "S/INCLUDED", "S/MALCOMMS"}),
    ],
)
def test_search_by_classification(client: TestClient, inv, query: str, expected: set[str]) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/crimes?{query}", headers=inv)
    assert set(_refs(response)) == expected
    assert response.json()["total"] == len(expected)


@pytest.fixture()
def boundary_crimes(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    """Crimes either side of local midnight in summer (BST, UTC+1)."""
    actor = actor_of(Role.INVESTIGATOR)
    for reference, reported_at in [
        ("D/JUN30-2359", "2025-06-30T22:59:00+00:00"),  # 30 June 23:59 local
        ("D/JUL01-0030", "2025-06-30T23:30:00+00:00"),  # 1 July 00:30 local
        ("D/JUL31-2359", "2025-07-31T22:59:00+00:00"),  # 31 July 23:59 local
        ("D/AUG01-0000", "2025-07-31T23:00:00+00:00"),  # 1 August 00:00 local
    ]:
        make_crime(session, actor, reference=reference, reported_at=reported_at)


@pytest.mark.usefixtures("boundary_crimes")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("from=2025-07-01&to=2025-07-31", ["D/JUL31-2359", "D/JUL01-0030"]),
        ("from=2025-07-01", ["D/AUG01-0000", "D/JUL31-2359", "D/JUL01-0030"]),
        ("to=2025-06-30", ["D/JUN30-2359"]),
        ("from=2025-06-30&to=2025-06-30", ["D/JUN30-2359"]),
        ("from=2025-08-01&to=2025-08-01", ["D/AUG01-0000"]),
        ("from=2025-08-02", []),
    ],
)
def test_search_dates_are_inclusive_london_days(
    client: TestClient,
    inv,  # type: ignore[no-untyped-def]
    query: str,
    expected: list[str],
) -> None:
    # Newest first.
    assert _refs(client.get(f"/api/v1/crimes?{query}", headers=inv)) == expected


def test_search_to_before_from_is_422(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/crimes?from=2025-07-02&to=2025-07-01", headers=inv)
    assert response.status_code == 422
    assert "before" in response.json()["detail"]


def test_search_unknown_code_is_422(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/crimes?classification=ZZ9", headers=inv)
    assert response.status_code == 422
    assert "ZZ9" in response.json()["detail"]


def test_limit_and_offset(client: TestClient, inv, session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    for day in (1, 2, 3):
        make_crime(session, actor, reference=f"P/{day}", reported_at=f"2025-04-0{day}T12:00:00")
    first = client.get("/api/v1/crimes?limit=2", headers=inv)
    assert first.status_code == 200
    body = first.json()
    assert {"total", "items", "limit", "offset"} <= set(body)
    assert body["total"] == 3
    assert (body["limit"], body["offset"]) == (2, 0)
    assert [i["reference"] for i in body["items"]] == ["P/3", "P/2"]
    rest = client.get("/api/v1/crimes?limit=2&offset=2", headers=inv).json()
    assert rest["total"] == 3
    assert [i["reference"] for i in rest["items"]] == ["P/1"]
    beyond = client.get("/api/v1/crimes?offset=10", headers=inv).json()
    assert (beyond["total"], beyond["items"]) == (3, [])


def test_default_limit_is_page_size(client: TestClient, inv, settings) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/crimes", headers=inv).json()["limit"] == settings.page_size


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "offset=-1", "limit=abc"])
def test_bad_paging_is_422(client: TestClient, inv, settings, query: str) -> None:  # type: ignore[no-untyped-def]
    assert settings.api_max_limit == 500
    response = client.get(f"/api/v1/crimes?{query}", headers=inv)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_limit_at_api_max_is_accepted(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/crimes?limit=500", headers=inv).status_code == 200


# ---- authentication and access -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/crimes"), ("GET", "/api/v1/crimes/1"), ("POST", "/api/v1/crimes")],
)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer pw_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-even-our-prefix"},
    ],
    ids=["none", "unknown", "empty", "basic", "foreign"],
)
def test_without_a_valid_token_is_401(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers, json=_crime_json("AUTH/1"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_role_without_the_right_is_403(client: TestClient, personas, session, actor_of) -> None:  # type: ignore[no-untyped-def]
    crime = make_crime(session, actor_of(Role.INVESTIGATOR))
    partner = bearer(personas[Role.PARTNER])
    assert client.get("/api/v1/crimes", headers=partner).status_code == 403
    assert client.get(f"/api/v1/crimes/{crime.id}", headers=partner).status_code == 403
    response = client.post("/api/v1/crimes", json=_crime_json("PARTNER/1"), headers=partner)
    assert response.status_code == 403
    assert "partner" in response.json()["detail"].lower()
    # An analyst reads but may not record.
    analyst = bearer(personas[Role.ANALYST])
    assert client.get(f"/api/v1/crimes/{crime.id}", headers=analyst).status_code == 200
    response = client.post("/api/v1/crimes", json=_crime_json("ANALYST/1"), headers=analyst)
    assert response.status_code == 403


def test_restricted_crime_is_404_unless_named_or_supervisor(
    client: TestClient,
    personas,
    session,
    actor_of,  # type: ignore[no-untyped-def]
) -> None:
    crime = make_crime(
        session, actor_of(Role.SUPERVISOR), reference="R/1", principal="8Q", is_restricted=True
    )
    path = f"/api/v1/crimes/{crime.id}"
    assert client.get(path, headers=bearer(personas[Role.INVESTIGATOR])).status_code == 404
    assert client.get(path, headers=bearer(personas[Role.ANALYST])).status_code == 404
    response = client.get(path, headers=bearer(personas[Role.SUPERVISOR]))
    assert response.status_code == 200
    assert response.json()["is_restricted"] is True
    # Nor does it show in a search.
    found = client.get(
        "/api/v1/crimes?classification=8Q", headers=bearer(personas[Role.INVESTIGATOR])
    )
    assert "R/1" not in _refs(found)
    found = client.get(
        "/api/v1/crimes?classification=8Q", headers=bearer(personas[Role.SUPERVISOR])
    )
    assert "R/1" in _refs(found)


def test_restricted_crime_is_visible_to_the_named_officer(
    client: TestClient,
    personas,
    session,
    actor_of,  # type: ignore[no-untyped-def]
) -> None:
    investigator = personas[Role.INVESTIGATOR]
    crime = make_crime(
        session,
        actor_of(Role.SUPERVISOR),
        is_restricted=True,
        officer_in_charge_id=investigator.user_id,
    )
    assert client.get(f"/api/v1/crimes/{crime.id}", headers=bearer(investigator)).status_code == 200


# ---- invalid input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("classifications", "must_mention"),
    [
        ([{"code": "ZZ9", "principal": True}], "ZZ9"),
        ([{"code": "8L", "principal": True}, {"code": "QQ1", "principal": False}], "QQ1"),
        ([{"code": "8L", "principal": False}], "principal"),
        ([{"code": "8L", "principal": True}, {"code": "8Q", "principal": True}], "principal"),
        ([{"code": "8L", "principal": True}, {"code": "8L", "principal": False}], "8L"),
        ([], "classifications"),
    ],
    ids=["unknown-principal", "unknown-included", "no-principal", "two-principals", "dup", "none"],
)
def test_invalid_classifications_are_422(
    client: TestClient,
    inv,  # type: ignore[no-untyped-def]
    classifications: list[dict[str, Any]],
    must_mention: str,
) -> None:
    data = _crime_json("BAD/1")
    data["classifications"] = classifications
    response = client.post("/api/v1/crimes", json=data, headers=inv)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert must_mention in detail, detail


@pytest.mark.parametrize(
    ("extra", "must_mention"),
    [
        ({"recorded_at": "2025-04-30T10:00:00"}, "recorded before"),
        (
            {"offence_from": "2025-04-20T10:00:00", "offence_to": "2025-04-10T10:00:00"},
            "offence period",
        ),
        ({"online_methods": ["messaging"]}, "online"),
        ({"reported_at": "not a date"}, "reported_at"),
        ({"reference": "!"}, "reference"),
    ],
)
def test_invalid_details_are_422(client: TestClient, inv, extra, must_mention: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/crimes", json={**_crime_json("BAD/2"), **extra}, headers=inv)
    assert response.status_code == 422, response.text
    assert must_mention in response.json()["detail"]


def test_investigator_may_not_restrict_through_the_api(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/crimes", json=_crime_json("BAD/3", is_restricted=True), headers=inv
    )
    assert response.status_code == 422
    assert "supervisor" in response.json()["detail"]


def test_duplicate_reference_is_409(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/v1/crimes", json=_crime_json("DUP/1"), headers=inv).status_code == 201
    response = client.post("/api/v1/crimes", json=_crime_json("DUP/1", "8Q"), headers=inv)
    assert response.status_code == 409
    assert "DUP/1" in response.json()["detail"]


# ---- service endpoints -------------------------------------------------------------------


def test_health_needs_no_auth(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_lists_the_crime_routes(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/crimes"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/crimes/{crime_id}"]
    assert "get" in paths["/api/v1/health"]
    # Web pages are not part of the API contract.
    assert not [p for p in paths if not p.startswith("/api/v1/")]
