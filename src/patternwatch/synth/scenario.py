"""The pure scenario: a seeded stream of cases (people, incidents, crimes, truth), no database.

Determinism: each case draws from its own ``random.Random`` seeded by (seed, case index), and the
only state carried between cases (staff pools, people available for repeats, per-day reference
counters) depends on earlier cases alone, so a larger N extends a smaller one: the first cases of
``--crimes 1000`` and ``--crimes 1000000`` with the same seed are the same (the last case of the
smaller run is cut short at N). Nothing reads the clock or iterates a set of strings, so
PYTHONHASHSEED does not matter. Memory is flat in N: the repeat pools are bounded ring buffers and
the staff pools grow by one officer per few hundred cases.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from patternwatch.synth import calibration as cal
from patternwatch.synth.geo import Geography, geography, point_in, postcode_for
from patternwatch.synth.model import (
    Case,
    ClassChange,
    CrimeRec,
    IncidentRec,
    InvolvementRec,
    PersonRec,
    Place,
    RecordTruth,
    StaffRec,
)
from patternwatch.synth.names import NameFields, apply_variant, tables
from patternwatch.synth.sampling import Weighted, chance, lognormal_days, sub_rng
from patternwatch.timeutil import FORCE_TZ


@dataclass(frozen=True, slots=True)
class ScenarioConfig:
    crimes: int
    seed: int
    start: date
    end: date
    # User names already taken in the target database (officer names avoid them).
    reserved_usernames: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.crimes < 1:
            raise ValueError("the number of crimes must be at least 1")
        if self.end < self.start:
            raise ValueError("the end date is before the start date")


def default_window(start: date | None, end: date | None) -> tuple[date, date]:
    """The window from the arguments: three full years ending at DEFAULT_END unless given."""
    years = cal.DEFAULT_YEARS
    if start is None and end is None:
        end = cal.DEFAULT_END
    if start is None:
        assert end is not None
        start = _add_years(end, -years) + timedelta(days=1)
    if end is None:
        end = _add_years(start, years) - timedelta(days=1)
    return start, end


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# ---- People held between cases ------------------------------------------------------------------


@dataclass(slots=True)
class TruePerson:
    true_id: int
    fields: NameFields
    home_lsoa: int
    home_point: tuple[float, float]
    email: str | None
    last_seen: datetime
    records: list[PersonRec] = field(default_factory=list)


class _Ring:
    """A bounded pool: the newest REPEAT_POOL_SIZE items, chosen from uniformly."""

    __slots__ = ("items", "next", "size")

    def __init__(self, size: int) -> None:
        self.items: list[object] = []
        self.next = 0
        self.size = size

    def add(self, item: object) -> None:
        if len(self.items) < self.size:
            self.items.append(item)
        else:
            self.items[self.next] = item
            self.next = (self.next + 1) % self.size

    def pick(self, rng: random.Random) -> object | None:
        if not self.items:
            return None
        return self.items[int(rng.random() * len(self.items))]


# ---- Shared state -------------------------------------------------------------------------------


class LocalClock:
    """Europe/London <-> UTC by a per-day offset table (fast; exact except within the hour of a
    clock change, which does not matter for synthetic times)."""

    def __init__(self, first: date, last: date) -> None:
        self.offsets: dict[int, timedelta] = {}
        day = first
        while day <= last:
            noon = datetime(day.year, day.month, day.day, 12)
            self.offsets[day.toordinal()] = FORCE_TZ.utcoffset(noon) or timedelta(0)
            day += timedelta(days=1)

    def to_utc(self, local: datetime) -> datetime:
        offset = self.offsets.get(local.toordinal())
        if offset is None:
            return local.replace(tzinfo=FORCE_TZ).astimezone(UTC)
        return (local - offset).replace(tzinfo=UTC)

    def local_date(self, utc: datetime) -> date:
        offset = self.offsets.get(utc.toordinal())
        if offset is None:
            return utc.astimezone(FORCE_TZ).date()
        return (utc + offset).date()


class State:
    """Counters and pools shared by cases; everything here depends only on earlier cases."""

    def __init__(self, config: ScenarioConfig) -> None:
        self.config = config
        self.clock = LocalClock(
            config.start - timedelta(days=400), config.end + timedelta(days=400)
        )
        self.geo: Geography = geography()
        self.names = tables()
        self.start_utc = datetime(
            config.start.year, config.start.month, config.start.day, tzinfo=FORCE_TZ
        ).astimezone(UTC)
        after = config.end + timedelta(days=1)
        # The force is a snapshot as at the end of the last day.
        self.end_utc = datetime(after.year, after.month, after.day, tzinfo=FORCE_TZ).astimezone(
            UTC
        ) - timedelta(seconds=1)
        self.days = (config.end - config.start).days + 1
        self.keys = {"staff": 0, "person": 0, "incident": 0, "crime": 0, "true": 0, "series": 0}
        self.crime_refs: dict[int, int] = {}
        self.incident_refs: dict[int, int] = {}
        self.day_codes: dict[int, str] = {}
        self.taken = set(config.reserved_usernames)
        self.staff: dict[str, list[StaffRec]] = {role: [] for role in cal.STAFF_POOLS}
        self.victims = _Ring(cal.REPEAT_POOL_SIZE)
        self.suspects = _Ring(cal.REPEAT_POOL_SIZE)
        self.pairs = _Ring(cal.REPEAT_POOL_SIZE)
        self.hour_in_person = Weighted(range(24), cal.HOUR_WEIGHTS_IN_PERSON)
        self.hour_online = Weighted(range(24), cal.HOUR_WEIGHTS_ONLINE)

    def next_key(self, kind: str) -> int:
        self.keys[kind] += 1
        return self.keys[kind]

    # -- staff ---------------------------------------------------------------------------------

    def grow_staff(self, case: Case) -> None:
        """Make sure each pool has its size for this case index (new officers join the case)."""
        for role, (initial, step) in cal.STAFF_POOLS.items():
            wanted = initial + case.index // step
            pool = self.staff[role]
            while len(pool) < wanted:
                rec = self._new_staff(role, len(pool))
                pool.append(rec)
                case.staff.append(rec)

    def _new_staff(self, role: str, n: int) -> StaffRec:
        rng = sub_rng(self.config.seed, f"staff-{role}", n)
        female = chance(rng, 0.45)
        forename = (self.names.female if female else self.names.male).pick(rng)
        surname = self.names.surnames.pick(rng)
        prefix = {
            "investigator": "pc",
            "supervisor": "ds",
            "call_handler": "ch",
            "registrar": "fcr",
        }
        slug = "".join(c for c in surname.lower() if c.isalpha())
        base = f"{prefix[role]}.{slug}"
        username, i = base, 1
        while username in self.taken:
            i += 1
            username = f"{base}{i}"
        self.taken.add(username)
        title = {
            "investigator": "PC",
            "supervisor": "DS",
            "call_handler": "Call handler",
            "registrar": "Crime registrar",
        }[role]
        return StaffRec(
            key=self.next_key("staff"),
            username=username,
            display_name=f"{title} {forename} {surname}",
            role=role,
            style_id=int(rng.random() * cal.N_STYLES),
            created_at=self.start_utc,
        )

    def pick_staff(self, rng: random.Random, role: str) -> StaffRec:
        pool = self.staff[role]
        return pool[int(rng.random() * len(pool))]

    # -- time ----------------------------------------------------------------------------------

    def random_time(
        self, rng: random.Random, *, online: bool, after: datetime | None = None
    ) -> datetime:
        """A moment in the window with the day-of-week and hour pattern (local time -> UTC)."""
        weights = cal.WEEKDAY_WEIGHTS_ONLINE if online else cal.WEEKDAY_WEIGHTS_IN_PERSON
        top = max(weights)
        first = 0
        if after is not None:
            first = max(0, (self.clock.local_date(after) - self.config.start).days)
        span = max(1, self.days - first)
        while True:  # rejection sampling on the weekday weight
            day = self.config.start + timedelta(days=first + int(rng.random() * span))
            if rng.random() * top <= weights[day.weekday()]:
                break
        return self.time_on(rng, day, online=online)

    def time_on(self, rng: random.Random, day: date, *, online: bool) -> datetime:
        hour = (self.hour_online if online else self.hour_in_person).pick(rng)
        minute = int(rng.random() * 60)
        return self.clock.to_utc(datetime(day.year, day.month, day.day, hour, minute))

    def later(self, rng: random.Random, when: datetime, days: float, *, online: bool) -> datetime:
        """A time about ``days`` after ``when``, on a day and hour drawn from the pattern."""
        day = self.clock.local_date(when + timedelta(days=days))
        out = self.time_on(rng, day, online=online)
        return out if out > when else when + timedelta(minutes=5 + int(rng.random() * 180))

    def recording_delay(self, rng: random.Random) -> timedelta:
        u = rng.random()
        for p, lo, hi in cal.RECORDING_DELAY:
            if u < p:
                return timedelta(seconds=int(86400 * (lo + rng.random() * (hi - lo))))
            u -= p
        return timedelta(days=1)

    # -- places --------------------------------------------------------------------------------

    def place(self, rng: random.Random, kind: str, person: TruePerson | None = None) -> Place:
        """Where something happened: the victim's home, or a hotspot-weighted public place."""
        geo = self.geo
        if kind in ("home", "online") and person is not None:
            lsoa = geo.lsoas[person.home_lsoa]
            lat, lon = person.home_point
            text = person.fields.address or f"Residential address, {lsoa.town}"
            if kind == "online":
                text = f"Online; victim's home address, {text}"
            return Place(lsoa.code, lsoa.district, lat, lon, text)
        index = (geo.residential if kind == "residential" else geo.hotspot).pick(rng)
        lsoa = geo.lsoas[index]
        lat, lon = point_in(lsoa, rng)
        if kind == "residential":
            street = self.names.streets[int(rng.random() * len(self.names.streets))]
            text = f"{1 + int(rng.random() * 120)} {street}, {lsoa.town}"
        else:
            label = _PUBLIC_PLACES[int(rng.random() * len(_PUBLIC_PLACES))]
            text = f"{label}, {lsoa.town}"
        return Place(lsoa.code, lsoa.district, lat, lon, text)

    # -- references ----------------------------------------------------------------------------

    def crime_reference(self, recorded_at: datetime) -> str:
        """CR/yymmdd/nnnnn: numbered per local day of recording, so references sort by date."""
        ordinal = self.clock.local_date(recorded_at).toordinal()
        n = self.crime_refs.get(ordinal, 0) + 1
        self.crime_refs[ordinal] = n
        return f"CR/{self._day_code(ordinal)}/{n:05d}"

    def incident_reference(self, received_at: datetime) -> str:
        ordinal = self.clock.local_date(received_at).toordinal()
        n = self.incident_refs.get(ordinal, 0) + 1
        self.incident_refs[ordinal] = n
        return f"INC/{self._day_code(ordinal)}/{n:05d}"

    def _day_code(self, ordinal: int) -> str:
        code = self.day_codes.get(ordinal)
        if code is None:
            code = date.fromordinal(ordinal).strftime("%y%m%d")
            self.day_codes[ordinal] = code
        return code

    # -- people --------------------------------------------------------------------------------

    def new_person(
        self, rng: random.Random, *, female: bool, age: tuple[int, int], when: datetime
    ) -> TruePerson:
        t = self.names
        forename = (t.female if female else t.male).pick(rng)
        middle = (t.female if female else t.male).pick(rng) if chance(rng, 0.35) else None
        surname = t.surnames.pick(rng)
        years = age[0] + int(rng.random() * (age[1] - age[0]))
        dob = when.date() - timedelta(days=int(years * 365.25 + rng.random() * 365))
        home = self.geo.residential.pick(rng)
        lsoa = self.geo.lsoas[home]
        street = t.streets[int(rng.random() * len(t.streets))]
        address = f"{1 + int(rng.random() * 150)} {street}, {lsoa.town}"
        email = None
        if chance(rng, 0.35):
            slug = "".join(c for c in f"{forename}.{surname}".lower() if c.isalpha() or c == ".")
            # Reserved example domains (RFC 2606): no generated address can reach anyone.
            domain = _EMAIL_DOMAINS[int(rng.random() * 3)]
            email = f"{slug}{int(rng.random() * 100)}@{domain}"
        fields = NameFields(
            forename=forename,
            middle_names=middle,
            surname=surname,
            date_of_birth=dob,
            gender="female" if female else "male",
            address=address,
            postcode=postcode_for(lsoa.town, rng),
        )
        return TruePerson(
            true_id=self.next_key("true"),
            fields=fields,
            home_lsoa=home,
            home_point=point_in(lsoa, rng),
            email=email,
            last_seen=when,
        )

    def record_for(
        self,
        rng: random.Random,
        case: Case,
        person: TruePerson,
        *,
        when: datetime,
        by: int,
        new_record_p: float,
        suspect: bool = False,
    ) -> PersonRec:
        """The person record a writer uses: an existing one, or a new (duplicate) one."""
        if person.records and not chance(rng, new_record_p):
            return person.records[-1]
        if not person.records:
            fields = person.fields
            if suspect and chance(rng, cal.DOB_UNKNOWN_SUSPECT):
                fields = replace(fields, date_of_birth=None)
            variant = "original"
        else:
            fields, variant = _variant(person.fields, rng)
            if chance(rng, 0.2):  # a second slip on the same record
                fields, extra = _variant(fields, rng)
                variant = f"{variant}+{extra}"
            if chance(rng, 0.3):
                fields = replace(fields, address=None, postcode=None)
        rec = PersonRec(
            key=self.next_key("person"),
            true_id=person.true_id,
            fields=fields,
            variant=variant,
            email=person.email if (not person.records or chance(rng, 0.3)) else None,
            created_at=when,
            created_by=by,
        )
        person.records.append(rec)
        if len(person.records) > 6:
            del person.records[0]
        case.people.append(rec)
        return rec


