"""Course-of-conduct linking: pairwise precision, recall and F1 of the series found against the
generator's truth (truth_series.csv / series_id on each crime and incident) and the hand-labelled
incidents (tests/data/link_labelled.csv), with an exact-name baseline beside them, and the time.

    python benchmarks/bench_linking.py --crimes 20000

The baseline links records whose victim and suspect have the same forename, surname and date of
birth written exactly alike, with the same gap and two-occasion rules as the engine.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from patternwatch.people.matching import PersonRecord, clean_name, first_name_token, pairwise_scores
from patternwatch.screening import linking
from patternwatch.screening.link_cli import _person, parse_when
from patternwatch.screening.linking import LinkRecord

ROOT = Path(__file__).resolve().parents[1]


def generator_records(crimes: int, seed: int) -> tuple[list[LinkRecord], list[str]]:
    from patternwatch.synth.scenario import ScenarioConfig, generate

    config = ScenarioConfig(
        crimes=crimes, seed=seed, start=date(2023, 1, 1), end=date(2025, 12, 31)
    )
    people: dict[int, PersonRecord] = {}
    records: list[LinkRecord] = []
    truth: list[str] = []
    for case in generate(config):
        for p in case.people:
            f = p.fields
            # Link input carries names and date of birth only (the contract's columns).
            people[p.key] = PersonRecord(str(p.key), f.forename, f.surname, f.date_of_birth)
        roles: dict[tuple[str, int], dict[str, object]] = defaultdict(dict)
        for inv in case.involvements:
            for kind, key in (("crime", inv.crime_key), ("incident", inv.incident_key)):
                if key is not None and inv.role in ("victim", "suspect"):
                    roles[(kind, key)][inv.role] = people.get(inv.person_key)
                    if inv.role == "suspect":
                        roles[(kind, key)]["relationship"] = inv.relationship
        crime_code = {
            c.key: c.changes[0].principal_after if c.changes else c.principal for c in case.crimes
        }
        for c in case.crimes:
            r = roles.get(("crime", c.key), {})
            records.append(
                LinkRecord(
                    c.reference,
                    c.reported_at.replace(tzinfo=None),
                    r.get("victim"),  # type: ignore[arg-type]
                    r.get("suspect"),  # type: ignore[arg-type]
                    crime_code[c.key],
                    c.narrative,
                )
            )
            truth.append(c.truth.series_id)
        for i in case.incidents:
            r = roles.get(("incident", i.key), {})
            records.append(
                LinkRecord(
                    i.reference,
                    i.received_at.replace(tzinfo=None),
                    r.get("victim"),  # type: ignore[arg-type]
                    r.get("suspect"),  # type: ignore[arg-type]
                    crime_code.get(i.crime_key, "NON-CRIME") if i.crime_key else "NON-CRIME",
                    i.narrative,
                )
            )
            truth.append(i.truth.series_id)
    return records, truth


def hand_records() -> tuple[list[LinkRecord], list[str]]:
    with (ROOT / "tests/data/link_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    records = [
        LinkRecord(
            row["id"],
            parse_when(row["reported_at"]),  # type: ignore[arg-type]
            _person(row, "victim"),
            _person(row, "suspect"),
            row["recorded_as"],
            row["narrative"],
        )
        for row in rows
    ]
    return records, [row["true_series"] for row in rows]


def _exact(p: PersonRecord | None) -> tuple[object, ...] | None:
    if p is None or not (p.forename or p.surname):
        return None
    return (first_name_token(p.forename), clean_name(p.surname), p.date_of_birth)


def baseline(records: Sequence[LinkRecord], max_gap_days: int) -> dict[str, str]:
    groups: dict[tuple[object, ...], list[LinkRecord]] = defaultdict(list)
    for r in records:
        v, s = _exact(r.victim), _exact(r.suspect)
        if v and s:
            groups[(v, s)].append(r)
    out: dict[str, str] = {}
    n = 0
    for members in groups.values():
        members.sort(key=lambda r: r.reported_at)
        runs: list[list[LinkRecord]] = []
        for r in members:
            if runs and (r.reported_at - runs[-1][-1].reported_at).days <= max_gap_days:
                runs[-1].append(r)
            else:
                runs.append([r])
        for run in runs:
            if len({r.reported_at.date() for r in run}) >= 2:
                n += 1
                out.update({r.id: f"B{n}" for r in run})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crimes", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-gap-days", type=int, default=linking.DEFAULT_MAX_GAP_DAYS)
    args = parser.parse_args()
    sets = {
        f"generator ({args.crimes:,} crimes)": generator_records(args.crimes, args.seed),
        "hand-labelled": hand_records(),
    }
    print(f"{'set':<28} {'method':<10} {'records':>8} {'P':>6} {'R':>6} {'F1':>6} {'s':>7}")
    for label, (records, truth) in sets.items():
        for name in ("baseline", "engine"):
            t0 = time.perf_counter()
            if name == "engine":
                result = linking.link(records, max_gap_days=args.max_gap_days)
                found = result.series_of
            else:
                found = baseline(records, args.max_gap_days)
            took = time.perf_counter() - t0
            s = pairwise_scores([found.get(r.id, "") for r in records], truth)
            print(
                f"{label:<28} {name:<10} {len(records):>8,} {s.precision:>6.3f} {s.recall:>6.3f}"
                f" {s.f1:>6.3f} {took:>7.1f}",
                flush=True,
            )
            if name == "engine":
                flagged = sum(1 for x in result.series if x.looks_like_stalking)
                print(f"{'':<28} {'':<10} {len(result.series):,} series, {flagged:,} flagged")


if __name__ == "__main__":
    main()
