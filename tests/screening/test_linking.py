"""Pure course-of-conduct linking and the ``patternwatch link`` contract."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patternwatch.cli import app
from patternwatch.people.matching import PersonRecord, pairwise_scores
from patternwatch.screening import linking
from patternwatch.screening.linking import LinkRecord

DATA = Path(__file__).resolve().parents[1] / "data"
T0 = datetime(2025, 1, 6, 18, 0)
VICTIM = PersonRecord("v", "Katherine", "Wilson", date(1990, 3, 4))
SUSPECT = PersonRecord("s", "Robert", "Jones", date(1985, 7, 2))


def r(rid, days, *, victim=VICTIM, suspect=SUSPECT, code="8L", text="", rel=None):
    return LinkRecord(rid, T0 + timedelta(days=days), victim, suspect, code, text, rel)


def series_of(records, **kwargs):
    return linking.link(records, **kwargs).series_of


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        # One occasion is not a course of conduct.
        ([r("a", 0)], {}),
        # Two reports the same day are one occasion.
        ([r("a", 0), r("b", 0)], {}),
        ([r("a", 0), r("b", 10)], {"a": "S00001", "b": "S00001"}),
        # Variants of the same people still link (nickname, typo, transposed date of birth).
        (
            [
                r("a", 0),
                r(
                    "b",
                    5,
                    victim=PersonRecord("x", "Kate", "Willson", date(1990, 4, 3)),
                    suspect=PersonRecord("y", "Bob", "Jones", None),
                ),
            ],
            {"a": "S00001", "b": "S00001"},
        ),
        # A different suspect is a different course.
        ([r("a", 0), r("b", 5, suspect=PersonRecord("z", "Mark", "Okafor", None))], {}),
        # A gap longer than the maximum splits the series.
        ([r("a", 0), r("b", 200)], {}),
        # ... but a breach continues the course it came from whatever the gap.
        (
            [r("a", 0), r("b", 3), r("c", 400, code="BR-RO")],
            {"a": "S00001", "b": "S00001", "c": "S00001"},
        ),
        # No suspect named: nothing to link on.
        ([r("a", 0, suspect=None), r("b", 5, suspect=None)], {}),
    ],
)
def test_link_grouping(records, expected):
    assert series_of(records) == expected


def test_max_gap_is_a_parameter():
    assert series_of([r("a", 0), r("b", 200)], max_gap_days=365) == {"a": "S00001", "b": "S00001"}


@pytest.mark.parametrize(
    ("records", "looks"),
    [
        ([r("a", 0, rel="ex_partner"), r("b", 9, code="58A")], True),
        ([r("a", 0, text="He followed her home"), r("b", 9, code="8R")], True),
        ([r("a", 0, code="8Q"), r("b", 9, code="8Q")], True),
        ([r("a", 0, rel="neighbour", text="noise"), r("b", 9, rel="neighbour")], False),
        ([r("a", 0, code="49"), r("b", 9, code="49", rel="ex_partner")], False),
    ],
)
def test_stalking_flag(records, looks):
    result = linking.link(records)
    assert len(result.series) == 1
    assert result.series[0].looks_like_stalking is looks


def test_breach_ids_recorded():
    result = linking.link([r("a", 0), r("b", 3), r("c", 30, code="BR-SPO")])
    assert result.series[0].breach_ids == ["c"]


def test_hand_labelled_incidents():
    with (DATA / "link_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    src = DATA / "link_labelled.csv"
    from patternwatch.screening.link_cli import LINK_COLUMNS, _person, parse_when

    assert set(LINK_COLUMNS) <= set(rows[0])
    records = [
        LinkRecord(
            row["id"],
            parse_when(row["reported_at"]),
            _person(row, "victim"),
            _person(row, "suspect"),
            row["recorded_as"],
            row["narrative"],
        )
        for row in rows
    ]
    found = linking.link(records).series_of
    scores = pairwise_scores(
        [found.get(row["id"], "") for row in rows], [row["true_series"] for row in rows]
    )
    assert scores.f1 >= 0.9, (src, scores)


# ---- CLI contract ------------------------------------------------------------------------------

runner = CliRunner()
HEADER = (
    "id,reported_at,victim_forename,victim_surname,victim_dob,suspect_forename,suspect_surname,"
    "suspect_dob,recorded_as,narrative\n"
)


def test_cli_link(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        HEADER
        + "1,2025-01-06T18:00,Katherine,Wilson,1990-03-04,Robert,Jones,,8L,texts again\n"
        + "2,2025-01-20,Kate,Wilson,,Bob,Jones,02/07/1985,58C,car scratched\n"
        + "3,2025-02-01,Ann,Okafor,,,,,8R,one message\n"
        + "4,,Ann,Okafor,,,,,8R,no date\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["link", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "series_id"]
    assert [row["id"] for row in rows] == ["1", "2", "3", "4"]
    assert rows[0]["series_id"] and rows[0]["series_id"] == rows[1]["series_id"]
    assert rows[2]["series_id"] == rows[3]["series_id"] == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [("id,reported_at\n1,2025-01-01\n", "no column"), (None, "cannot read")],
)
def test_cli_link_bad_input(tmp_path, content, message):
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["link", str(src), "--output", str(tmp_path / "o.csv")])
    assert result.exit_code != 0
    assert message in result.output
