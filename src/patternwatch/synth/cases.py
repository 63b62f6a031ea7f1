"""Case builders: the shared context, harassment and CCB courses, breaches, non-crime incidents.

Stalking courses, the heart of the scenario, are in ``stalking.py``; one-off crimes in
``oneoff.py``. Every builder draws only from
the case's own ``random.Random`` and adds records to the ``Case``; ``budget`` caps the crimes a
case may add so the run stops at exactly N.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from patternwatch.synth import calibration as cal
from patternwatch.synth import text
from patternwatch.synth.model import Case, CrimeRec, IncidentRec, PersonRec, Place, RecordTruth
from patternwatch.synth.sampling import Weighted, chance, days, geometric
from patternwatch.synth.scenario import State, TruePerson, involve, make_crime, make_incident

# Mean crimes per case of each kind, measured on 200,000 generated cases (seed 1) so that case
# weights reproduce CRIME_MIX (scenario.case_weights); tests check the resulting mix.
MEAN_CRIMES: dict[str, float] = {
    "stalking": 1.49,
    "harassment": 1.06,
    "racial_harassment": 1.0,
    "malicious_comms": 1.0,
    "comms_s127": 1.0,
    "ccb": 1.74,
    "breach": 1.0,
    "common_assault": 1.0,
    "assault_injury": 1.0,
    "threats_to_kill": 1.0,
    "sexual": 1.0,
    "public_order": 1.0,
    "criminal_damage": 1.0,
    "theft": 1.0,
    "burglary": 1.0,
    "weapons": 1.0,
    "other": 1.0,
    "arson": 1.0,
}

_KNOWN = Weighted.of(cal.OUTCOMES_KNOWN_SUSPECT)
_UNKNOWN = Weighted.of(cal.OUTCOMES_UNKNOWN_SUSPECT)


@dataclass(slots=True)
class Ctx:
    """One case being built."""

    state: State
    rng: random.Random
    case: Case
    budget: int
    records: dict[int, PersonRec] = field(default_factory=dict)  # true id -> record in this case
    touched: dict[int, TruePerson] = field(default_factory=dict)

    @property
    def can_crime(self) -> bool:
        return len(self.case.crimes) < self.budget

    def record(
        self, person: TruePerson, *, when: datetime, by: int, suspect: bool = False
    ) -> PersonRec:
        """The record this writer uses for the person (new records make duplicates)."""
        current = self.records.get(person.true_id)
        if current is None:
            self.touched.setdefault(person.true_id, person)
            rec = self.state.record_for(
                self.rng,
                self.case,
                person,
                when=when,
                by=by,
                new_record_p=cal.NEW_RECORD_ON_REPEAT,
                suspect=suspect,
            )
        elif chance(self.rng, cal.NEW_RECORD_WITHIN_CASE):
            # The writer did not search first: another record for someone already in the case.
            rec = self.state.record_for(
                self.rng, self.case, person, when=when, by=by, new_record_p=1.0, suspect=suspect
            )
        else:
            rec = current
        self.records[person.true_id] = rec
        return rec

    def finish(self, last: datetime) -> None:
        for person in self.touched.values():
            if person.last_seen < last:
                person.last_seen = last


# ---- People -------------------------------------------------------------------------------------


def pick_person(
    ctx: Ctx, *, pool: str, repeat_p: float, female: bool, age: tuple[int, int], when: datetime
) -> TruePerson:
    """A repeat from the pool (seen before ``when``) or a new person, added to the pool."""
    state, rng = ctx.state, ctx.rng
    ring = state.victims if pool == "victims" else state.suspects
    if chance(rng, repeat_p):
        found = ring.pick(rng)
        if isinstance(found, TruePerson) and found.last_seen < when:
            return found
    person = state.new_person(rng, female=female, age=age, when=when)
    ring.add(person)
    return person


def pick_pair(
    ctx: Ctx,
    *,
    relationship: str,
    victim_female: float,
    suspect_male: tuple[float, float],
    when: datetime,
    age: tuple[int, int] = (16, 66),
) -> tuple[TruePerson, TruePerson, str, datetime]:
    """Victim and suspect for a course: the same pair again, repeats, or new people. The start
    may move later so that a repeat person's new course follows their earlier one."""
    state, rng = ctx.state, ctx.rng
    if chance(rng, cal.REPEAT_PAIR):
        found = state.pairs.pick(rng)
        if found is not None:
            victim, suspect, rel = cast(tuple[TruePerson, TruePerson, str], found)
            start = max(when, victim.last_seen + days(14 + rng.random() * 180))
            if start < state.end_utc - timedelta(days=14):
                return victim, suspect, rel, start
    victim_is_female = chance(rng, victim_female)
    victim = pick_person(
        ctx,
        pool="victims",
        repeat_p=cal.REPEAT_VICTIM,
        female=victim_is_female,
        age=age,
        when=when,
    )
    male_p = suspect_male[0] if victim_is_female else suspect_male[1]
    suspect = pick_person(
        ctx,
        pool="suspects",
        repeat_p=cal.REPEAT_SUSPECT,
        female=not chance(rng, male_p),
        age=(age[0] + 2, age[1] + 5),
        when=when,
    )
    if suspect is victim:
        suspect = state.new_person(rng, female=not chance(rng, male_p), age=age, when=when)
    return victim, suspect, relationship, when


