"""Load a declarative mapping and apply it to one row: pure, no database, table-driven tests.

``load_mapping`` turns YAML into a validated ``Mapping`` (errors name the key and the problem).
``RowMapper.map`` turns one row's values into a ``MappedRecord`` or raises ``RowRejected`` with a
reason a person can act on. The caller supplies the code lists held in the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from patternwatch.imports.readers import FileProblem
from patternwatch.imports.schemas import (
    CRIME_FIELDS,
    ENUM_CODE_LISTS,
    INCIDENT_FIELDS,
    PERSON_FIELDS,
    ColumnSpec,
    Mapping,
    PersonSpec,
)
from patternwatch.timeutil import as_utc


class MappingError(Exception):
    """A mapping file that cannot be used; each problem names the key it is about."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"The mapping {source} is not valid:\n{lines}")
        self.message = str(self)


class RowRejected(Exception):
    """This row cannot be imported; the message says why (and usually what to change)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_mapping(path: Path) -> Mapping:
    """Read and validate a YAML mapping file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(str(path), ["file: no such file"]) from None
    except UnicodeDecodeError as exc:
        raise MappingError(path.name, [f"file: not UTF-8 text ({exc.reason})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise MappingError(path.name, [f"file: not valid YAML{where}: {problem}"]) from None
    return parse_mapping(data, source=path.name)


def parse_mapping(data: Any, *, source: str = "mapping") -> Mapping:
    """Validate mapping data (already parsed from YAML or JSON)."""
    if not isinstance(data, dict):
        raise MappingError(source, ["(top level): must be a set of keys such as source_system"])
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise MappingError(source, _problems(exc)) from None


def _problems(exc: ValidationError) -> list[str]:
    out: list[str] = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against docs/imports.md)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{key}: {msg}")
    return out


def check_codes_exist(
    mapping: Mapping, *, classification_codes: set[str], outcome_codes: set[str]
) -> None:
    """Raise MappingError if a code list points at a classification or outcome we do not hold."""
    problems = []
    for name, known in (("classification", classification_codes), ("outcome", outcome_codes)):
        for source, target in mapping.codes.get(name, {}).items():
            if target.upper() not in known:
                problems.append(
                    f"codes.{name}.{source}: {target!r} is not an active {name} code in "
                    "Patternwatch (see `patternwatch` reference data, or ask an administrator)"
                )
    if problems:
        raise MappingError("(checked against the database)", problems)


@dataclass(slots=True)
class MappedPerson:
    ref: str
    role: str | None
    relationship: str | None
    fields: dict[str, Any]

    @property
    def content_hash(self) -> str:
        return content_hash({"fields": self.fields})


@dataclass(slots=True)
class MappedRecord:
    """One row in Patternwatch's terms: what to create or update, keyed by the source reference."""

    kind: str
    ref: str
    fields: dict[str, Any] = field(default_factory=dict)
    reference: str | None = None
    classifications: list[tuple[str, bool]] = field(default_factory=list)
    incident_ref: str | None = None
    people: list[MappedPerson] = field(default_factory=list)
    # Involvement rows only.
    person_ref: str | None = None
    crime_ref: str | None = None
    role: str | None = None
    relationship: str | None = None
    note: str | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(asdict(self))


def content_hash(data: Any) -> str:
    """A stable SHA-256 of mapped values: equal hashes mean nothing to update."""
    text = json.dumps(data, sort_keys=True, default=_json_default, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class RowMapper:
    """Apply one mapping to rows; built once per file."""

    def __init__(
        self,
        mapping: Mapping,
        *,
        classification_codes: Iterable[str] = (),
        outcome_codes: Iterable[str] = (),
    ) -> None:
        self.mapping = mapping
        self.classification_codes = {c.upper() for c in classification_codes}
        self.outcome_codes = {c.upper() for c in outcome_codes}
        self._true = {v.strip().lower() for v in mapping.true_values}
        self._false = {v.strip().lower() for v in mapping.false_values}

    # ---- columns ------------------------------------------------------------------------------

    def column_specs(self) -> list[ColumnSpec]:
        m = self.mapping
        specs: list[ColumnSpec | None] = []
        if m.crime is not None:
            c = m.crime
            specs += [c.ref, c.reference, c.incident_ref, c.principal, c.included]
            specs += list(c.fields.values())
            for p in c.people:
                specs += _person_specs(p)
        if m.incident is not None:
            i = m.incident
            specs += [i.ref, i.reference, *i.fields.values()]
            for p in i.people:
                specs += _person_specs(p)
        if m.person is not None:
            specs += _person_specs(m.person)
        if m.involvement is not None:
            v = m.involvement
            specs += [v.person_ref, v.crime_ref, v.incident_ref, v.role, v.relationship, v.note]
        return [s for s in specs if s is not None]

    def check_header(self, file_name: str, header: list[str]) -> None:
        """Raise FileProblem naming every mapped column the file lacks (unless marked optional)."""
        present = set(header)
        missing: list[str] = []
        for spec in self.column_specs():
            if not spec.optional and spec.column not in present and spec.column not in missing:
                missing.append(spec.column)
        if missing:
            raise FileProblem(
                f"{file_name} is missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(c) for c in missing)} (named in the mapping). The file has: "
                f"{', '.join(repr(h) for h in header) or 'no columns'}."
            )

    # ---- one row ------------------------------------------------------------------------------

    def map(self, values: dict[str, Any]) -> MappedRecord:
        """The row as a MappedRecord, or RowRejected naming the column and the problem."""
        m = self.mapping
        if m.crime is not None:
            c = m.crime
            record = MappedRecord(kind="crime", ref=self._required(values, c.ref, "reference"))
            record.reference = self._text(values, c.reference)
            record.incident_ref = self._text(values, c.incident_ref)
            record.fields = self._fields(values, c.fields, CRIME_FIELDS)
            self._require_fields(record.fields, c.fields, ("reported_at",))
            record.classifications = self._classifications(values, c.principal, c.included)
            record.people = self._people(values, c.people)
            return record
        if m.incident is not None:
            i = m.incident
            record = MappedRecord(kind="incident", ref=self._required(values, i.ref, "reference"))
            record.reference = self._text(values, i.reference)
            record.fields = self._fields(values, i.fields, INCIDENT_FIELDS)
            self._require_fields(record.fields, i.fields, ("received_at", "narrative"))
            record.people = self._people(values, i.people)
            return record
        if m.person is not None:
            p = m.person
            ref = self._required(values, p.ref, "person reference")
            return MappedRecord(kind="person", ref=ref, fields=self._person_fields(values, p))
        v = m.involvement
        assert v is not None
        person_ref = self._required(values, v.person_ref, "person reference")
        target_spec = v.crime_ref or v.incident_ref
        assert target_spec is not None
        target = self._required(values, target_spec, "record reference")
        role = self._code(values, v.role, "role")
        if role is None:
            raise RowRejected(f"column {v.role.column!r}: the role is blank")
        relationship = self._code(values, v.relationship, "relationship")
        if relationship and role != "suspect":
            raise RowRejected(
                f"column {v.relationship.column!r}: a relationship is recorded on a suspect, "  # type: ignore[union-attr]
                f"but this row's role is {role}"
            )
        return MappedRecord(
            kind="involvement",
            ref=f"{person_ref}|{target}|{role}",
            person_ref=person_ref,
            crime_ref=target if v.crime_ref is not None else None,
            incident_ref=target if v.incident_ref is not None else None,
            role=role,
            relationship=relationship,
            note=self._text(values, v.note),
        )

    def _people(self, values: dict[str, Any], specs: list[PersonSpec]) -> list[MappedPerson]:
        people = []
        for spec in specs:
            ref = self._text(values, spec.ref)
            if not ref:
                continue  # no person in this slot on this row (e.g. suspect not known)
            relationship = self._code(values, spec.relationship, "relationship")
            people.append(
                MappedPerson(
                    ref=ref,
                    role=spec.role.value if spec.role else None,
                    relationship=relationship,
                    fields=self._person_fields(values, spec),
                )
            )
        refs = [p.ref for p in people]
        for ref in refs:
            if refs.count(ref) > 1:
                raise RowRejected(f"person reference {ref!r} appears in two places on this row")
        return people

    def _person_fields(self, values: dict[str, Any], spec: PersonSpec) -> dict[str, Any]:
        fields = self._fields(values, spec.fields, PERSON_FIELDS)
        if not (fields.get("forename") or fields.get("surname")):
            names = [spec.fields[f].column for f in ("forename", "surname") if f in spec.fields]
            where = f" (columns {', '.join(repr(n) for n in names)})" if names else ""
            raise RowRejected(
                f"person {self._text(values, spec.ref)!r} has neither a forename nor a "
                f"surname{where}"
            )
        return fields

    def _classifications(
        self, values: dict[str, Any], principal: ColumnSpec, included: ColumnSpec | None
    ) -> list[tuple[str, bool]]:
        code = self._classification(values, principal, self._text(values, principal))
        if code is None:
            raise RowRejected(f"column {principal.column!r}: the principal classification is blank")
        out = [(code, True)]
        if included is not None:
            raw = self._text(values, included) or ""
            for part in raw.split(self.mapping.split):
                part = part.strip()
                if not part:
                    continue
                extra = self._classification(values, included, part)
                if extra is None or extra == code or any(extra == c for c, _ in out):
                    continue  # repeated codes (or the principal again) add nothing
                out.append((extra, False))
        return out

    def _classification(
        self, values: dict[str, Any], spec: ColumnSpec, raw: str | None
    ) -> str | None:
        if not raw:
            return None
        code = self.mapping.codes.get("classification", {}).get(raw.strip().upper(), raw)
        code = code.strip().upper()
        if code not in self.classification_codes:
            raise RowRejected(
                f"column {spec.column!r}: unknown classification code {raw.strip()!r}; add it to "
                "codes.classification in the mapping, or ask an administrator to add the "
                "classification"
            )
        return code

    def _fields(
        self, values: dict[str, Any], specs: dict[str, ColumnSpec], types: dict[str, str]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in specs.items():
            kind = types[name]
            if kind == "datetime":
                out[name] = self._datetime(values, spec)
            elif kind == "date":
                value = self._datetime(values, spec, as_date=True)
                out[name] = value
            elif kind == "float":
                out[name] = self._float(values, spec)
            elif kind == "bool":
                out[name] = self._bool(values, spec)
            elif kind.startswith("code:"):
                out[name] = self._code(values, spec, kind.removeprefix("code:"))
            else:
                out[name] = self._text(values, spec)
        return out

    def _require_fields(
        self, fields: dict[str, Any], specs: dict[str, ColumnSpec], names: tuple[str, ...]
    ) -> None:
        for name in names:
            if fields.get(name) in (None, ""):
                raise RowRejected(f"column {specs[name].column!r}: {name} is required but blank")

    # ---- values -------------------------------------------------------------------------------

    def _cell(self, values: dict[str, Any], spec: ColumnSpec | None) -> Any:
        if spec is None:
            return None
        value = values.get(spec.column, "")
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None) and spec.default is not None:
            return spec.default
        return value

    def _text(self, values: dict[str, Any], spec: ColumnSpec | None) -> str | None:
        value = self._cell(values, spec)
        if value in ("", None):
            return None
        if isinstance(value, list):
            return self.mapping.split.join(str(v) for v in value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    def _required(self, values: dict[str, Any], spec: ColumnSpec, what: str) -> str:
        value = self._text(values, spec)
        if not value:
            raise RowRejected(f"column {spec.column!r}: the {what} is blank")
        if len(value) > 128:
            raise RowRejected(f"column {spec.column!r}: the {what} is longer than 128 characters")
        return value

    def _datetime(
        self, values: dict[str, Any], spec: ColumnSpec, *, as_date: bool = False
    ) -> datetime | date | None:
        value = self._cell(values, spec)
        if value in ("", None):
            return None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        else:
            text = str(value)
            formats = [spec.format] if spec.format else self.mapping.date_formats
            parsed = _strptime(text, formats)
            if parsed is None:
                raise RowRejected(
                    f"column {spec.column!r}: {text!r} is not a date in the format"
                    f"{'s' if len(formats) > 1 else ''} {', '.join(formats)}"
                )
        if as_date:
            return parsed.date()
        # Naive times in force exports are local (Europe/London) wall-clock times.
        return as_utc(parsed)

    def _float(self, values: dict[str, Any], spec: ColumnSpec) -> float | None:
        value = self._cell(values, spec)
        if value in ("", None):
            return None
        try:
            return float(str(value))
        except ValueError:
            raise RowRejected(f"column {spec.column!r}: {value!r} is not a number") from None

    def _bool(self, values: dict[str, Any], spec: ColumnSpec) -> bool:
        value = self._cell(values, spec)
        text = "" if value is None else str(value).strip().lower()
        if text in self._true:
            return True
        if text in self._false or text == "":
            return False
        raise RowRejected(
            f"column {spec.column!r}: {value!r} is neither yes nor no (true_values: "
            f"{', '.join(sorted(self._true))}; false_values: {', '.join(sorted(self._false))})"
        )

    def _code(self, values: dict[str, Any], spec: ColumnSpec | None, name: str) -> str | None:
        raw = self._text(values, spec)
        if raw is None:
            return None
        assert spec is not None
        mapped = self.mapping.codes.get(name, {}).get(raw.upper())
        if name == "outcome":
            code = (mapped or raw).strip().upper()
            if code not in self.outcome_codes:
                raise RowRejected(
                    f"column {spec.column!r}: unknown outcome code {raw!r}; add it to "
                    "codes.outcome in the mapping"
                )
            return code
        allowed = ENUM_CODE_LISTS[name]
        value = (
            mapped
            if mapped is not None
            else raw.strip().lower().replace(" ", "_").replace("-", "_")
        )
        if value not in allowed:
            raise RowRejected(
                f"column {spec.column!r}: {raw!r} is not a known {name.replace('_', ' ')}; add it "
                f"to codes.{name} in the mapping (ours are {', '.join(allowed)})"
            )
        return value


def _person_specs(spec: PersonSpec) -> list[ColumnSpec | None]:
    return [spec.ref, spec.relationship, *spec.fields.values()]


def _strptime(text: str, formats: list[str]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
