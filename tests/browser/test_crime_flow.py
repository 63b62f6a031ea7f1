"""In a real browser: log in, record a crime with stalking as an included classification, find it.

Super-complaint Rec 7: stalking recorded as a non-principal classification must be searchable.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser

REFERENCE = "BRW/0001"


def test_record_crime_with_included_stalking_and_find_it(
    page: Page, live_server: LiveServer
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", live_server.username)
        page.fill("input[name=password]", live_server.password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

        page.goto(f"{live_server.url}/crimes/new")
        page.fill("input[name=reference]", REFERENCE)
        page.fill("input[name=reported_at]", "2025-05-01T10:00")
        page.select_option("select[name=principal]", "8L")
        page.check('input[name=included][value="8Q"]')
        page.fill(
            "textarea[name=narrative]",
            "IP reports ex-bf following her from work and waiting outside her flat.",
        )
        page.get_by_role("button", name="Record crime").click()
        page.wait_for_url(re.compile(r".*/crimes/\d+$"))

        page.goto(f"{live_server.url}/crimes")
        page.fill("input[name=classification]", "8Q")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r".*/crimes\?.*classification=8Q"))
        rows = page.locator('[data-testid="crime-row"]')
        expect(rows.filter(has_text=REFERENCE)).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "crime-search-8q.png"), full_page=True)

        page.check("input[name=principal_only]")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(re.compile(r".*principal_only="))
        expect(page.locator('[data-testid="crime-row"]').filter(has_text=REFERENCE)).to_have_count(
            0
        )
        page.screenshot(path=str(ARTIFACTS / "crime-search-8q-principal-only.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "crime-flow-failure.png"), full_page=True)
        raise
