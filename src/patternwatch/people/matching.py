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
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

# Probability above which two records are the same person (clustered and offered to merge).
DEFAULT_THRESHOLD = 0.9
# Prior match weight: log2 of the odds that two records sharing a blocking key are the same
# person before the fields are compared (calibrated on generator data, docs/matching.md).
PRIOR_WEIGHT = -14.0
# The odds that two records are one person before comparing them fall as the index grows (two
# different people share a name more often among a million records than among 35,000; in
# Fellegi-Sunter the prior is about log2(k / n)). The -14 above was calibrated on 35,599 generator
# records; past PRIOR_REFERENCE_RECORDS the prior is lowered by PRIOR_SLOPE * log2(n / reference).
# The slope is half the theoretical one: the best on the synthetic index at 300,000 and
# 1,000,000 records (docs/matching.md), as the block caps already drop the commonest names.
PRIOR_REFERENCE_RECORDS = 50_000
PRIOR_SLOPE = 0.5
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

    @classmethod
    def of(cls, person: Any) -> PersonRecord:
        """The record of a stored person (a Person, or a row with its id and matched columns)."""
        return cls(
            record_id=str(person.id),
            forename=person.forename,
            surname=person.surname,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
            address=person.address,
        )


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


_FORE_WEIGHTS = {
    "missing": 0.0,
    "exact": 6.0,
    "nickname": 5.0,
    "fuzzy": 4.0,
    "prefix": 3.0,
    "initial": 1.5,
    "different": -4.0,
}
_SUR_WEIGHTS = {"missing": 0.0, "exact": 8.0, "fuzzy": 6.0, "similar": 2.0, "different": -6.0}
# Jaro-Winkler similarities at or above which two names are "fuzzy" or "similar".
FORE_FUZZY_JW = 0.92
SUR_FUZZY_JW = 0.93
SUR_SIMILAR_JW = 0.85


@lru_cache(maxsize=500_000)
def _fore_level(a: str, b: str, ga: frozenset[int], gb: frozenset[int]) -> tuple[str, float]:
    level = _fore_level_name(a, b, ga, gb)
    return level, _FORE_WEIGHTS[level]


def _fore_level_name(a: str, b: str, ga: frozenset[int], gb: frozenset[int]) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if ga & gb:
        return "nickname"
    if damerau_levenshtein(a, b, 2) <= 1 or jaro_winkler(a, b) >= FORE_FUZZY_JW:
        return "fuzzy"
    if len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)):
        return "prefix"
    if a[0] == b[0] and (len(a) == 1 or len(b) == 1):
        return "initial"
    return "different"


@lru_cache(maxsize=500_000)
def _sur_level(a: str, b: str) -> tuple[str, float]:
    level = _sur_level_name(a, b)
    return level, _SUR_WEIGHTS[level]


def _sur_level_name(a: str, b: str) -> str:
    if not a or not b:
        return "missing"
    if a == b:
        return "exact"
    if damerau_levenshtein(a, b, 2) <= 1 or jaro_winkler(a, b) >= SUR_FUZZY_JW:
        return "fuzzy"
    if jaro_winkler(a, b) >= SUR_SIMILAR_JW:
        return "similar"
    return "different"


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


def prior_weight(n_records: int) -> float:
    """The prior match weight for a dedupe over ``n_records`` records."""
    if n_records <= PRIOR_REFERENCE_RECORDS:
        return PRIOR_WEIGHT
    return PRIOR_WEIGHT - PRIOR_SLOPE * math.log2(n_records / PRIOR_REFERENCE_RECORDS)


def _compare(
    a: _Norm, b: _Norm, tf: NameFrequencies | None = None, prior: float = PRIOR_WEIGHT
) -> MatchResult:
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
    weight = prior + name_w + d_w + p_w
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


# ---- Blocking and clustering (matching_batch.py) -----------------------------------------------


def skeleton(name: str) -> str:
    """First letter plus the following consonants, runs collapsed: willson -> wlsn."""
    if not name:
        return ""
    out = [name[0]]
    for ch in name[1:]:
        if ch not in "aeiouyhw" and ch != out[-1]:
            out.append(ch)
    return "".join(out)


@dataclass
class DedupeResult:
    """Each record's person id (the record id of the first record of its cluster), the scored
    pairs kept for review and how many candidate pairs were compared."""

    person_ids: list[str]
    pairs: list[tuple[int, int, MatchResult]]
    n_candidates: int


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
    from patternwatch.people.matching_batch import dedupe_batch

    return dedupe_batch(
        records, threshold=threshold, keep_pairs_above=keep_pairs_above, progress=progress
    )


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