def _variant(fields: NameFields, rng: random.Random) -> tuple[NameFields, str]:
    """A duplicate record's fields: draw variant kinds until one applies."""
    for _ in range(6):
        kind = _VARIANTS.pick(rng)
        out = apply_variant(fields, kind, rng)
        if out is not None and out != fields:
            return out, kind
    out = apply_variant(fields, "missing_dob", rng) or replace(fields, address=None)
    return out, "missing_dob"


_VARIANTS = Weighted.of(cal.DUPLICATE_VARIANTS)
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_PUBLIC_PLACES = (
    "Town centre",
    "High Street",
    "Railway station",
    "Bus station",
    "Retail park",
    "Supermarket car park",
    "Park",
    "Outside licensed premises",
    "Shopping centre",
    "Leisure centre",
    "Petrol station",
    "Taxi rank",
)


# ---- Crimes and incidents -----------------------------------------------------------------------


def make_incident(
    state: State,
    rng: random.Random,
    case: Case,
    *,
    received_at: datetime,
    place: Place,
    narrative: str,
    by: StaffRec,
    truth: RecordTruth,
    urgent: bool = False,
    online_report: bool = False,
) -> IncidentRec:
    if urgent and chance(rng, 0.65):
        source = "999"
    elif online_report and chance(rng, 0.5):
        source = "online"
    else:
        source = _SOURCES.pick(rng)
    rec = IncidentRec(
        key=state.next_key("incident"),
        reference=state.incident_reference(received_at),
        received_at=received_at,
        source=source,
        status="closed" if received_at < state.end_utc - timedelta(days=3) else "open",
        place=place,
        narrative=narrative,
        created_by=by.key,
        truth=truth,
    )
    case.incidents.append(rec)
    return rec


