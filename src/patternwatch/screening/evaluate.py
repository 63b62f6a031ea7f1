"""Evaluation of screening: precision, recall and F1 against ground truth, beside a keyword search.

Two test sets:

(a) the synthetic generator's ground truth (``is_really_stalking``) on a run with a *different seed*
    from the one the model trains on (same templates, so this is the optimistic figure);
(b) the hand-written corpus, leave-one-style-out: for each of the six writer styles, train on the
    other five styles plus the generator's text and score the held-out style; the predictions of
    all six folds are pooled. The model never sees the style it is scored on.

Used by ``benchmarks/bench_screening.py`` and quoted in docs/screening.md.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from patternwatch.screening import model as m
from patternwatch.screening import text as rules

KEYWORDS = re.compile(r"stalk|harass|follow", re.IGNORECASE)
EVAL_SEED = 7  # generator seed for test set (a); training uses model.GENERATOR_SEED


@dataclass(frozen=True, slots=True)
class Scores:
    name: str
    n: int
    tp: int
    fp: int
    fn: int
    abstained: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        extra = f"  needs-a-human {self.abstained / self.n:.1%}" if self.abstained else ""
        return (
            f"{self.name:<34} n={self.n:<6} P={self.precision:.3f} R={self.recall:.3f} "
            f"F1={self.f1:.3f}{extra}"
        )


def score(name: str, labels: Sequence[int], preds: Sequence[bool], abstained: int = 0) -> Scores:
    tp = sum(1 for y, p in zip(labels, preds, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, preds, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, preds, strict=True) if y and not p)
    return Scores(name, len(labels), tp, fp, fn, abstained)


def keyword_baseline(texts: Sequence[str]) -> list[bool]:
    return [bool(KEYWORDS.search(t or "")) for t in texts]


def _evaluate(
    label: str, examples: Sequence[m.Example], screen: Callable[[list[str]], list[m.Screening]]
) -> list[Scores]:
    texts = [e.text for e in examples]
    ys = [e.label for e in examples]
    results = screen(texts)
    combined = [r.flagged for r in results]
    rule_only = [r.rule_score >= m.DEFAULT_THRESHOLD for r in results]
    model_only = [r.model_score >= m.DEFAULT_THRESHOLD for r in results]
    sure = [(y, r.flagged) for y, r in zip(ys, results, strict=True) if not r.needs_human]
    return [
        score(f"{label}: keyword baseline", ys, keyword_baseline(texts)),
        score(f"{label}: rules only", ys, rule_only),
        score(f"{label}: model only", ys, model_only),
        score(
            f"{label}: rules + model",
            ys,
            combined,
            abstained=sum(1 for r in results if r.needs_human),
        ),
        score(
            f"{label}: rules + model, sure only",
            [y for y, _ in sure],
            [p for _, p in sure],
        ),
    ]


def generator_eval(crimes: int = 1500) -> list[Scores]:
    """(a): train on the corpus + generator seed A; score generator seed B."""
    train_set = m.load_corpus() + m.generator_examples()
    screener = m.Screener(m.train(train_set))
    test = m.generator_examples(crimes=crimes, seed=EVAL_SEED)
    return _evaluate("generator (other seed)", test, screener.screen)


def leave_one_style_out() -> tuple[list[Scores], dict[str, Scores]]:
    """(b): pooled predictions over six folds, each holding out one hand-written style."""
    corpus = m.load_corpus()
    generated = m.generator_examples()
    styles = sorted({e.style for e in corpus})
    pooled_examples: list[m.Example] = []
    pooled_results: list[m.Screening] = []
    per_style: dict[str, Scores] = {}
    for style in styles:
        held = [e for e in corpus if e.style == style]
        train_set = [e for e in corpus if e.style != style] + generated
        screener = m.Screener(m.train(train_set))
        results = screener.screen([e.text for e in held])
        pooled_examples += held
        pooled_results += results
        per_style[style] = score(
            f"  held out {style}", [e.label for e in held], [r.flagged for r in results]
        )
    by_text = dict(zip((id(e) for e in pooled_examples), pooled_results, strict=True))
    scores = _evaluate(
        "hand-written, leave-one-style-out",
        pooled_examples,
        lambda texts: [by_text[id(e)] for e in pooled_examples],
    )
    return scores, per_style


def generator_only_on_handwritten() -> Scores:
    """How a model trained on generator text alone does on the hand-written set (template risk)."""
    corpus = m.load_corpus()
    screener = m.Screener(m.train(m.generator_examples()))
    results = screener.screen([e.text for e in corpus])
    return score(
        "hand-written, model trained on generator only",
        [e.label for e in corpus],
        [r.flagged for r in results],
    )


def throughput(screener: m.Screener, n: int = 100_000) -> tuple[int, float]:
    """Seconds to screen ``n`` narratives (generator text, cycled) with a trained screener."""
    base = [e.text for e in m.generator_examples(crimes=3000, seed=EVAL_SEED)]
    texts = [base[i % len(base)] + f" ref {i}" for i in range(n)]
    start = time.perf_counter()
    for i in range(0, n, 5000):
        screener.screen(texts[i : i + 5000])
    return n, time.perf_counter() - start


__all__ = [
    "Scores",
    "generator_eval",
    "keyword_baseline",
    "leave_one_style_out",
    "rules",
    "throughput",
]
