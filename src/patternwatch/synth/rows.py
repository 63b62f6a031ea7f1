"""Scenario cases -> database rows, per table, ready for the driver (pure: no connection).

The rows keep the invariants the services keep (crimes/service.py, people/service.py,
incidents/service.py): exactly one principal classification per crime and included codes that
are distinct and never the principal; an "Initial classification" ClassificationChange row per
crime (and a row per later reclassification); involvements that point at people, crimes and
incidents written before them; officers in charge that are active investigators or supervisors.
Ids are the table's maximum before the run plus the scenario key, so no row needs a RETURNING
round trip. Timestamps come from the scenario, so the same scenario gives the same rows.

Values are converted here, where the scenario is made (in the second process of a large run),
so the process that talks to the database only passes them on: for SQLite, tuples of what
SQLAlchemy's column types would store (UTC datetimes as "YYYY-MM-DD HH:MM:SS.ffffff", dates as
ISO, booleans as 0/1); for PostgreSQL, COPY text; for anything else, tuples of Python values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from patternwatch.synth.model import Case, CrimeRec, IncidentRec, PersonRec, StaffRec
from patternwatch.synth.safeguarding import SAFEGUARDING_TABLES, SafeguardingData, SafeguardingRows

# A password hash no password verifies against (argon2 rejects it as invalid), so nobody can log
# in as a generated officer; access.passwords.verify_password returns False for it.
DISABLED_PASSWORD_HASH = "!disabled"

# Tables in insert order (parents first) with the columns written, in tuple order, and the kind
# of each column that needs converting (dt: UTC datetime, date, bool); other columns are left
# NULL or to their defaults. tests/synth/test_rows.py checks the kinds against the models.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "user_account": (
        ("id", ""), ("username", ""), ("display_name", ""), ("role", ""), ("password_hash", ""),
        ("is_active", "bool"), ("created_at", "dt"), ("updated_at", "dt"),
    ),
    "person": (
        ("id", ""), ("forename", ""), ("middle_names", ""), ("surname", ""),
        ("date_of_birth", "date"), ("gender", ""), ("address", ""), ("postcode", ""),
        ("created_by_id", ""), ("created_at", "dt"), ("updated_at", "dt"),
    ),
    "person_identifier": (("id", ""), ("person_id", ""), ("kind", ""), ("value", "")),
    "incident": (
        ("id", ""), ("reference", ""), ("received_at", "dt"), ("source", ""), ("status", ""),
        ("location_text", ""), ("latitude", ""), ("longitude", ""), ("lsoa_code", ""),
        ("district", ""), ("narrative", ""), ("created_by_id", ""), ("created_at", "dt"),
        ("updated_at", "dt"),
    ),
    "crime": (
        ("id", ""), ("reference", ""), ("incident_id", ""), ("reported_at", "dt"),
        ("recorded_at", "dt"), ("offence_from", "dt"), ("offence_to", "dt"),
        ("location_text", ""), ("latitude", ""), ("longitude", ""), ("lsoa_code", ""),
        ("district", ""), ("is_online", "bool"), ("status", ""), ("outcome_code_id", ""),
        ("outcome_at", "dt"), ("officer_in_charge_id", ""), ("is_restricted", "bool"),
        ("narrative", ""), ("created_by_id", ""), ("created_at", "dt"), ("updated_at", "dt"),
    ),
    "crime_classification": (
        ("id", ""), ("crime_id", ""), ("classification_id", ""), ("is_principal", "bool"),
        ("added_at", "dt"),
    ),
    "classification_change": (
        ("id", ""), ("crime_id", ""), ("changed_at", "dt"), ("changed_by_id", ""),
        ("changed_by_name", ""), ("reason", ""), ("principal_before", ""),
        ("principal_after", ""), ("included_before", ""), ("included_after", ""),
    ),
    "crime_online_method": (("crime_id", ""), ("method", "")),
    "involvement": (
        ("id", ""), ("person_id", ""), ("incident_id", ""), ("crime_id", ""), ("role", ""),
        ("relationship", ""), ("created_at", "dt"), ("created_by_id", ""),
    ),
    # Then the stalking courses' safeguarding records (synth/safeguarding.py).
    **SAFEGUARDING_TABLES,
}  # fmt: skip
ID_TABLES = tuple(name for name, cols in TABLES.items() if cols[0][0] == "id")


@dataclass(frozen=True)
class IdBase:
    """Each table's maximum id before the run; a scenario key k becomes id base + k."""

    user: int
    person: int
    incident: int
    crime: int


