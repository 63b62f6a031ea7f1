"""The person matching engine at scale: blocking, batch scoring and clustering.

A million records give tens of millions of candidate pairs, too many to score one at a time in
Python. The records are coded as integer columns (numpy); blocks and pairs are built by sorting;
every comparison level is computed a column at a time, the name levels once per distinct pair of
names. The levels and weights are those of ``matching.score`` (the single-pair reference, which
the review pages use to explain a pair); tests/people/test_matching_batch.py checks that the two
agree pair by pair. ``matching.dedupe`` is the entry point. Never imports a session.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from patternwatch.people.matching import (
    _DOB_WEIGHTS,
    _FORE_WEIGHTS,
    _POSTCODE_WEIGHTS,
    _SUR_WEIGHTS,
    BROAD_KEYS,
    DEFAULT_THRESHOLD,
    FORE_FUZZY_JW,
    MAX_BLOCK,
    MAX_BROAD_BLOCK,
    SUR_FUZZY_JW,
    SUR_SIMILAR_JW,
    TF_MIN_RECORDS,
    DedupeResult,
    MatchResult,
    PersonRecord,
    _tf_weight,
    clean_name,
    clean_postcode,
    first_name_token,
    nickname_groups,
    postcode_district,
    prior_weight,
    probability,
    skeleton,
)

FORE_LEVELS = ("missing", "exact", "nickname", "fuzzy", "prefix", "initial", "different", "swapped")
SUR_LEVELS = ("missing", "exact", "fuzzy", "similar", "different", "swapped")
DOB_LEVELS = tuple(_DOB_WEIGHTS)
POSTCODE_LEVELS = tuple(_POSTCODE_WEIGHTS)
_FORE_CODE = {name: code for code, name in enumerate(FORE_LEVELS)}
_SUR_CODE = {name: code for code, name in enumerate(SUR_LEVELS)}
_SWAP_OK_FORE = (_FORE_CODE["exact"], _FORE_CODE["fuzzy"])
_SWAP_OK_SUR = (_SUR_CODE["exact"], _SUR_CODE["fuzzy"])
# Pairs scored per batch: bounds the memory of the per-pair columns on a million records.
SCORE_BATCH = 1_000_000


@dataclass(frozen=True)
class CodedRecords:
    """Normalised records as integer columns: 0 means missing in every column."""

    names: list[str]  # name code -> cleaned name (forenames and surnames share the codes)
    groups: list[frozenset[int]]  # name code -> its nickname groups
    fore: np.ndarray
    sur: np.ndarray
    skel: np.ndarray  # code of the surname's skeleton
    dob: np.ndarray  # proleptic ordinal
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    postcode: np.ndarray
    district: np.ndarray
    fk_rec: np.ndarray  # forename keys, one row per (record, key): a nickname group, or
    fk_key: np.ndarray  # the name itself (offset past the group ids) when it is in no group

    @property
    def n(self) -> int:
        return len(self.fore)


def _coder(first: str = "") -> tuple[dict[str, int], Callable[[str], int]]:
    table = {first: 0}

    def code(value: str) -> int:
        found = table.get(value)
        if found is None:
            found = table[value] = len(table)
        return found

    return table, code


def code_records(records: Sequence[PersonRecord]) -> CodedRecords:
    """Normalise every record (each distinct raw value once) into integer columns."""
    vocab, name_code = _coder()
    _, pc_code = _coder()
    _, district_code = _coder()
    _, skel_code = _coder()
    fore_memo: dict[str | None, int] = {}
    sur_memo: dict[str | None, tuple[int, int]] = {}
    pc_memo: dict[str | None, tuple[int, int]] = {}
    n = len(records)
    cols = {k: np.zeros(n, dtype=np.int64) for k in ("fore", "sur", "skel", "pc", "dist")}
    dob = np.zeros(n, dtype=np.int64)
    ymd = np.zeros((3, n), dtype=np.int64)
    fore_l, sur_l, skel_l, pc_l, dist_l = ([0] * n for _ in range(5))
    dob_l, y_l, m_l, d_l = ([0] * n for _ in range(4))
    for k, r in enumerate(records):
        f = fore_memo.get(r.forename)
        if f is None:
            f = fore_memo[r.forename] = name_code(first_name_token(r.forename))
        s = sur_memo.get(r.surname)
        if s is None:
            sur = clean_name(r.surname)
            s = sur_memo[r.surname] = (name_code(sur), skel_code(skeleton(sur)))
        p = pc_memo.get(r.postcode)
        if p is None:
            pc = clean_postcode(r.postcode)
            p = pc_memo[r.postcode] = (pc_code(pc), district_code(postcode_district(pc)))
        fore_l[k], (sur_l[k], skel_l[k]), (pc_l[k], dist_l[k]) = f, s, p
        d = r.date_of_birth
        if d is not None:
            dob_l[k], y_l[k], m_l[k], d_l[k] = d.toordinal(), d.year, d.month, d.day
    for key, values in zip(cols, (fore_l, sur_l, skel_l, pc_l, dist_l), strict=True):
        cols[key][:] = values
    dob[:] = dob_l
    ymd[0], ymd[1], ymd[2] = y_l, m_l, d_l
    names = list(vocab)
    nick = nickname_groups()
    groups = [nick.get(name, frozenset()) if name else frozenset() for name in names]
    # Forename keys per name code, then one row per (record, key).
    offset = 1 + max((g for gs in groups for g in gs), default=0)
    keys_of = [sorted(gs) or ([offset + c] if c else []) for c, gs in enumerate(groups)]
    counts = np.array([len(ks) for ks in keys_of], dtype=np.int64)
    flat = np.array([k for ks in keys_of for k in ks], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    per_rec = counts[cols["fore"]]
    fk_rec = np.repeat(np.arange(n, dtype=np.int64), per_rec)
    within = np.arange(len(fk_rec), dtype=np.int64) - np.repeat(
        np.cumsum(per_rec) - per_rec, per_rec
    )
    fk_key = flat[starts[cols["fore"][fk_rec]] + within]
    return CodedRecords(
        names, groups, cols["fore"], cols["sur"], cols["skel"], dob, ymd[0], ymd[1], ymd[2],
        cols["pc"], cols["dist"], fk_rec, fk_key,
    )  # fmt: skip


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """True where a sorted array holds a value for the first time."""
    return np.concatenate((ordered[:1] == ordered[:1], ordered[1:] != ordered[:-1]))


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique without return_inverse hashes, which is many times
    slower than sorting on tens of millions of int64 in numpy 2.x)."""
    values = np.sort(values)
    return values[_firsts(values)]


