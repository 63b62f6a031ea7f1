"""Person matching: quality against the generator's truth and the hand-labelled set, with the
exact-match baseline beside it, and throughput on up to a million records.

    python benchmarks/bench_matching.py --crimes 20000 --records 1000000
    python benchmarks/bench_matching.py --records 100000 --skip-quality   # a quick run

Quality uses the people of an in-memory generator run (``truth_people.csv``'s true_person_id)
and tests/data/people_labelled.csv (``--engine both`` adds Splink, if installed). Throughput
records are an expansion of the generator, not a scenario run (which would take far longer to
build a million people): originals drawn from the generator's name lists, 20% of records a
variant of an earlier one in the generator's variant mix (nicknames, typos, swaps, missing or
transposed dates of birth), so they carry a true person id too. The engine runs as the
contract command (``patternwatch people dedupe``, CSV in and out) in a child process, for its
own wall time and peak memory; the baselines run in this process in the same run.
docs/matching.md has the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from subprocess import DEVNULL

from patternwatch.people import matching, matching_batch
from patternwatch.people.matching import PersonRecord, pairwise_scores

ROOT = Path(__file__).resolve().parents[1]
Engine = Callable[[Sequence[PersonRecord]], list[str]]


def engine(records: Sequence[PersonRecord]) -> list[str]:
    return matching.dedupe(records).person_ids


def splink(records: Sequence[PersonRecord]) -> list[str]:
    from patternwatch.people.matching_splink import dedupe_splink

    return dedupe_splink(records)


ENGINES: dict[str, Engine] = {"engine": engine, "splink": splink}


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


def synthetic_index(
    n: int, seed: int, duplicate_share: float = 0.2
) -> tuple[list[PersonRecord], list[str]]:
    """``n`` person records and their true person ids: originals drawn from the generator's name
    lists, and (``duplicate_share`` of the records) variants of earlier ones in the generator's
    variant mix (calibration.DUPLICATE_VARIANTS through names.apply_variant)."""
    from patternwatch.synth import calibration as cal
    from patternwatch.synth.names import NameFields, apply_variant, tables
    from patternwatch.synth.sampling import Weighted

    rng = random.Random(seed)
    t = tables()
    variants = Weighted.of(cal.DUPLICATE_VARIANTS)
    areas = ["AL1", "AL3", "AL5", "AL10", "SG1", "SG4", "SG12", "WD17", "WD24", "HP1", "EN8"]
    originals: list[tuple[NameFields, str]] = []
    out: list[PersonRecord] = []
    truth: list[str] = []
    start = date(1940, 1, 1)
    for i in range(n):
        if originals and rng.random() < duplicate_share:
            base, person = originals[int(rng.random() * len(originals))]
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
            person = str(i)
            originals.append((fields, person))
        out.append(
            PersonRecord(
                str(i), fields.forename, fields.surname, fields.date_of_birth, fields.postcode
            )
        )
        truth.append(person)
    return out, truth


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def write_csv(path: Path, records: Sequence[PersonRecord]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ("record_id", "forename", "surname", "date_of_birth", "address", "postcode")
        )
        for r in records:
            dob = r.date_of_birth.isoformat() if r.date_of_birth else ""
            writer.writerow(
                (r.record_id, r.forename or "", r.surname or "", dob, "", r.postcode or "")
            )


def pair_by_pair_seconds(records: Sequence[PersonRecord], sample: int, seed: int) -> str:
    """The old engine's way, scoring candidate pairs one at a time in Python (``_compare``), on
    a random sample of this run's candidate pairs, scaled to all of them."""
    coded = matching_batch.code_records(records)
    candidates = matching_batch.candidate_pairs(coded)
    n = len(records)
    picked = random.Random(seed).sample(range(len(candidates)), min(sample, len(candidates)))
    pairs = [(int(candidates[k] // n), int(candidates[k] % n)) for k in picked]
    t0 = time.perf_counter()
    norms = [matching._norm(r) for r in records]
    tf = matching.name_frequencies(norms)
    normalise = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, j in pairs:
        matching._compare(norms[i], norms[j], tf)
    per_pair = (time.perf_counter() - t0) / max(len(pairs), 1)
    return (
        f"{len(candidates):,} candidate pairs; pair-by-pair scoring {per_pair * 1e6:.1f} us/pair"
        f" on {len(pairs):,} sampled -> {per_pair * len(candidates):,.0f}s for all of them"
        f" (+ {normalise:.1f}s normalising)"
    )


def dedupe_command(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "patternwatch", "people", "dedupe", str(src), "-o", str(out)]


def throughput(n: int, seed: int, sample: int) -> None:
    t0 = time.perf_counter()
    records, truth = synthetic_index(n, seed)
    print(
        f"built {len(records):,} records ({len(set(truth)):,} people; generator name lists and"
        f" variant mix) in {time.perf_counter() - t0:.1f}s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench_matching_") as tmp:
        src, out = Path(tmp) / "people.csv", Path(tmp) / "person_ids.csv"
        write_csv(src, records)
        # Baseline: the command's start-up (imports) on a one-record file.
        write_csv(Path(tmp) / "one.csv", records[:1])
        t0 = time.perf_counter()
        subprocess.run(dedupe_command(Path(tmp) / "one.csv", out), check=True, stdout=DEVNULL)
        startup = time.perf_counter() - t0
        # The contract command, in a child process so its wall time and peak memory are its own.
        t0 = time.perf_counter()
        subprocess.run(dedupe_command(src, out), check=True, stdout=DEVNULL)
        took = time.perf_counter() - t0
        child_rss = peak_rss_mb(resource.RUSAGE_CHILDREN)
        with out.open(encoding="utf-8", newline="") as fh:
            ids = [row["person_id"] for row in csv.DictReader(fh)]
    s = pairwise_scores(ids, truth)
    print(
        f"engine (patternwatch people dedupe, CSV in and out): {len(records):,} records ->"
        f" {len(set(ids)):,} people in {took:.1f}s ({len(records) / took:,.0f} records/s),"
        f" peak RSS {child_rss:,.0f} MB; P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}",
        flush=True,
    )

    # Baselines, in this process and this run (same machine load).
    print(f"baseline: command start-up on a one-record file: {startup:.1f}s", flush=True)
    t0 = time.perf_counter()
    matching_batch.code_records(records)
    print(f"baseline: normalising and coding only: {time.perf_counter() - t0:.1f}s", flush=True)
    t0 = time.perf_counter()
    exact = matching.exact_baseline(records)
    took = time.perf_counter() - t0
    s = pairwise_scores(exact, truth)
    print(
        f"baseline: exact forename + surname + date of birth: {took:.1f}s;"
        f" P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}",
        flush=True,
    )
    if sample:
        print(f"baseline: {pair_by_pair_seconds(records, sample, seed)}", flush=True)
    print(f"benchmark process peak RSS (records, baselines): {peak_rss_mb():,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crimes", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--records", type=int, default=1_000_000, help="0 skips throughput")
    parser.add_argument(
        "--sample-pairs",
        type=int,
        default=200_000,
        help="candidate pairs scored one at a time for the pair-by-pair baseline (0 skips it)",
    )
    parser.add_argument("--engine", choices=["engine", "splink", "both"], default="engine")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    names = ["engine", "splink"] if args.engine == "both" else [args.engine]
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
        throughput(args.records, args.seed, args.sample_pairs)


if __name__ == "__main__":
    main()
