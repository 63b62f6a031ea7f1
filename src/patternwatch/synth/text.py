"""Terse police-log narratives built from fragments, in one of several writers' styles.

A narrative is a list of fragment keys (context, behaviours, history, impact, action, ...) that the
case builder chooses; each key has many templates, each template has slots with synonyms, and a
writer's style decides the terms (IP / VIW / victim, SUSP / suspect / the male), abbreviation,
letter case, separators, sentence order and typo rate, and prefers its own subset of synonyms.
The style id goes into the ground truth so a text classifier can be tested on unseen styles.
Pure: only the ``random.Random`` passed in decides anything.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from patternwatch.synth.calibration import N_STYLES
from patternwatch.synth.fragments import FRAGMENTS, SLOTS, TAGS
from patternwatch.synth.names import typo

_ORDERS = {"BR-SPO": "order_spo", "NT-SPO": "order_spo", "BR-RO": "order_ro", "BR-NMO": "order_nmo"}
_PRONOUNS = {
    "female": ("she", "her", "her"),
    "male": ("he", "his", "him"),
    "other": ("they", "their", "them"),
    "unknown": ("they", "their", "them"),
}


@dataclass(frozen=True, slots=True)
class Style:
    """How one group of writers keys their logs."""

    id: int
    victim: tuple[str, ...]
    suspect: tuple[str, ...]
    caller: tuple[str, ...]
    case: str  # lower | upper | sentence | asis
    joiner: str
    abbrev: float
    typo_rate: float
    order: str  # context | behaviour | action
    verbosity: int
    tag_p: float
    name_p: float
    surname_upper: bool
    preferred: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

    @property
    def label(self) -> str:
        return f"W{self.id:02d}"


def _spec(
    victim: tuple[str, ...],
    suspect: tuple[str, ...],
    caller: tuple[str, ...],
    case: str,
    joiner: str,
    *,
    abbrev: float,
    typos: float,
    order: str,
    verbosity: int,
    tag: float,
    name: float,
) -> tuple[Any, ...]:
    return (victim, suspect, caller, case, joiner, abbrev, typos, order, verbosity, tag, name)


_STYLE_SPECS = (
    _spec(("IP",), ("SUSP",), ("C/O",), "upper", ". ",
          abbrev=0.8, typos=0.010, order="context", verbosity=2, tag=0.6, name=0.5),
    _spec(("VIW",), ("suspect",), ("caller",), "lower", " - ",
          abbrev=0.7, typos=0.025, order="behaviour", verbosity=1, tag=0.0, name=0.3),
    _spec(("victim",), ("the male", "suspect"), ("informant",), "sentence", ". ",
          abbrev=0.1, typos=0.004, order="context", verbosity=3, tag=0.0, name=0.6),
    _spec(("IP", "VIW"), ("OFF", "SUSP"), ("RP",), "lower", "; ",
          abbrev=0.9, typos=0.030, order="action", verbosity=1, tag=0.3, name=0.2),
    _spec(("aggrieved",), ("suspect",), ("caller",), "asis", ". ",
          abbrev=0.3, typos=0.010, order="behaviour", verbosity=2, tag=0.4, name=0.4),
    _spec(("complainant",), ("the suspect",), ("caller",), "sentence", ". ",
          abbrev=0.0, typos=0.002, order="context", verbosity=3, tag=0.0, name=0.7),
    _spec(("vic",), ("susp",), ("c/o",), "lower", " / ",
          abbrev=1.0, typos=0.040, order="behaviour", verbosity=1, tag=0.2, name=0.1),
    _spec(("IP",), ("nominal",), ("informant",), "upper", " - ",
          abbrev=0.5, typos=0.012, order="action", verbosity=2, tag=0.8, name=0.5),
    _spec(("victim", "IP"), ("subject",), ("caller",), "lower", ". ",
          abbrev=0.5, typos=0.018, order="context", verbosity=2, tag=0.1, name=0.3),
    _spec(("VIW",), ("SUSP",), ("RP",), "asis", "\n",
          abbrev=0.6, typos=0.008, order="behaviour", verbosity=2, tag=0.5, name=0.5),
    _spec(("the victim",), ("the offender",), ("the caller",), "sentence", ". ",
          abbrev=0.05, typos=0.003, order="action", verbosity=3, tag=0.0, name=0.6),
    _spec(("ip",), ("male",), ("caller",), "lower", ", ",
          abbrev=0.85, typos=0.035, order="context", verbosity=1, tag=0.0, name=0.2),
)  # fmt: skip
assert len(_STYLE_SPECS) == N_STYLES


@cache
def style(style_id: int) -> Style:
    """A writer's style; fixed by its id alone, so style W03 reads the same in every run."""
    spec = _STYLE_SPECS[style_id % N_STYLES]
    rng = random.Random(f"style:{style_id % N_STYLES}")
    preferred: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for key, (full, short) in SLOTS.items():
        preferred[key] = (_mix(rng, full), _mix(rng, short) if short else ())
    return Style(
        id=style_id % N_STYLES,
        victim=spec[0],
        suspect=spec[1],
        caller=spec[2],
        case=spec[3],
        joiner=spec[4],
        abbrev=spec[5],
        typo_rate=spec[6],
        order=spec[7],
        verbosity=spec[8],
        tag_p=spec[9],
        name_p=spec[10],
        surname_upper=spec[3] != "lower",
        preferred=preferred,
    )