def _distinct_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and, for each value, the index of its distinct value."""
    order = np.argsort(values)
    ordered = values[order]
    first = _firsts(ordered)
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * (int(b.max(initial=0)) + 1) + b


def _block_pairs(rec: np.ndarray, key: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i < j) of records sharing a key, for keys held by 2..cap records."""
    empty = np.zeros(0, dtype=np.int64)
    if len(rec) < 2:
        return empty, empty
    order = np.lexsort((rec, key))
    key, rec = key[order], rec[order]
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(key)])))
    keep = (sizes >= 2) & (sizes <= cap)
    starts, sizes = starts[keep], sizes[keep]
    if not len(sizes):
        return empty, empty
    by_size = np.argsort(sizes, kind="stable")
    starts, sizes = starts[by_size], sizes[by_size]
    out_i, out_j = [empty], [empty]
    bounds = np.flatnonzero(np.concatenate(([True], sizes[1:] != sizes[:-1], [True])))
    for lo, hi in itertools.pairwise(bounds.tolist()):
        size = int(sizes[lo])
        members = rec[starts[lo:hi, None] + np.arange(size)]
        iu, ju = np.triu_indices(size, 1)
        out_i.append(members[:, iu].ravel())
        out_j.append(members[:, ju].ravel())
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    distinct = i < j  # (a record is never twice under one key, but be safe)
    return i[distinct], j[distinct]


