"""`patternwatch screen INPUT.csv --output OUT.csv`: the contract (rules-only, for speed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patternwatch.cli import app
from patternwatch.screening import model
from patternwatch.screening.model import Screener


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "get_screener", lambda data_dir=None: Screener(None))


def test_screen_writes_every_id_once(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,narrative,recorded_as\n"
        'a1,"ip ex-bf keeps txting her 50+ msgs a day, turned up at her work again",8L\n'
        "a2,Neighbour dispute over the fence.,8L\n"
        "a3,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["screen", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["id"] for r in rows] == ["a1", "a2", "a3"]
    assert list(rows[0]) == ["id", "score", "flagged", "indicators"]
    assert rows[0]["flagged"] == "true" and "turning_up" in rows[0]["indicators"].split(";")
    assert rows[1]["flagged"] == "false"
    for r in rows:
        assert 0.0 <= float(r["score"]) <= 1.0 and len(r["score"].split(".")[1]) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [("id,text\n1,hello\n", "missing the column"), (None, "cannot read")],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, content: str | None, message: str) -> None:
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["screen", str(src), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert message in result.output