@dataclass(frozen=True)
class Targets:
    """What the rows need from the target database, read before the run (picklable)."""

    dialect: str  # sqlite | postgresql | other
    max_ids: dict[str, int]  # table -> maximum id before the run
    classification_ids: dict[str, int]
    outcome_ids: dict[str, int]
    # The current S-DASH set, update timescales and bank holidays; None writes no safeguarding
    # rows (the facts still go to the truth file).
    safeguarding: SafeguardingData | None = None

    @property
    def base(self) -> IdBase:
        m = self.max_ids
        return IdBase(m["user_account"], m["person"], m["incident"], m["crime"])

    @property
    def person_base(self) -> int:
        return self.max_ids["person"]

    @property
    def crime_base(self) -> int:
        return self.max_ids["crime"]

    @property
    def incident_base(self) -> int:
        return self.max_ids["incident"]


# ---- value conversion ----------------------------------------------------------------------------


def _sqlite_dt(value: datetime) -> str:
    text = value.isoformat(" ", "microseconds")
    if text.endswith("+00:00"):  # the scenario's datetimes are UTC: just drop the offset
        return text[:-6]
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_SQLITE: dict[str, Callable[[Any], Any]] = {
    "dt": _sqlite_dt,
    "date": date.isoformat,
    "bool": lambda v: 1 if v else 0,
}


