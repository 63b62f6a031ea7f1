"""The learned model and the combination (trained on the hand-written corpus only, for speed)."""

from __future__ import annotations

from functools import cache

import pytest

from patternwatch.screening import evaluate as ev
from patternwatch.screening import model as m


@cache
def _screener() -> m.Screener:
    return m.Screener(m.train(m.load_corpus()))


def test_corpus_is_labelled_in_six_styles() -> None:
    corpus = m.load_corpus()
    assert len(corpus) >= 300
    assert len({e.id for e in corpus}) == len(corpus)
    styles = {e.style for e in corpus}
    assert len(styles) >= 6
    for style in styles:
        labels = [e.label for e in corpus if e.style == style]
        assert 0 < sum(labels) < len(labels)


@pytest.mark.parametrize(
    ("narrative", "flagged"),
    [
        (
            "ip says her ex keeps folowing her home and txting 50+ times a day, turned up at work",
            True,
        ),
        ("VIW rpts ex-p outside hse again x4 this wk, msg'ing VIW's sis on fb", True),
        ("Caller reports neighbour's loud music every weekend, council informed.", False),
        ("Messages about the car sale, buyer wants a refund. Civil matter.", False),
    ],
)
def test_screen_flags_clear_cases(narrative: str, flagged: bool) -> None:
    result = _screener().screen_one(narrative)
    assert result.flagged is flagged
    assert 0.0 <= result.score <= 1.0
    assert result.score == pytest.approx(m.combine(result.model_score, result.rule_score), abs=1e-4)
    assert result.needs_human == (m.ABSTAIN[0] <= result.score < m.ABSTAIN[1])


def test_training_is_deterministic() -> None:
    texts = ["ex keeps turning up at her work", "parcel left at wrong address"]
    a = m.Screener(m.train(m.load_corpus())).screen(texts)
    b = _screener().screen(texts)
    assert [x.score for x in a] == [x.score for x in b]


def test_empty_input_and_rules_only_screener() -> None:
    assert _screener().screen([]) == []
    only_rules = m.Screener(None).screen_one("")
    assert not only_rules.flagged and only_rules.indicators == []


def test_scores_arithmetic_and_keyword_baseline() -> None:
    s = ev.score("x", [1, 1, 0, 0], [True, False, True, False])
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5
    assert ev.keyword_baseline(["She was STALKED", "followed procedure", "noise"]) == [
        True,
        True,
        False,
    ]


def test_cached_screener_is_reused(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(m, "generator_examples", lambda **_: [])
    real_train = m.train

    def counting_train(examples):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real_train(examples)

    monkeypatch.setattr(m, "train", counting_train)
    monkeypatch.setattr(m, "_cached", {})
    first = m.get_screener(tmp_path)
    assert list((tmp_path / "screening").glob("model-*.pickle"))
    monkeypatch.setattr(m, "_cached", {})
    second = m.get_screener(tmp_path)  # loaded from the file, not retrained
    assert len(calls) == 1
    text = "ex keeps turning up at her work"
    assert first.screen_one(text).score == second.screen_one(text).score
