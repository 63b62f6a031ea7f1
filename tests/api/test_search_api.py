"""GET /api/v1/crimes beyond the original contract: facets, cursors, sorting and the new filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from tests.factories import link, make_crime, make_person
from tests.helpers import bearer


@pytest.fixture()
def inv(personas):  # type: ignore[no-untyped-def]
    return bearer(personas[Role.INVESTIGATOR])


@pytest.fixture()
def area(session: Session, actor_of) -> dict[str, int]:  # type: ignore[no-untyped-def]
    actor = actor_of(Role.INVESTIGATOR)
    base = datetime(2025, 3, 1, 9, tzinfo=UTC)
    made = {}
    for i, (district, principal, status, online) in enumerate(
        [
            ("Stevenage", "8Q", "recorded", True),
            ("Stevenage", "8L", "finalised", False),
            ("Stevenage", "8Q", "finalised", False),
            ("Watford", "8Q", "under_investigation", True),
            ("Watford", "8R", "recorded", False),
        ]
    ):
        crime = make_crime(
            session,
            actor,
            reference=f"AR/{i}",
            principal=principal,
            district=district,
            status=status,
            is_online=online,
            online_methods=["tracking_device"] if online else [],
            lsoa_code="E01023500" if i % 2 else "E01023501",
            reported_at=base + timedelta(days=i),
            narrative=f"area test {i}",
            officer_in_charge_id=actor.user_id,
        )
        made[crime.reference] = crime
    suspect = make_person(session, actor)
    link(session, actor, suspect, role="suspect", crime=made["AR/0"], relationship="ex_partner")
    link(session, actor, suspect, role="suspect", crime=made["AR/3"], relationship="stranger")
    session.commit()
    return {ref: crime.id for ref, crime in made.items()}


def _refs(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [i["reference"] for i in body["items"]]


@pytest.mark.usefixtures("area")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("district=Stevenage", ["AR/2", "AR/1", "AR/0"]),
        ("district=Stevenage&classification=8Q", ["AR/2", "AR/0"]),
        ("status=recorded&status=under_investigation", ["AR/4", "AR/3", "AR/0"]),
        ("status=recorded,finalised&district=Watford", ["AR/4"]),
        ("online=true", ["AR/3", "AR/0"]),
        ("online=false&district=Watford", ["AR/4"]),
        ("online_method=tracking_device", ["AR/3", "AR/0"]),
        ("relationship=ex_partner", ["AR/0"]),
        ("relationship=ex_partner&relationship=stranger", ["AR/3", "AR/0"]),
        ("lsoa=e01023500", ["AR/3", "AR/1"]),
        ("officer=investigator", ["AR/4", "AR/3", "AR/2", "AR/1", "AR/0"]),
        ("sort=reported_asc", ["AR/0", "AR/1", "AR/2", "AR/3", "AR/4"]),
        ("sort=reference&district=Watford", ["AR/3", "AR/4"]),
        ("date_field=offence&from=2025-03-02&to=2025-03-03", ["AR/2", "AR/1"]),
    ],
)
def test_new_filters(client: TestClient, inv, query: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/crimes?q=area&{query}", headers=inv)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _refs(body) == expected
    assert body["total"] == len(expected)


@pytest.mark.usefixtures("area")
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=closed", "status"),
        ("relationship=cousin", "relationship"),
        ("outcome=ZZ", "outcome"),
        ("officer=nobody-here", "officer"),
        ("sort=random", "sort"),
        ("cursor=garbage", "cursor"),
        ("date_field=recorded", "date_field"),
    ],
)
def test_bad_filters_are_422(client: TestClient, inv, query: str, field: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/crimes?{query}", headers=inv)
    assert response.status_code == 422, response.text
    assert field in response.text


@pytest.mark.usefixtures("area")
def test_cursor_paging_to_the_end(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    url = "/api/v1/crimes?q=area&limit=2"
    body = client.get(url, headers=inv).json()
    while True:
        assert body["total"] == 5
        seen += _refs(body)
        if body["next_cursor"] is None:
            break
        body = client.get(f"{url}&cursor={body['next_cursor']}", headers=inv).json()
    assert seen == ["AR/4", "AR/3", "AR/2", "AR/1", "AR/0"]
    back = client.get(f"{url}&cursor={body['prev_cursor']}", headers=inv).json()
    assert _refs(back) == ["AR/2", "AR/1"]


@pytest.mark.usefixtures("area")
def test_facets_on_request(client: TestClient, inv) -> None:  # type: ignore[no-untyped-def]
    plain = client.get("/api/v1/crimes?q=area", headers=inv).json()
    assert plain["facets"] is None
    body = client.get("/api/v1/crimes?q=area&facets=true", headers=inv).json()
    facets = {
        name: {v["value"]: v["count"] for v in values} for name, values in body["facets"].items()
    }
    assert facets["district"] == {"Stevenage": 3, "Watford": 2}
    assert facets["classification"] == {"8Q": 3, "8L": 1, "8R": 1}
    assert facets["is_online"] == {"true": 2, "false": 3}
    assert facets["relationship"] == {"ex_partner": 1, "stranger": 1}
    assert facets["status"] == {"finalised": 2, "recorded": 2, "under_investigation": 1}


def test_openapi_lists_the_export_and_new_parameters(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/crimes/export" in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/api/v1/crimes"]["get"]["parameters"]}
    assert {"classification", "principal_only", "from", "to", "limit", "offset"} <= names
    assert {"cursor", "facets", "district", "relationship", "online", "status", "sort"} <= names
