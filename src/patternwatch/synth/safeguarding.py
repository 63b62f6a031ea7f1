"""A stalking course's safeguarding facts -> rows of the risk, orders and victim_care tables (pure).

The scenario decides the facts (synth/stalking.py; safeguarding_facts.csv in the truth dir);
this module turns them into the rows the services would have written, keeping the invariants
the services keep:

- an S-DASH assessment answers every question of the current question set, in its order; its
  score is the number of "yes" and its level, MARAC reasons, DMI flag and review date come from
  ``risk/scoring.py`` with the set's thresholds (data), as ``risk/service.submit_risk_assessment``
  does; it is written once and never superseded (assessments are immutable);
- an SPO is granted for at least 2 years (``orders/rules.duration_error`` must pass, else the run
  fails); its status is left to ``orders/rules.status`` (derived from the dates); the subject's
  notification is due 3 days after service, and is missing when the course holds a failure to
  notify (NT-SPO) crime;
- every breach of the SPO is its own crime (the BR-SPO or NT-SPO crime the scenario recorded),
  linked to the order and to the course of conduct (the order's crime), as
  ``orders/service.record_breach`` links them;
- an update owed is due ``victim_care/deadlines.update_due`` working days after the event (1 for
  enhanced rights, 5 otherwise: data), with bank holidays skipped;
- a declined referral carries its reason.

Omissions stay omissions: no S-DASH, no SPO decision, no needs assessment or no referral write
no row, so the task inbox and the safeguarding page show the gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from patternwatch.orders import rules as order_rules
from patternwatch.orders.enums import OrderEventKind, ProtectiveOrderType, SpoDecisionKind
from patternwatch.risk import scoring
from patternwatch.synth.model import Case, CrimeRec, SafeguardingFact
from patternwatch.victim_care import deadlines

# Tables in insert order with the columns written (same form as rows.TABLES, which adds them).
SAFEGUARDING_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "risk_assessment": (
        ("id", ""), ("crime_id", ""), ("question_set_id", ""), ("tool", ""), ("score", ""),
        ("level", ""), ("marac_referral_required", "bool"), ("marac_reasons", ""),
        ("escalation", "bool"), ("professional_judgement", "bool"), ("dmi_recommended", "bool"),
        ("notes", ""), ("assessor_id", ""), ("assessor_name", ""), ("assessed_at", "dt"),
        ("review_due", "date"),
    ),
    "risk_answer": (("assessment_id", ""), ("question_key", ""), ("answer", "bool")),
    "spo_decision": (
        ("id", ""), ("crime_id", ""), ("decision", ""), ("rationale", ""), ("decided_by_id", ""),
        ("decided_by_name", ""), ("decided_at", "dt"),
    ),
    "protective_order": (
        ("id", ""), ("crime_id", ""), ("order_type", ""), ("subject_person_id", ""),
        ("protected_person_id", ""), ("interim_applied_on", "date"),
        ("interim_granted_on", "date"), ("applied_on", "date"), ("granted_on", "date"),
        ("refused_on", "date"), ("refused_reason", ""), ("start_date", "date"),
        ("end_date", "date"), ("until_further_order", "bool"), ("served_on", "date"),
        ("notification_received_on", "date"), ("discharged_on", "date"), ("notes", ""),
        ("created_by_id", ""), ("created_at", "dt"),
    ),
    "order_term": (("id", ""), ("order_id", ""), ("kind", ""), ("text", "")),
    "order_event": (
        ("id", ""), ("order_id", ""), ("kind", ""), ("on", "date"), ("note", ""), ("by_name", ""),
        ("recorded_at", "dt"),
    ),
    "breach": (
        ("id", ""), ("order_id", ""), ("breach_crime_id", ""), ("course_crime_id", ""),
        ("occurred_at", "dt"), ("description", ""), ("recorded_by_name", ""),
        ("recorded_at", "dt"),
    ),
    "needs_assessment": (
        ("id", ""), ("crime_id", ""), ("person_id", ""), ("enhanced_category", ""), ("needs", ""),
        ("vps_offered", "bool"), ("safe_to_contact", "bool"), ("safe_contact_notes", ""),
        ("assessed_by_name", ""), ("assessed_at", "dt"),
    ),
    "victim_update": (
        ("id", ""), ("crime_id", ""), ("kind", ""), ("event_on", "date"), ("due_on", "date"),
        ("given_on", "date"), ("note", ""), ("created_by_name", ""),
    ),
    "referral": (
        ("id", ""), ("crime_id", ""), ("person_id", ""), ("service", ""), ("service_name", ""),
        ("referred_on", "date"), ("status", ""), ("status_on", "date"), ("reason", ""),
        ("created_by_name", ""),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class SafeguardingData:
    """What the rows need from the database's safeguarding data (read before the run)."""

    sdash_set_id: int
    sdash_keys: tuple[str, ...]  # in question order
    sdash_dmi_keys: tuple[str, ...]
    thresholds: tuple[int | None, int | None, int | None]  # medium_from, high_from, marac_from
    update_days: dict[str, tuple[int, int]]  # update kind -> (standard, enhanced) working days
    bank_holidays: tuple[date, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "sdash_set_id": self.sdash_set_id,
            "sdash_keys": list(self.sdash_keys),
            "sdash_dmi_keys": list(self.sdash_dmi_keys),
            "thresholds": list(self.thresholds),
            "update_days": {k: list(v) for k, v in self.update_days.items()},
            "bank_holidays": [d.isoformat() for d in self.bank_holidays],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SafeguardingData:
        medium, high, marac = d["thresholds"]
        return cls(
            sdash_set_id=d["sdash_set_id"],
            sdash_keys=tuple(d["sdash_keys"]),
            sdash_dmi_keys=tuple(d["sdash_dmi_keys"]),
            thresholds=(medium, high, marac),
            update_days={k: (v[0], v[1]) for k, v in d["update_days"].items()},
            bank_holidays=tuple(date.fromisoformat(x) for x in d["bank_holidays"]),
        )


# Referral services in the facts -> victim_care SupportService values and the name shown
# (services: domain.md 6 [M10][M10b][M10c]; the IDVA is recorded with the ISAC, one service).
SERVICES: dict[str, tuple[str, str]] = {
    "isac": ("isac_idva", "ISAC (Independent Stalking Advocacy Caseworker)"),
    "idva": ("isac_idva", "IDVA (Independent Domestic Violence Adviser)"),
    "paladin": ("paladin", "Paladin (National Stalking Advocacy Service)"),
    "national_stalking_helpline": ("national_stalking_helpline", "National Stalking Helpline"),
}

# The SPO test (Stalking Protection Act 2019; domain.md 3.2 [L10][L12]).
APPLY_RATIONALE = (
    "Acts associated with stalking and a continuing risk to the victim: an order is necessary "
    "to protect them (Stalking Protection Act 2019 test). Application authorised."
)
# Typical prohibitions and requirements (domain.md 3.2 [L13][L15]); text, no names.
SPO_TERMS: tuple[tuple[str, str], ...] = (
    ("prohibition", "No contact with the protected person by any means, directly or through "
     "others, including social media."),
    ("prohibition", "Not to enter the road where the protected person lives or come within "
     "100 metres of them."),
    ("requirement", "Attend an assessment for a stalking perpetrator programme."),
)  # fmt: skip
BREACH_DESCRIPTIONS = {
    "BR-SPO": "Contact with the protected person in breach of the order's prohibitions.",
    "NT-SPO": "Failed to notify the police of name and address within 3 days of service "
    "(Stalking Protection Act 2019).",
}
BREACH_DESCRIPTIONS["BR-RO"] = "Contact with the protected person in breach of the order."
BREACH_DESCRIPTIONS["BR-NMO"] = BREACH_DESCRIPTIONS["BR-RO"]
NMO = ProtectiveOrderType.NON_MOLESTATION
# Restraining orders on conviction may run for a period or until further order [L6][L7];
# non-molestation orders are made for a fixed period [L20]. ASSUMPTION: restraining orders until
# further order, non-molestation orders for 1 year.
NMO_YEARS = 1
OTHER_ORDER_BREACH = {ProtectiveOrderType.RESTRAINING: "BR-RO", NMO: "BR-NMO"}
OTHER_ORDER_NOTES = {
    ProtectiveOrderType.RESTRAINING: "Made by the court on conviction.",
    NMO: "Civil order obtained by the victim (Family Law Act 1996).",
}
NEEDS_TEXT = "Stalking: safety advice, support with reporting, contact preferences recorded."


def parse_detail(detail: str) -> dict[str, str]:
    """``a=1;b=2`` -> {"a": "1", "b": "2"}; a part without "=" maps to itself."""
    out: dict[str, str] = {}
    for part in detail.split(";"):
        if part:
            key, _, value = part.partition("=")
            out[key] = value if _ else key
    return out


def noon(day: date) -> datetime:
    """A deterministic moment for a step known only by its day (service, notification)."""
    return datetime.combine(day, time(12), UTC)


def sdash_result(
    fact: SafeguardingFact, data: SafeguardingData
) -> tuple[dict[str, bool], scoring.ScoreResult, bool]:
    """The answers keyed by the question set's keys, the service's scoring of them, judgement."""
    detail = parse_detail(fact.detail)
    answers_in_order = [detail[f"q{n}"] == "Y" for n in range(1, len(data.sdash_keys) + 1)]
    if f"q{len(data.sdash_keys) + 1}" in detail:
        raise ValueError("the S-DASH fact has more answers than the current question set")
    answers = dict(zip(data.sdash_keys, answers_in_order, strict=True))
    judgement = detail.get("judgement") == "Y"
    result = scoring.assess(
        answers,
        scoring.Thresholds(*data.thresholds),
        dmi_keys=data.sdash_dmi_keys,
        professional_judgement=judgement,
    )
    return answers, result, judgement


@dataclass(frozen=True, slots=True)
class SpoPath:
    """The dates of one SPO's life, from its facts (None: did not happen in the window)."""

    decided: SafeguardingFact | None  # considered (apply) or considered_not_applied
    applied: date | None = None
    interim_granted: date | None = None
    granted: date | None = None
    duration_years: int | None = None
    refused: date | None = None
    withdrawn: date | None = None

    @property
    def in_force_from(self) -> date | None:
        return self.interim_granted or self.granted


def spo_path(facts: list[SafeguardingFact]) -> SpoPath:
    """Fold the SPO facts of a course into its path."""
    decided = None
    values: dict[str, Any] = {}
    for f in facts:
        if f.status in ("considered", "considered_not_applied"):
            decided = f
        elif f.status == "applied":
            values["applied"] = f.on
        elif f.status == "interim_granted":
            values["interim_granted"] = f.on
        elif f.status == "granted":
            values["granted"] = f.on
            values["duration_years"] = int(parse_detail(f.detail)["duration_years"])
        elif f.status == "refused":
            values["refused"] = f.on
        elif f.status == "withdrawn":
            values["withdrawn"] = f.on
    return SpoPath(decided=decided, **values)


def notification_received(
    served: date, *, failed: bool, window_end: date | None, spread: int
) -> date | None:
    """When the subject notified (within the 3 days of SPA 2019), or None if they did not (or
    not by the end of the window). ``spread`` (0-3) varies the day without a random draw."""
    if failed:
        return None
    day = served + timedelta(days=spread % (order_rules.NOTIFICATION_DAYS + 1))
    return None if window_end is not None and day > window_end else day


class SafeguardingRows:
    """Append one case's safeguarding rows to the row builder's buffers."""

    def __init__(
        self,
        data: SafeguardingData,
        *,
        next_id: Callable[[str], int],
        username: Callable[[int], str],
        user0: int,
        person0: int,
        crime0: int,
        window_end: date | None,
    ) -> None:
        self.data = data
        self.next_id = next_id
        self.username = username
        self.user0, self.person0, self.crime0 = user0, person0, crime0
        self.window_end = window_end
        self.holidays = frozenset(data.bank_holidays)

    def rows(self, case: Case) -> dict[str, list[tuple[Any, ...]]]:
        out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in SAFEGUARDING_TABLES}
        crimes = {c.key: c for c in case.crimes}
        parties: dict[int, dict[str, int]] = {}
        for inv in case.involvements:
            if inv.crime_key is not None and inv.role in ("victim", "suspect"):
                parties.setdefault(inv.crime_key, {}).setdefault(inv.role, inv.person_key)
        spo_facts: list[SafeguardingFact] = []
        enhanced_from: dict[int, date] = {}  # crime key -> day its enhanced needs were assessed
        for f in case.facts:
            crime = crimes.get(f.crime_key) if f.crime_key is not None else None
            if crime is None:
                continue  # never became a crime: nothing to hang a record on
            if f.at is None and f.fact != "victim_update":
                continue  # due after the end of the window: not done yet at the snapshot
            if f.fact == "risk_screening" and f.status == "done":
                self._sdash(out, f, crime)
            elif f.fact == "spo":
                spo_facts.append(f)
            elif f.fact == "needs_assessment" and f.status in ("done", "done_late"):
                enhanced = parse_detail(f.detail).get("enhanced")
                self._needs(out, f, crime, parties.get(crime.key, {}).get("victim"), enhanced)
                if enhanced and f.on is not None:
                    enhanced_from[crime.key] = f.on
            elif f.fact == "referral" and f.status in ("made", "declined"):
                self._referral(out, f, crime, parties.get(crime.key, {}).get("victim"))
            elif f.fact == "victim_update":
                self._update(out, f, crime, enhanced_from.get(crime.key))
            elif f.fact == "order":
                self._other_order(out, f, crime, case, parties)
        if spo_facts:
            self._spo(out, spo_facts, crimes, case, parties)
        return out

    def _breaches(
        self,
        out: dict[str, list[Any]],
        order_id: int,
        codes: tuple[str, ...],
        course: CrimeRec,
        case: Case,
    ) -> None:
        """Link each breach crime of the course to its order and to the course of conduct."""
        for c in case.crimes:
            if c.principal in codes:
                out["breach"].append(
                    (
                        self.next_id("breach"),
                        order_id,
                        self._crime_id(c),
                        self._crime_id(course),
                        c.offence_to or c.reported_at,
                        BREACH_DESCRIPTIONS[c.principal],
                        self.username(c.oic),
                        c.recorded_at,
                    )
                )

    def _other_order(
        self,
        out: dict[str, list[Any]],
        f: SafeguardingFact,
        crime: CrimeRec,
        case: Case,
        parties: dict[int, dict[str, int]],
    ) -> None:
        """A restraining order on charge, or a non-molestation order, made on the fact's day."""
        assert f.on is not None
        kind = ProtectiveOrderType(f.status)
        start = f.on
        end = order_rules.add_years(start, NMO_YEARS) if kind is NMO else None
        error = order_rules.duration_error(kind, start, end, end is None)
        if error:
            raise ValueError(error)
        order_id = self.next_id("protective_order")
        officer_id, officer = self._officer(crime)
        people = parties.get(crime.key, {})
        out["protective_order"].append(
            (
                order_id,
                self._crime_id(crime),
                kind.value,
                self._person(people.get("suspect")),
                self._person(people.get("victim")),
                None,
                None,
                None,
                start,
                None,
                None,
                start,
                end,
                end is None,
                start,
                None,
                None,
                OTHER_ORDER_NOTES[kind],
                officer_id,
                f.at,
            )
        )
        text = "No contact with the protected person by any means, directly or through others."
        out["order_term"].append((self.next_id("order_term"), order_id, "prohibition", text))
        for kind_done in (OrderEventKind.GRANTED, OrderEventKind.SERVED):
            out["order_event"].append(
                (self.next_id("order_event"), order_id, kind_done.value, start, "", officer, f.at)
            )
        self._breaches(out, order_id, (OTHER_ORDER_BREACH[kind],), crime, case)

    def _crime_id(self, crime: CrimeRec) -> int:
        return self.crime0 + crime.key

    def _officer(self, crime: CrimeRec) -> tuple[int, str]:
        return self.user0 + crime.oic, self.username(crime.oic)

    def _person(self, key: int | None) -> int | None:
        return self.person0 + key if key is not None else None

    def _sdash(self, out: dict[str, list[Any]], f: SafeguardingFact, crime: CrimeRec) -> None:
        assert f.at is not None and f.on is not None
        answers, result, judgement = sdash_result(f, self.data)
        aid = self.next_id("risk_assessment")
        officer_id, officer = self._officer(crime)
        out["risk_assessment"].append(
            (
                aid,
                self._crime_id(crime),
                self.data.sdash_set_id,
                "s-dash",
                result.score,
                result.level.value,
                result.marac_referral_required,
                " ".join(result.marac_reasons),
                False,
                judgement,
                result.dmi_recommended,
                "Professional judgement: violence in the course of conduct." if judgement else "",
                officer_id,
                officer,
                f.at,
                scoring.review_due(result.level, f.on),
            )
        )
        out["risk_answer"].extend((aid, key, value) for key, value in answers.items())

    def _needs(
        self,
        out: dict[str, list[Any]],
        f: SafeguardingFact,
        crime: CrimeRec,
        victim: int | None,
        enhanced: str | None,
    ) -> None:
        _, officer = self._officer(crime)
        out["needs_assessment"].append(
            (
                self.next_id("needs_assessment"),
                self._crime_id(crime),
                self._person(victim),
                enhanced,
                NEEDS_TEXT,
                True,  # Victims' Code right 7: a Victim Personal Statement offered
                True,
                "",
                officer,
                f.at,
            )
        )

    def _referral(
        self, out: dict[str, list[Any]], f: SafeguardingFact, crime: CrimeRec, victim: int | None
    ) -> None:
        service, name = SERVICES[f.detail.split(";", 1)[0]]
        declined = f.status == "declined"
        _, officer = self._officer(crime)
        out["referral"].append(
            (
                self.next_id("referral"),
                self._crime_id(crime),
                self._person(victim),
                service,
                name,
                f.on,
                "declined" if declined else "referred",
                f.on,
                "Victim declined the referral." if declined else "",
                officer,
            )
        )

    def _update(
        self,
        out: dict[str, list[Any]],
        f: SafeguardingFact,
        crime: CrimeRec,
        enhanced_on: date | None,
    ) -> None:
        detail = parse_detail(f.detail)
        kind, event_on = detail["kind"], date.fromisoformat(detail["event"])
        standard, enhanced_days = self.data.update_days[kind]
        # As victim_care/service.record_update_owed: enhanced if the crime's needs assessment
        # (in place when the update fell owed) gave an enhanced-rights category.
        due = deadlines.update_due(
            event_on,
            enhanced=enhanced_on is not None and enhanced_on <= event_on,
            standard_days=standard,
            enhanced_days=enhanced_days,
            holidays=self.holidays,
        )
        _, officer = self._officer(crime)
        out["victim_update"].append(
            (
                self.next_id("victim_update"),
                self._crime_id(crime),
                kind,
                event_on,
                due,
                f.on if f.status != "not_given" else None,
                "",
                officer,
            )
        )

    def _spo(
        self,
        out: dict[str, list[Any]],
        facts: list[SafeguardingFact],
        crimes: dict[int, CrimeRec],
        case: Case,
        parties: dict[int, dict[str, int]],
    ) -> None:
        path = spo_path(facts)
        f = path.decided
        if f is None or f.crime_key is None or f.at is None or f.on is None:
            return  # not considered (or not by the end of the window): the omission stays
        crime = crimes[f.crime_key]
        officer_id, officer = self._officer(crime)
        apply = f.status == "considered"
        rationale = APPLY_RATIONALE if apply else f.detail.removeprefix("rationale: ")
        out["spo_decision"].append(
            (
                self.next_id("spo_decision"),
                self._crime_id(crime),
                (SpoDecisionKind.APPLY if apply else SpoDecisionKind.NOT_APPLIED).value,
                rationale,
                officer_id,
                officer,
                f.at,
            )
        )
        if not apply:
            return
        start = end = served = notified = discharged = None
        if path.granted is not None:
            assert path.duration_years is not None
            start = path.granted
            end = order_rules.add_years(start, path.duration_years)
            error = order_rules.duration_error(ProtectiveOrderType.SPO, start, end, False)
            if error:  # the bulk path refuses what the service refuses
                raise ValueError(error)
        if path.in_force_from is not None:
            served = path.in_force_from
            failed = any(c.principal == "NT-SPO" for c in case.crimes)
            notified = notification_received(
                served, failed=failed, window_end=self.window_end, spread=crime.key
            )
        if path.withdrawn is not None:
            discharged = path.withdrawn  # the application withdrawn ends the interim order
        order_id = self.next_id("protective_order")
        people = parties.get(crime.key, {})
        interim_applied = path.applied if path.interim_granted is not None else None
        out["protective_order"].append(
            (
                order_id,
                self._crime_id(crime),
                ProtectiveOrderType.SPO.value,
                self._person(people.get("suspect")),
                self._person(people.get("victim")),
                interim_applied,
                path.interim_granted,
                path.applied,
                path.granted,
                path.refused,
                "Court not satisfied the order was necessary." if path.refused else None,
                start,
                end,
                False,
                served,
                notified,
                discharged,
                "",
                officer_id,
                f.at,
            )
        )
        if served is not None:
            for kind, text in SPO_TERMS:
                out["order_term"].append((self.next_id("order_term"), order_id, kind, text))
        steps: list[tuple[date, int, OrderEventKind, str]] = []
        if interim_applied is not None:
            steps.append((interim_applied, 0, OrderEventKind.INTERIM_APPLIED, ""))
        if path.applied is not None:
            steps.append((path.applied, 1, OrderEventKind.APPLIED, ""))
        if path.interim_granted is not None:
            steps.append((path.interim_granted, 2, OrderEventKind.INTERIM_GRANTED, ""))
        if path.granted is not None:
            note = f"{path.duration_years} years, to {end.isoformat() if end else ''}"
            steps.append((path.granted, 3, OrderEventKind.GRANTED, note))
        if served is not None:
            steps.append((served, 4, OrderEventKind.SERVED, ""))
        if notified is not None:
            steps.append((notified, 5, OrderEventKind.NOTIFICATION_RECEIVED, ""))
        if path.refused is not None:
            steps.append((path.refused, 6, OrderEventKind.REFUSED, ""))
        if discharged is not None:
            steps.append((discharged, 6, OrderEventKind.DISCHARGED, "Application withdrawn."))
        moments = {x.on: x.at for x in facts if x.on is not None and x.at is not None}
        for day, _, kind, note in sorted(steps, key=lambda s: (s[0], s[1])):
            out["order_event"].append(
                (
                    self.next_id("order_event"),
                    order_id,
                    kind.value,
                    day,
                    note,
                    officer,
                    moments.get(day) or noon(day),
                )
            )
        if path.in_force_from is not None:
            self._breaches(out, order_id, ("BR-SPO", "NT-SPO"), crime, case)