def candidate_pairs(t: CodedRecords) -> np.ndarray:
    """Pair codes ``i * n + j`` (i < j, sorted, distinct) of the records sharing a blocking key.

    Whichever single field (forename, surname, date of birth, postcode) was changed, a true
    duplicate shares at least one key (docs/matching.md lists them). A key held by more than
    MAX_BLOCK records (MAX_BROAD_BLOCK for the broad ones) is skipped for that key only.
    """
    has_f, has_s, has_d, has_p = t.fore > 0, t.sur > 0, t.dob > 0, t.postcode > 0
    fr, fk = t.fk_rec, t.fk_key
    f_d, f_s, f_p = has_d[fr], has_s[fr], has_p[fr]
    sd, sp, dp, fs_ = has_s & has_d, has_s & has_p, has_d & has_p, has_f & has_s
    recs = np.arange(t.n, dtype=np.int64)
    lo, hi = np.minimum(t.fore, t.sur), np.maximum(t.fore, t.sur)
    keys: list[tuple[str, np.ndarray, np.ndarray]] = [
        ("sd", recs[sd], _pair_key(t.sur[sd], t.dob[sd])),
        ("fd", fr[f_d], _pair_key(fk[f_d], t.dob[fr[f_d]])),
        # Two slips at once (a typo and a transposed or mistyped date) still share these.
        ("fy", fr[f_d], _pair_key(fk[f_d], t.year[fr[f_d]])),
        ("sy", recs[sd], _pair_key(t.sur[sd], t.year[sd])),
        ("fs", fr[f_s], _pair_key(fk[f_s], t.sur[fr[f_s]])),
        # A surname typo (a vowel, a doubled letter) keeps the consonant skeleton.
        ("fk", fr[f_s], _pair_key(fk[f_s], t.skel[fr[f_s]])),
        ("sp", recs[sp], _pair_key(t.sur[sp], t.postcode[sp])),
        # The swap: the same unordered pair of names.
        ("pair", recs[fs_], _pair_key(lo[fs_], hi[fs_])),
        ("dp", recs[dp], _pair_key(t.dob[dp], t.postcode[dp])),
        ("fp", fr[f_p], _pair_key(fk[f_p], t.postcode[fr[f_p]])),
    ]
    found = [np.zeros(0, dtype=np.int64)]
    for kind, rec, key in keys:
        i, j = _block_pairs(rec, key, MAX_BROAD_BLOCK if kind in BROAD_KEYS else MAX_BLOCK)
        found.append(_distinct(i * t.n + j))
    return _distinct(np.concatenate(found))


# ---- Names compared a column at a time ---------------------------------------------------------


