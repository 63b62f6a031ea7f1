"""The scenario's records: what the writer persists and what the truth files say about them.

Keys are 1-based sequence numbers per kind of record, in generation order; the writer adds the
database's current maximum id to get the row id, so a scenario never needs a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from patternwatch.synth.names import NameFields


@dataclass
class StaffRec:
    key: int
    username: str
    display_name: str
    role: str  # access.enums.Role value
    style_id: int
    created_at: datetime


@dataclass
class PersonRec:
    key: int
    true_id: int
    fields: NameFields
    variant: str  # "original" for a person's first record, else the duplicate's variant kind
    email: str | None
    created_at: datetime
    created_by: int  # staff key


@dataclass
class Place:
    lsoa_code: str
    district: str
    lat: float
    lon: float
    location_text: str


@dataclass
class RecordTruth:
    """What really happened, for the truth files (never written to the database)."""

    case_kind: str
    true_category: str
    is_really_stalking: bool
    series_id: str = ""
    victim_true_id: int | None = None
    suspect_true_id: int | None = None
    style_id: int = 0
    truly_online: bool = False
    stage: int = 0
    ideal_principal: str = ""
    ideal_included: tuple[str, ...] = ()


@dataclass
class IncidentRec:
    key: int
    reference: str
    received_at: datetime
    source: str  # incidents.enums.IncidentSource value
    status: str
    place: Place
    narrative: str
    created_by: int  # staff key
    truth: RecordTruth
    crime_key: int | None = None  # the crime raised from this call, if any


@dataclass
class ClassChange:
    changed_at: datetime
    by: int  # staff key
    reason: str
    principal_before: str | None
    principal_after: str
    included_before: tuple[str, ...]
    included_after: tuple[str, ...]


@dataclass
class CrimeRec:
    key: int
    reference: str
    incident_key: int | None
    reported_at: datetime
    recorded_at: datetime
    offence_from: datetime | None
    offence_to: datetime | None
    place: Place
    is_online: bool
    online_methods: tuple[str, ...]
    status: str
    outcome: str | None
    outcome_at: datetime | None
    oic: int  # staff key
    narrative: str
    principal: str
    included: tuple[str, ...]  # sorted, distinct, never the principal
    changes: list[ClassChange]
    updated_at: datetime
    truth: RecordTruth


@dataclass
class InvolvementRec:
    person_key: int
    incident_key: int | None
    crime_key: int | None
    role: str  # people.enums.InvolvementRole value
    relationship: str | None
    created_at: datetime
    created_by: int


@dataclass
class SeriesRec:
    """A course of conduct between one victim and one suspect."""

    series_id: str
    kind: str
    victim_true_id: int
    suspect_true_id: int
    relationship: str
    first_at: datetime
    last_at: datetime
    n_events: int
    n_incidents: int
    n_crimes: int
    escalates: bool
    max_stage: int
    recognised: bool
    recording: str  # how the course was recorded: principal / included / misrecorded / noncrime


@dataclass
class SafeguardingFact:
    """A risk, order, needs-assessment, referral or victim-update fact: written to
    safeguarding_facts.csv and persisted in the safeguarding tables by synth/safeguarding.py."""

    series_id: str
    crime_key: int | None
    crime_reference: str
    victim_person_key: int | None
    fact: str  # risk_screening | spo | needs_assessment | referral
    status: str
    on: date | None
    detail: str = ""
    at: datetime | None = None  # the moment (UTC) behind ``on``, for the tables' timestamps


@dataclass
class Case:
    """Everything one case adds, in the order the writer must insert it."""

    index: int
    kind: str
    staff: list[StaffRec] = field(default_factory=list)
    people: list[PersonRec] = field(default_factory=list)
    incidents: list[IncidentRec] = field(default_factory=list)
    crimes: list[CrimeRec] = field(default_factory=list)
    involvements: list[InvolvementRec] = field(default_factory=list)
    series: SeriesRec | None = None
    facts: list[SafeguardingFact] = field(default_factory=list)
