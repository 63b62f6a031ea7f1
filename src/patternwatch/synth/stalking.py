"""Stalking courses: reports over weeks or months, escalating in some, recorded well or badly.

One course is one victim and one suspect. Each reported event is a call (an incident); some raise
a crime: the first report (or the second), escalation offences (damage, threats to kill,
assault), breaches of orders, and now and then a fresh crime for a report viewed in isolation.
Each crime is classified as the force would: 8Q as principal, 8Q included behind a more serious
principal (HOCR principal crime rule from May 2023), or misrecorded (8L, 8R, 8S, 9A, or the
serious offence alone), with some 8L later reclassified to 8Q by the crime registrar. The
safeguarding facts (S-DASH, SPO, needs assessment, referrals) are decided here too.
"""

from __future__ import annotations

from datetime import datetime

from patternwatch.risk.scoring import Thresholds, level_for
from patternwatch.synth import calibration as cal
from patternwatch.synth import text
from patternwatch.synth.cases import (
    Ctx,
    _copy_truth,
    _involve_pair,
    cast_for,
    new_series_id,
    pick_pair,
    report_delay,
)
from patternwatch.synth.model import (
    CrimeRec,
    PersonRec,
    RecordTruth,
    SafeguardingFact,
    SeriesRec,
    StaffRec,
)
from patternwatch.synth.sampling import Weighted, chance, days, geometric
from patternwatch.synth.scenario import TruePerson, make_crime, make_incident

_REL = Weighted.of(cal.STALKING_RELATIONSHIP)
_OUTCOMES = Weighted.of(cal.STALKING_OUTCOMES)
_OUTCOMES_UNIDENTIFIED = Weighted.of({"18": 0.6, "14": 0.4})
_SERIOUS = {stage: Weighted.of(table) for stage, table in cal.SERIOUS_AT_STAGE.items()}
_MISRECORD_ONLINE = Weighted.of(cal.MISRECORD_ONLINE)
_MISRECORD_IN_PERSON = Weighted.of(cal.MISRECORD_IN_PERSON)

ONLINE_BEHAVIOURS = frozenset(
    {"beh:messages", "beh:calls", "beh:social", "beh:publishing", "beh:monitoring"}
)
_STAGE0_ONLINE = ("beh:messages", "beh:messages", "beh:calls", "beh:social")
_STAGE0_OFFLINE = ("beh:gifts", "beh:third_party", "beh:calls", "beh:gifts")
_STAGE1 = ("beh:turn_up_home", "beh:turn_up_work", "beh:following", "beh:watching")
_STAGE_TOP = {2: "beh:property", 3: "beh:threats", 4: "beh:violence"}
_METHODS = {
    "beh:messages": ("messaging", "messaging", "messaging", "email"),
    "beh:calls": ("phone_calls",),
    "beh:social": ("social_media", "social_media", "fake_accounts"),
    "beh:publishing": ("publishing_material",),
    "beh:monitoring": ("tracking_device", "spyware", "location_sharing", "account_access"),
}
_REGISTRAR_REASON = (
    "Crime registrar review: the course of conduct amounts to stalking (s2A PHA); "
    "HOCR: record stalking unless satisfied it is harassment only"
)


def _behaviours(ctx: Ctx, stage: int, online: bool, online_only: bool) -> list[str]:
    rng = ctx.rng
    low0 = _STAGE0_ONLINE if online else _STAGE0_OFFLINE
    if online_only:
        main = "beh:publishing" if stage >= 2 else ("beh:monitoring" if stage == 1 else None)
        out = [main] if main else []
        out.append(low0[int(rng.random() * len(low0))])
        if chance(rng, 0.4):
            out.append("beh:social")
        return list(dict.fromkeys(out))
    if stage == 0:
        out = [low0[int(rng.random() * len(low0))]]
        if online and chance(rng, 0.25):
            out.append("beh:calls")
    elif stage == 1:
        out = [_STAGE1[int(rng.random() * len(_STAGE1))]]
        if online and chance(rng, 0.15):
            out.append("beh:monitoring")
    else:
        out = [_STAGE_TOP[stage]]
        if chance(rng, 0.5):
            out.append(_STAGE1[int(rng.random() * len(_STAGE1))])
    if stage > 0 and chance(rng, 0.5):
        out.append(low0[int(rng.random() * len(low0))])
    return list(dict.fromkeys(out))


