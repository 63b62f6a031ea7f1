"""Readers: encodings, empty files, huge fields, bad rows, line numbers, XLSX and JSON Lines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from patternwatch.imports import readers
from patternwatch.imports.readers import FileProblem, RowReader, inspect_file


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rows(path: Path, **kwargs) -> list[readers.SourceRow]:  # type: ignore[no-untyped-def]
    fmt = kwargs.pop("fmt", "csv")
    info = inspect_file(path, fmt=fmt, **kwargs)
    with RowReader(info, fmt=fmt) as reader:
        return list(reader)


def test_wrong_encoding_names_the_byte_offset_and_line(tmp_path: Path) -> None:
    # "Zoë" saved as cp1252 (0xEB) on the second line, at byte offset 14.
    path = _write(tmp_path, "export.csv", b"ref,name\r\n1,Zo\xeb\r\n")
    with pytest.raises(FileProblem) as exc:
        inspect_file(path, fmt="csv")
    assert exc.value.message == (
        "export.csv is not valid UTF-8: byte 0xEB at offset 14 (line 2) cannot be decoded. "
        "Save the file as UTF-8, or set `fallback_encoding: cp1252` in the mapping if it comes "
        "from a Windows system."
    )


def test_cp1252_only_when_the_mapping_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, "export.csv", b"ref,name\r\n1,Zo\xeb \x93quoted\x94\r\n")
    info = inspect_file(path, fmt="csv", fallback_encoding="cp1252")
    assert info.encoding == "cp1252"
    with RowReader(info, fmt="csv") as reader:
        assert [r.values for r in reader] == [{"ref": "1", "name": "Zoë \u201cquoted\u201d"}]


def test_utf8_with_byte_order_mark(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.csv", "\ufeffref,name\n1,Zoë\n".encode())
    rows = _rows(path)
    assert [r.values for r in rows] == [{"ref": "1", "name": "Zoë"}]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = _write(tmp_path, "empty.csv", content)
    with pytest.raises(FileProblem) as exc:
        inspect_file(path, fmt="csv")
    assert exc.value.message == "empty.csv is empty: there is no header row and no data."


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    assert _rows(_write(tmp_path, "h.csv", b"ref,name\n")) == []


def test_repeated_header_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", b"ref,name,ref\n1,a,2\n")
    with pytest.raises(FileProblem) as exc:
        _rows(path)
    assert exc.value.message == (
        "dup.csv: the header names 'ref' more than once; each column needs a unique name."
    )


def test_huge_field_rejects_only_its_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "FIELD_LIMIT", 50)
    data = "ref,text\n1,short\n2," + "x" * 60 + "\n3,fine\n"
    rows = _rows(_write(tmp_path, "big.csv", data.encode()))
    assert [(r.line, r.values.get("ref"), r.error) for r in rows] == [
        (2, "1", None),
        (
            3,
            None,
            "a field is longer than 50 characters (the limit); shorten it, or check for an "
            "unclosed quote that runs into the following rows",
        ),
        (4, "3", None),
    ]


def test_wrong_number_of_fields_and_line_numbers_across_quoted_newlines(tmp_path: Path) -> None:
    data = 'ref,text\n1,"two\nlines"\n\n2,a,extra\n3,ok\n'
    rows = _rows(_write(tmp_path, "f.csv", data.encode()))
    assert [(r.line, r.error) for r in rows] == [
        (2, None),
        (
            5,
            "the row has 3 fields but the header has 2; check for an unquoted delimiter or a "
            "missing field",
        ),
        (6, None),
    ]
    assert rows[0].values["text"] == "two\nlines"
    assert rows[1].raw == "2,a,extra"


def test_jsonl_rows_and_bad_lines(tmp_path: Path) -> None:
    data = b'{"ref": "A", "n": 1}\n\nnot json\n[1, 2]\n{"ref": "B", "n": null}\n'
    rows = _rows(_write(tmp_path, "x.jsonl", data), fmt="jsonl")
    assert [(r.line, r.values, r.error is None) for r in rows] == [
        (1, {"ref": "A", "n": "1"}, True),
        (3, {}, False),
        (4, {}, False),
        (5, {"ref": "B", "n": ""}, True),
    ]
    assert rows[1].error is not None and rows[1].error.startswith("the line is not valid JSON")
    assert rows[2].error == "the line is JSON but not an object"


def test_xlsx_rows_keep_dates_and_number_cells_as_text(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Ref", "Reported", "Count"])
    sheet.append(["CR-1", datetime(2024, 3, 1, 21, 40), 12])
    sheet.append([None, None, None])
    sheet.append(["CR-2", "01/03/2024 10:00", 3.5])
    path = tmp_path / "x.xlsx"
    book.save(path)
    rows = _rows(path, fmt="xlsx")
    assert [(r.line, r.values) for r in rows] == [
        (2, {"Ref": "CR-1", "Reported": datetime(2024, 3, 1, 21, 40), "Count": "12"}),
        (4, {"Ref": "CR-2", "Reported": "01/03/2024 10:00", "Count": "3.5"}),
    ]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = _write(tmp_path, "fake.xlsx", b"ref,name\n1,a\n")
    with pytest.raises(FileProblem) as exc:
        _rows(path, fmt="xlsx")
    assert exc.value.message.startswith("fake.xlsx is not an Excel .xlsx workbook")


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as exc:
        readers.detect_format(tmp_path / "export.dat")
    assert exc.value.message == (
        "export.dat: cannot tell the format from the extension '.dat'; use .csv, .xlsx or "
        ".jsonl, or set `format:` in the mapping."
    )
