"""Small deterministic sampling helpers shared by the scenario modules (no database, no clock)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import timedelta
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A fixed weighted choice; order is the order given (dict insertion order), never hashing."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("items and weights must be non-empty and the same length")
        self.items = tuple(items)
        self.cum = list(accumulate(float(w) for w in weights))
        self.total = self.cum[-1]

    @classmethod
    def of(cls, table: Mapping[T, float]) -> Weighted[T]:
        return cls(list(table.keys()), list(table.values()))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def geometric(rng: random.Random, mean: float, cap: int) -> int:
    """0, 1, 2, ... with the given mean (failures before a success), capped."""
    if mean <= 0:
        return 0
    p = 1.0 / (1.0 + mean)
    u = 1.0 - rng.random()
    n = int(math.log(u) / math.log(1.0 - p))
    return min(n, cap)


def lognormal_days(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def days(x: float) -> timedelta:
    """A span of ``x`` days, to the whole second (keeps generated times free of microseconds)."""
    return timedelta(seconds=int(86400 * x))


def sub_rng(seed: int, kind: str, index: int) -> random.Random:
    """An independent stream per entity: Random seeded from a string uses SHA-512 (not hash())."""
    return random.Random(f"{seed}:{kind}:{index}")
