"""What every agreement coefficient returns: a value or the reason there is none, with its
confidence interval, per-category figures and the counts it was computed from."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Interval:
    """A confidence interval and how it was obtained (so it can be reproduced)."""

    low: float
    high: float
    level: float
    n_resamples: int  # resamples whose coefficient was defined (those the interval is from)
    seed: int
    method: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def to_dict(self) -> dict[str, object]:
        return {
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "n_resamples": self.n_resamples,
            "seed": self.seed,
            "method": self.method,
        }


@dataclass(frozen=True)
class AgreementResult:
    """One coefficient over one ratings table.

    ``value`` is None exactly when the coefficient is undefined for the table, and then
    ``undefined_reason`` says why in plain words; a value is never NaN.
    """

    coefficient: str
    label: str
    value: float | None
    undefined_reason: str | None
    ci: Interval | None
    per_category: dict[str, float | None] | None
    counts: dict[str, int | float]
    params: dict[str, object]

    def __post_init__(self) -> None:
        if (self.value is None) == (self.undefined_reason is None):
            raise ValueError("a result has either a value or a reason it has none")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"{self.coefficient}: value {self.value} is not finite")

    @property
    def defined(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, object]:
        """JSON-able: plain floats, ints, strings, lists and dicts only."""
        return {
            "coefficient": self.coefficient,
            "label": self.label,
            "value": self.value,
            "undefined_reason": self.undefined_reason,
            "ci": None if self.ci is None else self.ci.to_dict(),
            "per_category": None if self.per_category is None else dict(self.per_category),
            "counts": dict(self.counts),
            "params": dict(self.params),
        }