def _place_kind(ctx: Ctx, behaviours: list[str], event_online: bool) -> str:
    if event_online:
        return "online"
    if "beh:turn_up_work" in behaviours or "beh:following" in behaviours:
        return "public"
    if "beh:violence" in behaviours and chance(ctx.rng, 0.4):
        return "public"
    return "home"


def _methods(ctx: Ctx, behaviours: list[str]) -> tuple[str, ...]:
    out = []
    for b in behaviours:
        options = _METHODS.get(b)
        if options:
            out.append(options[int(ctx.rng.random() * len(options))])
    return tuple(dict.fromkeys(out))


def stalking_course(ctx: Ctx) -> None:
    state, rng, case = ctx.state, ctx.rng, ctx.case
    relationship = _REL.pick(rng)
    online_only = relationship == "online_only"
    online = online_only or chance(rng, cal.STALKING_ONLINE)
    start = state.random_time(rng, online=online)
    victim, suspect, relationship, start = pick_pair(
        ctx,
        relationship=relationship,
        victim_female=cal.STALKING_VICTIM_FEMALE,
        suspect_male=(cal.SUSPECT_MALE_IF_VICTIM_FEMALE, cal.SUSPECT_MALE_IF_VICTIM_MALE),
        when=start,
    )
    online_only = relationship == "online_only"
    series_id = new_series_id(state)
    noncrime_only = chance(rng, cal.STALKING_NONCRIME_ONLY)
    recognised = not noncrime_only and not chance(rng, cal.STALKING_NOT_RECOGNISED)
    escalates = not online_only and chance(rng, cal.STALKING_ESCALATES)
    identified = relationship not in ("online_only", "stranger") or chance(rng, 0.55)
    n_events = 1 + geometric(rng, cal.STALKING_EVENTS_MEAN, cal.STALKING_EVENTS_MAX - 1)
    conduct_from = start - days(7 + rng.random() * 110)
    series_outcome = (_OUTCOMES if identified else _OUTCOMES_UNIDENTIFIED).pick(rng)
    outcomes = _OUTCOMES if identified else _OUTCOMES_UNIDENTIFIED
    oic = state.pick_staff(rng, "investigator")

    orders: list[tuple[str, datetime]] = []  # (breach code, in force from)
    breach_after: datetime | None = None
    nmo_since: datetime | None = None
    if relationship in ("ex_partner", "family") and chance(rng, cal.NMO_OBTAINED):
        since = nmo_since = start + days(10 + rng.random() * 50)
        orders.append(("BR-NMO", since))
        if chance(rng, cal.NMO_BREACHED):
            breach_after = since
            n_events = max(n_events, 2)

    crimes: list[CrimeRec] = []
    facts: list[SafeguardingFact] = []
    seen: list[str] = []
    spo_done = False
    ro_done = False
    stage = max_stage = 0
    t = start
    last = start
    incidents = 0
    i = 0
    while i < n_events:
        if i:
            t = state.later(rng, t, rng.expovariate(1 / cal.STALKING_GAP_DAYS_MEAN), online=online)
            if breach_after is not None and t < breach_after:
                t = state.later(rng, breach_after, 1 + rng.random() * 40, online=online)
                breach_after = None
        if t >= state.end_utc:
            break
        if i == 0:
            stage = (
                2 + int(rng.random() * 3)
                if escalates and chance(rng, cal.FIRST_REPORT_IS_SERIOUS)
                else (1 if not online_only and chance(rng, 0.35) else 0)
            )
        elif escalates:
            stage = min(4, stage + (1 if chance(rng, 0.55) else 0))
        else:
            stage = 1 if not online_only and chance(rng, 0.45) else 0
        max_stage = max(max_stage, stage)
        active = [code for code, since in orders if since <= t]
        breach_code = active[-1] if active and chance(rng, 0.9) else None
        behaviours = _behaviours(ctx, stage, online, online_only)
        serious = None
        if stage >= 2 and (chance(rng, cal.SERIOUS_EVENT_AT_STAGE[stage]) or i == 0):
            serious = _SERIOUS[stage].pick(rng)
        event_online = all(b in ONLINE_BEHAVIOURS for b in behaviours)
        urgent = not event_online and (stage >= 3 or chance(rng, 0.2))
        reported = t + report_delay(rng, urgent=urgent, online=event_online)
        if reported >= state.end_utc:
            break
        last = reported
        for b in behaviours:
            if b not in seen:
                seen.append(b)
        place = state.place(rng, _place_kind(ctx, behaviours, event_online), victim)
        handler = state.pick_staff(rng, "call_handler")
        sus = (
            ctx.record(suspect, when=reported, by=handler.key, suspect=True) if identified else None
        )
        body = (["beh:breach"] if breach_code else []) + behaviours
        truly_online = any(b in ONLINE_BEHAVIOURS for b in behaviours)
        truth = RecordTruth(
            case_kind="stalking",
            true_category="stalking",
            is_really_stalking=True,
            series_id=series_id,
            victim_true_id=victim.true_id,
            suspect_true_id=suspect.true_id,
            truly_online=truly_online,
            stage=stage,
            ideal_principal="8Q",
        )
        tag = (
            "stalking"
            if recognised
            else ("domestic" if relationship == "ex_partner" else "harassment")
        )
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
                extra=["hist", "impact"] if i or chance(rng, 0.6) else ["impact"],
                actions=["act:noncrime" if noncrime_only else "act:call"],
                cast=cast_for(sus, victim, breach_code),
                tag=tag,
                caller_intro=True,
            ),
            by=handler,
            truth=_copy_truth(truth, handler.style_id),
            urgent=urgent,
            online_report=event_online,
        )
        incidents += 1
        new = False
        if not noncrime_only and ctx.can_crime:
            if not crimes:
                new = i > 0 or serious is not None or chance(rng, cal.FIRST_EVENT_CRIME)
            elif breach_code:
                new = chance(rng, cal.NEW_CRIME_FOR_BREACH)
            elif serious:
                new = chance(rng, cal.NEW_CRIME_FOR_SERIOUS)
            else:
                new = chance(rng, cal.NEW_CRIME_OTHERWISE)
        if not new:
            _involve_pair(ctx, None, incident, victim, sus, relationship, by=handler.key)
            i += 1
            continue
        if chance(rng, 0.15):
            oic = state.pick_staff(rng, "investigator")
        covered = (
            behaviours if crimes else (seen[-4:] if len(seen) > len(behaviours) else behaviours)
        )
        carries = chance(
            rng,
            cal.CARRIES_8Q_IF_RECOGNISED if recognised else cal.CARRIES_8Q_IF_NOT_RECOGNISED,
        )
        pre_rule = state.clock.local_date(t) < cal.PRINCIPAL_RULE_2023
        plan = _classify(
            ctx,
            serious=serious,
            breach_code=breach_code,
            carries=carries,
            pre_rule=pre_rule,
            event_online=event_online,
        )
        # Before May 2023 stalking was recorded in addition to the other offence [C2][C13]:
        # a recognised course whose first crime is the serious one gets its own 8Q crime too.
        if pre_rule and serious and not breach_code and not crimes and carries:
            plans = [plan, ("8Q", (), "8Q", (), True, None)]
        else:
            plans = [plan]
        methods = _methods(ctx, covered)
        for principal, included, ideal_p, ideal_i, really, reclass in plans:
            if not ctx.can_crime:
                break
            crime_truth = _copy_truth(truth, oic.style_id)
            crime_truth.is_really_stalking = really
            crime_truth.ideal_principal = ideal_p
            crime_truth.ideal_included = ideal_i
            crime_truth.truly_online = any(b in ONLINE_BEHAVIOURS for b in covered)
            crime = make_crime(
                state,
                rng,
                case,
                reported_at=reported,
                offence_from=conduct_from if not crimes else t,
                offence_to=t,
                place=place,
                principal=principal,
                included=included,
                is_online=bool(methods) and chance(rng, cal.ONLINE_FLAG_WHEN_ONLINE),
                methods=methods,
                oic=oic,
                narrative=text.render(
                    rng,
                    oic.style_id,
                    context=[f"rel:{relationship}"],
                    body=(["beh:breach"] if breach_code else []) + list(covered),
                    extra=["hist", "impact"],
                    actions=[
                        "act:stalking"
                        if "8Q" in (principal, *included) and chance(rng, 0.7)
                        else "act:crime",
                        "act:crime",
                    ],
                    cast=cast_for(sus, victim, breach_code),
                ),
                truth=crime_truth,
                outcomes=outcomes,
                outcome_hint=series_outcome,
                incident=incident,
                reclassify_to=reclass,
                registrar_reason=_REGISTRAR_REASON,
            )
            crimes.append(crime)
            _involve_pair(ctx, crime, incident, victim, sus, relationship, by=oic.key)
            if crime.outcome == "1" and not ro_done and crime.outcome_at is not None:
                ro_done = True
                if chance(rng, cal.RO_ON_CHARGE):
                    since = crime.outcome_at + days(14 + rng.random() * 46)
                    orders.append(("BR-RO", since))
                    _order_fact(ctx, facts, series_id, crime, victim, "restraining", since)
                    if chance(rng, cal.RO_BREACHED):
                        breach_after = since
                        n_events = max(n_events, i + 2)
        if not spo_done and recognised and any("8Q" in (c.principal, *c.included) for c in crimes):
            spo_done = True
            in_force = _spo(ctx, crimes[-1], series_id, facts, victim_key=_key(ctx, victim))
            if in_force is not None:
                since = in_force
                orders.append(("BR-SPO", since))
                if chance(rng, cal.SPO_BREACHED):
                    breach_after = since
                    n_events = max(n_events, i + 2)
                if chance(rng, cal.SPO_NOTIFY_FAILURE) and ctx.can_crime:
                    _notify_failure(ctx, since, victim, sus, suspect, relationship, oic, truth)
        i += 1

    if incidents == 0:
        ctx.finish(start)
        return
    state.pairs.add((victim, suspect, relationship))
    if nmo_since is not None and crimes:
        # The civil order protects the victim in the course the police recorded (its first crime).
        _order_fact(ctx, facts, series_id, crimes[0], victim, "non_molestation", nmo_since)
    _screening_and_support(ctx, crimes, series_id, facts, recognised, relationship, max_stage)
    case.facts.extend(facts)
    initial = [(c.changes[0].principal_after, c.changes[0].included_after) for c in crimes]
    if any(p == "8Q" for p, _ in initial):
        recording = "principal"
    elif any("8Q" in inc for _, inc in initial):
        recording = "included"
    else:
        recording = "misrecorded" if crimes else "noncrime"
    case.series = SeriesRec(
        series_id=series_id,
        kind="stalking",
        victim_true_id=victim.true_id,
        suspect_true_id=suspect.true_id,
        relationship=relationship,
        first_at=start,
        last_at=last,
        n_events=i,
        n_incidents=incidents,
        n_crimes=len(crimes),
        escalates=escalates,
        max_stage=max_stage,
        recognised=recognised,
        recording=recording,
    )
    ctx.finish(last)


