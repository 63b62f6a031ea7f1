"""Stream rows from CSV, XLSX and JSON Lines files; check encoding and size before any row is read.

Readers never raise for one bad row: a row they cannot read comes back with ``error`` set and is
rejected by the caller with its line number. A file that cannot be read at all (empty, wrong
encoding, not a workbook, missing or repeated header) raises ``FileProblem`` with a message that
says what to do.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

# Largest field a CSV row may hold, in characters. Python's default (131,072) is too small for
# long narratives; unbounded would let one broken quote swallow the rest of the file into memory.
# A row with a bigger field is rejected with its line number, and the rows after it still load.
FIELD_LIMIT = 1_000_000
# Largest JSON Lines line, in characters, for the same reason.
LINE_LIMIT = 4 * FIELD_LIMIT

FileFormat = Literal["csv", "xlsx", "jsonl"]
Encoding = Literal["utf-8", "cp1252", "latin-1"]

_CHUNK = 1 << 20


class FileProblem(Exception):
    """The whole file cannot be imported; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: Path
    sha256: str
    size: int
    encoding: str  # the Python codec that reads the text (utf-8-sig, cp1252, ...); "" for XLSX


@dataclass(slots=True)
class SourceRow:
    """One data row: where it starts, its values by column, and its text for the rejects file."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    error: str | None = None
    # CSV rows keep their cells and are turned back into text only if rejected (most never are).
    cells: list[str] | None = None
    delimiter: str = ","

    @property
    def raw(self) -> str:
        if self.cells is not None:
            return _csv_text(self.cells, self.delimiter)
        return self.text


def detect_format(path: Path) -> FileFormat:
    """The format from the file name: .csv (or .txt), .xlsx, .jsonl (or .ndjson)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise FileProblem(
        f"{path.name}: cannot tell the format from the extension {suffix or '(none)'!r}; "
        "use .csv, .xlsx or .jsonl, or set `format:` in the mapping."
    )


def inspect_file(
    path: Path,
    *,
    fmt: FileFormat,
    encoding: Encoding = "utf-8",
    fallback_encoding: Encoding | None = None,
) -> FileInfo:
    """Hash the file and check that its text decodes, naming the first bad byte if it does not.

    UTF-8 (with or without a byte-order mark) is tried first when ``encoding`` is utf-8; the
    fallback is used only when the mapping names one, because guessing an encoding silently turns
    names like "Zoë" into "ZoÃ«" in a police record.
    """
    if not path.is_file():
        raise FileProblem(f"{path}: no such file.")
    digest = hashlib.sha256()
    size = 0
    decoders = [_decoder_for(encoding)]
    if fallback_encoding and fallback_encoding != encoding:
        decoders.append(_decoder_for(fallback_encoding))
    failures: list[tuple[str, int, int, int]] = []  # codec, offset, byte, line
    alive = list(range(len(decoders)))
    lines = [1] * len(decoders)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if fmt != "xlsx":
                for i in list(alive):
                    name, decoder = decoders[i]
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        offset = size + exc.start
                        line = lines[i] + chunk.count(b"\n", 0, exc.start)
                        failures.append((name, offset, chunk[exc.start], line))
                        alive.remove(i)
                    else:
                        lines[i] += chunk.count(b"\n")
            size += len(chunk)
    if size == 0 or (fmt != "xlsx" and not _has_text(path)):
        raise FileProblem(f"{path.name} is empty: there is no header row and no data.")
    if fmt == "xlsx":
        return FileInfo(path, digest.hexdigest(), size, "")
    for i in list(alive):
        name, decoder = decoders[i]
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            failures.append((name, size, 0, lines[i]))
            alive.remove(i)
    if not alive:
        name, offset, byte, line = failures[0]
        hint = (
            "Save the file as UTF-8, or set `fallback_encoding: cp1252` in the mapping if it "
            "comes from a Windows system."
            if encoding == "utf-8"
            else "Check the `encoding:` in the mapping."
        )
        raise FileProblem(
            f"{path.name} is not valid {_label(name)}: byte 0x{byte:02X} at offset {offset} "
            f"(line {line}) cannot be decoded. {hint}"
        )
    return FileInfo(path, digest.hexdigest(), size, decoders[alive[0]][0])


def _decoder_for(encoding: str) -> tuple[str, codecs.IncrementalDecoder]:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    return codec, codecs.getincrementaldecoder(codec)(errors="strict")


def _label(codec: str) -> str:
    return "UTF-8" if codec.startswith("utf-8") else codec