def new_series_id(state: State) -> str:
    return f"SER{state.next_key('series'):07d}"


def cast_for(
    person: PersonRec | None, victim: TruePerson | None, order: str | None = None
) -> text.Cast:
    return text.Cast(
        victim_gender=victim.fields.gender if victim else "female",
        suspect_gender=person.fields.gender if person else "male",
        suspect_forename=person.fields.forename if person else None,
        suspect_surname=person.fields.surname if person else None,
        order=order,
    )


def report_delay(rng: random.Random, *, urgent: bool, online: bool) -> timedelta:
    if urgent:
        return timedelta(seconds=int(60 * (2 + rng.random() * 40)))
    if online:
        return timedelta(seconds=int(3600 * (1 + rng.random() * 60)))
    return timedelta(seconds=int(60 * (10 + rng.random() * 60 * 20)))


def _copy_truth(truth: RecordTruth, style_id: int) -> RecordTruth:
    return RecordTruth(
        case_kind=truth.case_kind,
        true_category=truth.true_category,
        is_really_stalking=truth.is_really_stalking,
        series_id=truth.series_id,
        victim_true_id=truth.victim_true_id,
        suspect_true_id=truth.suspect_true_id,
        style_id=style_id,
        truly_online=truth.truly_online,
        stage=truth.stage,
        ideal_principal=truth.ideal_principal,
        ideal_included=truth.ideal_included,
    )


def _involve_pair(
    ctx: Ctx,
    crime: CrimeRec | None,
    incident: IncidentRec | None,
    victim: TruePerson | None,
    suspect_rec: PersonRec | None,
    relationship: str | None,
    *,
    by: int,
) -> None:
    """Victim and suspect on a crime (and the call it came from, on the same row)."""
    when = crime.recorded_at if crime else incident.received_at  # type: ignore[union-attr]
    if victim is not None:
        rec = ctx.record(victim, when=when, by=by)
        involve(ctx.case, rec, role="victim", when=when, by=by, crime=crime, incident=incident)
    if suspect_rec is not None:
        involve(
            ctx.case,
            suspect_rec,
            role="suspect",
            when=when,
            by=by,
            crime=crime,
            incident=incident,
            relationship=relationship if victim is not None else None,
        )


# ---- Harassment and controlling or coercive behaviour courses -----------------------------------


