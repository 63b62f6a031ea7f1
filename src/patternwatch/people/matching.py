"""Pure person matching: normalise, block, score pairs and cluster records into people.

A Fellegi-Sunter style score with fixed match weights (log2 of m/u) per field, written by hand
so every level is explainable to a reviewer: forename (exact, nickname, fuzzy), surname (exact,
fuzzy), date of birth (exact, day and month transposed, year one out, one digit wrong),
postcode (exact, same district) and a forename/surname swap. docs/matching.md gives the weights,
the measured precision/recall against the generator and the hand-labelled set, and why this
engine is the default over the Splink one (matching_splink.py). Never imports a session.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

# Probability above which two records are the same person (clustered and offered to merge).
DEFAULT_THRESHOLD = 0.9
# Prior match weight: log2 of the odds that two records sharing a blocking key are the same
# person before the fields are compared (calibrated on generator data, docs/matching.md).
PRIOR_WEIGHT = -14.0
# A blocking key shared by more records than this is skipped for that key only (common
# name + year blocks would otherwise make the work quadratic); the other keys still pair them.
MAX_BLOCK = 300
# The broad keys (names without a date, or with only the birth year) grow fastest with the size
# of the index; a common name's block is skipped for them sooner (its duplicates that keep a date
# of birth or postcode still meet on the narrow keys).
MAX_BROAD_BLOCK = 60
BROAD_KEYS = frozenset({"fs", "fk", "pair", "fy", "sy"})


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """What one person record says; any field may be missing."""

    record_id: str
    forename: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    postcode: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class _Norm:
    fore: str
    sur: str
    fore_groups: frozenset[int]
    dob: date | None
    postcode: str
    district: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A scored pair: the total match weight, the probability and each field's level."""

    weight: float
    probability: float
    levels: dict[str, str] = field(hash=False, compare=False)

    @property
    def is_match(self) -> bool:
        return self.probability >= DEFAULT_THRESHOLD


# ---- Normalising -------------------------------------------------------------------------------


def clean_name(value: str | None) -> str:
    """Lower case ASCII letters only: accents folded, punctuation and spaces removed."""
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", folded.lower())


def first_name_token(value: str | None) -> str:
    """The first word of a forename field ("Mary Ann" -> "mary")."""
    if not value:
        return ""
    parts = value.strip().split()
    return clean_name(parts[0]) if parts else ""