def char_matrix(names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cleaned names (ASCII letters) as a zero-padded byte matrix, and their lengths."""
    lengths = np.array([len(name) for name in names], dtype=np.int64)
    chars = np.zeros((len(names), max(1, int(lengths.max(initial=0)))), dtype=np.uint8)
    for code, name in enumerate(names):
        if name:
            chars[code, : len(name)] = np.frombuffer(name.encode("ascii", "replace"), np.uint8)
    return chars, lengths


def osa_at_most_one(a: np.ndarray, b: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """Optimal string alignment distance <= 1 for each row pair of padded byte matrices: equal,
    one substitution, one insertion or deletion, or one swap of adjacent letters."""
    diff = a != b
    ndiff = diff.sum(axis=1)
    same = la == lb
    swapped = np.zeros(len(la), dtype=bool)
    if a.shape[1] > 1:
        swapped = (
            diff[:, :-1] & diff[:, 1:] & (a[:, :-1] == b[:, 1:]) & (a[:, 1:] == b[:, :-1])
        ).any(axis=1)
    longer = np.where((la > lb)[:, None], a, b)
    shorter = np.where((la > lb)[:, None], b, a)
    short_len = np.minimum(la, lb)
    lead = np.cumprod(longer == shorter, axis=1).sum(axis=1)
    # After the first difference the longer name, one letter on, must equal the shorter one.
    k = np.arange(a.shape[1] - 1)
    bad = (
        (longer[:, 1:] != shorter[:, :-1]) & (k >= lead[:, None]) & (k < short_len[:, None])
    ).any(axis=1)
    indel = (np.abs(la - lb) == 1) & ~bad
    return (same & (ndiff <= 1)) | (same & (ndiff == 2) & swapped) | indel


def jaro_winkler_rows(a: np.ndarray, b: np.ndarray, la: np.ndarray, lb: np.ndarray) -> np.ndarray:
    """``matching._py_jaro_winkler`` for each row pair of padded byte matrices, with the same
    greedy matching and the same arithmetic in the same order (so the same floats)."""
    n = len(la)
    out = np.zeros(n, dtype=np.float64)
    if not n:
        return out
    width = max(1, int(max(la.max(), lb.max())))
    a, b = a[:, :width], b[:, :width]
    window = np.maximum(np.maximum(la, lb) // 2 - 1, 0)
    reach = int(window.max())
    a_used = np.zeros((n, width), dtype=bool)
    b_used = np.zeros((n, width), dtype=bool)
    for i in range(width):
        found = ~(i < la)
        for j in range(max(0, i - reach), min(width, i + reach + 1)):
            hit = ~found & ~b_used[:, j] & (b[:, j] == a[:, i]) & (j < lb) & (window >= abs(i - j))
            b_used[:, j] |= hit
            found |= hit
        a_used[:, i] = found & (i < la)
    matches = a_used.sum(axis=1)
    # The k-th matched letter of one name against the k-th of the other.
    seq_a = np.zeros((n, width), dtype=np.uint8)
    seq_b = np.zeros((n, width), dtype=np.uint8)
    rows, cols = np.nonzero(a_used)
    seq_a[rows, np.cumsum(a_used, axis=1)[rows, cols] - 1] = a[rows, cols]
    rows, cols = np.nonzero(b_used)
    seq_b[rows, np.cumsum(b_used, axis=1)[rows, cols] - 1] = b[rows, cols]
    transpositions = (seq_a != seq_b).sum(axis=1)
    ok = (matches > 0) & (la > 0) & (lb > 0)
    m = matches[ok].astype(np.float64)
    jaro = (m / la[ok] + m / lb[ok] + (m - transpositions[ok] / 2) / m) / 3
    k = min(4, width)
    agree = (a[:, :k] == b[:, :k]) & (np.arange(k) < np.minimum(la, lb)[:, None])
    prefix = np.cumprod(agree, axis=1).sum(axis=1)[ok]
    out[ok] = jaro + prefix * 0.1 * (1 - jaro)
    return out


class _NameLevels:
    """The forename or surname levels of ``matching`` for arrays of name-code pairs, computed
    a column at a time, once per distinct pair of names over all the batches of a dedupe."""

    def __init__(
        self,
        chars: np.ndarray,
        lengths: np.ndarray,
        *,
        surname: bool,
        nickname_keys: np.ndarray | None = None,
    ) -> None:
        self.chars, self.lengths, self.surname = chars, lengths, surname
        self.nickname_keys = nickname_keys
        weights = _SUR_WEIGHTS if surname else _FORE_WEIGHTS
        levels = SUR_LEVELS if surname else FORE_LEVELS
        self.weights = np.array([weights.get(name, 0.0) for name in levels])
        # The name pairs already compared (sorted keys) and their levels.
        self.known_keys = np.zeros(0, dtype=np.int64)
        self.known_levels = np.zeros(0, dtype=np.int8)

    def __call__(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        width = len(self.lengths)
        keys, inverse = _distinct_inverse(a * width + b)
        level = np.zeros(len(keys), dtype=np.int8)
        new = np.ones(len(keys), dtype=bool)
        if len(self.known_keys):
            at = np.minimum(np.searchsorted(self.known_keys, keys), len(self.known_keys) - 1)
            new = self.known_keys[at] != keys
            level[~new] = self.known_levels[at[~new]]
        if new.any():
            fresh = keys[new]
            level[new] = self.levels(fresh // width, fresh % width, fresh)
            merged = np.concatenate((self.known_keys, fresh))
            order = np.argsort(merged)
            self.known_keys = merged[order]
            self.known_levels = np.concatenate((self.known_levels, level[new]))[order]
        return level[inverse], self.weights[level][inverse]

    def levels(self, ca: np.ndarray, cb: np.ndarray, keys: np.ndarray) -> np.ndarray:
        codes = _SUR_CODE if self.surname else _FORE_CODE
        la, lb = self.lengths[ca], self.lengths[cb]
        level = np.full(len(ca), codes["different"], dtype=np.int8)
        open_ = np.ones(len(ca), dtype=bool)

        def decide(mask: np.ndarray, name: str) -> None:
            hit = open_ & mask
            level[hit] = codes[name]
            open_[hit] = False

        decide((la == 0) | (lb == 0), "missing")
        decide(ca == cb, "exact")
        if self.nickname_keys is not None:
            decide(np.isin(keys, self.nickname_keys), "nickname")
        rest = np.flatnonzero(open_)
        a, b = self.chars[ca[rest]], self.chars[cb[rest]]
        close = osa_at_most_one(a, b, la[rest], lb[rest])
        jw = np.zeros(len(ca))
        far = rest[~close]
        jw[far] = jaro_winkler_rows(a[~close], b[~close], la[far], lb[far])
        is_close = np.zeros(len(ca), dtype=bool)
        is_close[rest] = close
        if self.surname:
            decide(is_close | (jw >= SUR_FUZZY_JW), "fuzzy")
            decide(jw >= SUR_SIMILAR_JW, "similar")
            return level
        decide(is_close | (jw >= FORE_FUZZY_JW), "fuzzy")
        chars_a, chars_b = self.chars[ca], self.chars[cb]
        lead = np.cumprod(chars_a == chars_b, axis=1).sum(axis=1)
        decide((la >= 3) & (lb >= 3) & (lead >= np.minimum(la, lb)), "prefix")
        decide((chars_a[:, 0] == chars_b[:, 0]) & ((la == 1) | (lb == 1)), "initial")
        return level


def nickname_pair_keys(groups: Sequence[frozenset[int]]) -> np.ndarray:
    """Keys ``a * len(groups) + b`` of the name codes that share a nickname group."""
    members: dict[int, list[int]] = {}
    for code, gs in enumerate(groups):
        for g in gs:
            members.setdefault(g, []).append(code)
    width = len(groups)
    keys = {a * width + b for codes in members.values() for a in codes for b in codes if a != b}
    return np.array(sorted(keys), dtype=np.int64)


@dataclass
class BatchScores:
    """The scores of a batch of pairs, one entry per pair (level codes index the *_LEVELS)."""

    i: np.ndarray
    j: np.ndarray
    weight: np.ndarray
    fore: np.ndarray
    sur: np.ndarray
    dob: np.ndarray
    postcode: np.ndarray

    def result(self, k: int) -> MatchResult:
        levels = {
            "forename": FORE_LEVELS[self.fore[k]],
            "surname": SUR_LEVELS[self.sur[k]],
            "date_of_birth": DOB_LEVELS[self.dob[k]],
            "postcode": POSTCODE_LEVELS[self.postcode[k]],
        }
        w = float(self.weight[k])
        return MatchResult(weight=w, probability=probability(w), levels=levels)


class BatchScorer:
    """Scores pairs of coded records exactly as ``_compare`` does, a column at a time."""

    def __init__(
        self,
        t: CodedRecords,
        *,
        term_frequencies: bool | None = None,
        prior: float | None = None,
    ) -> None:
        self.t = t
        self.prior = prior_weight(t.n) if prior is None else prior
        names, groups = t.names, t.groups
        chars, lengths = char_matrix(names)
        self.fore_levels = _NameLevels(
            chars, lengths, surname=False, nickname_keys=nickname_pair_keys(groups)
        )
        # The swap compares a forename with a surname: no nickname level.
        self.swap_levels = _NameLevels(chars, lengths, surname=False)
        self.sur_levels = _NameLevels(chars, lengths, surname=True)
        if term_frequencies is None:
            term_frequencies = t.n >= TF_MIN_RECORDS
        self.fore_tf = self.sur_tf = None
        if term_frequencies:
            width = len(names)
            fcount = np.bincount(t.fore[t.fore > 0], minlength=width).tolist()
            scount = np.bincount(t.sur[t.sur > 0], minlength=width).tolist()
            self.fore_tf = np.array([_tf_weight(c, t.n, low=3.0, high=9.0) for c in fcount])
            self.sur_tf = np.array([_tf_weight(c, t.n, low=4.0, high=12.0) for c in scount])

    def score(self, i: np.ndarray, j: np.ndarray) -> BatchScores:
        t = self.t
        fa, fb, sa, sb = t.fore[i], t.fore[j], t.sur[i], t.sur[j]
        f_lv, f_w = self.fore_levels(fa, fb)
        s_lv, s_w = self.sur_levels(sa, sb)
        if self.fore_tf is not None and self.sur_tf is not None:
            f_w = np.where(f_lv == _FORE_CODE["exact"], self.fore_tf[fa], f_w)
            s_w = np.where(s_lv == _SUR_CODE["exact"], self.sur_tf[sa], s_w)
        name_w = f_w + s_w
        # Forename and surname keyed the wrong way round on one record.
        maybe = np.flatnonzero((fa > 0) & (sa > 0) & (fb > 0) & (sb > 0) & (name_w < 8.0))
        if len(maybe):
            sf_lv, sf_w = self.swap_levels(fa[maybe], sb[maybe])
            ss_lv, ss_w = self.sur_levels(sa[maybe], fb[maybe])
            swapped_w = sf_w + ss_w - 1.0
            better = (
                np.isin(sf_lv, _SWAP_OK_FORE)
                & np.isin(ss_lv, _SWAP_OK_SUR)
                & (swapped_w > name_w[maybe])
            )
            at = maybe[better]
            name_w[at] = swapped_w[better]
            f_lv[at], s_lv[at] = _FORE_CODE["swapped"], _SUR_CODE["swapped"]
        d_lv = self._dob_levels(i, j)
        p_lv = self._postcode_levels(i, j)
        weight = (
            self.prior
            + name_w
            + np.array(list(_DOB_WEIGHTS.values()))[d_lv]
            + np.array(list(_POSTCODE_WEIGHTS.values()))[p_lv]
        )
        return BatchScores(i, j, weight, f_lv, s_lv, d_lv, p_lv)

    def _dob_levels(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        t = self.t
        ya, yb, ma, mb, da, db = t.year[i], t.year[j], t.month[i], t.month[j], t.day[i], t.day[j]
        # Digits of YYYY-MM-DD that differ (the "one digit wrong" level).
        digits = sum(
            ((a // p) % 10 != (b // p) % 10).astype(np.int64)
            for a, b, powers in ((ya, yb, (1000, 100, 10, 1)), (ma, mb, (10, 1)), (da, db, (10, 1)))
            for p in powers
        )
        conditions = [
            (t.dob[i] == 0) | (t.dob[j] == 0),
            t.dob[i] == t.dob[j],
            (ya == yb) & (da == mb) & (ma == db),
            (ma == mb) & (da == db) & (np.abs(ya - yb) == 1),
            digits == 1,
        ]
        return np.select(conditions, range(len(conditions)), len(conditions)).astype(np.int8)

    def _postcode_levels(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        t = self.t
        pa, pb = t.postcode[i], t.postcode[j]
        conditions = [(pa == 0) | (pb == 0), pa == pb, t.district[i] == t.district[j]]
        return np.select(conditions, range(3), 3).astype(np.int8)


def probabilities(weight: np.ndarray) -> np.ndarray:
    """``probability`` over an array of match weights."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60.0, 60.0)))


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each of ``n`` records, the smallest record index joined to it through the pairs."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    return first[labels]


def dedupe_batch(
    records: Sequence[PersonRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    keep_pairs_above: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DedupeResult:
    """``matching.dedupe``: cluster records into people."""
    n = len(records)
    coded = code_records(records)
    candidates = candidate_pairs(coded)
    scorer = BatchScorer(coded)
    total = len(candidates)
    joined_i, joined_j = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    kept: list[tuple[int, int, MatchResult]] = []
    for start in range(0, total, SCORE_BATCH):
        batch = candidates[start : start + SCORE_BATCH]
        scores = scorer.score(batch // n, batch % n)
        prob = probabilities(scores.weight)
        joined = prob >= threshold
        joined_i.append(scores.i[joined])
        joined_j.append(scores.j[joined])
        if keep_pairs_above is not None:
            for k in np.flatnonzero(prob >= keep_pairs_above).tolist():
                kept.append((int(scores.i[k]), int(scores.j[k]), scores.result(k)))
        if progress is not None:
            progress(min(start + SCORE_BATCH, total), total)
    if progress is not None and not total:
        progress(0, 0)
    first = clusters(n, np.concatenate(joined_i), np.concatenate(joined_j))
    ids = [records[k].record_id for k in first.tolist()]
    return DedupeResult(person_ids=ids, pairs=kept, n_candidates=total)
