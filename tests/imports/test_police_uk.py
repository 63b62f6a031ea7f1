"""police.uk street and outcomes files: parsing rules, then imports on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from patternwatch.audit import service as audit_service
from patternwatch.audit.models import AuditEvent
from patternwatch.crimes.enums import CrimeStatus
from patternwatch.crimes.models import ClassificationChange, Crime, CrimeClassification
from patternwatch.imports import police_uk
from patternwatch.imports.bulk import import_police_uk_files
from patternwatch.imports.enums import ImportStatus
from patternwatch.imports.models import ImportBatch, ImportRowError, ScreeningQueueItem
from patternwatch.imports.police_uk import RowProblem, StreetParser
from patternwatch.imports.readers import FileProblem
from patternwatch.reference.models import Classification, OutcomeCode
from tests.imports.conftest import FIXTURES

STREET = FIXTURES / "2021-01-test-street.csv"
OUTCOMES = FIXTURES / "2021-02-test-outcomes.csv"


def _street_rows() -> list[dict[str, str]]:
    with STREET.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---- pure parsing -----------------------------------------------------------------------------


def test_month_is_the_first_at_midnight_london_time() -> None:
    assert police_uk.month_start("2021-01") == datetime(2021, 1, 1, 0, 0, tzinfo=UTC)
    # 1 June 00:00 BST is 31 May 23:00 UTC.
    assert police_uk.month_start("2021-06") == datetime(2021, 5, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(RowProblem, match="Month '2021-1' is not a month in the form YYYY-MM"):
        police_uk.month_start("2021-1")


def test_identical_anti_social_behaviour_rows_get_distinct_stable_keys() -> None:
    rows = _street_rows()
    first = StreetParser()
    keys = [first.parse(rows[i], i + 2).source_ref for i in (2, 3, 4)]
    assert len(set(keys)) == 3 and all(k.startswith("nokey:") for k in keys)
    again = StreetParser()  # a re-import parses the file afresh: the same keys come back
    assert [again.parse(rows[i], i + 2).source_ref for i in (2, 3, 4)] == keys


def test_street_row_fields() -> None:
    rows = _street_rows()
    record = StreetParser().parse(rows[0], 2)
    assert (record.source_ref, record.classification, record.district, record.lsoa_code) == (
        "1e5536900d9225246219b34f7eb1c319a5a5e37a4e35426771d3fcae797e23ea",
        "PUK-VSO",
        "Aylesbury Vale",
        "E01017631",
    )
    assert (record.latitude, record.longitude) == (51.784064, -0.791189)
    assert record.reference == "PUK-1e5536900d9225246219b34f7eb1c319a5a5"
    assert (record.outcome_label, record.outcome_code, record.status) == (
        "Status update unavailable",
        None,
        CrimeStatus.RECORDED,
    )
    no_location = StreetParser().parse(rows[5], 7)
    assert (no_location.latitude, no_location.location_text, no_location.district) == (
        None,
        None,
        None,
    )
    assert no_location.outcome_code == "18"


@pytest.mark.parametrize(
    ("index", "reason"),
    [
        (
            8,
            "falls within Bedfordshire Police, not Hertfordshire Constabulary; this import keeps "
            "one force's rows (pass --force to import another force's file)",
        ),
        (11, "Month '2021-1' is not a month in the form YYYY-MM"),
    ],
)
def test_street_rows_rejected(index: int, reason: str) -> None:
    with pytest.raises(RowProblem) as exc:
        StreetParser().parse(_street_rows()[index], index + 2)
    assert str(exc.value) == reason


def test_duplicate_crime_id_in_one_file() -> None:
    rows = _street_rows()
    parser = StreetParser()
    parser.parse(rows[1], 3)
    with pytest.raises(RowProblem) as exc:
        parser.parse(rows[10], 12)
    assert str(exc.value) == (
        "Crime ID 486be9af1e6ac94953ed227bd6d82fef84f8110adb3959f1b246a14348fbaf8f already "
        "appeared at line 3 of this file; the first row was imported and this one was not "
        "(police.uk lists a few crimes twice with different details; check which is right)"
    )


def test_unknown_crime_type_and_bad_coordinates() -> None:
    row = _street_rows()[0]
    with pytest.raises(RowProblem, match="unknown police.uk crime type 'Stalking'"):
        StreetParser().parse({**row, "Crime type": "Stalking"}, 2)
    with pytest.raises(RowProblem, match="Latitude 'north' is not a number"):
        StreetParser().parse({**row, "Latitude": "north"}, 2)
    with pytest.raises(RowProblem, match="has a latitude or a longitude but not both"):
        StreetParser().parse({**row, "Longitude": ""}, 2)


def test_every_category_has_a_migrated_classification(session: Session) -> None:
    codes = set(
        session.scalars(
            select(Classification.code).where(Classification.offence_group == "police.uk category")
        )
    )
    assert codes == set(police_uk.CATEGORY_CODES.values())
    outcome_codes = set(session.scalars(select(OutcomeCode.code)))
    mapped = {m.code for m in police_uk.OUTCOME_LABELS.values() if m.code}
    assert mapped <= outcome_codes


# ---- imports ----------------------------------------------------------------------------------


def _counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as s:
        return {
            "crime": s.scalar(select(func.count(Crime.id))) or 0,
            "classification": s.scalar(select(func.count(CrimeClassification.id))) or 0,
            "history": s.scalar(select(func.count(ClassificationChange.id))) or 0,
            "queue": s.scalar(select(func.count(ScreeningQueueItem.id))) or 0,
        }


def test_street_and_outcomes_import_then_reimport(make_ctx, factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rejects = tmp_path / "rejects.csv"
    summary = import_police_uk_files(make_ctx(rejects=rejects), [OUTCOMES, STREET])
    # Street first whatever the order given: 12 street rows + 6 outcome rows.
    assert summary.model_dump() == {
        "read": 18,
        "created": 8,
        "updated": 3,
        "unchanged": 1,
        "rejected": 6,
    }
    assert _counts(factory) == {"crime": 8, "classification": 8, "history": 8, "queue": 8}
    with rejects.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file"], r["line"]) for r in rows] == [
        ("2021-01-test-street.csv", "10"),
        ("2021-01-test-street.csv", "11"),
        ("2021-01-test-street.csv", "12"),
        ("2021-01-test-street.csv", "13"),
        ("2021-02-test-outcomes.csv", "5"),
        ("2021-02-test-outcomes.csv", "6"),
    ]
    assert rows[4]["reason"].startswith(
        "no crime with Crime ID 0c55996aabf2181ea32f5a5a6780dcc66bd4a6ab1eb4ecf0409f22314319e9ac "
        "has been imported"
    )
    assert rows[0]["raw"].startswith(
        "e850652922d0f71cf66eac3b1142abd3f09013746b292d02e81fe203dced1e7e,"
    )
    with factory() as s:
        charged = s.scalar(
            select(Crime).where(
                Crime.source_ref
                == "1e5536900d9225246219b34f7eb1c319a5a5e37a4e35426771d3fcae797e23ea"
            )
        )
        assert charged is not None
        assert (charged.outcome_label, charged.status, charged.outcome_at) == (
            "Suspect charged",
            CrimeStatus.FINALISED,
            datetime(2021, 2, 1, tzinfo=UTC),
        )
        assert s.get(OutcomeCode, charged.outcome_code_id).code == "1"  # type: ignore[union-attr]
        asb = s.scalar(select(func.count(Crime.id)).where(Crime.source_ref.like("nokey:%")))
        assert asb == 3
        batches = list(s.scalars(select(ImportBatch).order_by(ImportBatch.id)))
        assert [(b.status, b.read_count, b.rejected_count) for b in batches] == [
            (ImportStatus.COMPLETED, 12, 4),
            (ImportStatus.COMPLETED, 6, 2),
        ]
        assert s.scalar(select(func.count(ImportRowError.id))) == 6
        assert audit_service.verify(session=s).ok
        actions = set(s.scalars(select(AuditEvent.action)))
        assert {"import.run", "crime.create", "crime.edit"} <= actions

    again = import_police_uk_files(make_ctx(), [STREET, OUTCOMES])
    assert again.model_dump() == {
        "read": 18,
        "created": 0,
        "updated": 0,
        "unchanged": 12,
        "rejected": 6,
    }
    assert _counts(factory) == {"crime": 8, "classification": 8, "history": 8, "queue": 8}


def test_changed_street_row_updates_and_reclassifies_with_history(
    make_ctx, factory, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import_police_uk_files(make_ctx(), [STREET])
    changed = tmp_path / "2021-01-test-street.csv"
    text = STREET.read_text(encoding="utf-8")
    # police.uk re-publishes a month: one crime moves category and gets a new snap point.
    text = text.replace(
        "-0.259436,51.616498,On or near Hawkins Close,E01000233,Barnet 013F,Public order",
        "-0.259436,51.616498,On or near Barnet Road,E01000233,Barnet 013F,"
        "Violence and sexual offences",
    )
    changed.write_text(text, encoding="utf-8")
    summary = import_police_uk_files(make_ctx(), [changed])
    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (0, 1, 7, 4)
    with factory() as s:
        crime = s.scalar(select(Crime).where(Crime.source_ref.like("43837a5e%")))
        assert crime is not None and crime.location_text == "On or near Barnet Road"
        history = list(
            s.scalars(
                select(ClassificationChange)
                .where(ClassificationChange.crime_id == crime.id)
                .order_by(ClassificationChange.id)
            )
        )
        assert [(h.principal_before, h.principal_after) for h in history] == [
            (None, "PUK-PO"),
            ("PUK-PO", "PUK-VSO"),
        ]
        principal = s.scalar(
            select(Classification.code)
            .join(CrimeClassification, CrimeClassification.classification_id == Classification.id)
            .where(CrimeClassification.crime_id == crime.id, CrimeClassification.is_principal)
        )
        assert principal == "PUK-VSO"
        edit = s.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "crime.edit")
            .order_by(AuditEvent.seq.desc())
        )
        assert edit is not None
        assert edit.changes["crimes"][str(crime.id)]["location_text"] == [
            "On or near Hawkins Close",
            "On or near Barnet Road",
        ]
    assert _counts(factory)["crime"] == 8


def test_dry_run_keeps_nothing(make_ctx, factory) -> None:  # type: ignore[no-untyped-def]
    summary = import_police_uk_files(make_ctx(dry_run=True), [STREET])
    assert (summary.read, summary.created, summary.rejected) == (12, 8, 4)
    assert _counts(factory) == {"crime": 0, "classification": 0, "history": 0, "queue": 0}
    with factory() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == 0


def test_not_a_police_uk_file(make_ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FileProblem) as exc:
        import_police_uk_files(make_ctx(), [path])
    assert exc.value.message == (
        "other.csv is neither a police.uk street file (no 'Crime type' column) nor an outcomes "
        "file (no 'Outcome type' column). Its columns: a, b."
    )
    missing = tmp_path / "cut.csv"
    missing.write_text("Crime ID,Month,Crime type\nx,2021-01,Burglary\n", encoding="utf-8")
    with pytest.raises(FileProblem) as exc:
        import_police_uk_files(make_ctx(), [missing])
    assert exc.value.message == (
        "cut.csv looks like a police.uk street file but is missing required columns "
        "'Falls within', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'LSOA name', "
        "'Last outcome category'."
    )


def test_cli_prints_the_summary_last(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rejects = tmp_path / "rejects.csv"
    result = run_cli("police-uk", str(STREET), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert json.loads(last) == {
        "read": 12,
        "created": 8,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,
    }
    assert "4 row(s) rejected: see" in result.stderr
    again = run_cli("police-uk", str(STREET))
    assert json.loads(again.stdout.strip().splitlines()[-1])["unchanged"] == 8


def test_cli_bad_file_exits_non_zero(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "2021-01-empty-street.csv"
    empty.write_bytes(b"")
    result = run_cli("police-uk", str(empty))
    assert result.exit_code == 1
    assert "2021-01-empty-street.csv is empty: there is no header row and no data." in " ".join(
        result.stderr.split()
    )
    assert result.stdout == ""
