"""The declarative mapping: errors name the key; rows map, or are rejected with a reason."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from patternwatch.imports.mapping import (
    MappingError,
    RowMapper,
    RowRejected,
    check_codes_exist,
    load_mapping,
    parse_mapping,
)
from patternwatch.imports.readers import FileProblem
from tests.imports.conftest import MAPPINGS

BASE: dict[str, Any] = {
    "source_system": "test-rms",
    "date_formats": ["%d/%m/%Y %H:%M", "%d/%m/%Y"],
    "codes": {
        "classification": {"195/12": "8Q", "harass": "8L"},
        "relationship": {"EXP": "ex_partner"},
        "gender": {"F": "female", "M": "male"},
    },
    "crime": {
        "ref": "Ref",
        "principal": "Offence",
        "included": {"column": "Others", "optional": True},
        "fields": {
            "reported_at": "Reported",
            "narrative": {"column": "Text", "optional": True},
            "latitude": {"column": "Lat", "optional": True},
            "longitude": {"column": "Lon", "optional": True},
            "is_online": {"column": "Online", "optional": True},
        },
        "people": [
            {
                "role": "victim",
                "ref": "VictimId",
                "fields": {"forename": "VictimFirst", "surname": "VictimLast"},
            },
            {
                "role": "suspect",
                "ref": "SuspectId",
                "relationship": "Rel",
                "fields": {
                    "surname": "SuspectLast",
                    "gender": {"column": "SuspectSex", "optional": True},
                },
            },
        ],
    },
}
CLASSIFICATIONS = {"8Q", "8L", "8R", "9A"}
OUTCOMES = {"1", "18"}


def _with(path: str, value: Any) -> dict[str, Any]:
    """BASE with one key (dotted path) set; value None deletes it."""
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("source_system", None, "source_system: required key is missing"),
        (
            "source_system",
            "has spaces",
            "source_system: String should match pattern '^[A-Za-z0-9][A-Za-z0-9._\\-]{0,31}$'",
        ),
        (
            "crime.feilds",
            {},
            "crime.feilds: unknown key (check its spelling against docs/imports.md)",
        ),
        (
            "crime.fields.reportd_at",
            "X",
            "crime: Value error, unknown crime field reportd_at; expected one of reported_at, "
            "recorded_at, offence_from, offence_to, location_text, latitude, longitude, "
            "lsoa_code, district, is_online, status, narrative, outcome, outcome_at",
        ),
        (
            "crime.fields.reported_at",
            None,
            "crime: Value error, a crime needs a column for reported_at",
        ),
        ("crime.principal", None, "crime.principal: required key is missing"),
        (
            "date_formats",
            ["dd/mm/yyyy"],
            "date_formats: Value error, 'dd/mm/yyyy' has no strptime directive such as %d, %m, "
            "%Y or %H",
        ),
        (
            "codes.relationship",
            {"EXP": "former partner"},
            "codes: Value error, relationship['EXP'] -> 'former partner' is not one of "
            "ex_partner, partner, family, acquaintance, colleague, neighbour, stranger, "
            "online_only, unknown",
        ),
        (
            "codes.offences",
            {"A": "B"},
            "codes: Value error, unknown code list 'offences'; expected one of classification, "
            "outcome, relationship, role, gender, incident_source, incident_status, crime_status",
        ),
        (
            "crime.people.0.role",
            None,
            "crime: Value error, each person on a crime row needs a role (victim, suspect, ...)",
        ),
        ("encoding", "utf-16", "encoding: Input should be 'utf-8', 'cp1252' or 'latin-1'"),
        ("delimiter", ";;", "delimiter: String should have at most 1 character"),
    ],
)
def test_mapping_errors_name_the_key(path: str, value: Any, problem: str) -> None:
    with pytest.raises(MappingError) as exc:
        parse_mapping(_with(path, value), source="force.yaml")
    assert problem.replace("Value error, ", "") in exc.value.problems


def test_exactly_one_record_kind() -> None:
    data = _with("person", {"ref": "Id", "fields": {"surname": "Name"}})
    with pytest.raises(MappingError) as exc:
        parse_mapping(data, source="m.yaml")
    assert exc.value.problems == [
        "(top level): give exactly one of crime, incident, person or involvement (what each "
        "row of the file is); found crime, person"
    ]
    assert str(exc.value).startswith("The mapping m.yaml is not valid:\n  - (top level): ")


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("source_system: x\ncrime:\n  ref: [Ref\n")
    with pytest.raises(MappingError) as exc:
        load_mapping(path)
    assert exc.value.problems[0].startswith("file: not valid YAML at line 4, column 1:")


def test_codes_must_exist_in_the_database() -> None:
    mapping = parse_mapping(_with("codes.classification", {"X1": "ZZ9"}))
    with pytest.raises(MappingError) as exc:
        check_codes_exist(mapping, classification_codes=CLASSIFICATIONS, outcome_codes=OUTCOMES)
    assert exc.value.problems == [
        "codes.classification.X1: 'ZZ9' is not an active classification code in Patternwatch "
        "(see `patternwatch` reference data, or ask an administrator)"
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_shipped_mappings_are_valid(name: str) -> None:
    mapping = load_mapping(MAPPINGS / name)
    check_codes_exist(
        mapping,
        classification_codes={"8Q", "8L", "8R", "8U", "9A", "105A"},
        outcome_codes={"1", "15", "16", "18"},
    )


def _mapper(data: dict[str, Any] | None = None) -> RowMapper:
    return RowMapper(
        parse_mapping(data or BASE), classification_codes=CLASSIFICATIONS, outcome_codes=OUTCOMES
    )


ROW = {
    "Ref": "CR/1",
    "Offence": "195/12",
    "Others": "HARASS; 8R;8Q",
    "Reported": "01/03/2024 21:40",
    "Text": "Messages every day",
    "Lat": "51.75",
    "Lon": "-0.34",
    "Online": "Y",
    "VictimId": "V1",
    "VictimFirst": "Sarah",
    "VictimLast": "Example",
    "SuspectId": "S1",
    "SuspectLast": "Sample",
    "SuspectSex": "m",
    "Rel": "exp",
}


def test_row_maps_to_a_crime_with_people() -> None:
    record = _mapper().map(ROW)
    assert record.ref == "CR/1"
    # 21:40 on 1 March is GMT, so UTC is the same wall-clock time.
    assert record.fields["reported_at"] == datetime(2024, 3, 1, 21, 40, tzinfo=UTC)
    assert record.fields["latitude"] == 51.75 and record.fields["is_online"] is True
    assert record.classifications == [("8Q", True), ("8L", False), ("8R", False)]
    assert [(p.ref, p.role, p.relationship, p.fields) for p in record.people] == [
        ("V1", "victim", None, {"forename": "Sarah", "surname": "Example"}),
        ("S1", "suspect", "ex_partner", {"surname": "Sample", "gender": "male"}),
    ]


def test_summer_times_are_read_as_british_summer_time() -> None:
    record = _mapper().map({**ROW, "Reported": "01/07/2024 21:40"})
    assert record.fields["reported_at"] == datetime(2024, 7, 1, 20, 40, tzinfo=UTC)


def test_blank_suspect_means_no_suspect() -> None:
    record = _mapper().map({**ROW, "SuspectId": "", "Rel": ""})
    assert [p.ref for p in record.people] == ["V1"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"Reported": "31/02/2024"},
            "column 'Reported': '31/02/2024' is not a date in the formats %d/%m/%Y %H:%M, %d/%m/%Y",
        ),
        ({"Reported": ""}, "column 'Reported': reported_at is required but blank"),
        (
            {"Offence": "ROBBERY"},
            "column 'Offence': unknown classification code 'ROBBERY'; add it to "
            "codes.classification in the mapping, or ask an administrator to add the "
            "classification",
        ),
        (
            {"Others": "8L;XX"},
            "column 'Others': unknown classification code 'XX'; add it to codes.classification "
            "in the mapping, or ask an administrator to add the classification",
        ),
        ({"Offence": ""}, "column 'Offence': the principal classification is blank"),
        ({"Ref": " "}, "column 'Ref': the reference is blank"),
        ({"Lat": "51,75"}, "column 'Lat': '51,75' is not a number"),
        (
            {"Online": "maybe"},
            "column 'Online': 'maybe' is neither yes nor no (true_values: 1, t, true, y, yes; "
            "false_values: 0, f, false, n, no)",
        ),
        (
            {"Rel": "landlord"},
            "column 'Rel': 'landlord' is not a known relationship; add it to codes.relationship "
            "in the mapping (ours are ex_partner, partner, family, acquaintance, colleague, "
            "neighbour, stranger, online_only, unknown)",
        ),
        (
            {"VictimFirst": "", "VictimLast": ""},
            "person 'V1' has neither a forename nor a surname (columns 'VictimFirst', "
            "'VictimLast')",
        ),
        ({"SuspectId": "V1"}, "person reference 'V1' appears in two places on this row"),
    ],
)
def test_bad_values_are_rejected_with_the_column(change: dict[str, str], reason: str) -> None:
    with pytest.raises(RowRejected) as exc:
        _mapper().map({**ROW, **change})
    assert exc.value.reason == reason


def test_missing_columns_are_named() -> None:
    header = [c for c in ROW if c not in ("Reported", "VictimLast", "Text")]
    with pytest.raises(FileProblem) as exc:
        _mapper().check_header("x.csv", header)
    # "Text" is optional in the mapping, so only the other two are named.
    assert exc.value.message.startswith(
        "x.csv is missing required columns 'Reported', 'VictimLast' (named in the mapping). "
        "The file has: 'Ref', "
    )


def test_people_file_and_date_of_birth() -> None:
    mapper = RowMapper(
        parse_mapping(
            {
                "source_system": "t",
                "date_formats": ["%Y-%m-%d"],
                "person": {"ref": "Id", "fields": {"surname": "Name", "date_of_birth": "Dob"}},
            }
        )
    )
    record = mapper.map({"Id": "N1", "Name": "Example", "Dob": "1990-07-14"})
    assert (record.kind, record.ref, record.fields) == (
        "person",
        "N1",
        {"surname": "Example", "date_of_birth": date(1990, 7, 14)},
    )


def test_content_hash_changes_with_content_only() -> None:
    a = _mapper().map(ROW).content_hash
    assert a == _mapper().map(dict(ROW)).content_hash
    assert a != _mapper().map({**ROW, "Text": "Messages every hour"}).content_hash