def _mix(rng: random.Random, items: tuple[str, ...]) -> tuple[str, ...]:
    """The style's pool for a slot: its preferred ~60% of the synonyms nine times over, plus every
    synonym once (so a uniform pick lands on a preferred word about 90% of the time)."""
    if len(items) <= 2:
        return items
    keep = max(2, round(len(items) * 0.6))
    preferred = rng.sample(items, keep)
    repeat = max(1, round(9 * len(items) / keep))
    return tuple(preferred * repeat) + items


@dataclass(frozen=True, slots=True)
class Cast:
    """Who a narrative talks about."""

    victim_gender: str = "female"
    suspect_gender: str = "male"
    # The suspect's names as their person record has them, if the writer names them.
    suspect_forename: str | None = None
    suspect_surname: str | None = None
    order: str | None = None  # BR-SPO / BR-RO / BR-NMO / NT-SPO when the text is about a breach


class _Slots(dict[str, str]):
    """format_map mapping that fills each slot as it is met (so repeats vary)."""

    def __init__(self, rng: random.Random, st: Style, cast: Cast, name_first: bool) -> None:
        super().__init__()
        self.rng = rng
        self.st = st
        self.cast = cast
        self.name_pending = name_first and cast.suspect_surname is not None
        vp = _PRONOUNS[cast.victim_gender]
        sp = _PRONOUNS[cast.suspect_gender]
        self.update(vpro=vp[0], vpos=vp[1], vobj=vp[2], spro=sp[0], spos=sp[1], sobj=sp[2])

    def __missing__(self, key: str) -> str:
        rng, st = self.rng, self.st
        if key == "V":
            return _pick(rng, st.victim)
        if key == "S":
            term = _pick(rng, st.suspect)
            if self.name_pending:
                self.name_pending = False
                return f"{term} {_name(self.cast, self.st)}"
            return term
        if key == "C":
            return _pick(rng, st.caller)
        if key == "bf" and self.cast.suspect_gender == "female":
            key = "gf"
        elif key == "order" and self.cast.order in _ORDERS:
            key = _ORDERS[self.cast.order]
        pfull, pshort = st.preferred[key]
        if pshort and rng.random() < st.abbrev:
            return _pick(rng, pshort)
        return _pick(rng, pfull)


def _pick(rng: random.Random, seq: tuple[str, ...]) -> str:
    return seq[int(rng.random() * len(seq))]


def _name(cast: Cast, st: Style) -> str:
    surname = cast.suspect_surname or ""
    if st.surname_upper:
        surname = surname.upper()
    return f"{cast.suspect_forename} {surname}" if cast.suspect_forename else surname


def fragment(rng: random.Random, key: str, slots: _Slots) -> str:
    return _pick(rng, FRAGMENTS[key]).format_map(slots)


def render(
    rng: random.Random,
    style_id: int,
    *,
    context: list[str],
    body: list[str],
    extra: list[str],
    actions: list[str],
    cast: Cast,
    tag: str | None = None,
    caller_intro: bool = False,
) -> str:
    """One narrative: fragment keys in four groups, ordered, worded and cased by the style."""
    st = style(style_id)
    slots = _Slots(rng, st, cast, rng.random() < st.name_p)
    # Verbose writers keep more of the optional groups.
    keep_extra = extra[: max(0, st.verbosity - 1 + (rng.random() < 0.5))]
    keep_context = context if st.verbosity > 1 or rng.random() < 0.6 else context[:0]
    ctx = [fragment(rng, k, slots) for k in keep_context]
    bod = [fragment(rng, k, slots) for k in body]
    ext = [fragment(rng, k, slots) for k in keep_extra]
    act = [fragment(rng, k, slots) for k in actions[: 1 + (st.verbosity > 2)]]
    if len(bod) > 1 and rng.random() < 0.4:
        rng.shuffle(bod)
    if st.order == "context":
        parts = ctx + bod + ext + act
    elif st.order == "behaviour":
        parts = bod + ctx + ext + act
    else:
        parts = act[:1] + ctx + bod + ext + act[1:]
    if caller_intro and (ctx or bod):
        # "caller reports ..." introduces what was reported, never the action taken.
        first = (ctx + bod)[0]
        lead = ("{C} reports ", "{C} states ", "{C} calling to report ", "")[int(rng.random() * 4)]
        parts[parts.index(first)] = lead.format_map(slots) + first
    text = st.joiner.join(p for p in parts if p)
    if tag and rng.random() < st.tag_p:
        options = TAGS[tag]
        text = f"{_pick(rng, options)}: {text}"
    text = _case(text, st.case)
    if st.typo_rate:
        text = _typos(rng, text, st.typo_rate)
    return text


def _case(text: str, case: str) -> str:
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    if case == "sentence":
        out = []
        for sentence in text.split(". "):
            out.append(sentence[:1].upper() + sentence[1:] if sentence else sentence)
        return ". ".join(out) + ("" if text.endswith(".") else ".")
    return text


def _typos(rng: random.Random, text: str, rate: float) -> str:
    """Slip on about ``rate`` of the words: jump from slip to slip (geometric gaps) rather than
    drawing once per word."""
    n_words = text.count(" ") + 1
    at = _gap(rng, rate)
    if at >= n_words:
        return text
    words = text.split(" ")
    while at < n_words:
        word = words[at]
        if len(word) > 3 and word.isalpha():
            words[at] = typo(word, rng)
        at += 1 + _gap(rng, rate)
    return " ".join(words)


def _gap(rng: random.Random, rate: float) -> int:
    return int(math.log(1.0 - rng.random()) / math.log(1.0 - rate))
