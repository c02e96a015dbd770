"""Krippendorff's α at the nominal, ordinal, interval and ratio levels, with missing data.

α = 1 - D_o / D_e from the coincidence matrix of pairable values (Krippendorff, "Computing
Krippendorff's Alpha-Reliability", 2011): each unit rated m_u >= 2 times adds
n_uc n_uk / (m_u - 1) to o_ck (minus n_uc on the diagonal), so
α = 1 - (n - 1) Σ o_ck δ_ck / Σ n_c n_k δ_ck.

The ordinal distance is Krippendorff's own, built from the marginal counts n_g:
δ_ck = (Σ_{g=c..k} n_g - (n_c + n_k) / 2)², which is (M_k - M_c)² with M_k the mid-rank
Σ_{g<k} n_g + n_k / 2; written that way it is symmetric by construction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, TypeAlias

import numpy as np
import scipy.sparse as sp

from ontolabel.errors import RatingsError
from ontolabel.quality.agreement import undefined
from ontolabel.quality.agreement.estimate import (
    Statistic,
    UnitFeatures,
    finish,
    ratio,
    undefined_result,
)
from ontolabel.quality.agreement.ratings import Ratings
from ontolabel.quality.agreement.result import AgreementResult
from ontolabel.quality.agreement.tallies import FloatArray, IntArray, Tallies

Level: TypeAlias = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def numeric_values(ratings: Ratings, level: str) -> FloatArray:
    """The categories as numbers, for the interval and ratio levels (checked)."""
    values: list[float] = []
    for position, category in enumerate(ratings.categories):
        number = (
            float(category)
            if isinstance(category, int | float) and not isinstance(category, bool)
            else math.nan
        )
        problem = None
        if not math.isfinite(number):
            problem = f"{category!r} is not a number; the {level} level needs numeric categories"
        elif level == "ratio" and number < 0:
            problem = f"{category!r} is negative; the ratio level needs values of 0 or more"
        if problem is not None:
            used = np.argwhere(ratings.codes == position)
            if used.size:
                u, r = (int(x) for x in used[0])
                raise RatingsError(
                    problem,
                    unit=ratings.units[u],
                    rater=ratings.raters[r],
                    hint="use the nominal or ordinal level, or numeric labels",
                )
            raise RatingsError(
                f"declared category {problem}",
                hint="use the nominal or ordinal level, or numeric categories",
            )
        values.append(number)
    return np.asarray(values, dtype=np.float64)


def _ratio_distance(values: FloatArray) -> FloatArray:
    gaps = values[:, None] - values[None, :]
    sums = values[:, None] + values[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        # Both values 0: the same value, distance 0 (not 0/0).
        out: FloatArray = np.where(sums > 0, (gaps / np.where(sums > 0, sums, 1.0)) ** 2, 0.0)
    return out


def fixed_distance(level: Level, values: FloatArray | None, q: int) -> FloatArray | None:
    """δ² between every pair of the q categories where it does not depend on the data
    (None for ordinal, whose distance comes from the marginal counts)."""
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        return None
    assert values is not None
    if level == "interval":
        gaps: FloatArray = (values[:, None] - values[None, :]) ** 2
        # α does not change with the unit of measurement; on a scale of 1 the test for a
        # zero expected disagreement means the same for micrometres as for kilometres.
        largest = float(gaps.max()) if gaps.size else 0.0
        return gaps / largest if largest > 0 else gaps
    return _ratio_distance(values)


def ordinal_distance(totals: FloatArray) -> FloatArray:
    """Krippendorff's ordinal δ² for a (..., q) block of marginal counts: (M_c - M_k)²."""
    mid = np.cumsum(totals, axis=-1) - totals / 2.0
    out: FloatArray = (mid[..., :, None] - mid[..., None, :]) ** 2
    return out


def _alpha(observed: FloatArray, totals: FloatArray, expected_weights: FloatArray) -> FloatArray:
    """α for a block: observed = Σ o δ per row, totals n_c per row, δ per row (b, q, q)."""
    n = totals.sum(axis=1)
    expected = np.einsum("bk,bkl,bl->b", totals, expected_weights, totals)
    return 1.0 - ratio((n - 1.0) * observed, expected)


def coincidence_features(
    tallies: Tallies, scale: FloatArray, *, dense: bool | None = None
) -> UnitFeatures:
    """Per unit of the table, its q x q coincidences (n_uc n_uk - [c = k] n_uc) * scale_u,
    flattened; ``scale`` is 1 / (m_u - 1), 0 for units rated fewer than twice.

    Dense when that is smaller; else sparse, one entry per ordered pair of a unit's ratings
    (r(r - 1) per unit instead of q² columns: an ordinal scale of 100 levels stays small).
    """
    q, r = tallies.q, tallies.ratings.n_raters
    if dense is None:
        dense = q * q <= r * (r - 1)
    if dense:
        every = tallies.counts
        outer = np.einsum("uk,ul->ukl", every, every)
        idx = np.arange(q)
        outer[:, idx, idx] -= every
        outer *= scale[:, None, None]
        return UnitFeatures(dense=outer.reshape(-1, q * q))
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    data: list[FloatArray] = []
    columns = tallies.columns
    for i in range(r):
        for j in range(r):
            if i == j:
                continue
            a, b = columns[i], columns[j]
            # Ordered pairs of two raters' values within a unit: the coincidences, diagonal
            # included (n_uc (n_uc - 1) pairs agree on c), without building n x q x q.
            units = np.flatnonzero((a >= 0) & (b >= 0) & (scale > 0))
            rows.append(units)
            cols.append(a[units].astype(np.int64) * q + b[units])
            data.append(scale[units])
    matrix = sp.coo_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
        shape=(tallies.ratings.n_units, q * q),
    ).tocsr()
    return UnitFeatures(sparse=matrix)


