"""Small helpers for web tests: CSRF tokens, logging in, parsing pages."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.conftest import Persona


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def csrf_from(html: str) -> str:
    field = soup(html).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "page has no CSRF token"
    return str(field["value"])


def csrf(client: TestClient, path: str = "/login") -> str:
    """A CSRF token for the client's session, read from a page's form."""
    response = client.get(path)
    return csrf_from(response.text)


def login(client: TestClient, persona: Persona) -> None:
    token = csrf(client, "/login")
    response = client.post(
        "/login",
        data={"username": persona.username, "password": persona.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, path: str, data: dict[str, Any], **kwargs: Any):  # type: ignore[no-untyped-def]
    """POST a form with the session's CSRF token added."""
    token = csrf(client, "/")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def bearer(persona: Persona) -> dict[str, str]:
    return {"Authorization": f"Bearer {persona.token}"}