def course(ctx: Ctx, kind: str) -> None:
    """A harassment (8L) or CCB (8U) course: a few reports between the same two people."""
    from patternwatch.synth.model import SeriesRec

    state, rng, case = ctx.state, ctx.rng, ctx.case
    ccb = kind == "ccb"
    rel_table = cal.CCB_RELATIONSHIP if ccb else cal.HARASSMENT_RELATIONSHIP
    relationship = Weighted.of(rel_table).pick(rng)
    online = relationship == "online_only" or chance(rng, 0.3)
    start = state.random_time(rng, online=online)
    victim, suspect, relationship, start = pick_pair(
        ctx,
        relationship=relationship,
        victim_female=0.85 if ccb else 0.55,
        suspect_male=(0.9, 0.5) if ccb else (0.7, 0.7),
        when=start,
    )
    series_id = new_series_id(state)
    n_events = 1 + geometric(rng, 2.2 if ccb else 1.0, 8)
    oic = state.pick_staff(rng, "investigator")
    topic = (
        "ccb" if ccb else ("harass:neighbour" if relationship == "neighbour" else "harass:general")
    )
    true_code = "8U" if ccb else "8L"
    over_recorded = not ccb and chance(rng, cal.HARASSMENT_RECORDED_AS_8Q)
    t = start
    first = t
    crimes = incidents = 0
    has_crime = False
    for i in range(n_events):
        if i:
            t = state.later(rng, t, rng.expovariate(1 / 12), online=online)
        if t >= state.end_utc:
            break
        assault = ccb and i > 0 and chance(rng, 0.3)
        urgent = assault or chance(rng, 0.15)
        reported = t + report_delay(rng, urgent=urgent, online=online)
        if reported > state.end_utc:
            break
        handler = state.pick_staff(rng, "call_handler")
        sus = ctx.record(suspect, when=reported, by=handler.key, suspect=True)
        body = [topic] + (["assault:domestic"] if assault else [])
        truth = RecordTruth(
            case_kind=kind,
            true_category="ccb" if ccb else "harassment",
            is_really_stalking=False,
            series_id=series_id,
            victim_true_id=victim.true_id,
            suspect_true_id=suspect.true_id,
            truly_online=online,
            ideal_principal=true_code,
        )
        place = state.place(rng, "online" if online and not assault else "home", victim)
        incident = make_incident(
            state,
            rng,
            case,
            received_at=reported,
            place=place,
            narrative=text.render(
                rng,
                handler.style_id,
                context=[f"rel:{relationship}"],
                body=body,
                extra=["hist", "impact"] if i else ["impact"],
                actions=["act:call"],
                cast=cast_for(sus, victim),
                tag="domestic" if ccb else "harassment",
                caller_intro=True,
            ),
            by=handler,
            truth=_copy_truth(truth, handler.style_id),
            urgent=urgent,
            online_report=online,
        )
        incidents += 1
        make = ctx.can_crime and (
            (not has_crime and (i > 0 or chance(rng, 0.7))) or assault or chance(rng, 0.2)
        )
        if not make:
            _involve_pair(ctx, None, incident, victim, sus, relationship, by=handler.key)
            continue
        if assault:
            principal = "105A" if chance(rng, 0.65) else "8N"
            included: tuple[str, ...] = ("8U",) if chance(rng, 0.6) else ()
            truth.ideal_principal, truth.ideal_included = principal, ("8U",)
        else:
            principal = "8Q" if over_recorded else true_code
            included = ("105A",) if ccb and chance(rng, 0.1) else ()
            truth.ideal_included = included
        if oic is None or chance(rng, 0.2):
            oic = state.pick_staff(rng, "investigator")
        methods = ("location_sharing", "account_access", "messaging") if ccb else ("messaging",)
        crime = make_crime(
            state,
            rng,
            case,
            reported_at=reported,
            offence_from=first,
            offence_to=t,
            place=place,
            principal=principal,
            included=included,
            is_online=online and chance(rng, cal.ONLINE_FLAG_WHEN_ONLINE),
            methods=(methods[int(rng.random() * len(methods))],),
            oic=oic,
            narrative=text.render(
                rng,
                oic.style_id,
                context=[f"rel:{relationship}"],
                body=body,
                extra=["hist", "impact"],
                actions=["act:crime"],
                cast=cast_for(sus, victim),
            ),
            truth=_copy_truth(truth, oic.style_id),
            outcomes=_KNOWN,
            incident=incident,
        )
        has_crime = True
        crimes += 1
        first = t
        _involve_pair(ctx, crime, incident, victim, sus, relationship, by=oic.key)
    if incidents:
        state.pairs.add((victim, suspect, relationship))
        case.series = SeriesRec(
            series_id=series_id,
            kind=kind,
            victim_true_id=victim.true_id,
            suspect_true_id=suspect.true_id,
            relationship=relationship,
            first_at=start,
            last_at=t if t < state.end_utc else start,
            n_events=incidents,
            n_incidents=incidents,
            n_crimes=crimes,
            escalates=False,
            max_stage=0,
            recognised=True,
            recording="principal" if crimes else "noncrime",
        )
    ctx.finish(t)