def _classify(
    ctx: Ctx,
    *,
    serious: str | None,
    breach_code: str | None,
    carries: bool,
    pre_rule: bool,
    event_online: bool,
) -> tuple[str, tuple[str, ...], str, tuple[str, ...], bool, str | None]:
    """(principal, included, ideal principal, ideal included, really stalking, reclassify to)."""
    rng = ctx.rng
    if breach_code:
        # A breach in a stalking course is more stalking [S37].
        included = ("8Q",) if carries and chance(rng, 0.5) else ()
        return breach_code, included, breach_code, ("8Q",), True, None
    if serious:
        if pre_rule:
            # Stalking was counted on its own record then; the serious crime alone is right.
            return serious, (), serious, (), False, None
        return serious, ("8Q",) if carries else (), serious, ("8Q",), True, None
    if carries:
        return "8Q", (), "8Q", (), True, None
    principal = (_MISRECORD_ONLINE if event_online else _MISRECORD_IN_PERSON).pick(rng)
    reclass_p = {"8L": cal.RECLASSIFY_8L_TO_8Q, "8R": cal.RECLASSIFY_8R_TO_8Q}.get(principal, 0.0)
    return principal, (), "8Q", (), True, "8Q" if chance(rng, reclass_p) else None


def _order_fact(
    ctx: Ctx,
    facts: list[SafeguardingFact],
    series_id: str,
    crime: CrimeRec,
    victim: TruePerson,
    order_type: str,
    since: datetime,
) -> None:
    """A restraining order on charge or a non-molestation order in force from ``since``."""
    if since > ctx.state.end_utc:
        return
    facts.append(
        SafeguardingFact(
            series_id=series_id,
            crime_key=crime.key,
            crime_reference=crime.reference,
            victim_person_key=_key(ctx, victim),
            fact="order",
            status=order_type,
            on=ctx.state.clock.local_date(since),
            at=since,
        )
    )


