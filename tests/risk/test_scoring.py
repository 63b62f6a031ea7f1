"""Risk scoring: table-driven (score, level thresholds as data, MARAC triggers, DMI)."""

from __future__ import annotations

from datetime import date

import pytest

from patternwatch.risk import scoring
from patternwatch.risk.enums import RiskLevel

SDASH = scoring.Thresholds(medium_from=3, high_from=6, marac_from=None)
DASH = scoring.Thresholds(medium_from=10, high_from=14, marac_from=14)


def answers(n_yes: int, total: int) -> dict[str, bool]:
    return {f"q{i}": i <= n_yes for i in range(1, total + 1)}


@pytest.mark.parametrize(
    ("yes", "total", "thresholds", "level", "marac"),
    [
        (0, 11, SDASH, RiskLevel.STANDARD, False),  # S-DASH none -> standard
        (11, 11, SDASH, RiskLevel.HIGH, False),  # S-DASH all -> high
        (2, 11, SDASH, RiskLevel.STANDARD, False),
        (3, 11, SDASH, RiskLevel.MEDIUM, False),
        (6, 11, SDASH, RiskLevel.HIGH, False),
        (0, 27, DASH, RiskLevel.STANDARD, False),
        (13, 27, DASH, RiskLevel.MEDIUM, False),
        (14, 27, DASH, RiskLevel.HIGH, True),  # 14+ yes: MARAC referral required
        (27, 27, DASH, RiskLevel.HIGH, True),
    ],
)
def test_score_level_and_marac(yes, total, thresholds, level, marac) -> None:  # type: ignore[no-untyped-def]
    result = scoring.assess(answers(yes, total), thresholds)
    assert result.score == yes
    assert result.level is level
    assert result.marac_referral_required is marac


@pytest.mark.parametrize(
    ("escalation", "judgement", "reasons", "level"),
    [
        (False, False, (), RiskLevel.STANDARD),
        (True, False, ("escalation",), RiskLevel.STANDARD),
        (False, True, ("professional_judgement",), RiskLevel.HIGH),
        (True, True, ("escalation", "professional_judgement"), RiskLevel.HIGH),
    ],
)
def test_marac_on_escalation_or_judgement_whatever_the_score(
    escalation: bool, judgement: bool, reasons: tuple[str, ...], level: RiskLevel
) -> None:
    result = scoring.assess(
        answers(2, 27), DASH, escalation=escalation, professional_judgement=judgement
    )
    assert result.marac_reasons == reasons
    assert result.marac_referral_required is bool(reasons)
    assert result.level is level


def test_no_thresholds_means_standard() -> None:
    none = scoring.Thresholds(None, None, None)
    assert scoring.assess(answers(5, 5), none).level is RiskLevel.STANDARD


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"q1": True, "q2": False}, {}),
        ({"q1": True}, {"answers.q2": "missing answer"}),
        ({"q1": True, "q2": False, "q9": True}, {"answers.q9": "unknown question"}),
        ({"q1": "yes", "q2": False}, {"answers.q1": "answer must be true or false"}),
    ],
)
def test_answer_errors(given: dict[str, object], errors: dict[str, str]) -> None:
    assert scoring.answer_errors(["q1", "q2"], given) == errors


@pytest.mark.parametrize(
    ("yes_on", "dmi"), [((), False), (("q2",), False), (("q1",), True), (("q1", "q2"), True)]
)
def test_digital_questions_recommend_dmi(yes_on: tuple[str, ...], dmi: bool) -> None:
    given = {"q1": "q1" in yes_on, "q2": "q2" in yes_on}
    result = scoring.assess(given, scoring.Thresholds(None, None, None), dmi_keys=["q1"])
    assert result.dmi_recommended is dmi


@pytest.mark.parametrize(
    ("level", "due"),
    [
        (RiskLevel.HIGH, date(2025, 3, 8)),
        (RiskLevel.MEDIUM, date(2025, 3, 29)),
        (RiskLevel.STANDARD, date(2025, 4, 26)),
    ],
)
def test_review_due(level: RiskLevel, due: date) -> None:
    assert scoring.review_due(level, date(2025, 3, 1)) == due