# ---- Standalone breaches ------------------------------------------------------------------------

_BREACH = Weighted.of({"BR-RO": 0.45, "BR-NMO": 0.40, "BR-SPO": 0.08, "NT-SPO": 0.07})


def breach(ctx: Ctx) -> None:
    """A breach of an order made before this case (RO, NMO or SPO)."""
    state, rng, case = ctx.state, ctx.rng, ctx.case
    code = _BREACH.pick(rng)
    when = state.random_time(rng, online=False)
    victim, suspect, relationship, when = pick_pair(
        ctx,
        relationship=Weighted.of(
            {"ex_partner": 0.7, "family": 0.1, "acquaintance": 0.1, "stranger": 0.1}
        ).pick(rng),
        victim_female=0.8,
        suspect_male=(0.9, 0.5),
        when=when,
    )
    # Contact in breach of a stalking order, or a pattern of contact in breach of any order, is
    # itself stalking; HMICFRS (2019) asked forces to record it as such [S37].
    really = code == "BR-SPO" or (code in ("BR-RO", "BR-NMO") and chance(rng, 0.35))
    online = chance(rng, 0.4) and code != "NT-SPO"
    reported = when + report_delay(rng, urgent=not online, online=online)
    if reported > state.end_utc:
        reported = state.end_utc
    oic = state.pick_staff(rng, "investigator")
    sus = ctx.record(suspect, when=reported, by=oic.key, suspect=True)
    body = ["beh:notify"] if code == "NT-SPO" else ["beh:breach"]
    if really:
        body.append("beh:messages" if online else "beh:turn_up_home")
    place = state.place(rng, "online" if online else "home", victim)
    series_id = new_series_id(state) if really else ""
    truth = RecordTruth(
        case_kind="breach",
        true_category="stalking" if really else "breach",
        is_really_stalking=really,
        series_id=series_id,
        victim_true_id=victim.true_id,
        suspect_true_id=suspect.true_id,
        truly_online=online,
        ideal_principal=code,
        ideal_included=("8Q",) if really else (),
    )
    included = ("8Q",) if really and chance(rng, 0.3) else ()
    crime = make_crime(
        state,
        rng,
        case,
        reported_at=reported,
        offence_from=when,
        offence_to=when,
        place=place,
        principal=code,
        included=included,
        is_online=online and chance(rng, cal.ONLINE_FLAG_WHEN_ONLINE),
        methods=("messaging",),
        oic=oic,
        narrative=text.render(
            rng,
            oic.style_id,
            context=[f"rel:{relationship}"],
            body=body,
            extra=["hist"],
            actions=["act:stalking" if included else "act:crime", "act:crime"],
            cast=cast_for(sus, victim, code),
        ),
        truth=_copy_truth(truth, oic.style_id),
        outcomes=_KNOWN,
    )
    _involve_pair(ctx, crime, None, victim, sus, relationship, by=oic.key)
    if really:
        from patternwatch.synth.model import SeriesRec

        case.series = SeriesRec(
            series_id=series_id,
            kind="stalking_breach",
            victim_true_id=victim.true_id,
            suspect_true_id=suspect.true_id,
            relationship=relationship,
            first_at=when,
            last_at=when,
            n_events=1,
            n_incidents=0,
            n_crimes=1,
            escalates=False,
            max_stage=1,
            recognised=bool(included),
            recording="included" if included else "misrecorded",
        )
    ctx.finish(reported)