def _key(ctx: Ctx, person: TruePerson) -> int | None:
    rec = ctx.records.get(person.true_id)
    return rec.key if rec else None


def _date(ctx: Ctx, when: datetime) -> datetime | None:
    return when if when <= ctx.state.end_utc else None


def _spo(
    ctx: Ctx,
    crime: CrimeRec,
    series_id: str,
    facts: list[SafeguardingFact],
    *,
    victim_key: int | None,
) -> datetime | None:
    """Decide the SPO path for a recognised course; return when an order took effect, if one did."""
    rng = ctx.rng

    def fact(status: str, when: datetime | None, detail: str = "") -> None:
        facts.append(
            SafeguardingFact(
                series_id=series_id,
                crime_key=crime.key,
                crime_reference=crime.reference,
                victim_person_key=victim_key,
                fact="spo",
                status=status,
                on=ctx.state.clock.local_date(when) if when else None,
                detail=detail,
                at=when,
            )
        )

    if not chance(rng, cal.SPO_CONSIDERED):
        fact("not_considered", None)
        return None
    considered = _date(ctx, crime.recorded_at + days(1 + rng.random() * 20))
    if considered is None:
        return None
    if not chance(rng, cal.SPO_APPLIED / cal.SPO_CONSIDERED):
        fact("considered_not_applied", considered, "rationale: " + rng.choice(_NOT_APPLIED))
        return None
    fact("considered", considered)
    applied = _date(ctx, considered + days(5 + rng.random() * 35))
    if applied is None:
        return None
    fact("applied", applied)
    in_force = None
    interim = None
    if chance(rng, cal.SPO_INTERIM):
        interim = _date(ctx, applied + days(1 + rng.random() * 9))
        if interim is not None:
            fact("interim_granted", interim)
            in_force = interim
    decided = _date(
        ctx,
        (interim or applied) + days(cal.SPO_INTERIM_TO_FULL_DAYS + rng.gauss(0, 15)),
    )
    if decided is None:
        return in_force
    outcome = Weighted.of(cal.SPO_FULL_OUTCOME).pick(rng)
    if outcome == "granted":
        years = 2 if chance(rng, 0.85) else 3  # at least 2 years [L10]; Northumbria all 2 [N25]
        fact("granted", decided, f"duration_years={years}")
        return in_force or decided
    fact(outcome, decided)
    return None