def clean_postcode(value: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def postcode_district(clean: str) -> str:
    """The outward code of a cleaned postcode (the last three characters are the inward code)."""
    return clean[:-3] if len(clean) >= 5 else clean


@cache
def nickname_groups() -> dict[str, frozenset[int]]:
    """Map each forename in the shipped nickname table to the groups it belongs to."""
    groups: dict[str, set[int]] = defaultdict(set)
    with (DATA_DIR / "nicknames.csv").open(encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip() and not line.startswith("#")]
    for index, row in enumerate(csv.reader(rows)):
        for name in row:
            if name.strip():
                groups[clean_name(name)].add(index)
    return {name: frozenset(ids) for name, ids in groups.items()}


def same_nickname_group(a: str, b: str) -> bool:
    """True if two (cleaned) forenames are forms of one another in the nickname table."""
    groups = nickname_groups()
    return bool(groups.get(a, frozenset()) & groups.get(b, frozenset()))


def _norm(rec: PersonRecord) -> _Norm:
    fore = first_name_token(rec.forename)
    pc = clean_postcode(rec.postcode)
    return _Norm(
        fore=fore,
        sur=clean_name(rec.surname),
        fore_groups=nickname_groups().get(fore, frozenset()),
        dob=rec.date_of_birth,
        postcode=pc,
        district=postcode_district(pc),
    )


# ---- String similarity -------------------------------------------------------------------------


def _py_jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity (0..1) with the usual 0.1 prefix scale over up to 4 characters."""
    if a == b:
        return 1.0 if a else 0.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    a_used = [False] * la
    b_used = [False] * lb
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(lb, i + window + 1)
        for j in range(lo, hi):
            if not b_used[j] and b[j] == ch:
                a_used[i] = b_used[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    k = transpositions = 0
    for i in range(la):
        if a_used[i]:
            while not b_used[k]:
                k += 1
            if a[i] != b[k]:
                transpositions += 1
            k += 1
    m = float(matches)
    jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _py_damerau_levenshtein(a: str, b: str, cap: int = 3) -> int:
    """Optimal string alignment distance (adjacent swaps cost 1), stopping early above ``cap``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > cap:
            return cap + 1
        prev2, prev = prev, cur
    return prev[-1]


try:  # rapidfuzz's C implementations give the same numbers some 30 times faster.
    from rapidfuzz.distance import OSA as _OSA
    from rapidfuzz.distance import JaroWinkler as _JW
except ImportError:  # pragma: no cover - the pure versions are the reference
    _OSA = _JW = None


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity (0..1) with the usual 0.1 prefix scale."""
    if _JW is not None:
        return float(_JW.similarity(a, b)) if a and b else (1.0 if a == b and a else 0.0)
    return _py_jaro_winkler(a, b)


def damerau_levenshtein(a: str, b: str, cap: int = 3) -> int:
    """Optimal string alignment distance (adjacent swaps cost 1), at most ``cap + 1``."""
    if _OSA is not None:
        return min(int(_OSA.distance(a, b, score_cutoff=cap)), cap + 1)
    return _py_damerau_levenshtein(a, b, cap)


# ---- Comparison levels (weights are log2(m/u); docs/matching.md) -------------------------------


@lru_cache(maxsize=500_000)
def _fore_level(a: str, b: str, ga: frozenset[int], gb: frozenset[int]) -> tuple[str, float]:
    if not a or not b:
        return "missing", 0.0
    if a == b:
        return "exact", 6.0
    if ga & gb:
        return "nickname", 5.0
    if damerau_levenshtein(a, b, 2) <= 1 or jaro_winkler(a, b) >= 0.92:
        return "fuzzy", 4.0
    if len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)):
        return "prefix", 3.0
    if a[0] == b[0] and (len(a) == 1 or len(b) == 1):
        return "initial", 1.5
    return "different", -4.0


@lru_cache(maxsize=500_000)
def _sur_level(a: str, b: str) -> tuple[str, float]:
    if not a or not b:
        return "missing", 0.0
    if a == b:
        return "exact", 8.0
    if damerau_levenshtein(a, b, 2) <= 1 or jaro_winkler(a, b) >= 0.93:
        return "fuzzy", 6.0
    if jaro_winkler(a, b) >= 0.85:
        return "similar", 2.0
    return "different", -6.0


_DOB_WEIGHTS = {
    "missing": 0.0,
    "exact": 10.0,
    "transposed": 7.0,
    "year_off": 6.0,
    "one_digit": 3.0,
    "different": -8.0,
}
# People move: a different postcode is weak evidence against.
_POSTCODE_WEIGHTS = {"missing": 0.0, "exact": 4.0, "district": 1.0, "different": -1.0}


def _dob_level(a: date | None, b: date | None) -> tuple[str, float]:
    level = _dob_level_name(a, b)
    return level, _DOB_WEIGHTS[level]


def _dob_level_name(a: date | None, b: date | None) -> str:
    if a is None or b is None:
        return "missing"
    if a == b:
        return "exact"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "transposed"
    if a.month == b.month and a.day == b.day and abs(a.year - b.year) == 1:
        return "year_off"
    diffs = sum(x != y for x, y in zip(a.isoformat(), b.isoformat(), strict=True))
    return "one_digit" if diffs == 1 else "different"


def _postcode_level(a: _Norm, b: _Norm) -> tuple[str, float]:
    if not a.postcode or not b.postcode:
        level = "missing"
    elif a.postcode == b.postcode:
        level = "exact"
    else:
        level = "district" if a.district == b.district else "different"
    return level, _POSTCODE_WEIGHTS[level]


@dataclass(frozen=True)
class NameFrequencies:
    """Term frequencies of cleaned forenames and surnames in the data being matched: an exact
    agreement on a rare name is stronger evidence than one on Smith (Splink's term-frequency
    adjustment). Used only when the data set is large enough for frequencies to mean much."""

    fore: dict[str, int]
    sur: dict[str, int]
    total: int

    def fore_weight(self, name: str) -> float:
        return _tf_weight(self.fore.get(name, 1), self.total, low=3.0, high=9.0)

    def sur_weight(self, name: str) -> float:
        return _tf_weight(self.sur.get(name, 1), self.total, low=4.0, high=12.0)


TF_MIN_RECORDS = 2000


def _tf_weight(count: int, total: int, *, low: float, high: float) -> float:
    return min(high, max(low, math.log2(0.95 * total / max(count, 1))))


def name_frequencies(norms: Sequence[_Norm]) -> NameFrequencies | None:
    if len(norms) < TF_MIN_RECORDS:
        return None
    fore: dict[str, int] = defaultdict(int)
    sur: dict[str, int] = defaultdict(int)
    for n in norms:
        if n.fore:
            fore[n.fore] += 1
        if n.sur:
            sur[n.sur] += 1
    return NameFrequencies(dict(fore), dict(sur), len(norms))


def _compare(a: _Norm, b: _Norm, tf: NameFrequencies | None = None) -> MatchResult:
    f_level, f_w = _fore_level(a.fore, b.fore, a.fore_groups, b.fore_groups)
    s_level, s_w = _sur_level(a.sur, b.sur)
    if tf is not None:
        if f_level == "exact":
            f_w = tf.fore_weight(a.fore)
        if s_level == "exact":
            s_w = tf.sur_weight(a.sur)
    name_w = f_w + s_w
    levels = {"forename": f_level, "surname": s_level}
    if a.fore and a.sur and b.fore and b.sur and name_w < 8.0:
        # Forename and surname keyed the wrong way round on one record.
        sf_level, sf_w = _fore_level(a.fore, b.sur, a.fore_groups, frozenset())
        ss_level, ss_w = _sur_level(a.sur, b.fore)
        if sf_level in {"exact", "fuzzy"} and ss_level in {"exact", "fuzzy"}:
            swapped_w = sf_w + ss_w - 1.0
            if swapped_w > name_w:
                name_w = swapped_w
                levels = {"forename": "swapped", "surname": "swapped"}
    d_level, d_w = _dob_level(a.dob, b.dob)
    p_level, p_w = _postcode_level(a, b)
    levels["date_of_birth"] = d_level
    levels["postcode"] = p_level
    weight = PRIOR_WEIGHT + name_w + d_w + p_w
    return MatchResult(weight=weight, probability=probability(weight), levels=levels)


def probability(weight: float) -> float:
    """The match probability for a total match weight (log2 odds)."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def score(a: PersonRecord, b: PersonRecord) -> MatchResult:
    """Score one pair of person records."""
    return _compare(_norm(a), _norm(b))


# ---- Blocking, batch scoring and clustering ----------------------------------------------------
#
# A million records give tens of millions of candidate pairs, too many to score one at a time in
# Python. The records are coded as integer columns (numpy); blocks and pairs are built by sorting;
# the date of birth and postcode levels are computed column-wise; the name levels, the only
# string work, are computed once per distinct pair of names (a few per cent of the pairs) by the
# same functions ``score`` uses, so the batch and the single-pair scores are the same numbers
# (tests/people/test_matching_batch.py checks this pair by pair).


def skeleton(name: str) -> str:
    """First letter plus the following consonants, runs collapsed: willson -> wlsn."""
    if not name:
        return ""
    out = [name[0]]
    for ch in name[1:]:
        if ch not in "aeiouyhw" and ch != out[-1]:
            out.append(ch)
    return "".join(out)


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
        found.append(np.unique(i * t.n + j))
    return np.unique(np.concatenate(found))


class _LevelCache:
    """A name-pair comparison computed once per distinct pair of name codes."""

    def __init__(self, fn: Callable[[int, int], tuple[str, float]], codes: dict[str, int]):
        self.fn, self.codes = fn, codes
        self.seen: dict[int, tuple[int, float]] = {}

    def __call__(self, a: np.ndarray, b: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        distinct, inverse = np.unique(a * width + b, return_inverse=True)
        level = np.empty(len(distinct), dtype=np.int8)
        weight = np.empty(len(distinct), dtype=np.float64)
        seen, fn, codes = self.seen, self.fn, self.codes
        for x, pair in enumerate(distinct.tolist()):
            hit = seen.get(pair)
            if hit is None:
                name, w = fn(*divmod(pair, width))
                hit = seen[pair] = (codes[name], w)
            level[x], weight[x] = hit
        return level[inverse], weight[inverse]


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

    def __init__(self, t: CodedRecords, *, term_frequencies: bool | None = None) -> None:
        self.t = t
        names, groups = t.names, t.groups
        none: frozenset[int] = frozenset()
        # Each distinct pair is computed once here, so skip the single-pair LRU caches.
        fore_level, sur_level = _fore_level.__wrapped__, _sur_level.__wrapped__
        self.fore_cache = _LevelCache(
            lambda a, b: fore_level(names[a], names[b], groups[a], groups[b]), _FORE_CODE
        )
        self.swap_cache = _LevelCache(
            lambda a, b: fore_level(names[a], names[b], groups[a], none), _FORE_CODE
        )
        self.sur_cache = _LevelCache(lambda a, b: sur_level(names[a], names[b]), _SUR_CODE)
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
        t, width = self.t, len(self.t.names)
        fa, fb, sa, sb = t.fore[i], t.fore[j], t.sur[i], t.sur[j]
        f_lv, f_w = self.fore_cache(fa, fb, width)
        s_lv, s_w = self.sur_cache(sa, sb, width)
        if self.fore_tf is not None and self.sur_tf is not None:
            f_w = np.where(f_lv == _FORE_CODE["exact"], self.fore_tf[fa], f_w)
            s_w = np.where(s_lv == _SUR_CODE["exact"], self.sur_tf[sa], s_w)
        name_w = f_w + s_w
        # Forename and surname keyed the wrong way round on one record.
        maybe = np.flatnonzero((fa > 0) & (sa > 0) & (fb > 0) & (sb > 0) & (name_w < 8.0))
        if len(maybe):
            sf_lv, sf_w = self.swap_cache(fa[maybe], sb[maybe], width)
            ss_lv, ss_w = self.sur_cache(sa[maybe], fb[maybe], width)
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
            PRIOR_WEIGHT
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


@dataclass
class DedupeResult:
    """Each record's person id (the record id of the first record of its cluster), the scored
    pairs kept for review and how many candidate pairs were compared."""

    person_ids: list[str]
    pairs: list[tuple[int, int, MatchResult]]
    n_candidates: int


def clusters(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each of ``n`` records, the smallest record index joined to it through the pairs."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    _, first = np.unique(labels, return_index=True)
    return first[labels]


def dedupe(
    records: Sequence[PersonRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    keep_pairs_above: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DedupeResult:
    """Cluster records into people: pairs at or above ``threshold`` are joined transitively.

    ``keep_pairs_above`` (a probability) keeps the scored pairs at or above it in the result
    (for a review list); by default none are kept, which saves memory on a million records.
    """
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


# ---- Evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def pairwise_scores(predicted: Iterable[str | None], truth: Iterable[str | None]) -> PairwiseScores:
    """Pairwise precision, recall and F1 of a clustering against the true one (None or '' is a
    record in no cluster, e.g. an incident in no series)."""

    def c2(n: int) -> int:
        return n * (n - 1) // 2

    pred_sizes: dict[str, int] = defaultdict(int)
    true_sizes: dict[str, int] = defaultdict(int)
    both: dict[tuple[str, str], int] = defaultdict(int)
    for p, t in zip(predicted, truth, strict=True):
        if p:
            pred_sizes[p] += 1
        if t:
            true_sizes[t] += 1
        if p and t:
            both[(p, t)] += 1
    predicted_pairs = sum(c2(n) for n in pred_sizes.values())
    true_pairs = sum(c2(n) for n in true_sizes.values())
    correct = sum(c2(n) for n in both.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, true_pairs, predicted_pairs, correct)


def exact_baseline(records: Sequence[PersonRecord]) -> list[str]:
    """The baseline: same cleaned forename, surname and date of birth, all present."""
    first: dict[tuple[str, str, date], str] = {}
    out: list[str] = []
    for r in records:
        fore, sur = first_name_token(r.forename), clean_name(r.surname)
        if fore and sur and r.date_of_birth:
            key = (fore, sur, r.date_of_birth)
            out.append(first.setdefault(key, r.record_id))
        else:
            out.append(r.record_id)
    return out


def parse_date(value: str | None) -> date | None:
    """A date of birth from ISO (YYYY-MM-DD) or British (DD/MM/YYYY) text; None if malformed."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None
