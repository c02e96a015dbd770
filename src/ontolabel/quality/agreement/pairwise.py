"""Two-rater coefficients over the confusion matrix: Cohen's κ and Scott's π.

Only units both raters rated count (listwise deletion, as scikit-learn and statsmodels).
The confusion matrix is one bincount over ``first * q + second``; a bootstrap resample
re-counts the same pair codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ontolabel.quality.agreement import undefined
from ontolabel.quality.agreement.estimate import (
    UnitFeatures,
    finish,
    ratio,
    undefined_result,
)
from ontolabel.quality.agreement.ratings import Ratings
from ontolabel.quality.agreement.result import AgreementResult
from ontolabel.quality.agreement.tallies import FloatArray, IntArray
from ontolabel.quality.agreement.weights import (
    Weights,
    weight_matrix,
    weights_label,
    weights_param,
)


@dataclass(frozen=True)
class _Pairs:
    codes: IntArray  # first * q + second, for units both raters rated
    confusion: FloatArray  # q x q


def _pairs(ratings: Ratings) -> _Pairs:
    q = ratings.n_categories
    first = ratings.codes[:, 0]
    second = ratings.codes[:, 1]
    both = (first >= 0) & (second >= 0)
    codes = first[both].astype(np.int64) * q + second[both]
    confusion = np.bincount(codes, minlength=q * q).reshape(q, q).astype(np.float64)
    return _Pairs(codes, confusion)


def _all_units(ratings: Ratings) -> IntArray:
    """Every unit's pair code, q * q for units the two raters did not both rate (the extra
    slot the statistic ignores), so resamples run over the table's units."""
    q = ratings.n_categories
    first = ratings.codes[:, 0].astype(np.int64)
    second = ratings.codes[:, 1]
    both = (first >= 0) & (second >= 0)
    out: IntArray = np.where(both, first * q + second, q * q)
    return out


def _chance(confusion: FloatArray, w: FloatArray, *, scott: bool) -> tuple[FloatArray, FloatArray]:
    """Observed and chance agreement for a (b, q, q) block of confusion matrices."""
    n = confusion.sum(axis=(1, 2))
    rows = confusion.sum(axis=2) / n[:, None]
    cols = confusion.sum(axis=1) / n[:, None]
    observed = np.einsum("kl,bkl->b", w, confusion) / n
    if scott:
        pooled = (rows + cols) / 2.0
        chance = np.einsum("kl,bk,bl->b", w, pooled, pooled)
    else:
        chance = np.einsum("kl,bk,bl->b", w, rows, cols)
    return observed, chance


def _per_category(
    ratings: Ratings, confusion: FloatArray, *, scott: bool
) -> dict[str, float | None]:
    """The coefficient of each category against all others (the 2x2 table it makes)."""
    n = confusion.sum()
    both = np.diag(confusion)
    rows = confusion.sum(axis=1)
    cols = confusion.sum(axis=0)
    observed = (n - rows - cols + 2 * both) / n
    if scott:
        pooled = (rows + cols) / (2 * n)
        chance = pooled**2 + (1 - pooled) ** 2
    else:
        chance = (rows * cols + (n - rows) * (n - cols)) / n**2
    values = ratio(observed - chance, 1.0 - chance)
    return {
        str(c): (float(v) if np.isfinite(v) else None)
        for c, v in zip(ratings.categories, values, strict=True)
    }


def _two_rater(
    ratings: Ratings,
    *,
    key: str,
    name: str,
    scott: bool,
    weights: Weights,
    ci: bool,
    n_resamples: int,
    level: float,
    seed: int,
) -> AgreementResult:
    q = ratings.n_categories
    w = weight_matrix(weights, q)
    label = name + weights_label(weights)
    params: dict[str, object] = {"weights": weights_param(weights)}
    counts: dict[str, int | float] = {"units": ratings.n_units, "raters": ratings.n_raters}
    if ratings.n_raters != 2:
        reason = (
            undefined.one_rater(ratings.n_raters)
            if ratings.n_raters < 2
            else undefined.not_two_raters(name, ratings.n_raters)
        )
        return undefined_result(key, label, reason, counts=counts, params=params)
    pairs = _pairs(ratings)
    n = int(pairs.codes.size)
    counts["units_used"] = n
    counts["pairable_values"] = 2 * n
    if n == 0:
        return undefined_result(key, label, undefined.no_pairable(), counts=counts, params=params)
    if n == 1:
        return undefined_result(key, label, undefined.one_unit(), counts=counts, params=params)
    observed, chance = (float(x[0]) for x in _chance(pairs.confusion[None], w, scott=scott))
    counts["observed_agreement"] = observed
    counts["expected_agreement"] = chance
    if 1.0 - chance <= undefined.DENOMINATOR_EPS:
        used = pairs.confusion.sum(axis=0) + pairs.confusion.sum(axis=1)
        reason = undefined.no_variation(
            [c for c, t in zip(ratings.categories, used, strict=True) if t]
        )
        return undefined_result(key, label, reason, counts=counts, params=params)

    def statistic(sums: FloatArray) -> FloatArray:
        obs, exp = _chance(sums[:, : q * q].reshape(-1, q, q), w, scott=scott)
        return ratio(obs - exp, 1.0 - exp)

    return finish(
        key,
        label,
        value=(observed - chance) / (1.0 - chance),
        counts=counts,
        params=params,
        per_category=_per_category(ratings, pairs.confusion, scott=scott),
        features=lambda: UnitFeatures(categorical=_all_units(ratings), width=q * q + 1),
        statistic=statistic,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def cohen_kappa(
    ratings: Ratings,
    *,
    weights: Weights = "unweighted",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Cohen's κ for two raters; weighted with "linear", "quadratic" or a matrix of
    agreement weights over the declared categories (a declared, unused level counts).

    ``per_category``: each category's κ against all the others (unweighted).
    """
    return _two_rater(
        ratings,
        key="cohen_kappa",
        name="Cohen's κ",
        scott=False,
        weights=weights,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def scott_pi(
    ratings: Ratings,
    *,
    weights: Weights = "unweighted",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Scott's π for two raters: chance from the two raters' pooled category shares.

    ``per_category``: each category's π against all the others (unweighted).
    """
    return _two_rater(
        ratings,
        key="scott_pi",
        name="Scott's π",
        scott=True,
        weights=weights,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )
