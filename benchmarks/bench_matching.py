"""Person matching: quality against the generator's truth and the hand-labelled set, with the
exact-match baseline beside it, and throughput on up to a million records.

    python benchmarks/bench_matching.py --crimes 20000 --records 1000000 --engine both

Quality uses the people of an in-memory generator run (``truth_people.csv``'s true_person_id)
and tests/data/people_labelled.csv. Throughput records are drawn cheaply from the generator's
name lists with a controlled share of duplicates in the generator's variant mix (nicknames,
typos, swaps, missing or transposed dates of birth); docs/matching.md has the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from patternwatch.people import matching
from patternwatch.people.matching import PersonRecord, pairwise_scores

ROOT = Path(__file__).resolve().parents[1]
Engine = Callable[[Sequence[PersonRecord]], list[str]]


def pure(records: Sequence[PersonRecord]) -> list[str]:
    return matching.dedupe(records).person_ids


def splink(records: Sequence[PersonRecord]) -> list[str]:
    from patternwatch.people.matching_splink import dedupe_splink

    return dedupe_splink(records)


ENGINES: dict[str, Engine] = {"pure": pure, "splink": splink}


def generator_people(crimes: int, seed: int) -> tuple[list[PersonRecord], list[str]]:
    from patternwatch.synth.scenario import ScenarioConfig, generate

    config = ScenarioConfig(
        crimes=crimes, seed=seed, start=date(2023, 1, 1), end=date(2025, 12, 31)
    )
    records, truth = [], []
    for case in generate(config):
        for p in case.people:
            f = p.fields
            records.append(
                PersonRecord(
                    str(p.key), f.forename, f.surname, f.date_of_birth, f.postcode, f.address
                )
            )
            truth.append(str(p.true_id))
    return records, truth


def hand_people() -> tuple[list[PersonRecord], list[str]]:
    with (ROOT / "tests/data/people_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    records = [
        PersonRecord(
            r["record_id"],
            r["forename"] or None,
            r["surname"] or None,
            matching.parse_date(r["date_of_birth"]),
            r["postcode"] or None,
            r["address"] or None,
        )
        for r in rows
    ]
    return records, [r["true_person"] for r in rows]


def synthetic_index(n: int, seed: int, duplicate_share: float = 0.2) -> list[PersonRecord]:
    """``n`` person records: originals from the name lists plus variants of earlier ones."""
    from patternwatch.synth import calibration as cal
    from patternwatch.synth.names import NameFields, apply_variant, tables
    from patternwatch.synth.sampling import Weighted

    rng = random.Random(seed)
    t = tables()
    variants = Weighted.of(cal.DUPLICATE_VARIANTS)
    areas = ["AL1", "AL3", "AL5", "AL10", "SG1", "SG4", "SG12", "WD17", "WD24", "HP1", "EN8"]
    originals: list[NameFields] = []
    out: list[PersonRecord] = []
    start = date(1940, 1, 1)
    for i in range(n):
        if originals and rng.random() < duplicate_share:
            base = originals[int(rng.random() * len(originals))]
            fields = apply_variant(base, variants.pick(rng), rng) or base
        else:
            female = rng.random() < 0.5
            ltr = "ABDEFGHJLNPQRSTUWXYZ"
            pc = f"{rng.choice(areas)} {rng.randint(1, 9)}{rng.choice(ltr)}{rng.choice(ltr)}"
            fields = NameFields(
                forename=(t.female if female else t.male).pick(rng),
                middle_names=None,
                surname=t.surnames.pick(rng),
                date_of_birth=start + timedelta(days=rng.randint(0, 365 * 65)),
                gender="female" if female else "male",
                address=None,
                postcode=pc,
            )
            originals.append(fields)
        out.append(
            PersonRecord(
                str(i), fields.forename, fields.surname, fields.date_of_birth, fields.postcode
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crimes", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--records", type=int, default=1_000_000, help="0 skips throughput")
    parser.add_argument("--engine", choices=["pure", "splink", "both"], default="both")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    names = ["pure", "splink"] if args.engine == "both" else [args.engine]
    print(f"cores available: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")

    if not args.skip_quality:
        sets = {
            f"generator ({args.crimes:,} crimes)": generator_people(args.crimes, args.seed),
            "hand-labelled": hand_people(),
        }
        print(f"{'set':<28} {'engine':<10} {'records':>8} {'P':>6} {'R':>6} {'F1':>6} {'s':>7}")
        for label, (records, truth) in sets.items():
            runs: list[tuple[str, Engine]] = [("baseline", matching.exact_baseline)]
            runs += [(n, ENGINES[n]) for n in names]
            for name, engine in runs:
                t0 = time.perf_counter()
                ids = engine(records)
                took = time.perf_counter() - t0
                s = pairwise_scores(ids, truth)
                print(
                    f"{label:<28} {name:<10} {len(records):>8,} {s.precision:>6.3f}"
                    f" {s.recall:>6.3f} {s.f1:>6.3f} {took:>7.1f}",
                    flush=True,
                )

    if args.records:
        t0 = time.perf_counter()
        records = synthetic_index(args.records, args.seed)
        print(f"built {len(records):,} records in {time.perf_counter() - t0:.1f}s", flush=True)
        for name in names:
            t0 = time.perf_counter()
            ids = ENGINES[name](records)
            took = time.perf_counter() - t0
            print(
                f"throughput {name}: {len(records):,} records -> {len(set(ids)):,} people in "
                f"{took:.1f}s ({len(records) / took:,.0f} records/s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
