"""The learned half of screening, and the combination of rules and model into one score.

A calibrated logistic regression over TF-IDF word 1-2-grams, character 2-5-grams (which survive
typos and shorthand: "folowing", "f/ing", "txts") and the rule indicators from ``text.py``. It is
trained at first use from the shipped hand-written corpus plus the synthetic generator's
narratives (fixed seed), deterministically and without the network, then cached under
``data_dir/screening`` keyed by a hash of the corpus and this module's version. No trained model
is committed to the repository.

Final score = MODEL_WEIGHT * calibrated model probability + (1 - MODEL_WEIGHT) * rule score.
A record is flagged at DEFAULT_THRESHOLD; scores inside the ABSTAIN band are "needs a human".
"""

from __future__ import annotations

import csv
import hashlib
import logging
import pickle
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

from patternwatch.screening import text as rules

log = logging.getLogger(__name__)

MODEL_VERSION = "2"
MODEL_WEIGHT = 0.7
DEFAULT_THRESHOLD = 0.5
ABSTAIN = (0.35, 0.65)  # [low, high): unsure, a registrar should read it
GENERATOR_SEED = 20261122
GENERATOR_CRIMES = 1500
CORPUS_COLUMNS = ("id", "text", "label", "style", "source")


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    label: int
    style: str
    source: str


@dataclass(slots=True)
class Screening:
    """The verdict on one narrative."""

    score: float
    flagged: bool
    needs_human: bool
    model_score: float
    rule_score: float
    indicators: list[str] = field(default_factory=list)
    evidence: list[rules.Evidence] = field(default_factory=list)

    def evidence_json(self) -> list[dict[str, object]]:
        return [
            {"indicator": e.indicator, "start": e.start, "end": e.end, "text": e.text}
            for e in self.evidence
        ]


def load_corpus() -> list[Example]:
    """The shipped hand-written corpus (every CSV under screening/corpus)."""
    folder = resources.files("patternwatch.screening") / "corpus"
    out: list[Example] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".csv"):
            continue
        with entry.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.append(
                    Example(row["id"], row["text"], int(row["label"]), row["style"], row["source"])
                )
    return out


def generator_examples(
    *, crimes: int = GENERATOR_CRIMES, seed: int = GENERATOR_SEED
) -> list[Example]:
    """Narratives from the synthetic generator with its ground truth (is_really_stalking)."""
    from patternwatch.synth.scenario import ScenarioConfig, generate

    config = ScenarioConfig(
        crimes=crimes, seed=seed, start=date(2023, 1, 1), end=date(2025, 12, 31)
    )
    out: list[Example] = []
    for case in generate(config):
        for rec in [*case.incidents, *case.crimes]:
            if not rec.narrative.strip():
                continue
            out.append(
                Example(
                    rec.reference,
                    rec.narrative,
                    int(rec.truth.is_really_stalking),
                    f"generator-{rec.truth.style_id}",
                    "generator",
                )
            )
    return out


def _clean(text: str) -> str:
    return rules.normalise(text or "").lower()


class Model:
    """TF-IDF (word + char) + rule features -> calibrated logistic regression."""

    def __init__(self) -> None:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.words = TfidfVectorizer(
            preprocessor=_clean, ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20000
        )
        self.chars = TfidfVectorizer(
            preprocessor=_clean,
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=2,
            sublinear_tf=True,
            max_features=40000,
        )
        self.classifier = CalibratedClassifierCV(
            LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", random_state=0),
            method="sigmoid",
            cv=3,
        )

    def _features(self, texts: Sequence[str], results: Sequence[rules.RuleResult], fit: bool):
        if fit:
            w = self.words.fit_transform(texts)
            c = self.chars.fit_transform(texts)
        else:
            w = self.words.transform(texts)
            c = self.chars.transform(texts)
        r = sparse.csr_matrix(np.array([rules.rule_features(x) for x in results]) * 2.0)
        return sparse.hstack([w, c, r], format="csr")

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> Model:
        results = [rules.apply_rules(t) for t in texts]
        self.classifier.fit(self._features(texts, results, fit=True), np.asarray(labels))
        return self

    def predict(self, texts: Sequence[str], results: Sequence[rules.RuleResult]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return self.classifier.predict_proba(self._features(texts, results, fit=False))[:, 1]


def combine(model_score: float, rule_score: float) -> float:
    return MODEL_WEIGHT * model_score + (1.0 - MODEL_WEIGHT) * rule_score


class Screener:
    """Rules + model; ``screen`` scores a batch of narratives."""

    def __init__(self, model: Model | None, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.model = model
        self.threshold = threshold

    def screen(self, texts: Sequence[str]) -> list[Screening]:
        texts = [t or "" for t in texts]
        results = [rules.apply_rules(t) for t in texts]
        probs = self.model.predict(texts, results) if self.model else [r.score for r in results]
        out = []
        for res, p in zip(results, probs, strict=True):
            score = combine(float(p), res.score) if self.model else res.score
            out.append(
                Screening(
                    score=round(score, 4),
                    flagged=score >= self.threshold,
                    needs_human=ABSTAIN[0] <= score < ABSTAIN[1],
                    model_score=float(p),
                    rule_score=res.score,
                    indicators=res.indicators,
                    evidence=res.evidence,
                )
            )
        return out

    def screen_one(self, text: str) -> Screening:
        return self.screen([text])[0]


def training_examples() -> list[Example]:
    return load_corpus() + generator_examples()


def train(examples: Iterable[Example]) -> Model:
    items = list(examples)
    return Model().fit([e.text for e in items], [e.label for e in items])


def _fingerprint(examples: list[Example]) -> str:
    import sklearn

    h = hashlib.sha256(
        f"{MODEL_VERSION}|{sklearn.__version__}|{GENERATOR_SEED}|{GENERATOR_CRIMES}".encode()
    )
    for e in examples:
        h.update(f"{e.id}\x1f{e.label}\x1f{e.text}\x1e".encode())
    return h.hexdigest()[:16]


_lock = threading.Lock()
_cached: dict[str, Screener] = {}


def get_screener(data_dir: Path | None = None) -> Screener:
    """The shipped screener: trained once per corpus and cached in memory and in data_dir."""
    corpus = load_corpus()
    key = _fingerprint(corpus)
    with _lock:
        if key in _cached:
            return _cached[key]
        model: Model | None = None
        path = (data_dir / "screening" / f"model-{key}.pickle") if data_dir else None
        if path and path.exists():
            try:
                # Our own file, written below by this process or an earlier one; never shipped.
                with path.open("rb") as fh:
                    model = pickle.load(fh)  # noqa: S301
            except Exception:  # noqa: BLE001 - a corrupt cache is retrained, not fatal
                log.warning("screening model cache %s unreadable; retraining", path)
                model = None
        if model is None:
            model = train(corpus + generator_examples())
            if path:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp")
                    with tmp.open("wb") as fh:
                        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    tmp.replace(path)
                except OSError:
                    log.warning("could not cache the screening model in %s", path)
        screener = Screener(model)
        _cached[key] = screener
        return screener
