"""Pure person matching: comparison levels, blocking, clustering, scores and the CLI contract."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patternwatch.cli import app
from patternwatch.people import matching
from patternwatch.people.matching import PersonRecord, score

DATA = Path(__file__).resolve().parents[1] / "data"


def rec(rid: str, fore: str | None, sur: str | None, dob: date | None, pc: str | None = None):
    return PersonRecord(rid, fore, sur, dob, pc)


D = date(1988, 3, 14)


@pytest.mark.parametrize(
    ("a", "b", "field", "level", "same"),
    [
        (("Katherine", "Wilson", D), ("Kate", "Wilson", D), "forename", "nickname", True),
        (("Robert", "Jones", D), ("Bob", "Jones", D), "forename", "nickname", True),
        (("William", "Jones", D), ("Liam", "Jones", D), "forename", "nickname", True),
        (("Margaret", "Doyle", D), ("Peggy", "Doyle", D), "forename", "nickname", True),
        (("Elizabeth", "Doyle", D), ("Beth", "Doyle", D), "forename", "nickname", True),
        (("Katherine", "Wilson", D), ("Katherine", "Willson", D), "surname", "fuzzy", True),
        (("Katherine", "Wilson", D), ("Wilson", "Katherine", D), "forename", "swapped", True),
        (
            ("Katherine", "Wilson", D),
            ("Katherine", "Wilson", date(1988, 14, 3) if False else date(1988, 3, 14)),
            "date_of_birth",
            "exact",
            True,
        ),
        (
            ("Ann", "Wilson", date(1988, 3, 4)),
            ("Ann", "Wilson", date(1988, 4, 3)),
            "date_of_birth",
            "transposed",
            True,
        ),
        (
            ("Ann", "Wilson", D),
            ("Ann", "Wilson", date(1989, 3, 14)),
            "date_of_birth",
            "year_off",
            True,
        ),
        (
            ("Ann", "Wilson", D),
            ("Ann", "Wilson", date(1961, 7, 2)),
            "date_of_birth",
            "different",
            False,
        ),
        (("Ann", "Wilson", D), ("Mark", "Wilson", D), "forename", "different", False),
        (("Ann", "Wilson", D), ("Ann", "Okafor", D), "surname", "different", False),
    ],
)
def test_levels_and_decision(a, b, field, level, same):
    result = score(rec("a", *a), rec("b", *b))
    assert result.levels[field] == level
    assert result.is_match is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-03-04", date(1990, 3, 4)),
        ("04/03/1990", date(1990, 3, 4)),
        ("4.3.1990", date(1990, 3, 4)),
        ("", None),
        ("not a date", None),
        ("31/02/1990", None),
    ],
)
def test_parse_date(text, expected):
    assert matching.parse_date(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("martha", "marhta", 0.961),
        ("dixon", "dicksonx", 0.813),
        ("", "a", 0.0),
        ("abc", "abc", 1.0),
    ],
)
def test_jaro_winkler(a, b, expected):
    assert matching.jaro_winkler(a, b) == pytest.approx(expected, abs=0.001)


def test_name_only_match_needs_more_than_a_common_name():
    # Same name, no date of birth, different address: not enough to say one person.
    a = rec("a", "Sarah", "Jones", None, "AL1 1AA")
    b = rec("b", "Sarah", "Jones", None, "SG1 1AA")
    assert not score(a, b).is_match
    assert score(a, rec("c", "Sarah", "Jones", None, "AL1 1AA")).is_match


def test_dedupe_clusters_transitively_and_keeps_strangers_apart():
    records = [
        rec("1", "Katherine", "Wilson", D, "AL1 3QT"),
        rec("2", "Kate", "Wilson", D, None),
        rec("3", "Wilson", "Katherine", D, None),
        rec("4", "Katherine", "Wilson", date(1960, 1, 1), "SG1 1AA"),
    ]
    ids = matching.dedupe(records).person_ids
    assert ids[0] == ids[1] == ids[2] == "1"
    assert ids[3] == "4"


def test_pairwise_scores():
    s = matching.pairwise_scores(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    assert (s.predicted_pairs, s.true_pairs, s.correct_pairs) == (3, 2, 1)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == pytest.approx(0.5)


def test_hand_labelled_set_meets_target_and_beats_baseline():
    with (DATA / "people_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 150
    records = [
        PersonRecord(
            r["record_id"],
            r["forename"] or None,
            r["surname"] or None,
            matching.parse_date(r["date_of_birth"]),
            r["postcode"] or None,
            r["address"] or None,
        )
        for r in rows
    ]
    truth = [r["true_person"] for r in rows]
    engine = matching.pairwise_scores(matching.dedupe(records).person_ids, truth)
    baseline = matching.pairwise_scores(matching.exact_baseline(records), truth)
    assert engine.f1 >= 0.9
    assert engine.precision >= 0.95
    assert engine.f1 > baseline.f1


# ---- CLI contract ------------------------------------------------------------------------------

runner = CliRunner()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_dedupe(tmp_path):
    src = write(
        tmp_path / "in.csv",
        "record_id,forename,surname,date_of_birth,address,postcode,extra\n"
        "1,Katherine,Smith,1990-03-04,1 High St,AL1 1AA,x\n"
        "2,Kate,Smith,04/03/1990,,AL1 1AA,y\n"
        "3,Bob,Jones,not-a-date,,,z\n",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["people", "dedupe", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 malformed date" in result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["record_id"] for r in rows] == ["1", "2", "3"]
    assert list(rows[0]) == ["record_id", "person_id"]
    assert rows[0]["person_id"] == rows[1]["person_id"] != rows[2]["person_id"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("record_id,forename,surname\n1,a,b\n", "no column"),
        ("", "empty"),
        (None, "cannot read"),
    ],
)
def test_cli_dedupe_bad_input(tmp_path, content, message):
    src = tmp_path / "in.csv"
    if content is not None:
        write(src, content)
    result = runner.invoke(app, ["people", "dedupe", str(src), "--output", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert message in result.output
