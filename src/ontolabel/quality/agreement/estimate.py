"""The seeded bootstrap over units, vectorised, and the assembly of a result.

Every coefficient here is a function of *column sums of per-unit features* (counts of pairs,
per-unit agreement, per-unit category shares...). A bootstrap resample of units is then a
vector of unit multiplicities ``w`` and its sums are ``w @ features``: one matrix product per
chunk of resamples, never a Python loop over units. A statistic maps a (b, p) block of sums to
b values, NaN where a resample is undefined (those are dropped, and counted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ontolabel.errors import RatingsError
from ontolabel.quality.agreement.result import AgreementResult, Interval
from ontolabel.quality.agreement.tallies import FloatArray, IntArray

Statistic = Callable[[FloatArray], FloatArray]
METHOD = "percentile bootstrap over units"
# Elements of one (resamples x units) block: bounds memory at ~32 MB per block.
_BLOCK = 1 << 22


@dataclass(frozen=True)
class UnitFeatures:
    """Per-unit contributions to a coefficient's sums, one row per unit of the table (units a
    coefficient does not use have zero rows), so every coefficient of a table resamples the
    same units and ``compute_all`` draws each resample once for all of them.

    ``dense``: (units, p) floats. ``categorical``: one code per unit in [0, width), summed as a
    one-hot block (a 2-rater confusion matrix without q^2 columns per unit). A coefficient
    uses one of the two.
    """

    dense: FloatArray | None = None
    categorical: IntArray | None = None
    width: int = 0
    # Sparse rows (units x p) where most of p is zero for every unit: the coincidences of
    # an ordinal α over many categories.
    sparse: sp.csr_matrix | None = None

    @property
    def n_units(self) -> int:
        if self.dense is not None:
            return int(self.dense.shape[0])
        if self.sparse is not None:
            return int(self.sparse.shape[0])
        assert self.categorical is not None
        return int(self.categorical.shape[0])

    def total(self) -> FloatArray:
        if self.dense is not None:
            out: FloatArray = self.dense.sum(axis=0)
            return out
        if self.sparse is not None:
            return np.asarray(self.sparse.sum(axis=0), dtype=np.float64).ravel()
        assert self.categorical is not None
        return np.bincount(self.categorical, minlength=self.width).astype(np.float64)

    def resampled(self, block: Block) -> FloatArray:
        """Sums over each resample of the block."""
        if self.dense is not None:
            out: FloatArray = block.multiplicities @ self.dense
            return out
        if self.sparse is not None:
            product = self.sparse.T @ block.multiplicities.T
            return np.ascontiguousarray(np.asarray(product, dtype=np.float64).T)
        assert self.categorical is not None
        rows = np.arange(block.size, dtype=np.int64)[:, None]
        codes = self.categorical[block.picks] + rows * self.width
        return (
            np.bincount(codes.ravel(), minlength=block.size * self.width)
            .reshape(block.size, self.width)
            .astype(np.float64)
        )


@dataclass(frozen=True)
class Block:
    """A block of resamples: ``picks[i]`` are the n unit indices of resample i."""

    picks: IntArray

    @property
    def size(self) -> int:
        return int(self.picks.shape[0])

    @cached_property
    def multiplicities(self) -> FloatArray:
        """How often each unit is drawn in each resample (b x n)."""
        b, n = self.picks.shape
        rows = np.arange(b, dtype=np.int64)[:, None]
        counts = np.bincount((rows * n + self.picks).ravel(), minlength=b * n)
        return counts.reshape(b, n).astype(np.float64)


def blocks(n_units: int, n_resamples: int, seed: int) -> Iterator[Block]:
    """The resamples of a seed, in blocks of bounded memory. The draws depend only on (seed,
    number of units, n_resamples), so the same table and seed give the same intervals on any
    machine, whether one coefficient or all of them are computed."""
    rng = np.random.default_rng(seed)
    per_block = max(1, min(n_resamples, _BLOCK // n_units))
    done = 0
    while done < n_resamples:
        b = min(per_block, n_resamples - done)
        yield Block(rng.integers(0, n_units, size=(b, n_units), dtype=np.int64))
        done += b


def check_ci_options(n_resamples: int, level: float) -> None:
    if not 0.0 < level < 1.0:
        raise RatingsError(f"confidence level {level} must lie strictly between 0 and 1")
    if n_resamples < 1:
        raise RatingsError(f"n_resamples is {n_resamples}; it must be at least 1")


@dataclass(frozen=True)
class Deferred:
    """An interval still to compute: what to resample, how, and with which seed."""

    features: UnitFeatures
    statistic: Statistic
    n_resamples: int
    level: float
    seed: int


def intervals(wanted: Sequence[Deferred]) -> list[tuple[Interval | None, int]]:
    """Percentile intervals, and how many resamples were undefined, for each request.

    Requests over the same units with the same seed and count share every draw: one pass
    over the blocks serves them all.
    """
    out: list[tuple[Interval | None, int]] = [(None, 0)] * len(wanted)
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, item in enumerate(wanted):
        key = (item.features.n_units, item.n_resamples, item.seed)
        groups.setdefault(key, []).append(i)
    for (n, n_resamples, seed), members in groups.items():
        if n < 2:
            continue
        values: dict[int, list[FloatArray]] = {i: [] for i in members}
        for block in blocks(n, n_resamples, seed):
            for i in members:
                item = wanted[i]
                # A resample may hold no pairable unit: its NaN is dropped below, on purpose.
                with np.errstate(divide="ignore", invalid="ignore"):
                    values[i].append(item.statistic(item.features.resampled(block)))
        for i in members:
            out[i] = _percentile(np.concatenate(values[i]), wanted[i])
    return out


def _percentile(all_values: FloatArray, item: Deferred) -> tuple[Interval | None, int]:
    finite = all_values[np.isfinite(all_values)]
    undefined = int(item.n_resamples - finite.size)
    if finite.size < 2:
        return None, undefined
    tail = (1.0 - item.level) / 2.0
    low, high = np.quantile(finite, [tail, 1.0 - tail])
    interval = Interval(
        low=float(low),
        high=float(high),
        level=item.level,
        n_resamples=int(finite.size),
        seed=item.seed,
        method=METHOD,
    )
    return interval, undefined


def bootstrap(
    features: UnitFeatures,
    statistic: Statistic,
    *,
    n_resamples: int,
    level: float,
    seed: int,
) -> tuple[Interval | None, int]:
    """Percentile interval over unit resamples, and how many resamples were undefined."""
    return intervals([Deferred(features, statistic, n_resamples, level, seed)])[0]


# Set while an IntervalBatch is open: coefficients then queue their intervals instead of
# computing them one by one.
_QUEUE: ContextVar[list[tuple[AgreementResult, Deferred]] | None] = ContextVar(
    "agreement_interval_queue", default=None
)


class IntervalBatch:
    """Compute the bootstrap intervals of many coefficients together.

    Inside ``with IntervalBatch() as batch:``, a coefficient asked for an interval returns its
    result without one and queues the request; ``batch.resolve(results)`` then computes every
    queued interval in one pass over the resamples (requests over the same number of units
    with the same seed and count share every draw, across coefficients and across tables of
    the same units) and returns the results with their intervals. Each interval is exactly
    the one the coefficient gives alone.
    """

    def __init__(self) -> None:
        self._queue: list[tuple[AgreementResult, Deferred]] = []
        self._token: Token[list[tuple[AgreementResult, Deferred]] | None] | None = None

    def __enter__(self) -> IntervalBatch:
        self._token = _QUEUE.set(self._queue)
        return self

    def __exit__(self, *_: object) -> None:
        if self._token is not None:
            _QUEUE.reset(self._token)
            self._token = None

    def resolve(self, results: Sequence[AgreementResult]) -> list[AgreementResult]:
        """``results`` with their intervals (those that asked for none are returned as
        they are)."""
        position = {id(result): i for i, (result, _) in enumerate(self._queue)}
        done = intervals([deferred for _, deferred in self._queue])
        out: list[AgreementResult] = []
        for result in results:
            i = position.get(id(result))
            if i is not None and self._queue[i][0] is result:
                out.append(with_interval(result, done[i]))
            else:
                out.append(result)
        return out


def with_interval(
    result: AgreementResult, computed: tuple[Interval | None, int]
) -> AgreementResult:
    interval, undefined = computed
    counts = {**result.counts, "bootstrap_undefined_resamples": undefined}
    return replace(result, ci=interval, counts=counts)


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
    result = AgreementResult(
        coefficient=coefficient,
        label=label,
        value=float(value),
        undefined_reason=None,
        ci=None,
        per_category=per_category,
        counts=counts,
        params=params,
    )
    if not ci:
        return result
    check_ci_options(n_resamples, level)
    request = Deferred(features(), statistic, n_resamples, level, seed)
    queue = _QUEUE.get()
    if queue is not None:
        queue.append((result, request))
        return result
    return with_interval(
        result,
        bootstrap(request.features, statistic, n_resamples=n_resamples, level=level, seed=seed),
    )