_SOURCES = Weighted.of(
    {
        "101": 0.62,
        "999": 0.12,
        "online": 0.15,
        "front_counter": 0.05,
        "partner": 0.03,
        "officer": 0.03,
    }
)


def make_crime(
    state: State,
    rng: random.Random,
    case: Case,
    *,
    reported_at: datetime,
    offence_from: datetime | None,
    offence_to: datetime | None,
    place: Place,
    principal: str,
    included: tuple[str, ...],
    is_online: bool,
    methods: tuple[str, ...],
    oic: StaffRec,
    narrative: str,
    truth: RecordTruth,
    outcomes: Weighted[str],
    outcome_hint: str | None = None,
    incident: IncidentRec | None = None,
    reclassify_to: str | None = None,
    registrar_reason: str = "",
) -> CrimeRec:
    """A crime with its initial classification row, outcome and any later reclassification."""
    recorded_at = min(reported_at + state.recording_delay(rng), state.end_utc)
    if offence_to is not None and offence_to > reported_at:
        offence_to = reported_at
    if offence_from is not None and offence_to is not None and offence_from > offence_to:
        offence_from = offence_to
    inc = tuple(sorted({c for c in included if c != principal}))
    changes = [
        ClassChange(
            changed_at=recorded_at,
            by=oic.key,
            reason="Initial classification",
            principal_before=None,
            principal_after=principal,
            included_before=(),
            included_after=inc,
        )
    ]
    final_principal, final_included = principal, inc
    updated = recorded_at
    if reclassify_to:
        when = recorded_at + timedelta(seconds=int(86400 * (3 + rng.random() * 57)))
        if when < state.end_utc:
            registrar = state.pick_staff(rng, "registrar")
            final_principal = reclassify_to
            final_included = tuple(sorted({c for c in inc if c != reclassify_to}))
            changes.append(
                ClassChange(
                    changed_at=when,
                    by=registrar.key,
                    reason=registrar_reason,
                    principal_before=principal,
                    principal_after=final_principal,
                    included_before=inc,
                    included_after=final_included,
                )
            )
            updated = when
    status, outcome, outcome_at = "recorded", None, None
    finish = recorded_at + timedelta(
        seconds=int(86400 * lognormal_days(rng, cal.OUTCOME_DAYS_MEDIAN, cal.OUTCOME_DAYS_SIGMA))
    )
    if finish <= state.end_utc:
        status = "finalised"
        outcome = outcome_hint if outcome_hint and chance(rng, 0.8) else outcomes.pick(rng)
        outcome_at = finish
        updated = max(updated, finish)
    elif recorded_at < state.end_utc - timedelta(days=2):
        status = "under_investigation"
    rec = CrimeRec(
        key=state.next_key("crime"),
        reference=state.crime_reference(recorded_at),
        incident_key=incident.key if incident else None,
        reported_at=reported_at,
        recorded_at=recorded_at,
        offence_from=offence_from,
        offence_to=offence_to,
        place=place,
        is_online=is_online,
        online_methods=tuple(sorted(set(methods))) if is_online else (),
        status=status,
        outcome=outcome,
        outcome_at=outcome_at,
        oic=oic.key,
        narrative=narrative,
        principal=final_principal,
        included=final_included,
        changes=changes,
        updated_at=updated,
        truth=truth,
    )
    if incident is not None:
        incident.crime_key = rec.key
    case.crimes.append(rec)
    return rec