def _has_text(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return bool(head.removeprefix(codecs.BOM_UTF8).strip())


class RowReader:
    """The header and a one-pass iterator of data rows, for any supported format."""

    def __init__(
        self, info: FileInfo, *, fmt: FileFormat, delimiter: str = ",", sheet: str | None = None
    ):
        self.info = info
        self.fmt = fmt
        self.delimiter = delimiter
        self.sheet = sheet
        self.header: list[str] = []
        self._rows: Iterator[SourceRow]
        self._close: list[Any] = []
        if fmt == "csv":
            self._rows = self._csv()
        elif fmt == "xlsx":
            self._rows = self._xlsx()
        else:
            self._rows = self._jsonl()
        # Generators run lazily: pull the header now so a bad file fails before any row.
        self._first: SourceRow | None = next(self._rows, None)

    def __iter__(self) -> Iterator[SourceRow]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        yield from self._rows

    def close(self) -> None:
        for thing in self._close:
            thing.close()

    def __enter__(self) -> RowReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- CSV ----------------------------------------------------------------------------------

    def _csv(self) -> Iterator[SourceRow]:
        csv.field_size_limit(FIELD_LIMIT)
        handle = self.info.path.open(encoding=self.info.encoding, newline="")
        self._close.append(handle)
        reader = csv.reader(handle, delimiter=self.delimiter)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise FileProblem(
                f"{self.info.path.name}: the header row cannot be read ({exc})."
            ) from exc
        except StopIteration:
            raise FileProblem(f"{self.info.path.name} is empty: there is no header row.") from None
        self.header = _check_header(self.info.path.name, header)
        width = len(self.header)
        previous = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start, previous = previous + 1, reader.line_num
                yield SourceRow(
                    line=start, error=_csv_error(exc), text="(row not kept: unreadable)"
                )
                continue
            start, previous = previous + 1, reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line is not a data row
            if len(fields) != width:
                yield SourceRow(
                    line=start,
                    cells=fields,
                    delimiter=self.delimiter,
                    error=f"the row has {len(fields)} fields but the header has {width}; "
                    "check for an unquoted delimiter or a missing field",
                )
                continue
            yield SourceRow(
                line=start,
                values=dict(zip(self.header, fields, strict=True)),
                cells=fields,
                delimiter=self.delimiter,
            )

    # ---- XLSX ---------------------------------------------------------------------------------

    def _xlsx(self) -> Iterator[SourceRow]:
        try:
            import openpyxl
            from openpyxl.utils.exceptions import InvalidFileException
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise FileProblem("Reading .xlsx needs the openpyxl package.") from exc
        name = self.info.path.name
        try:
            book = openpyxl.load_workbook(self.info.path, read_only=True, data_only=True)
        except (InvalidFileException, OSError, KeyError, ValueError) as exc:
            raise FileProblem(f"{name} is not an Excel .xlsx workbook ({exc}).") from exc
        except Exception as exc:  # zipfile.BadZipFile and friends
            raise FileProblem(f"{name} is not an Excel .xlsx workbook ({exc}).") from exc
        self._close.append(book)
        if self.sheet is not None and self.sheet not in book.sheetnames:
            raise FileProblem(
                f"{name} has no sheet {self.sheet!r}; it has {', '.join(book.sheetnames)}."
            )
        sheet = book[self.sheet] if self.sheet else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header: list[str] | None = None
        for number, cells in enumerate(rows, start=1):
            values = [_cell(v) for v in cells]
            if header is None:
                if not any(v not in ("", None) for v in values):
                    continue
                while values and values[-1] in ("", None):
                    values.pop()
                self.header = header = _check_header(name, [str(v) for v in values])
                continue
            if not any(v not in ("", None) for v in values):
                continue
            values = (values + [""] * len(header))[: max(len(header), len(values))]
            extra = [v for v in values[len(header) :] if v not in ("", None)]
            raw = _csv_text([_text(v) for v in values], ",")
            if extra:
                yield SourceRow(
                    line=number,
                    text=raw,
                    error=f"the row has values beyond the last headed column ({len(header)})",
                )
                continue
            yield SourceRow(line=number, values=dict(zip(header, values, strict=False)), text=raw)
        if header is None:
            raise FileProblem(f"{name} is empty: the sheet {sheet.title!r} has no header row.")

    # ---- JSON Lines ---------------------------------------------------------------------------

    def _jsonl(self) -> Iterator[SourceRow]:
        handle = self.info.path.open(encoding=self.info.encoding, newline="")
        self._close.append(handle)
        seen: dict[str, None] = {}
        for number, line in enumerate(_bounded_lines(handle), start=1):
            if line is None:
                yield SourceRow(
                    line=number,
                    text="(row not kept: too long)",
                    error=f"the line is longer than {LINE_LIMIT:,} characters (the limit)",
                )
                continue
            text = line.strip()
            if not text:
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield SourceRow(line=number, text=text, error=f"the line is not valid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                yield SourceRow(line=number, text=text, error="the line is JSON but not an object")
                continue
            for key in obj:
                seen.setdefault(str(key), None)
            self.header = list(seen)
            yield SourceRow(
                line=number, values={str(k): _json_value(v) for k, v in obj.items()}, text=text
            )


def _bounded_lines(handle: io.TextIOBase) -> Iterator[str | None]:
    """Lines of at most LINE_LIMIT characters; None stands for a longer line, which is skipped."""
    while True:
        line = handle.readline(LINE_LIMIT + 1)
        if not line:
            return
        if len(line) > LINE_LIMIT and not line.endswith("\n"):
            while True:  # discard the rest of the over-long line
                rest = handle.readline(_CHUNK)
                if not rest or rest.endswith("\n"):
                    break
            yield None
            continue
        yield line


def _check_header(name: str, header: list[str]) -> list[str]:
    cleaned = [h.strip().removeprefix("\ufeff").strip() for h in header]
    if not any(cleaned):
        raise FileProblem(f"{name}: the header row is blank.")
    seen: set[str] = set()
    repeated = []
    for h in cleaned:
        if h in seen and h:
            repeated.append(h)
        seen.add(h)
    if repeated:
        raise FileProblem(
            f"{name}: the header names {', '.join(repr(r) for r in repeated)} more than once; "
            "each column needs a unique name."
        )
    return cleaned


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a field is longer than {FIELD_LIMIT:,} characters (the limit); shorten it, or "
            "check for an unclosed quote that runs into the following rows"
        )
    return f"the row cannot be read as CSV ({text})"


def _csv_text(fields: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(fields)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
