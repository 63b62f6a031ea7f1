"""The batch engine (integer columns, numpy) against the single-pair reference: the same candidate
pairs as the per-record blocking keys below, and the same levels and weights as ``score``."""

from __future__ import annotations

import csv
import math
import random
from collections import defaultdict
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from patternwatch.people import matching, matching_batch
from patternwatch.people.matching import PersonRecord

DATA = Path(__file__).resolve().parents[1] / "data"


# ---- The reference: blocking keys per record, as docs/matching.md states them ------------------


def reference_keys(n: matching._Norm) -> list[tuple[object, ...]]:
    keys: list[tuple[object, ...]] = []
    fore_keys = [("g", g) for g in sorted(n.fore_groups)] or ([("f", n.fore)] if n.fore else [])
    if n.sur and n.dob:
        keys.append(("sd", n.sur, n.dob))
        keys.append(("sy", n.sur, n.dob.year))
    if n.dob:
        keys.extend(("fd", fk, n.dob) for fk in fore_keys)
        keys.extend(("fy", fk, n.dob.year) for fk in fore_keys)
    if n.sur:
        keys.extend(("fs", fk, n.sur) for fk in fore_keys)
        keys.extend(("fk", fk, matching.skeleton(n.sur)) for fk in fore_keys)
        if n.postcode:
            keys.append(("sp", n.sur, n.postcode))
        if n.fore:
            keys.append(("pair", *sorted((n.fore, n.sur))))
    if n.dob and n.postcode:
        keys.append(("dp", n.dob, n.postcode))
    if n.fore and n.postcode:
        keys.extend(("fp", fk, n.postcode) for fk in fore_keys)
    return keys


def reference_candidates(norms: list[matching._Norm]) -> set[tuple[int, int]]:
    blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, n in enumerate(norms):
        for key in reference_keys(n):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        cap = matching.MAX_BROAD_BLOCK if key[0] in matching.BROAD_KEYS else matching.MAX_BLOCK
        if 1 < len(members) <= cap:
            pairs.update(combinations(members, 2))
    return pairs


def hand_records() -> list[PersonRecord]:
    with (DATA / "people_labelled.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
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


def noisy_records(n: int, seed: int = 3) -> list[PersonRecord]:
    """People from a few names, many of them recorded again with one slip: enough records for
    the term-frequency weights and for some blocks to exceed their caps."""
    rng = random.Random(seed)
    fores = ["Katherine", "Kate", "John", "Jon", "Mohammed", "Siobhan", "Bob", "Robert", "Zoë"]
    surs = ["Smith", "Smyth", "Wilson", "Willson", "Okafor", "O'Brien", "Nowak", "Patel"]
    out: list[PersonRecord] = []
    for k in range(n):
        if out and rng.random() < 0.4:
            b = out[rng.randrange(len(out))]
            fore, sur, dob, pc = b.forename, b.surname, b.date_of_birth, b.postcode
            slip = rng.randrange(5)
            if slip == 0:
                fore, sur = sur, fore
            elif slip == 1 and dob:
                dob = date(dob.year, dob.day, dob.month) if dob.day <= 12 else None
            elif slip == 2:
                pc = None
            elif slip == 3 and sur:
                sur = sur[:-1]
            else:
                fore = rng.choice(fores) if rng.random() < 0.5 else None
        else:
            fore, sur = rng.choice(fores), rng.choice(surs)
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(3000))
            if rng.random() < 0.15:
                dob = None
            pc = rng.choice(["AL1 3QT", "AL13QT", "SG1 1AA", "SG1 2BB", "WD17 1XY", None])
        out.append(PersonRecord(str(k), fore, sur, dob, pc))
    return out


