"""Pure risk scoring: answers -> score, level, MARAC referral and DMI recommendation.

The thresholds come from the question set's data (they are UNCONFIRMED in domain.md 2.1/2.3,
so forces change them without a code change); this module only applies them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from patternwatch.risk.enums import RiskLevel


@dataclass(frozen=True, slots=True)
class Thresholds:
    medium_from: int | None
    high_from: int | None
    marac_from: int | None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    score: int
    level: RiskLevel
    marac_referral_required: bool
    marac_reasons: tuple[str, ...]
    dmi_recommended: bool


# Days until a risk review is due, by level: force-local defaults (no national standard found).
REVIEW_DAYS: dict[RiskLevel, int] = {
    RiskLevel.HIGH: 7,
    RiskLevel.MEDIUM: 28,
    RiskLevel.STANDARD: 56,
}


def answer_errors(expected: Sequence[str], answers: Mapping[str, object]) -> dict[str, str]:
    """Field errors for missing, unknown and non-yes/no answers (empty when all is well)."""
    errors: dict[str, str] = {}
    known = set(expected)
    for key in expected:
        if key not in answers:
            errors[f"answers.{key}"] = "missing answer"
        elif not isinstance(answers[key], bool):
            errors[f"answers.{key}"] = "answer must be true or false"
    for key in answers:
        if key not in known:
            errors[f"answers.{key}"] = "unknown question"
    return errors


def score(answers: Mapping[str, bool]) -> int:
    """The number of "yes" answers."""
    return sum(1 for value in answers.values() if value is True)


def level_for(
    value: int, thresholds: Thresholds, *, professional_judgement: bool = False
) -> RiskLevel:
    """The level a score reaches; a professional's judgement of high risk overrides the score."""
    if professional_judgement:
        return RiskLevel.HIGH
    if thresholds.high_from is not None and value >= thresholds.high_from:
        return RiskLevel.HIGH
    if thresholds.medium_from is not None and value >= thresholds.medium_from:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def assess(
    answers: Mapping[str, bool],
    thresholds: Thresholds,
    *,
    dmi_keys: Sequence[str] = (),
    escalation: bool = False,
    professional_judgement: bool = False,
) -> ScoreResult:
    """Score a complete set of answers.

    MARAC referral (domain.md 2.3): visible high risk (score at or above marac_from, DASH 14),
    potential escalation, or professional judgement, whatever the score.
    """
    value = score(answers)
    reasons: list[str] = []
    if thresholds.marac_from is not None and value >= thresholds.marac_from:
        reasons.append("score")
    if escalation:
        reasons.append("escalation")
    if professional_judgement:
        reasons.append("professional_judgement")
    return ScoreResult(
        score=value,
        level=level_for(value, thresholds, professional_judgement=professional_judgement),
        marac_referral_required=bool(reasons),
        marac_reasons=tuple(reasons),
        dmi_recommended=any(answers.get(k) is True for k in dmi_keys),
    )


def review_due(level: RiskLevel, assessed_on: date) -> date:
    """When the assessment should next be reviewed."""
    return assessed_on + timedelta(days=REVIEW_DAYS[level])
