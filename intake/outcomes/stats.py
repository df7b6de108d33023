"""Plain statistics for the outcome report: a share and its Wilson 95% interval."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95% interval


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the share successes/n, as (low, high) in 0..1.

    With n = 0 nothing is known: (0.0, 1.0). Unlike the textbook p ± z·SE, it never
    leaves 0..1 and stays honest with few clients or a share near 0 or 1."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Share:
    """How many of n were good, the share and its 95% interval."""

    good: int
    n: int

    @property
    def poor(self) -> int:
        return self.n - self.good

    @property
    def share(self) -> float | None:
        return self.good / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.good, self.n)

    @property
    def width(self) -> float:
        low, high = self.interval
        return high - low

    @property
    def percent(self) -> int | None:
        """The share in whole percent (None of nobody)."""
        return None if self.share is None else round(self.share * 100)

    @property
    def interval_percent(self) -> tuple[int, int]:
        """The interval in whole percent: what the report prints and draws."""
        low, high = self.interval
        return round(low * 100), round(high * 100)