@pytest.mark.parametrize(
    "records", [hand_records(), noisy_records(2500)], ids=["hand-labelled", "noisy-2500"]
)
def test_batch_matches_reference(records):
    norms = [matching._norm(r) for r in records]
    coded = matching_batch.code_records(records)
    n = len(records)
    codes = matching_batch.candidate_pairs(coded)
    batch = {(int(c // n), int(c % n)) for c in codes}
    assert batch == reference_candidates(norms)
    assert len(codes) == len(batch)

    tf = matching.name_frequencies(norms)
    scorer = matching_batch.BatchScorer(coded)
    # In batches (as dedupe does): the name levels of one batch are remembered for the next.
    for start in range(0, len(codes), 20_000):
        part = codes[start : start + 20_000]
        scores = scorer.score(part // n, part % n)
        for k, (i, j) in enumerate(zip(scores.i.tolist(), scores.j.tolist(), strict=True)):
            expected = matching._compare(norms[i], norms[j], tf)
            got = scores.result(k)
            assert got.levels == expected.levels, (records[i], records[j])
            assert got.weight == pytest.approx(expected.weight)


@pytest.mark.parametrize(
    ("rec", "key", "cap", "pairs"),
    [
        ([], [], 5, set()),
        ([0], [1], 5, set()),
        ([0, 1, 2], [7, 7, 7], 5, {(0, 1), (0, 2), (1, 2)}),
        ([2, 0, 1], [7, 7, 7], 2, set()),  # over the cap: skipped
        ([3, 0, 1, 2], [9, 7, 9, 7], 5, {(0, 2), (1, 3)}),
        ([4, 1, 0, 3, 2], [5, 5, 6, 6, 6], 2, {(1, 4)}),
    ],
)
def test_block_pairs(rec, key, cap, pairs):
    i, j = matching_batch._block_pairs(np.array(rec, np.int64), np.array(key, np.int64), cap)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == pairs


@pytest.mark.parametrize(
    ("n", "pairs", "expected"),
    [
        (0, [], []),
        (3, [], [0, 1, 2]),
        (4, [(2, 3), (0, 2)], [0, 1, 0, 0]),
        (5, [(3, 4), (1, 4)], [0, 1, 2, 1, 1]),
    ],
)
def test_clusters(n, pairs, expected):
    i = np.array([p[0] for p in pairs], np.int64)
    j = np.array([p[1] for p in pairs], np.int64)
    assert matching_batch.clusters(n, i, j).tolist() == expected


@pytest.mark.parametrize(
    ("values", "distinct", "inverse"),
    [
        ([], [], []),
        ([5], [5], [0]),
        ([3, 1, 3, 2, 1], [1, 2, 3], [2, 0, 2, 1, 0]),
        ([2**40, 7, 2**40], [7, 2**40], [1, 0, 1]),
    ],
)
def test_distinct(values, distinct, inverse):
    array = np.array(values, dtype=np.int64)
    assert matching_batch._distinct(array).tolist() == distinct
    got_distinct, got_inverse = matching_batch._distinct_inverse(array)
    assert got_distinct.tolist() == distinct
    assert got_inverse.tolist() == inverse


D = date(1988, 3, 4)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (D, None, "missing"),
        (D, D, "exact"),
        (D, date(1988, 4, 3), "transposed"),
        (D, date(1989, 3, 4), "year_off"),
        (D, date(1987, 3, 4), "year_off"),
        (D, date(1998, 3, 4), "one_digit"),
        (D, date(1988, 3, 5), "one_digit"),
        (D, date(1988, 9, 4), "one_digit"),
        (D, date(1961, 7, 2), "different"),
        (date(1999, 12, 31), date(2000, 12, 31), "year_off"),
        (date(1999, 12, 31), date(1999, 12, 30), "one_digit"),
    ],
)
def test_dob_levels_batch_and_single(a, b, level):
    records = [PersonRecord("a", "Ann", "Lee", a), PersonRecord("b", "Ann", "Lee", b)]
    scores = matching_batch.BatchScorer(matching_batch.code_records(records)).score(
        np.array([0]), np.array([1])
    )
    assert scores.result(0).levels["date_of_birth"] == level
    assert matching.score(*records).levels["date_of_birth"] == level


def test_forename_in_two_nickname_groups_gets_a_key_for_each():
    groups = matching.nickname_groups()
    name = next(n for n, g in groups.items() if len(g) > 1)
    coded = matching_batch.code_records([PersonRecord("a", name.title(), "Lee"), PersonRecord("b")])
    assert coded.fk_rec.tolist() == [0] * len(groups[name])
    assert sorted(coded.fk_key.tolist()) == sorted(groups[name])


def test_dedupe_keeps_review_pairs_and_counts_candidates():
    records = [
        PersonRecord("1", "Katherine", "Wilson", D, "AL1 3QT"),
        PersonRecord("2", "Kate", "Wilson", D, None),
        PersonRecord("3", "Mark", "Okafor", date(1970, 1, 1), "SG1 1AA"),
    ]
    result = matching.dedupe(records, keep_pairs_above=0.5)
    assert result.person_ids == ["1", "1", "3"]
    assert result.n_candidates == 1
    [(i, j, pair)] = result.pairs
    assert (i, j) == (0, 1)
    assert pair.levels["forename"] == "nickname"
    assert pair == matching.score(records[0], records[1])


def name_variants() -> list[str]:
    """Names and their slips: typos, swaps of adjacent letters, insertions, deletions, prefixes,
    initials, nicknames, long and one-letter names."""
    base = [
        "katherine", "kate", "katie", "catherine", "wilson", "willson", "smith", "smyth",
        "mohammed", "muhammad", "siobhan", "shivaun", "jon", "john", "jonathan", "bob", "robert",
        "okafor", "martha", "marhta", "dixon", "dicksonx", "a", "k", "jo", "alexandra",
        "featherstonehaugh", "abcdefghijklmnopqrst", "aaab", "abab",
    ]  # fmt: skip
    rng = random.Random(5)
    out = set(base)
    for name in base:
        for _ in range(2):
            k = rng.randrange(len(name))
            out.add(name[:k] + name[k + 1 :])  # deletion
            out.add(name[:k] + rng.choice("aeiost") + name[k:])  # insertion
            out.add(name[:k] + rng.choice("aeiost") + name[k + 1 :])  # substitution
            if k + 1 < len(name):
                out.add(name[:k] + name[k + 1] + name[k] + name[k + 2 :])  # adjacent swap
    return sorted(n for n in out if n)


def test_name_levels_batch_match_single_pair_functions():
    names = ["", *name_variants()]
    nick = matching.nickname_groups()
    groups = [nick.get(n, frozenset()) for n in names]
    chars, lengths = matching_batch.char_matrix(names)
    codes = np.arange(len(names), dtype=np.int64)
    a, b = (x.ravel() for x in np.meshgrid(codes, codes, indexing="ij"))
    fore = matching_batch._NameLevels(
        chars, lengths, surname=False, nickname_keys=matching_batch.nickname_pair_keys(groups)
    )
    sur = matching_batch._NameLevels(chars, lengths, surname=True)
    # Twice, overlapping: the second call answers from what the first remembered.
    half = len(a) // 2
    fore(a[half // 2 : half], b[half // 2 : half])
    sur(a[:half], b[:half])
    f_lv, f_w = fore(a, b)
    s_lv, s_w = sur(a, b)
    close = matching_batch.osa_at_most_one(chars[a], chars[b], lengths[a], lengths[b])
    jw = matching_batch.jaro_winkler_rows(chars[a], chars[b], lengths[a], lengths[b])
    for k, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        na, nb = names[x], names[y]
        f_expected = matching._fore_level(na, nb, groups[x], groups[y])
        assert (matching_batch.FORE_LEVELS[f_lv[k]], f_w[k]) == f_expected, (na, nb)
        assert (matching_batch.SUR_LEVELS[s_lv[k]], s_w[k]) == matching._sur_level(na, nb)
        assert close[k] == (matching._py_damerau_levenshtein(na, nb, 2) <= 1), (na, nb)
        assert jw[k] == matching._py_jaro_winkler(na, nb), (na, nb)


@pytest.mark.parametrize(
    ("n", "prior"),
    [
        (0, -14.0),
        (160, -14.0),
        (50_000, -14.0),
        (100_000, -14.5),
        (200_000, -15.0),
        (1_000_000, -14.0 - 0.5 * math.log2(20)),
    ],
)
def test_prior_weight_falls_with_the_size_of_the_index(n, prior):
    assert matching.prior_weight(n) == pytest.approx(prior)


def test_batch_prior_moves_every_weight_and_single_pair_agrees():
    records = [PersonRecord("a", "Ann", "Lee", D), PersonRecord("b", "Ann", "Lee", None, "AL1 1AA")]
    coded = matching_batch.code_records(records)
    i, j = np.array([0]), np.array([1])
    usual = matching_batch.BatchScorer(coded).score(i, j).weight[0]
    lower = matching_batch.BatchScorer(coded, prior=-16.0).score(i, j).weight[0]
    assert lower == pytest.approx(usual - 2.0)
    norms = [matching._norm(r) for r in records]
    assert matching._compare(*norms, prior=-16.0).weight == pytest.approx(lower)
