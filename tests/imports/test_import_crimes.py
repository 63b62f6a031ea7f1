"""Mapped imports through the services, on both databases: create, re-import, change, reject."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from patternwatch.audit import service as audit_service
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.imports.enums import ImportStatus
from patternwatch.imports.mapping import load_mapping
from patternwatch.imports.models import ImportBatch, ImportRowError, ScreeningQueueItem
from patternwatch.imports.readers import FileProblem
from patternwatch.imports.service import import_mapped_file
from patternwatch.incidents.models import Incident
from patternwatch.people.enums import Relationship
from patternwatch.people.models import Involvement, Person
from patternwatch.reference.models import Classification, OutcomeCode
from tests.imports.conftest import MAPPINGS

EXAMPLES = MAPPINGS / "examples"
NICHE = load_mapping(MAPPINGS / "niche-example.yaml")
NICHE_CSV = EXAMPLES / "niche-crimes.csv"


def _counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        return {
            name: s.scalar(select(func.count(model.id))) or 0
            for name, model in (
                ("crime", Crime),
                ("person", Person),
                ("involvement", Involvement),
                ("incident", Incident),
                ("history", ClassificationChange),
                ("queue", ScreeningQueueItem),
            )
        }


def _copy_with(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    path = tmp_path / source.name
    text = source.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _codes(session: Session, crime: Crime) -> dict[str, bool]:
    rows = session.execute(
        select(Classification.code, CrimeClassification.is_principal)
        .join(CrimeClassification, CrimeClassification.classification_id == Classification.id)
        .where(CrimeClassification.crime_id == crime.id)
    )
    return dict(rows.all())


def test_niche_export_creates_crimes_people_and_links(make_ctx, factory) -> None:  # type: ignore[no-untyped-def]
    summary = import_mapped_file(make_ctx(), NICHE_CSV, NICHE, mapping_name="niche-example.yaml")
    assert summary.model_dump() == {
        "read": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    # 4 crimes, 4 victims + 3 known suspects, one involvement each, every crime queued.
    assert _counts(factory) == {
        "crime": 4,
        "person": 7,
        "involvement": 7,
        "incident": 0,
        "history": 4,
        "queue": 4,
    }
    with factory() as s:
        crime = s.scalar(select(Crime).where(Crime.source_ref == "41/24/000101"))
        assert crime is not None
        assert (crime.reference, crime.source_system, crime.is_online) == (
            "41/24/000101",
            "niche-example",
            True,
        )
        assert _codes(s, crime) == {"8Q": True, "8L": False, "8R": False}
        suspect = s.scalar(
            select(Involvement).where(
                Involvement.crime_id == crime.id, Involvement.role == "suspect"
            )
        )
        assert suspect is not None and suspect.relationship is Relationship.EX_PARTNER
        outcome = s.scalar(
            select(OutcomeCode.code)
            .join(Crime, Crime.outcome_code_id == OutcomeCode.id)
            .where(Crime.source_ref == "41/24/000102")
        )
        assert outcome == "18"
        batch = s.scalar(select(ImportBatch))
        assert batch is not None
        assert (batch.status, batch.created_count, batch.mapping_name, batch.started_by) == (
            ImportStatus.COMPLETED,
            4,
            "niche-example.yaml",
            "import",
        )
        assert len(batch.file_sha256) == 64
        creates = s.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "crime.create")
        )
        assert creates == 4
        assert audit_service.verify(session=s).ok


def test_reimport_changes_nothing(make_ctx, factory) -> None:  # type: ignore[no-untyped-def]
    import_mapped_file(make_ctx(), NICHE_CSV, NICHE)
    before = _counts(factory)
    with factory() as s:
        events = s.scalar(select(func.count(AuditEvent.id)))
    summary = import_mapped_file(make_ctx(), NICHE_CSV, NICHE)
    assert summary.model_dump() == {
        "read": 4,
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "rejected": 0,
    }
    assert _counts(factory) == before
    with factory() as s:
        # Only the second run's start and finish were audited: no record was touched.
        assert s.scalar(select(func.count(AuditEvent.id))) == events + 2


def test_changed_row_updates_and_keeps_history(make_ctx, factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_mapped_file(make_ctx(), NICHE_CSV, NICHE)
    # The force reclassifies 000103 (harassment -> stalking, public order kept) and corrects
    # the location; the suspect's relationship is revised too.
    path = _copy_with(
        tmp_path,
        NICHE_CSV,
        "HARASS,POA4A,Stevenage,E01023775",
        "195/12,HARASS;POA4A,Stevenage Old Town,E01023775",
    )
    summary = import_mapped_file(make_ctx(), path, NICHE)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 3)
    with factory() as s:
        crime = s.scalar(select(Crime).where(Crime.source_ref == "41/24/000103"))
        assert crime is not None and crime.location_text == "Stevenage Old Town"
        assert _codes(s, crime) == {"8Q": True, "8L": False, "9A": False}
        history = list(
            s.scalars(
                select(ClassificationChange)
                .where(ClassificationChange.crime_id == crime.id)
                .order_by(ClassificationChange.id)
            )
        )
        assert [(h.principal_before, h.principal_after, h.included_after) for h in history] == [
            (None, "8L", "9A"),
            ("8L", "8Q", "8L 9A"),
        ]
        assert history[1].reason == (
            "Reclassified in niche-example; imported from niche-crimes.csv line 4"
        )
        edit = s.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "crime.edit", AuditEvent.entity_id == crime.id
            )
        )
        assert edit is not None and edit.changes["location_text"] == {
            "from": "Stevenage",
            "to": "Stevenage Old Town",
        }
    assert _counts(factory)["crime"] == 4


def test_bad_rows_are_rejected_and_good_rows_kept(make_ctx, factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = NICHE_CSV.read_text(encoding="utf-8").splitlines()
    bad_date = lines[2].replace("05/03/2024 13:30", "35/03/2024 13:30")
    unknown = lines[3].replace("HARASS,POA4A", "ROBB,POA4A")
    duplicate = lines[4]
    # Valid row shape but the service refuses it: reported after it was recorded.
    refused = (
        lines[1]
        .replace("41/24/000101", "41/24/000199")
        .replace("02/03/2024 09:12", "01/02/2024 09:12")
    )
    path = tmp_path / "mixed.csv"
    path.write_text(
        "\n".join([lines[0], lines[1], bad_date, unknown, duplicate, duplicate, refused]) + "\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_mapped_file(make_ctx(rejects=rejects), path, NICHE)
    assert summary.model_dump() == {
        "read": 6,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,
    }
    with rejects.open(newline="", encoding="utf-8") as handle:
        rows = [(r["line"], r["reason"]) for r in csv.DictReader(handle)]
    assert rows == [
        (
            "3",
            "column 'REPORTED_DATE': '35/03/2024 13:30' is not a date in the formats "
            "%d/%m/%Y %H:%M, %d/%m/%Y",
        ),
        (
            "4",
            "column 'HO_CLASS': unknown classification code 'ROBB'; add it to "
            "codes.classification in the mapping, or ask an administrator to add the "
            "classification",
        ),
        (
            "6",
            "crime reference '41/24/000104' already appeared at line 5 of this file; each record "
            "may appear once per file, so this row was not imported (merge the two rows, or "
            "import them in separate files)",
        ),
        (
            "7",
            "The crime could not be recorded: input: the crime is recorded before it was reported",
        ),
    ]
    assert _counts(factory)["crime"] == 2
    with factory() as s:
        assert s.scalar(select(func.count(ImportRowError.id))) == 4
        # The refused row's victim and suspect were rolled back with it.
        assert s.scalar(select(func.count(Person.id))) == 4


def test_huge_field_is_a_rejected_row(make_ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from patternwatch.imports import readers

    monkeypatch.setattr(readers, "FIELD_LIMIT", 2000)
    lines = NICHE_CSV.read_text(encoding="utf-8").splitlines()
    huge = lines[2].replace("Victim pushed", "x" * 3000)
    path = tmp_path / "huge.csv"
    path.write_text("\n".join([lines[0], lines[1], huge, lines[3]]) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    summary = import_mapped_file(make_ctx(rejects=rejects), path, NICHE)
    assert (summary.read, summary.created, summary.rejected) == (3, 2, 1)
    with rejects.open(newline="", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert (row["line"], row["reason"]) == (
        "3",
        "a field is longer than 2,000 characters (the limit); shorten it, or check for an "
        "unclosed quote that runs into the following rows",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "niche.csv is empty: there is no header row and no data."),
        (
            b"OCC_REF,HO_CLASS,LOCATION\n1,HARASS,Here\n",
            "niche.csv is missing required columns 'ADDITIONAL_CLASS', 'REPORTED_DATE', "
            "'OCC_CREATED', 'COMMITTED_FROM', 'COMMITTED_TO', 'LSOA', 'MO_TEXT', 'OUTCOME', "
            "'VICTIM_ID', 'VICTIM_FORENAME', 'VICTIM_SURNAME', 'VICTIM_DOB', 'VICTIM_SEX', "
            "'SUSPECT_ID', 'SUSP_VICT_REL', 'SUSPECT_FORENAME', 'SUSPECT_SURNAME', "
            "'SUSPECT_DOB', 'SUSPECT_SEX' (named in the mapping). The file has: 'OCC_REF', "
            "'HO_CLASS', 'LOCATION'.",
        ),
    ],
)
def test_bad_files_fail_before_any_row(
    make_ctx, factory, tmp_path: Path, content: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "niche.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as exc:
        import_mapped_file(make_ctx(), path, NICHE)
    assert exc.value.message == message
    with factory() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == 0


def test_wrong_encoding_without_fallback(make_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mapping = NICHE.model_copy(update={"fallback_encoding": None})
    path = tmp_path / "niche.csv"
    text = NICHE_CSV.read_text(encoding="utf-8").replace("Sarah", "Zo\u00eb")
    path.write_bytes(text.encode("cp1252"))
    offset = text.encode("cp1252").index(b"\xeb")
    with pytest.raises(FileProblem) as exc:
        import_mapped_file(make_ctx(), path, mapping)
    assert exc.value.message == (
        f"niche.csv is not valid UTF-8: byte 0xEB at offset {offset} (line 2) cannot be decoded. "
        "Save the file as UTF-8, or set `fallback_encoding: cp1252` in the mapping if it comes "
        "from a Windows system."
    )
    # The shipped mapping allows cp1252, so the same file imports with the name intact.
    summary = import_mapped_file(make_ctx(), path, NICHE)
    assert summary.created == 4


def test_dry_run_keeps_nothing(make_ctx, factory) -> None:  # type: ignore[no-untyped-def]
    summary = import_mapped_file(make_ctx(dry_run=True), NICHE_CSV, NICHE)
    assert summary.created == 4
    assert _counts(factory) == dict.fromkeys(
        ("crime", "person", "involvement", "incident", "history", "queue"), 0
    )


def test_athena_files_linked_by_reference(make_ctx, factory) -> None:  # type: ignore[no-untyped-def]
    def run(name: str, data: str) -> dict[str, int]:
        mapping = load_mapping(MAPPINGS / f"{name}.yaml")
        return import_mapped_file(make_ctx(), EXAMPLES / data, mapping).model_dump()

    # Links before their records are imported are rejected, saying what to import first.
    assert run("athena-involvements", "athena-involvements.csv")["rejected"] == 4
    assert run("athena-incidents", "athena-incidents.jsonl")["created"] == 2
    assert run("athena-people", "athena-people.csv")["created"] == 4
    assert run("athena-crimes", "athena-crimes.csv")["created"] == 2
    assert run("athena-involvements", "athena-involvements.csv")["created"] == 4
    assert run("athena-involvements", "athena-involvements.csv")["unchanged"] == 4
    assert _counts(factory) == {
        "crime": 2,
        "person": 4,
        "involvement": 4,
        "incident": 2,
        "history": 2,
        "queue": 4,
    }
    with factory() as s:
        crime = s.scalar(select(Crime).where(Crime.source_ref == "CRI-ATH-24-9001"))
        incident = s.scalar(select(Incident).where(Incident.source_ref == "INC-ATH-24-5501"))
        assert crime is not None and incident is not None
        assert crime.incident_id == incident.id
        assert (incident.status.value, incident.source.value) == ("closed", "999")


def test_xlsx_export(make_ctx, factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with NICHE_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    path = tmp_path / "niche.xlsx"
    book.save(path)
    mapping = NICHE.model_copy(update={"format": None})
    assert import_mapped_file(make_ctx(), path, mapping).created == 4
    assert import_mapped_file(make_ctx(), path, mapping).unchanged == 4


def test_cli_mapping_error_and_summary(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("source_system: x\ncrime:\n  ref: A\n", encoding="utf-8")
    result = run_cli("crimes", str(NICHE_CSV), "--mapping", str(bad))
    assert result.exit_code == 1
    text = " ".join(result.stderr.split())
    assert "The mapping bad.yaml is not valid: - crime.principal: required key is missing" in text
    shutil.copy(NICHE_CSV, tmp_path / "n.csv")
    ok = run_cli(
        "crimes", str(tmp_path / "n.csv"), "--mapping", str(MAPPINGS / "niche-example.yaml")
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout.strip().splitlines()[-1]) == {
        "read": 4,
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
