"""Table-driven tests of the screening rules (pure)."""

from __future__ import annotations

import pytest

from patternwatch.screening import text as rules


@pytest.mark.parametrize(
    ("narrative", "indicator", "words"),
    [
        ("IP ex-bf SUSP cont to msg IP 50+ msgs/day on insta", rules.REPEATED_CONTACT, "50+ msgs"),
        ("ip says her ex keeps txting her all day", rules.REPEATED_CONTACT, "keeps txting"),
        ("SUSP f/ing VIW from bus stop to home addr", rules.FOLLOWING, "f/ing"),
        ("victm says male is folowing her home", rules.FOLLOWING, "folowing"),
        ("CALLER REPORTS EX HAS BEEN FOLLOWING HER IN HIS CAR", rules.FOLLOWING, "FOLLOWING"),
        ("seen loitering near the block most evenings", rules.LOITERING, "loitering"),
        ("sits in his car opposite her house and watches her", rules.WATCHING, "watches her"),
        ("ip found a tracker on her car", rules.MONITORING, "tracker"),
        ("he logged into her icloud account", rules.MONITORING, "logged into her icloud account"),
        ("turned up at her work again", rules.TURNING_UP, "turned up at her work"),
        ("messaging her mum and sister", rules.THIRD_PARTY, "messaging her mum"),
        ("blocked him on insta but he made new accounts", rules.NEW_ACCOUNTS, "blocked him"),
        ("SUSP now using new accts from a burner", rules.NEW_ACCOUNTS, "new accts"),
        ("flowers left on her doorstep", rules.GIFTS, "flowers"),
        ("ex-p in brch of bail", rules.ORDER_BREACH, "brch"),
        ("CALLER STATES EX PARTNER IN BREACH OF NON MOL", rules.ORDER_BREACH, "BREACH"),
        ("ex said she will regret it, threatened to kill her", rules.RELATIONSHIP_THREAT, "kill"),
        ("he is obsessed with her", rules.FIXATION, "obsessed"),
        ("cannot accept the relationship is over", rules.FIXATION, "cannot accept"),
    ],
)
def test_indicator_found_with_its_words(narrative: str, indicator: str, words: str) -> None:
    result = rules.apply_rules(narrative)
    assert indicator in result.indicators
    spans = [e for e in result.evidence if e.indicator == indicator]
    assert any(words.lower() in e.text.lower() for e in spans), spans
    for e in result.evidence:
        assert narrative[e.start : e.end] == e.text


@pytest.mark.parametrize(
    "narrative",
    [
        "Officers followed procedure at the scene.",
        "OIC followed up with the witness.",
        "SUSP has not followed VIW since the order.",
        "Arrested for breach of the peace outside the pub.",
        "No further contact from the suspect.",
        "",
    ],
)
def test_hard_negatives_find_nothing_strong(narrative: str) -> None:
    result = rules.apply_rules(narrative)
    assert rules.FOLLOWING not in result.indicators
    assert rules.ORDER_BREACH not in result.indicators
    assert result.score < 0.5


@pytest.mark.parametrize(
    ("narrative", "flag"),
    [
        ("ip ex-bf keeps txting her 50+ msgs a day, blocked him but he made new account", True),
        ("Caller's ex partner seen hanging around outside her new address again.", True),
        (
            "Caller reports neighbour's tree overhanging fence, argument over cutting it back.",
            False,
        ),
        ("Caller reports burglary overnight, rear door forced, TV taken.", False),
    ],
)
def test_rule_score_separates_clear_cases(narrative: str, flag: bool) -> None:
    assert (rules.apply_rules(narrative).score >= 0.5) is flag


def test_score_is_monotone_in_indicators() -> None:
    one = rules.rule_score([rules.FOLLOWING], relationship=False)
    two = rules.rule_score([rules.FOLLOWING, rules.LOITERING], relationship=False)
    assert 0.0 < one < two < 1.0
    assert rules.rule_score([], relationship=True) < one


def test_merge_spans_joins_overlaps() -> None:
    ev = [
        rules.Evidence(rules.NEW_ACCOUNTS, 0, 10, "x" * 10),
        rules.Evidence(rules.MONITORING, 5, 12, "x" * 7),
        rules.Evidence(rules.GIFTS, 20, 25, "x" * 5),
    ]
    assert rules.merge_spans(ev) == [
        (0, 12, [rules.NEW_ACCOUNTS, rules.MONITORING]),
        (20, 25, [rules.GIFTS]),
    ]