_NOT_APPLIED = (
    "suspect charged, restraining order to be sought instead",
    "victim does not support",
    "insufficient evidence of risk",
    "bail conditions in place",
    "supervisor decision: not necessary",
)


def _notify_failure(
    ctx: Ctx,
    since: datetime,
    victim: TruePerson,
    sus: PersonRec | None,
    suspect: TruePerson,
    relationship: str,
    oic: StaffRec,
    truth: RecordTruth,
) -> None:
    """Failure to notify police within 3 days of an SPO being served [L10][L11]."""
    state, rng = ctx.state, ctx.rng
    when = since + days(4 + rng.random() * 16)
    if when >= state.end_utc:
        return
    crime_truth = _copy_truth(truth, oic.style_id)
    crime_truth.is_really_stalking = False
    crime_truth.ideal_principal = "NT-SPO"
    crime_truth.ideal_included = ()
    crime_truth.truly_online = False
    crime = make_crime(
        state,
        rng,
        ctx.case,
        reported_at=when,
        offence_from=since,
        offence_to=when,
        place=state.place(rng, "home", victim),
        principal="NT-SPO",
        included=(),
        is_online=False,
        methods=(),
        oic=oic,
        narrative=text.render(
            rng,
            oic.style_id,
            context=[],
            body=["beh:notify"],
            extra=[],
            actions=["act:crime"],
            cast=cast_for(sus, victim, "NT-SPO"),
        ),
        truth=crime_truth,
        outcomes=_OUTCOMES,
    )
    sus_rec = sus or ctx.record(suspect, when=when, by=oic.key, suspect=True)
    _involve_pair(ctx, crime, None, victim, sus_rec, relationship, by=oic.key)


