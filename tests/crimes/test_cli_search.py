"""``patternwatch search`` with the search page's facets, against the service on the same data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from patternwatch.access.actor import SYSTEM_ACTOR
from patternwatch.audit.models import AuditEvent
from patternwatch.cli import app
from patternwatch.config import get_settings
from patternwatch.crimes import service as crimes_service
from patternwatch.db.session import make_engine


@pytest.fixture(scope="module")
def force(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli-search") / "force.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATTERNWATCH_DATABASE_URL", f"sqlite:///{path}")
        mp.delenv("PATTERNWATCH_ENV", raising=False)
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["generate", "--crimes", "300", "--seed", "5"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture()
def run(force: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", f"sqlite:///{force}")
    monkeypatch.delenv("PATTERNWATCH_ENV", raising=False)
    get_settings.cache_clear()

    def _run(*args: str) -> str:
        result = CliRunner().invoke(app, ["search", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    return _run


def _service_refs(path: Path, filters: dict) -> list[str]:  # type: ignore[type-arg]
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        page = crimes_service.search_crimes(
            session=session,
            actor=SYSTEM_ACTOR,
            filters={**filters, "sort": "reference", "limit": 10_000},
        )
        refs = [c.reference for c in page.items]
        session.rollback()
    engine.dispose()
    return refs


@pytest.mark.parametrize(
    ("args", "filters"),
    [
        (["--classification", "8Q,8L"], {"classification": ["8Q", "8L"]}),
        (
            ["--district", "Dacorum", "--classification", "8Q"],
            {"district": ["Dacorum"], "classification": ["8Q"]},
        ),
        (
            ["--relationship", "ex_partner", "--online"],
            {"relationship": ["ex_partner"], "is_online": True},
        ),
        (
            ["--status", "under_investigation,recorded"],
            {"status": ["under_investigation", "recorded"]},
        ),
        (
            ["--not-online", "--from", "2025-01-01", "--to", "2025-03-31", "--offence-dates"],
            {
                "is_online": False,
                "date_from": "2025-01-01",
                "date_to": "2025-03-31",
                "date_field": "offence",
            },
        ),
        (["--text", "CR/2501"], {"text": "CR/2501"}),
    ],
)
def test_facets_print_what_the_search_finds(
    run, force: Path, args: list[str], filters: dict
) -> None:  # type: ignore[no-untyped-def,type-arg]
    out = run(*args)
    rows = list(csv.DictReader(io.StringIO(out)))
    refs = [r["reference"] for r in rows]
    assert refs == _service_refs(force, filters)
    assert refs, "the example should find something"
    assert refs == sorted(refs, key=str.encode)
    as_json = json.loads(run(*args, "--format", "json"))
    assert [r["reference"] for r in as_json] == refs


def test_search_is_audited_with_its_filters(run, force: Path) -> None:  # type: ignore[no-untyped-def]
    out = run("--district", "Watford", "--online")
    count = len(out.splitlines()) - 1
    engine = make_engine(f"sqlite:///{force}")
    with Session(engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    engine.dispose()
    assert event.summary == f"Searched crimes from the command line ({count} found)"
    assert event.changes == {"district": ["Watford"], "is_online": True, "sort": "reference"}


def test_bad_facet_value_fails_clearly(force: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATTERNWATCH_DATABASE_URL", f"sqlite:///{force}")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["search", "--status", "closed"])
    assert result.exit_code == 1
    assert "status" in result.output
