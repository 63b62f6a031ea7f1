"""Screening benchmark: precision/recall/F1 and throughput (issue 6). Prints the figures.

    .venv/bin/python benchmarks/bench_screening.py [--quick]

(a) generator ground truth on a seed the model did not train on; (b) the hand-written corpus,
leave-one-style-out; each beside a keyword search ("stalk", "harass" or "follow"). Then the
time to screen 100,000 narratives with the shipped screener (--quick: 10,000).
"""

from __future__ import annotations

import os
import sys
import time

from patternwatch.screening import evaluate as ev
from patternwatch.screening import model as m


def main() -> None:
    quick = "--quick" in sys.argv
    print(
        f"cpus available: {len(os.sched_getaffinity(0))}; threshold {m.DEFAULT_THRESHOLD}, "
        f"needs-a-human band {m.ABSTAIN[0]}..{m.ABSTAIN[1]}"
    )
    t = time.perf_counter()
    scores, per_style = ev.leave_one_style_out()
    print("\n(b) hand-written corpus, leave-one-style-out (6 folds, pooled)")
    for s in scores:
        print(s.line())
    for s in per_style.values():
        print(s.line())
    print(ev.generator_only_on_handwritten().line())
    print("\n(a) generator ground truth (test seed differs from training seed)")
    for s in ev.generator_eval(crimes=600 if quick else 1500):
        print(s.line())
    print(f"\nevaluation took {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    screener = m.Screener(m.train(m.load_corpus() + m.generator_examples()))
    print(f"training the shipped model: {time.perf_counter() - t:.1f}s")
    n, secs = ev.throughput(screener, 10_000 if quick else 100_000)
    print(f"throughput: {n} narratives in {secs:.1f}s ({n / secs:.0f}/s)")


if __name__ == "__main__":
    main()
