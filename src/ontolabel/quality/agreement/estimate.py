"""The seeded bootstrap over units, vectorised, and the assembly of a result.

Every coefficient here is a function of *column sums of per-unit features* (counts of pairs,
per-unit agreement, per-unit category shares...). A bootstrap resample of units is then a
vector of unit multiplicities ``w`` and its sums are ``w @ features``: one matrix product per
chunk of resamples, never a Python loop over units. A statistic maps a (b, p) block of sums to
b values, NaN where a resample is undefined (those are dropped, and counted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ontolabel.errors import RatingsError
from ontolabel.quality.agreement.result import AgreementResult, Interval
from ontolabel.quality.agreement.tallies import FloatArray, IntArray

Statistic = Callable[[FloatArray], FloatArray]
METHOD = "percentile bootstrap over units"
# Elements of one (resamples x units) block: bounds memory at ~32 MB per block.
_BLOCK = 1 << 22


@dataclass(frozen=True)
class UnitFeatures:
    """Per-unit contributions to a coefficient's sums.

    ``dense``: (units, p) floats. ``categorical``: one code per unit in [0, width), summed as a
    one-hot block (a 2-rater confusion matrix without q^2 columns per unit). A coefficient
    uses one of the two.
    """

    dense: FloatArray | None = None
    categorical: IntArray | None = None
    width: int = 0

    @property
    def n_units(self) -> int:
        if self.dense is not None:
            return int(self.dense.shape[0])
        assert self.categorical is not None
        return int(self.categorical.shape[0])

    def total(self) -> FloatArray:
        if self.dense is not None:
            out: FloatArray = self.dense.sum(axis=0)
            return out
        assert self.categorical is not None
        return np.bincount(self.categorical, minlength=self.width).astype(np.float64)

    def resampled(self, picks: IntArray) -> FloatArray:
        """Sums over each row of ``picks`` (b x n unit indices drawn with replacement)."""
        b, n = picks.shape
        rows = np.arange(b, dtype=np.int64)[:, None]
        if self.dense is not None:
            weights = np.bincount((rows * n + picks).ravel(), minlength=b * n)
            out: FloatArray = weights.reshape(b, n).astype(np.float64) @ self.dense
            return out
        assert self.categorical is not None
        codes = self.categorical[picks] + rows * self.width
        return (
            np.bincount(codes.ravel(), minlength=b * self.width)
            .reshape(b, self.width)
            .astype(np.float64)
        )


def check_ci_options(n_resamples: int, level: float) -> None:
    if not 0.0 < level < 1.0:
        raise RatingsError(f"confidence level {level} must lie strictly between 0 and 1")
    if n_resamples < 1:
        raise RatingsError(f"n_resamples is {n_resamples}; it must be at least 1")


def bootstrap(
    features: UnitFeatures,
    statistic: Statistic,
    *,
    n_resamples: int,
    level: float,
    seed: int,
) -> tuple[Interval | None, int]:
    """Percentile interval over unit resamples, and how many resamples were undefined.

    The draws depend only on (seed, number of units, n_resamples), so the same table and
    seed give the same interval on any machine.
    """
    n = features.n_units
    if n < 2:
        return None, 0
    rng = np.random.default_rng(seed)
    per_block = max(1, min(n_resamples, _BLOCK // n))
    values: list[FloatArray] = []
    done = 0
    while done < n_resamples:
        b = min(per_block, n_resamples - done)
        picks = rng.integers(0, n, size=(b, n), dtype=np.int64)
        values.append(statistic(features.resampled(picks)))
        done += b
    all_values = np.concatenate(values)
    finite = all_values[np.isfinite(all_values)]
    undefined = int(n_resamples - finite.size)
    if finite.size < 2:
        return None, undefined
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    interval = Interval(
        low=float(low),
        high=float(high),
        level=level,
        n_resamples=int(finite.size),
        seed=seed,
        method=METHOD,
    )
    return interval, undefined


def ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is (numerically) zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(
            np.abs(denominator) > 1e-12,
            numerator / np.where(denominator == 0, 1, denominator),
            np.nan,
        )
    return out


def undefined_result(
    coefficient: str,
    label: str,
    reason: str,
    *,
    counts: dict[str, int | float],
    params: dict[str, object],
) -> AgreementResult:
    return AgreementResult(
        coefficient=coefficient,
        label=label,
        value=None,
        undefined_reason=reason,
        ci=None,
        per_category=None,
        counts=counts,
        params=params,
    )


def finish(
    coefficient: str,
    label: str,
    *,
    value: float,
    counts: dict[str, int | float],
    params: dict[str, object],
    per_category: dict[str, float | None] | None,
    features: Callable[[], UnitFeatures],
    statistic: Statistic,
    ci: bool,
    n_resamples: int,
    level: float,
    seed: int,
) -> AgreementResult:
    """A defined result, with its bootstrap interval when asked for."""
    interval: Interval | None = None
    if ci:
        check_ci_options(n_resamples, level)
        interval, undefined = bootstrap(
            features(), statistic, n_resamples=n_resamples, level=level, seed=seed
        )
        counts = {**counts, "bootstrap_undefined_resamples": undefined}
    return AgreementResult(
        coefficient=coefficient,
        label=label,
        value=float(value),
        undefined_reason=None,
        ci=interval,
        per_category=per_category,
        counts=counts,
        params=params,
    )