_SDASH_THRESHOLDS = Thresholds(cal.SDASH_MEDIUM_FROM, cal.SDASH_HIGH_FROM, None)

_SDASH = (
    "very_frightened",
    "harassed_before",
    "destroyed_property",
    "visits_3_a_week",
    "loitered",
    "threatened_violence",
    "harassed_third_party",
    "violent_now",
    "recruited_others",
    "drugs_alcohol",
    "violent_past",
)


def _screening_and_support(
    ctx: Ctx,
    crimes: list[CrimeRec],
    series_id: str,
    facts: list[SafeguardingFact],
    recognised: bool,
    relationship: str,
    max_stage: int,
) -> None:
    """S-DASH (domain.md 2.1), Victims' Code needs assessment and referrals (domain.md 5, 6)."""
    rng = ctx.rng
    first = crimes[0] if crimes else None
    victim_key = None
    for inv in ctx.case.involvements:
        if inv.role == "victim":
            victim_key = inv.person_key
            break
    base = first.recorded_at if first else None

    def fact(kind: str, status: str, when: datetime | None, detail: str = "") -> None:
        facts.append(
            SafeguardingFact(
                series_id=series_id,
                crime_key=first.key if first else None,
                crime_reference=first.reference if first else "",
                victim_person_key=victim_key,
                fact=kind,
                status=status,
                on=ctx.state.clock.local_date(when) if when else None,
                detail=detail,
                at=when,
            )
        )

    done_p = cal.SDASH_DONE_RECOGNISED if recognised else cal.SDASH_DONE_NOT_RECOGNISED
    risk = "standard"
    if base is not None and chance(rng, done_p):
        when = _date(ctx, base + days(rng.random() * (2 if chance(rng, 0.7) else 30)))
        answers = _sdash_answers(ctx, max_stage, relationship)
        # The level is the score's, as the question set grades it (calibration.SDASH_*), and
        # high on professional judgement once the conduct reached violence.
        judgement = max_stage >= 4
        risk = level_for(sum(answers), _SDASH_THRESHOLDS, professional_judgement=judgement).value
        detail = ";".join(f"q{n + 1}={'Y' if a else 'N'}" for n, a in enumerate(answers))
        fact(
            "risk_screening",
            "done",
            when,
            f"tool=S-DASH;{detail};judgement={'Y' if judgement else 'N'};risk={risk}",
        )
    else:
        fact("risk_screening", "not_done", None)
    if base is None:
        # Never recorded as a crime: no Victims' Code needs assessment was triggered.
        fact("needs_assessment", "not_done", None, "no crime recorded")
        return
    if chance(rng, cal.NEEDS_ASSESSMENT_DONE):
        late = not chance(rng, cal.NEEDS_ASSESSMENT_ON_TIME)
        delay = 3 + rng.random() * 42 if late else rng.random() * 2
        when = _date(ctx, base + days(delay))
        enhanced = ";enhanced=persistently_targeted" if recognised else ""
        fact(
            "needs_assessment",
            "done_late" if late else "done",
            when,
            f"days={delay:.1f}{enhanced}",
        )
    else:
        fact("needs_assessment", "not_done", None)
    factor = 1.0 if recognised else 0.3
    made_any = False
    for service, rate in cal.REFERRAL_RATES.items():
        if service == "idva" and relationship not in ("ex_partner", "family", "partner"):
            continue
        if service == "paladin" and risk != "high":
            continue
        if not chance(rng, rate * factor * (2.0 if service == "paladin" else 1.0)):
            continue
        if chance(rng, cal.REFERRAL_DECLINED):
            fact("referral", "declined", _date(ctx, base + days(rng.random() * 5)), service)
            continue
        delay = rng.random() * 2 if chance(rng, 0.6) else 3 + rng.random() * 30
        when = _date(ctx, base + days(delay))
        if when is not None:
            made_any = True
            fact("referral", "made", when, f"{service};days={delay:.1f}")
    if risk == "high" and not made_any:
        # High risk and no specialist referral: the gap an oversight audit should find.
        fact("referral", "not_made", None, "isac")
    _victim_updates(ctx, crimes, series_id, facts, victim_key)