def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return _copy_text(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class RowBuilder:
    """Turn cases into rows per table; ``take()`` hands over what is buffered."""

    targets: Targets
    buffers: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    window_end: date | None = None  # the last local day: nothing is dated after it

    def __post_init__(self) -> None:
        self.next_id = dict(self.targets.max_ids)
        self.usernames: dict[int, str] = {}
        self.buffers = {name: [] for name in TABLES}
        self.counts = dict.fromkeys(TABLES, 0)
        self.convert = {
            name: [(i, _SQLITE[kind]) for i, (_, kind) in enumerate(cols) if kind]
            for name, cols in TABLES.items()
        }
        data = self.targets.safeguarding
        self.safeguarding = (
            SafeguardingRows(
                data,
                next_id=self._next_id,
                username=self.usernames.__getitem__,
                user0=self.targets.max_ids["user_account"],
                person0=self.targets.person_base,
                crime0=self.targets.crime_base,
                window_end=self.window_end,
            )
            if data is not None
            else None
        )

    def _next_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def add(self, case: Case) -> None:
        buf, nid = self.buffers, self.next_id
        user0, person0 = self.targets.max_ids["user_account"], self.targets.person_base
        incident0, crime0 = self.targets.incident_base, self.targets.crime_base
        for staff in case.staff:
            buf["user_account"].append(self._user(staff, user0))
        for person in case.people:
            buf["person"].append(self._person(person, person0, user0))
            if person.email:
                nid["person_identifier"] += 1
                buf["person_identifier"].append(
                    (nid["person_identifier"], person0 + person.key, "email", person.email)
                )
        for incident in case.incidents:
            buf["incident"].append(self._incident(incident, incident0, user0))
        for crime in case.crimes:
            self._crime(crime)
        rows = buf["involvement"]
        for inv in case.involvements:
            nid["involvement"] += 1
            rows.append(
                (
                    nid["involvement"],
                    person0 + inv.person_key,
                    incident0 + inv.incident_key if inv.incident_key else None,
                    crime0 + inv.crime_key if inv.crime_key else None,
                    inv.role,
                    inv.relationship,
                    inv.created_at,
                    user0 + inv.created_by,
                )
            )
        if case.facts and self.safeguarding is not None:
            for name, sg_rows in self.safeguarding.rows(case).items():
                if sg_rows:
                    buf[name].extend(sg_rows)
                    self.pending += len(sg_rows)
        self.pending += (
            len(case.staff)
            + len(case.people)
            + len(case.incidents)
            + 4 * len(case.crimes)
            + len(case.involvements)
        )

    def _user(self, staff: StaffRec, user0: int) -> tuple[Any, ...]:
        self.usernames[staff.key] = staff.username
        return (
            user0 + staff.key,
            staff.username,
            staff.display_name,
            staff.role,
            DISABLED_PASSWORD_HASH,
            True,
            staff.created_at,
            staff.created_at,
        )

    @staticmethod
    def _person(person: PersonRec, person0: int, user0: int) -> tuple[Any, ...]:
        f = person.fields
        return (
            person0 + person.key,
            f.forename,
            f.middle_names,
            f.surname,
            f.date_of_birth,
            f.gender,
            f.address,
            f.postcode,
            user0 + person.created_by,
            person.created_at,
            person.created_at,
        )

    @staticmethod
    def _incident(incident: IncidentRec, incident0: int, user0: int) -> tuple[Any, ...]:
        p = incident.place
        return (
            incident0 + incident.key,
            incident.reference,
            incident.received_at,
            incident.source,
            incident.status,
            p.location_text,
            p.lat,
            p.lon,
            p.lsoa_code,
            p.district,
            incident.narrative,
            user0 + incident.created_by,
            incident.received_at,
            incident.received_at,
        )

    def _crime(self, crime: CrimeRec) -> None:
        buf, nid, t = self.buffers, self.next_id, self.targets
        user0 = t.max_ids["user_account"]
        crime_id = t.crime_base + crime.key
        p = crime.place
        buf["crime"].append(
            (
                crime_id,
                crime.reference,
                t.incident_base + crime.incident_key if crime.incident_key else None,
                crime.reported_at,
                crime.recorded_at,
                crime.offence_from,
                crime.offence_to,
                p.location_text,
                p.lat,
                p.lon,
                p.lsoa_code,
                p.district,
                crime.is_online,
                crime.status,
                t.outcome_ids[crime.outcome] if crime.outcome else None,
                crime.outcome_at,
                user0 + crime.oic,
                False,
                crime.narrative,
                user0 + crime.oic,
                crime.recorded_at,
                crime.updated_at,
            )
        )
        # One principal; included distinct and never the principal. A code kept from the first
        # classification was added when the crime was recorded; one a reclassification brought
        # in, when that happened.
        first, last = crime.changes[0], crime.changes[-1]
        initial = {first.principal_after, *first.included_after}
        for code in (crime.principal, *crime.included):
            nid["crime_classification"] += 1
            buf["crime_classification"].append(
                (
                    nid["crime_classification"],
                    crime_id,
                    t.classification_ids[code],
                    code == crime.principal,
                    crime.recorded_at if code in initial else last.changed_at,
                )
            )
        for change in crime.changes:
            nid["classification_change"] += 1
            buf["classification_change"].append(
                (
                    nid["classification_change"],
                    crime_id,
                    change.changed_at,
                    user0 + change.by,
                    self.usernames[change.by],
                    change.reason,
                    change.principal_before,
                    change.principal_after,
                    " ".join(change.included_before),
                    " ".join(change.included_after),
                )
            )
        for method in crime.online_methods:
            buf["crime_online_method"].append((crime_id, method))

    def take(self) -> list[tuple[str, int, Any]]:
        """(table, row count, payload) for every non-empty buffer, parents first; clears them."""
        out: list[tuple[str, int, Any]] = []
        for name, rows in self.buffers.items():
            if not rows:
                continue
            self.counts[name] += len(rows)
            out.append((name, len(rows), self._payload(name, rows)))
            self.buffers[name] = []
        self.pending = 0
        return out

    def _payload(self, name: str, rows: list[tuple[Any, ...]]) -> Any:
        dialect = self.targets.dialect
        if dialect == "sqlite":
            convert = self.convert[name]
            if not convert:
                return rows
            out = []
            for row in rows:
                values = list(row)
                for i, fn in convert:
                    if values[i] is not None:
                        values[i] = fn(values[i])
                out.append(tuple(values))
            return out
        if dialect == "postgresql":
            return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
        return rows