def krippendorff_alpha(
    ratings: Ratings,
    *,
    level: Level = "nominal",
    ci: bool = True,
    n_resamples: int = 1000,
    ci_level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Krippendorff's α at a level of measurement, with missing data.

    ``level`` is the level of measurement here, so the confidence level is ``ci_level``.
    Interval and ratio need numeric categories (ratio: none negative); nominal and ordinal
    take any labels, ordinal in the declared order. Units rated fewer than twice are left
    out (they have no pairable values).
    """
    if level not in LEVELS:
        raise RatingsError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    key, label = "krippendorff_alpha", f"Krippendorff's α ({level})"
    params: dict[str, object] = {"level": level}
    q = ratings.n_categories
    values = numeric_values(ratings, level) if level in ("interval", "ratio") else None
    tallies = Tallies(ratings)
    pairable = tallies.pairable
    m = tallies.rated
    n_used = int(np.count_nonzero(pairable))
    totals = tallies.category_sums(pairable.astype(np.float64))
    n_values = float(totals.sum())
    counts: dict[str, int | float] = {
        "units": ratings.n_units,
        "units_used": n_used,
        "raters": ratings.n_raters,
        "pairable_values": int(n_values),
    }
    if ratings.n_raters < 2:
        reason = undefined.one_rater(ratings.n_raters)
    elif n_used == 0:
        reason = undefined.no_pairable()
    elif n_used == 1:
        reason = undefined.one_unit()
    else:
        reason = None
    if reason is not None:
        return undefined_result(key, label, reason, counts=counts, params=params)

    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(pairable, 1.0 / (m - 1.0), 0.0)
    delta = fixed_distance(level, values, q)
    statistic: Statistic
    features: Callable[[], UnitFeatures]
    if delta is not None:
        # Per unit Σ over ordered pairs of its values of δ, over (m_u - 1): δ's diagonal
        # is 0, so the coincidence matrix's diagonal correction drops out.
        if level == "nominal":
            ordered = m * (m - 1.0) - tallies.pair_sums(None)
        else:
            ordered = tallies.pair_sums(delta)
        per_unit = ordered * scale
        observed_sum = float(per_unit.sum())
        expected_delta = delta

        def fixed_statistic(block: FloatArray) -> FloatArray:
            weights = np.broadcast_to(delta, (block.shape[0], q, q))
            return _alpha(block[:, 0], block[:, 1:], weights)

        def fixed_features() -> UnitFeatures:
            kept = tallies.counts * pairable[:, None]
            return UnitFeatures(dense=np.column_stack([per_unit, kept]))

        statistic, features = fixed_statistic, fixed_features
    else:
        # Ordinal: δ depends on the marginals, so a resample needs its whole coincidence
        # matrix; the point estimate needs it once.
        kept = tallies.counts[pairable]
        kept_scale = scale[pairable]
        scaled = kept * kept_scale[:, None]
        coincidence = kept.T @ scaled - np.diag(scaled.sum(axis=0))
        expected_delta = ordinal_distance(totals)
        observed_sum = float((coincidence * expected_delta).sum())

        def ordinal_statistic(block: FloatArray) -> FloatArray:
            o = block.reshape(-1, q, q)
            marginals = o.sum(axis=2)
            d = ordinal_distance(marginals)
            return _alpha(np.einsum("bkl,bkl->b", o, d), marginals, d)

        def ordinal_features() -> UnitFeatures:
            return coincidence_features(tallies, scale)

        statistic, features = ordinal_statistic, ordinal_features

    expected_sum = float(totals @ expected_delta @ totals)
    if expected_sum <= undefined.DENOMINATOR_EPS * max(1.0, n_values) ** 2:
        used = [c for c, t in zip(ratings.categories, totals, strict=True) if t]
        return undefined_result(
            key, label, undefined.no_variation(used), counts=counts, params=params
        )
    observed_d = observed_sum / n_values
    expected_d = expected_sum / (n_values * (n_values - 1.0))
    counts["observed_disagreement"] = observed_d
    counts["expected_disagreement"] = expected_d
    return finish(
        key,
        label,
        value=1.0 - observed_d / expected_d,
        counts=counts,
        params=params,
        per_category=None,
        features=features,
        statistic=statistic,
        ci=ci,
        n_resamples=n_resamples,
        level=ci_level,
        seed=seed,
    )
