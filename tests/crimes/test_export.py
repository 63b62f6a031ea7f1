"""Export of a search to CSV and XLSX: round trip equals the search; streamed, audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access.enums import Role
from patternwatch.access.permissions import Action, can
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes import export
from patternwatch.crimes import service as crimes_service
from patternwatch.timeutil import local
from tests.factories import link, make_crime, make_person
from tests.helpers import bearer, login, soup

HEADINGS = [heading for _, heading in export.COLUMNS]


@pytest.fixture()
def crimes(session: Session, actor_of) -> list[Any]:  # type: ignore[no-untyped-def]
    """Five crimes with tricky text, one restricted; 8Q on four of them."""
    inv = actor_of(Role.INVESTIGATOR)
    sup = actor_of(Role.SUPERVISOR)
    base = datetime(2025, 6, 1, 8, 30, 15, 123456, tzinfo=UTC)
    made = [
        make_crime(
            session,
            inv,
            reference="EX/001",
            principal="8Q",
            reported_at=base,
            narrative='=HYPERLINK("http://evil") then -2+3 and @SUM(A1)',
            location_text='Hatfield, "the Galleria"',
            district="Welwyn Hatfield",
            is_online=True,
            online_methods=["messaging", "social_media"],
        ),
        make_crime(
            session,
            inv,
            reference="EX/002",
            principal="8L",
            included=("8Q", "8R"),
            reported_at=base + timedelta(days=1),
            narrative="Line one\nLine two, with a comma; and “quotes” – and é",
            offence_from=base - timedelta(days=30),
            offence_to=base - timedelta(days=2),
        ),
        make_crime(
            session,
            inv,
            reference="EX/003",
            principal="8Q",
            reported_at=base + timedelta(days=2),
            narrative="Bad \x07 control character",
        ),
        make_crime(session, sup, reference="EX/004", principal="8Q", is_restricted=True),
        make_crime(session, inv, reference="EX/005", principal="8R"),
    ]
    victim = make_person(session, inv)
    suspect = make_person(session, inv)
    link(session, inv, victim, role="victim", crime=made[0])
    link(session, inv, suspect, role="suspect", crime=made[0], relationship="ex_partner")
    session.commit()
    return made


def _rows(session: Session, actor, filters: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    plan = export.plan_export(session=session, actor=actor, filters=filters)
    return list(export.iter_rows(session=session, plan=plan, batch_rows=2))


def test_rows_follow_the_search_across_batches(session: Session, crimes, actor_of) -> None:  # type: ignore[no-untyped-def]
    analyst = actor_of(Role.ANALYST)
    rows = _rows(session, analyst, {"classification": ["8Q"], "text": "EX/"})
    page = crimes_service.search_crimes(
        session=session, actor=analyst, filters={"classification": ["8Q"], "text": "EX/"}
    )
    assert [r["reference"] for r in rows] == [c.reference for c in page.items]
    assert [r["reference"] for r in rows] == ["EX/003", "EX/002", "EX/001"]  # not the restricted
    first = rows[-1]
    assert first["principal"] == "8Q" and first["included"] == ""
    assert first["online_methods"] == "messaging social_media"
    assert first["relationship"] == "ex_partner"
    assert rows[1]["included"] == "8Q 8R"


def _csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets detect UTF-8 by it
    return list(csv.DictReader(io.StringIO(text[1:])))


def _expected_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def test_csv_round_trip_equals_the_search(client, session, crimes, personas, actor_of) -> None:  # type: ignore[no-untyped-def]
    analyst = personas[Role.ANALYST]
    response = client.get(
        "/api/v1/crimes/export",
        params={"format": "csv", "q": "EX/"},
        headers=bearer(analyst),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    read = _csv(response.content)
    assert list(read[0]) == HEADINGS
    expected = _rows(session, analyst.actor, {"text": "EX/"})
    assert len(read) == len(expected) == 4
    for got, want in zip(read, expected, strict=True):
        for name, heading in export.COLUMNS:
            cell = got[heading]
            if cell.startswith("'"):
                cell = cell[1:]  # the formula guard
            assert cell == _expected_cell(name, want[name]), (name, cell)
    # Formula-looking text is neutralised; the original is intact after the apostrophe.
    by_ref = {r["Reference"]: r for r in read}
    assert by_ref["EX/001"]["Narrative"].startswith("'=HYPERLINK")
    assert by_ref["EX/002"]["Narrative"] == "Line one\nLine two, with a comma; and “quotes” – and é"


def test_xlsx_round_trip_equals_the_search(client, session, crimes, personas) -> None:  # type: ignore[no-untyped-def]
    analyst = personas[Role.ANALYST]
    response = client.get(
        "/api/v1/crimes/export",
        params={"format": "xlsx", "classification": "8Q", "sort": "reference"},
        headers=bearer(analyst),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == export.ExportFormat.XLSX.media_type
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Crimes"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == HEADINGS
    expected = _rows(session, analyst.actor, {"classification": ["8Q"], "sort": "reference"})
    assert [r[0] for r in table[1:]] == ["EX/001", "EX/002", "EX/003"]
    for got, want in zip(table[1:], expected, strict=True):
        for (name, _), cell in zip(export.COLUMNS, got, strict=True):
            value = want[name]
            if value is None:
                assert cell is None, name
            elif isinstance(value, datetime):
                assert cell == local(value).replace(tzinfo=None, microsecond=0), name
            elif isinstance(value, bool):
                assert cell == ("yes" if value else "no"), name
            else:
                assert (cell or "") == str(value).replace("\x07", ""), name
    # A string cell, never a formula.
    assert table[1][HEADINGS.index("Narrative")].startswith("=HYPERLINK")


def test_export_is_audited_once_with_filters_and_count(client, session, crimes, personas) -> None:  # type: ignore[no-untyped-def]
    analyst = personas[Role.ANALYST]
    before = session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    for fmt in ("csv", "xlsx"):
        response = client.get(
            "/api/v1/crimes/export",
            params={"format": fmt, "classification": "8Q", "principal_only": "true"},
            headers=bearer(analyst),
        )
        assert response.status_code == 200
    events = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.seq > before, AuditEvent.action == Action.REPORT_EXPORT.value)
            .order_by(AuditEvent.seq)
        )
    )
    assert [(e.actor_name, e.changes["format"], e.changes["rows"]) for e in events] == [
        ("analyst", "csv", 2),
        ("analyst", "xlsx", 2),
    ]
    assert events[0].changes["filters"] == {"classification": ["8Q"], "principal_only": True}
    assert "Exported 2 crimes as CSV" in events[0].summary


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_export_needs_report_export(client, session, crimes, personas, role: Role) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/api/v1/crimes/export", params={"format": "csv"}, headers=bearer(personas[role])
    )
    allowed = can(role, Action.REPORT_EXPORT)
    assert response.status_code == (200 if allowed else 403)
    assert allowed is (role in {Role.INVESTIGATOR, Role.SUPERVISOR, Role.REGISTRAR, Role.ANALYST})


def test_export_refuses_bad_input(client, crimes, personas) -> None:  # type: ignore[no-untyped-def]
    headers = bearer(personas[Role.ANALYST])
    assert client.get("/api/v1/crimes/export?format=pdf", headers=headers).status_code == 422
    bad = client.get("/api/v1/crimes/export?classification=ZZ9", headers=headers)
    assert bad.status_code == 422 and "ZZ9" in bad.json()["detail"]


def test_web_export_links_carry_the_search(client, session, crimes, personas) -> None:  # type: ignore[no-untyped-def]
    login(client, personas[Role.ANALYST])
    page = client.get("/crimes", params={"classification": "8Q", "district": "Welwyn Hatfield"})
    links = soup(page.text).select_one('[data-testid="export-links"]')
    csv_href = links.select_one('[data-testid="export-csv"]')["href"]
    xlsx_href = links.select_one('[data-testid="export-xlsx"]')["href"]
    assert "classification=8Q" in csv_href and "district=Welwyn+Hatfield" in csv_href
    assert "format=csv" in csv_href and "format=xlsx" in xlsx_href
    body = client.get(csv_href)
    assert body.status_code == 200
    assert [r["Reference"] for r in _csv(body.content)] == ["EX/001"]
    xlsx = client.get(xlsx_href)
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"  # a zip (XLSX) file


def test_web_export_hidden_and_refused_without_permission(client, crimes, personas) -> None:  # type: ignore[no-untyped-def]
    login(client, personas[Role.VICTIM_CARE])
    page = client.get("/crimes", params={"classification": "8Q"})
    assert page.status_code == 200
    assert not soup(page.text).select('[data-testid="export-links"]')
    assert client.get("/crimes/export?format=csv").status_code == 403


def test_large_csv_export_streams_in_chunks(session: Session, actor_of) -> None:  # type: ignore[no-untyped-def]
    inv = actor_of(Role.INVESTIGATOR)
    for i in range(25):
        make_crime(session, inv, reference=f"BIG/{i:03d}", principal="8Q")
    plan = export.plan_export(session=session, actor=inv, filters={"text": "BIG/"})
    ended = []
    rows = export.iter_rows(
        session=session, plan=plan, batch_rows=10, between_batches=lambda: ended.append(1)
    )
    chunks = list(export.csv_chunks(rows, rows_per_chunk=4))
    assert len(chunks) == 7  # header with 4 rows, ..., the last row
    assert len(ended) == 3  # a pause after each batch read
    assert len(_csv(b"".join(chunks))) == 25
