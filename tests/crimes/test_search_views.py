"""The crime search page: the new filters, counts on request, paging links, errors on fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from patternwatch.access.enums import Role
from tests.factories import link, make_crime, make_person
from tests.helpers import login, soup


@pytest.fixture()
def analyst(client, personas):  # type: ignore[no-untyped-def]
    login(client, personas[Role.ANALYST])
    return personas[Role.ANALYST]


@pytest.fixture()
def crimes(session, actor_of) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    base = datetime(2025, 4, 1, 9, tzinfo=UTC)
    made = []
    for i, (district, principal, online) in enumerate(
        [("Hertsmere", "8Q", True), ("Hertsmere", "8L", False), ("Broxbourne", "8Q", False)]
    ):
        made.append(
            make_crime(
                session,
                inv,
                reference=f"WV/{i}",
                principal=principal,
                district=district,
                is_online=online,
                narrative="web view marker",
                reported_at=base + timedelta(days=i),
            )
        )
    suspect = make_person(session, inv)
    link(session, inv, suspect, role="suspect", crime=made[0], relationship="ex_partner")
    session.commit()


def _refs(html: str) -> list[str]:
    return [a.get_text() for a in soup(html).select('[data-testid="crime-ref"]')]


@pytest.mark.usefixtures("crimes")
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "Hertsmere"}, ["WV/1", "WV/0"]),
        ({"relationship": "ex_partner"}, ["WV/0"]),
        ({"online": "yes"}, ["WV/0"]),
        ({"online": "no", "classification": "8Q"}, ["WV/2"]),
        ({"sort": "reported_asc"}, ["WV/0", "WV/1", "WV/2"]),
        ({"date_field": "offence", "from": "2025-04-02", "to": "2025-04-02"}, ["WV/1"]),
    ],
)
def test_filters_on_the_page(client, analyst, params, expected) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/crimes", params={"q": "marker", **params})
    assert page.status_code == 200
    assert _refs(page.text) == expected
    form = soup(page.text).select_one('[data-testid="crime-search"]')
    for name, value in params.items():
        field = form.find(attrs={"name": name})
        shown = (
            field.get("value")
            if field.name == "input"
            else (field.find("option", selected=True) or {}).get("value")
        )
        assert shown == value, name  # the form keeps the search


@pytest.mark.usefixtures("crimes")
def test_counts_are_shown_on_request(client, analyst) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/crimes", params={"q": "marker"})
    assert not soup(page.text).select('[data-testid="facets"]')
    href = soup(page.text).select_one('[data-testid="show-facets"]')["href"]
    assert "facets=1" in href and "q=marker" in href
    counted = client.get(href)
    facets = {
        f["data-facet"]: {v["data-value"]: int(v["data-count"]) for v in f.select("li")}
        for f in soup(counted.text).select('[data-testid="facet"]')
    }
    assert facets["district"] == {"Hertsmere": 2, "Broxbourne": 1}
    assert facets["classification"] == {"8Q": 2, "8L": 1}
    assert facets["relationship"] == {"ex_partner": 1}
    # Each value links to the search with that value.
    link_ = soup(counted.text).select_one('[data-facet="district"] li[data-value="Broxbourne"] a')
    narrowed = client.get(link_["href"])
    assert _refs(narrowed.text) == ["WV/2"]


def test_bad_choice_is_shown_on_its_field(client, analyst) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/crimes", params={"relationship": "cousin"})
    assert page.status_code == 422
    summary = soup(page.text).select_one('[data-testid="error-summary"]')
    assert summary.select_one('a[href="#f-relationship"]') is not None


def test_bad_cursor_is_explained(client, analyst) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/crimes", params={"cursor": "not-a-cursor"})
    assert page.status_code == 422
    assert "first page" in soup(page.text).select_one('[data-testid="error-summary"]').get_text()
