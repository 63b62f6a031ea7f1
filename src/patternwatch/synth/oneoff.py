"""One-off crimes: assaults, public order, criminal damage, communications offences, sexual
offences and the thinned background (theft, burglary, weapons, other, arson)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from patternwatch.synth import calibration as cal
from patternwatch.synth import text
from patternwatch.synth.cases import (
    _KNOWN,
    _UNKNOWN,
    Ctx,
    _copy_truth,
    _involve_pair,
    cast_for,
    pick_person,
    report_delay,
)
from patternwatch.synth.model import RecordTruth
from patternwatch.synth.sampling import Weighted, chance
from patternwatch.synth.scenario import make_crime, make_incident


@dataclass(frozen=True, slots=True)
class OneOff:
    codes: dict[str, float]
    topics: dict[str, tuple[str, ...]]  # relationship (or "*") -> fragment keys
    relationships: dict[str, float]
    suspect_known: float
    online: float
    place: str  # home | public | residential
    tag: str
    victim: bool = True
    extra_included: tuple[tuple[str, float], ...] = ()
    urgent: float = 0.3
    methods: tuple[str, ...] = ("messaging", "social_media", "phone_calls", "email")


_ONE_OFF: dict[str, OneOff] = {
    "racial_harassment": OneOff(
        {"8M": 1.0},
        {"*": ("racial",)},
        {"neighbour": 0.4, "stranger": 0.4, "acquaintance": 0.2},
        0.75,
        0.2,
        "home",
        "harassment",
    ),
    "malicious_comms": OneOff(
        {"8R": 1.0},
        {"*": ("mal:comms",)},
        {
            "acquaintance": 0.35,
            "ex_partner": 0.2,
            "online_only": 0.2,
            "family": 0.1,
            "stranger": 0.15,
        },
        0.75,
        0.92,
        "home",
        "harassment",
        urgent=0.0,
    ),
    "comms_s127": OneOff(
        {"8S": 1.0},
        {"*": ("s127",)},
        {"acquaintance": 0.4, "stranger": 0.4, "online_only": 0.2},
        0.6,
        0.97,
        "home",
        "harassment",
        urgent=0.0,
        methods=("phone_calls", "messaging"),
    ),
    "common_assault": OneOff(
        {"105A": 0.95, "105B": 0.05},
        {
            "stranger": ("assault:night",),
            "partner": ("assault:domestic",),
            "ex_partner": ("assault:domestic",),
            "family": ("assault:domestic",),
            "*": ("assault:other",),
        },
        {"stranger": 0.4, "partner": 0.15, "ex_partner": 0.07, "family": 0.1, "acquaintance": 0.28},
        0.75,
        0.0,
        "public",
        "violence",
        extra_included=(("58D", 0.03), ("9A", 0.04)),
        urgent=0.7,
    ),
    "assault_injury": OneOff(
        {"8N": 0.92, "8P": 0.03, "5D": 0.05},
        {
            "stranger": ("assault:night",),
            "partner": ("assault:domestic",),
            "ex_partner": ("assault:domestic",),
            "*": ("assault:other",),
        },
        {
            "stranger": 0.45,
            "partner": 0.15,
            "ex_partner": 0.05,
            "family": 0.08,
            "acquaintance": 0.27,
        },
        0.7,
        0.0,
        "public",
        "violence",
        extra_included=(("53H", 0.03),),
        urgent=0.8,
    ),
    "threats_to_kill": OneOff(
        {"3B": 1.0},
        {"*": ("threats:kill",)},
        {"partner": 0.25, "ex_partner": 0.2, "family": 0.15, "acquaintance": 0.3, "neighbour": 0.1},
        0.9,
        0.3,
        "home",
        "violence",
        urgent=0.5,
    ),
    "sexual": OneOff(
        {"20A": 0.45, "88E": 0.2, "19C": 0.2, "88F": 0.15},
        {"*": ("sexual",)},
        {"stranger": 0.4, "acquaintance": 0.3, "partner": 0.1, "ex_partner": 0.15, "family": 0.05},
        0.6,
        0.12,
        "public",
        "violence",
        urgent=0.3,
    ),
    "public_order": OneOff(
        {"9A": 0.95, "9B": 0.05},
        {"*": ("public_order",)},
        {"stranger": 0.7, "neighbour": 0.15, "acquaintance": 0.15},
        0.8,
        0.0,
        "public",
        "violence",
        urgent=0.6,
    ),
    "criminal_damage": OneOff(
        {"58A": 0.35, "58B": 0.1, "58C": 0.4, "58D": 0.15},
        {"*": ("damage",)},
        {"stranger": 0.6, "neighbour": 0.2, "ex_partner": 0.08, "acquaintance": 0.12},
        0.35,
        0.0,
        "residential",
        "property",
        urgent=0.2,
    ),
    "theft": OneOff(
        {"49": 1.0},
        {"*": ("theft",)},
        {"stranger": 1.0},
        0.3,
        0.02,
        "public",
        "property",
        urgent=0.1,
    ),
    "burglary": OneOff(
        {"28E": 1.0},
        {"*": ("burglary",)},
        {"stranger": 0.9, "acquaintance": 0.1},
        0.15,
        0.0,
        "residential",
        "property",
        urgent=0.3,
    ),
    "weapons": OneOff(
        {"53H": 1.0}, {"*": ("weapons",)}, {"stranger": 1.0}, 1.0, 0.0, "public", "violence", False
    ),
    "other": OneOff(
        {"66": 1.0}, {"*": ("other",)}, {"stranger": 1.0}, 1.0, 0.02, "public", "other", False
    ),
    "arson": OneOff(
        {"56B": 1.0},
        {"*": ("arson",)},
        {"stranger": 0.8, "neighbour": 0.1, "ex_partner": 0.1},
        0.2,
        0.0,
        "residential",
        "property",
        urgent=0.6,
    ),
}
_ONE_OFF_W = {
    kind: (
        Weighted.of(spec.codes),
        Weighted.of(spec.relationships),
    )
    for kind, spec in _ONE_OFF.items()
}
_CATEGORY = {  # ground-truth category of each one-off kind
    "racial_harassment": "racial_harassment",
    "malicious_comms": "malicious_comms",
    "comms_s127": "comms_s127",
    "common_assault": "assault",
    "assault_injury": "assault",
    "threats_to_kill": "threats_to_kill",
    "sexual": "sexual",
    "public_order": "public_order",
    "criminal_damage": "criminal_damage",
    "theft": "theft",
    "burglary": "burglary",
    "weapons": "weapons",
    "other": "other",
    "arson": "arson",
}


def one_off(ctx: Ctx, kind: str) -> None:
    state, rng, case = ctx.state, ctx.rng, ctx.case
    spec = _ONE_OFF[kind]
    codes, rels = _ONE_OFF_W[kind]
    online = chance(rng, spec.online)
    when = state.random_time(rng, online=online)
    relationship = rels.pick(rng)
    known = chance(rng, spec.suspect_known)
    victim = None
    if spec.victim:
        victim = pick_person(
            ctx,
            pool="victims",
            repeat_p=cal.REPEAT_VICTIM / 2,
            female=chance(rng, 0.5),
            age=(16, 80),
            when=when,
        )
    suspect = None
    if known:
        suspect = pick_person(
            ctx,
            pool="suspects",
            repeat_p=cal.REPEAT_SUSPECT,
            female=chance(rng, 0.2),
            age=(14, 70),
            when=when,
        )
    principal = codes.pick(rng)
    included = tuple(code for code, p in spec.extra_included if chance(rng, p))
    urgent = chance(rng, spec.urgent)
    reported = when + report_delay(rng, urgent=urgent, online=online)
    if reported > state.end_utc:
        reported = state.end_utc
    place_kind = "online" if online and victim else spec.place
    if place_kind == "home" and victim is None:
        place_kind = "public"
    place = state.place(rng, place_kind, victim)
    topics = spec.topics.get(relationship) or spec.topics["*"]
    truth = RecordTruth(
        case_kind=kind,
        true_category=_CATEGORY[kind],
        is_really_stalking=False,
        victim_true_id=victim.true_id if victim else None,
        suspect_true_id=suspect.true_id if suspect else None,
        truly_online=online,
        ideal_principal=principal,
        ideal_included=included,
    )
    incident = None
    oic = state.pick_staff(rng, "investigator")
    handler = state.pick_staff(rng, "call_handler")
    suspect_rec = None
    if chance(rng, 0.75):  # most crimes start as a call
        sus_for_text = (
            ctx.record(suspect, when=reported, by=handler.key, suspect=True) if suspect else None
        )
        suspect_rec = sus_for_text
        narrative = text.render(
            rng,
            handler.style_id,
            context=[],
            body=list(topics),
            extra=_negatives(rng, kind),
            actions=["act:call"],
            cast=cast_for(sus_for_text, victim),
            tag=spec.tag,
            caller_intro=True,
        )
        incident = make_incident(
            state,
            rng,
            case,
            received_at=reported,
            place=place,
            narrative=narrative,
            by=handler,
            truth=_copy_truth(truth, handler.style_id),
            urgent=urgent,
            online_report=online,
        )
    if suspect is not None and suspect_rec is None:
        suspect_rec = ctx.record(suspect, when=reported, by=oic.key, suspect=True)
    narrative = text.render(
        rng,
        oic.style_id,
        context=[f"rel:{relationship}"] if known and relationship != "stranger" else [],
        body=list(topics),
        extra=_negatives(rng, kind),
        actions=["act:crime" if known else "act:unknown"],
        cast=cast_for(suspect_rec, victim),
    )
    methods = (spec.methods[int(rng.random() * len(spec.methods))],) if online else ()
    crime = make_crime(
        state,
        rng,
        case,
        reported_at=reported,
        offence_from=when,
        offence_to=when + timedelta(minutes=int(rng.random() * 30)),
        place=place,
        principal=principal,
        included=included,
        is_online=online and chance(rng, cal.ONLINE_FLAG_WHEN_ONLINE),
        methods=methods,
        oic=oic,
        narrative=narrative,
        truth=_copy_truth(truth, oic.style_id),
        outcomes=_KNOWN if known else _UNKNOWN,
        incident=incident,
    )
    _involve_pair(ctx, crime, incident, victim, suspect_rec, relationship, by=oic.key)
    ctx.finish(reported)


# Hard negatives some one-off narratives carry: words shared with stalking, meaning something else.
_NEGATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    "malicious_comms": (("neg:car_sale", 0.15),),
    "comms_s127": (("neg:car_sale", 0.10),),
    "common_assault": (("neg:child_contact", 0.05),),
    "criminal_damage": (("neg:child_contact", 0.04), ("neg:loitering", 0.05)),
    "theft": (("neg:tracking", 0.06),),
}


def _negatives(rng: random.Random, kind: str) -> list[str]:
    out = [key for key, p in _NEGATIVES.get(kind, ()) if chance(rng, p)]
    if chance(rng, 0.04):
        out.append("neg:procedure")
    return out