def _victim_updates(
    ctx: Ctx,
    crimes: list[CrimeRec],
    series_id: str,
    facts: list[SafeguardingFact],
    victim_key: int | None,
) -> None:
    """Victims' Code updates owed after each outcome (domain.md 5): given on time, late or never.

    Drawn last in the case, so adding them changed no earlier draw (the crimes stay the same).
    """
    rng, clock = ctx.rng, ctx.state.clock
    for crime in crimes:
        if crime.outcome is None or crime.outcome_at is None:
            continue
        kind = "charge" if crime.outcome == "1" else "no_further_action"
        roll = rng.random()
        if roll < cal.VICTIM_UPDATE_ON_TIME:
            status, given = "given", _date(ctx, crime.outcome_at + days(rng.random()))
        elif roll < cal.VICTIM_UPDATE_ON_TIME + cal.VICTIM_UPDATE_LATE:
            status = "given_late"
            given = _date(ctx, crime.outcome_at + days(14 + rng.random() * 31))
        else:
            status, given = "not_given", None
        if given is None:
            status = "not_given"  # not given by the end of the window: still owed
        facts.append(
            SafeguardingFact(
                series_id=series_id,
                crime_key=crime.key,
                crime_reference=crime.reference,
                victim_person_key=victim_key,
                fact="victim_update",
                status=status,
                on=clock.local_date(given) if given else None,
                detail=f"kind={kind};event={clock.local_date(crime.outcome_at).isoformat()}",
                at=given,
            )
        )


def _sdash_answers(ctx: Ctx, max_stage: int, relationship: str) -> list[bool]:
    """Answers to the 11 S-DASH questions in order (domain.md 2.1), shaped by the conduct."""
    rng = ctx.rng
    return [
        chance(rng, 0.6 + 0.08 * max_stage),
        chance(rng, 0.3),
        max_stage >= 2 or chance(rng, 0.05),
        chance(rng, 0.25 + 0.1 * min(max_stage, 2)),
        max_stage >= 1 and chance(rng, 0.8),
        max_stage >= 3 or chance(rng, 0.08),
        chance(rng, 0.35),
        max_stage >= 4,
        chance(rng, 0.1),
        chance(rng, 0.3),
        chance(rng, 0.45 if relationship == "ex_partner" else 0.2),
    ]