def involve(
    case: Case,
    person: PersonRec,
    *,
    role: str,
    when: datetime,
    by: int,
    crime: CrimeRec | None = None,
    incident: IncidentRec | None = None,
    relationship: str | None = None,
) -> None:
    case.involvements.append(
        InvolvementRec(
            person_key=person.key,
            incident_key=incident.key if incident else None,
            crime_key=crime.key if crime else None,
            role=role,
            relationship=relationship if role == "suspect" else None,
            created_at=when,
            created_by=by,
        )
    )


# ---- The stream ---------------------------------------------------------------------------------


def case_weights() -> Weighted[str]:
    """Case kinds weighted so that generated crimes follow CRIME_MIX (see cases.MEAN_CRIMES)."""
    from patternwatch.synth.cases import MEAN_CRIMES

    kinds = list(cal.CRIME_MIX)
    weights = [cal.CRIME_MIX[k] / MEAN_CRIMES[k] for k in kinds]
    kinds.append("noncrime")
    weights.append(cal.NONCRIME_CASES_PER_CRIME)
    return Weighted(kinds, weights)


def generate(config: ScenarioConfig, state: State | None = None) -> Iterator[Case]:
    """Yield cases until exactly ``config.crimes`` crimes have been generated."""
    from patternwatch.synth.cases import build_case

    state = state or State(config)
    kinds = case_weights()
    remaining = config.crimes
    index = 0
    while remaining > 0:
        rng = sub_rng(config.seed, "case", index)
        case = Case(index=index, kind=kinds.pick(rng))
        state.grow_staff(case)
        build_case(state, rng, case, budget=remaining)
        remaining -= len(case.crimes)
        index += 1
        yield case