# ---- Non-crime incidents ------------------------------------------------------------------------

_NONCRIME = Weighted.of(
    {
        "neg:car_sale": 0.15,
        "neg:child_contact": 0.15,
        "neg:welfare": 0.20,
        "neg:noise": 0.10,
        "neg:loitering": 0.15,
        "neg:tracking": 0.10,
        "harass:neighbour": 0.10,
        "neg:procedure": 0.05,
    }
)


def noncrime(ctx: Ctx) -> None:
    """One or two calls that are not crimes (the classifier's hard negatives among them)."""
    state, rng, case = ctx.state, ctx.rng, ctx.case
    topic = _NONCRIME.pick(rng)
    when = state.random_time(rng, online=False)
    caller = None
    if chance(rng, 0.8):
        caller = pick_person(
            ctx, pool="victims", repeat_p=0.05, female=chance(rng, 0.55), age=(18, 85), when=when
        )
    other = None
    if chance(rng, 0.3):
        other = pick_person(
            ctx, pool="suspects", repeat_p=0.1, female=chance(rng, 0.4), age=(18, 70), when=when
        )
    t = when
    for i in range(1 + (chance(rng, 0.2))):
        if i:
            t = state.later(rng, t, 1 + rng.random() * 20, online=False)
            if t >= state.end_utc:
                break
        handler = state.pick_staff(rng, "call_handler")
        other_rec = ctx.record(other, when=t, by=handler.key) if other else None
        incident = make_incident(
            state,
            rng,
            case,
            received_at=t,
            place=state.place(rng, "home" if caller else "public", caller),
            narrative=text.render(
                rng,
                handler.style_id,
                context=[],
                body=[topic],
                extra=["neg:procedure"] if chance(rng, 0.2) else [],
                actions=["act:noncrime"],
                cast=cast_for(other_rec, caller),
                tag="other",
                caller_intro=True,
            ),
            by=handler,
            truth=RecordTruth(
                case_kind="noncrime",
                true_category=f"noncrime:{topic.split(':', 1)[1]}",
                is_really_stalking=False,
                victim_true_id=caller.true_id if caller else None,
                suspect_true_id=other.true_id if other else None,
                style_id=handler.style_id,
            ),
        )
        if caller is not None:
            rec = ctx.record(caller, when=t, by=handler.key)
            involve(case, rec, role="victim", when=t, by=handler.key, incident=incident)
        if other_rec is not None:
            involve(case, other_rec, role="third_party", when=t, by=handler.key, incident=incident)
    ctx.finish(t)


# ---- Dispatch -----------------------------------------------------------------------------------


def build_case(state: State, rng: random.Random, case: Case, *, budget: int) -> None:
    from patternwatch.synth.oneoff import one_off
    from patternwatch.synth.stalking import stalking_course

    ctx = Ctx(state=state, rng=rng, case=case, budget=budget)
    kind = case.kind
    if kind == "stalking":
        stalking_course(ctx)
    elif kind in ("harassment", "ccb"):
        course(ctx, kind)
    elif kind == "breach":
        breach(ctx)
    elif kind == "noncrime":
        noncrime(ctx)
    else:
        one_off(ctx, kind)


__all__ = ["Ctx", "Place", "build_case", "MEAN_CRIMES"]
