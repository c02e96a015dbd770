"""Coefficients over any number of raters with missing ratings, in Gwet's general form.

Observed agreement is the (weighted) share of agreeing ordered pairs of ratings within each
unit rated at least twice, averaged over those units (Gwet 2014, ch. 2; irrCAC's ``pa``).
The chance term is what tells the coefficients apart:

- Fleiss' κ (generalised to unequal raters per unit): the category shares ``π_k``, each unit's
  ratings weighing 1 whatever their number, over every unit rated at least once;
- Conger's κ: the mean over pairs of raters of their Cohen-type chance agreement;
- Gwet's AC1/AC2: the chance of a random rating on a hard-to-score unit;
- Brennan-Prediger: a uniform choice among the declared categories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ontolabel.quality.agreement import undefined
from ontolabel.quality.agreement.estimate import (
    UnitFeatures,
    finish,
    ratio,
    undefined_result,
)
from ontolabel.quality.agreement.ratings import Category, Ratings
from ontolabel.quality.agreement.result import AgreementResult
from ontolabel.quality.agreement.tallies import BoolArray, FloatArray, Tallies
from ontolabel.quality.agreement.weights import (
    Weights,
    weight_matrix,
    weights_label,
    weights_param,
)

# Columns of the shared sums: units rated, units rated twice or more, summed unit agreement,
# then (Fleiss, Gwet) the summed per-unit category shares.
_RATED, _PAIRABLE, _AGREE, _SHARES = 0, 1, 2, 3

ChanceTerm = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class _Table:
    ratings: Ratings
    tallies: Tallies
    w: FloatArray
    rated: BoolArray  # units with at least one rating
    pairable: BoolArray  # units with at least two
    agreement: FloatArray  # per unit: weighted share of agreeing pairs (0 if not pairable)

    @classmethod
    def of(cls, ratings: Ratings, w: FloatArray) -> _Table:
        tallies = Tallies(ratings)
        m = tallies.rated
        pairable = tallies.pairable
        identity = np.array_equal(w, np.eye(w.shape[0]))
        agreeing = tallies.pair_sums(None if identity else w)
        with np.errstate(divide="ignore", invalid="ignore"):
            agreement = np.where(pairable, agreeing / (m * (m - 1)), 0.0)
        return cls(ratings, tallies, w, m >= 1, pairable, agreement)

    @cached_property
    def inverse_rated(self) -> FloatArray:
        m = self.tallies.rated
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = np.where(m > 0, 1.0 / m, 0.0)
        return out

    def shares(self) -> FloatArray:
        """Per unit, the share of its ratings in each category (0 rows for unrated units)."""
        out: FloatArray = self.tallies.counts * self.inverse_rated[:, None]
        return out

    @cached_property
    def share_sums(self) -> FloatArray:
        """Σ_u n_uk / m_u over rated units."""
        return self.tallies.category_sums(self.inverse_rated)

    @cached_property
    def pairable_share_sums(self) -> FloatArray:
        """Σ_u n_uk / m_u over units rated twice or more."""
        single = self.rated & ~self.pairable
        if not single.any():
            return self.share_sums
        # A unit rated once has its one rating as share 1: take those out.
        return self.share_sums - self.tallies.category_sums(single.astype(np.float64))

    def base_sums(self) -> FloatArray:
        return np.array(
            [
                float(np.count_nonzero(self.rated)),
                float(np.count_nonzero(self.pairable)),
                float(self.agreement.sum()),
            ]
        )

    def base_features(self) -> FloatArray:
        """Per unit of the table: [rated, pairable, agreement] (zeros for unrated units)."""
        return np.column_stack([self.rated, self.pairable, self.agreement]).astype(np.float64)

    def counts(self) -> dict[str, int | float]:
        return {
            "units": self.ratings.n_units,
            "units_rated": int(np.count_nonzero(self.rated)),
            "units_used": int(np.count_nonzero(self.pairable)),
            "raters": self.ratings.n_raters,
            "pairable_values": int(self.tallies.rated[self.pairable].sum()),
        }

    def used(self) -> list[Category]:
        totals = self.tallies.category_sums(self.pairable.astype(np.float64))
        return [c for c, t in zip(self.ratings.categories, totals, strict=True) if t]

    def precheck(self) -> str | None:
        """The reason the table cannot carry any chance-corrected coefficient, if any."""
        if self.ratings.n_raters < 2:
            return undefined.one_rater(self.ratings.n_raters)
        pairable = int(np.count_nonzero(self.pairable))
        if pairable == 0:
            return undefined.no_pairable()
        if pairable == 1:
            return undefined.one_unit()
        return None


def _as_features(features: FloatArray | UnitFeatures) -> UnitFeatures:
    return features if isinstance(features, UnitFeatures) else UnitFeatures(dense=features)


def _observed(sums: FloatArray) -> FloatArray:
    return ratio(sums[:, _AGREE], sums[:, _PAIRABLE])


def _shares(sums: FloatArray) -> FloatArray:
    out: FloatArray = sums[:, _SHARES:] / sums[:, _RATED, None]
    return out


def _coefficient(
    table: _Table,
    *,
    key: str,
    label: str,
    params: dict[str, object],
    chance: ChanceTerm,
    sums: FloatArray,
    features: Callable[[], FloatArray | UnitFeatures],
    per_category: Callable[[], dict[str, float | None] | None],
    ci: bool,
    n_resamples: int,
    level: float,
    seed: int,
) -> AgreementResult:
    counts = table.counts()
    reason = table.precheck()
    if reason is not None:
        return undefined_result(key, label, reason, counts=counts, params=params)
    row = sums[None, :]
    observed = float(_observed(row)[0])
    expected = float(chance(row)[0])
    counts["observed_agreement"] = observed
    counts["expected_agreement"] = expected
    if not np.isfinite(expected) or 1.0 - expected <= undefined.DENOMINATOR_EPS:
        return undefined_result(
            key,
            label,
            undefined.no_variation(table.used()),
            counts=counts,
            params=params,
        )

    def statistic(block: FloatArray) -> FloatArray:
        exp = chance(block)
        return ratio(_observed(block) - exp, 1.0 - exp)

    return finish(
        key,
        label,
        value=(observed - expected) / (1.0 - expected),
        counts=counts,
        params=params,
        per_category=per_category(),
        features=lambda: _as_features(features()),
        statistic=statistic,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def _dichotomised_fleiss(table: _Table) -> dict[str, float | None]:
    """Fleiss (1971) κ_j of each category against the rest, for unequal raters per unit.

    A unit's agreement on "k or not k" is 1 + 2 n_k (n_k - 1) / (m (m - 1)) - 2 n_k / m,
    so the sums over units need only per-category totals, never a units x categories table.
    """
    n_pairable = float(np.count_nonzero(table.pairable))
    possible = np.arange(table.ratings.n_raters + 1, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_rated = np.where(possible >= 2, 1.0 / (possible * (possible - 1)), 0.0)
    agreeing = table.tallies.pair_category_sums(by_rated)
    shares_pairable = table.pairable_share_sums
    observed = (n_pairable + 2.0 * agreeing - 2.0 * shares_pairable) / n_pairable
    share = table.share_sums / np.count_nonzero(table.rated)
    chance = share**2 + (1 - share) ** 2
    values = ratio(observed - chance, 1.0 - chance)
    return {
        str(c): (float(v) if np.isfinite(v) else None)
        for c, v in zip(table.ratings.categories, values, strict=True)
    }


def fleiss_kappa(
    ratings: Ratings,
    *,
    weights: Weights = "unweighted",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Fleiss' κ, generalised to unequal numbers of raters per unit (irrCAC's ``fleiss``).

    With every unit rated by the same m raters this is Fleiss (1971). ``per_category``:
    Fleiss' κ_j of each category against the rest (unweighted).
    """
    w = weight_matrix(weights, ratings.n_categories)
    table = _Table.of(ratings, w)

    def chance(sums: FloatArray) -> FloatArray:
        pi = _shares(sums)
        out: FloatArray = np.einsum("kl,bk,bl->b", w, pi, pi)
        return out

    return _coefficient(
        table,
        key="fleiss_kappa",
        label="Fleiss' κ" + weights_label(weights),
        params={"weights": weights_param(weights)},
        chance=chance,
        sums=np.concatenate([table.base_sums(), table.share_sums]),
        features=lambda: np.hstack([table.base_features(), table.shares()]),
        per_category=lambda: _dichotomised_fleiss(table),
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def _gwet(
    ratings: Ratings,
    *,
    key: str,
    name: str,
    weights: Weights,
    ci: bool,
    n_resamples: int,
    level: float,
    seed: int,
) -> AgreementResult:
    q = ratings.n_categories
    w = weight_matrix(weights, q)
    table = _Table.of(ratings, w)
    label = name + weights_label(weights) if key == "gwet_ac2" else name
    params: dict[str, object] = {"weights": weights_param(weights)}
    if q < 2:
        reason = table.precheck() or undefined.one_category(q)
        return undefined_result(key, label, reason, counts=table.counts(), params=params)
    scale = float(w.sum()) / (q * (q - 1))

    def chance(sums: FloatArray) -> FloatArray:
        pi = _shares(sums)
        out: FloatArray = scale * (pi * (1.0 - pi)).sum(axis=1)
        return out

    return _coefficient(
        table,
        key=key,
        label=label,
        params=params,
        chance=chance,
        sums=np.concatenate([table.base_sums(), table.share_sums]),
        features=lambda: np.hstack([table.base_features(), table.shares()]),
        per_category=lambda: None,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def gwet_ac1(
    ratings: Ratings,
    *,
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Gwet's AC1 (unweighted): chance is the agreement of random ratings on hard units,
    ``Σ π_k (1 - π_k) / (q - 1)`` over the declared q categories.

    Unlike κ it stays defined when every rating is one category (it is then the observed
    agreement): that resistance to the "kappa paradox" is its purpose.
    """
    return _gwet(
        ratings,
        key="gwet_ac1",
        name="Gwet's AC1",
        weights="unweighted",
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def gwet_ac2(
    ratings: Ratings,
    *,
    weights: Weights = "quadratic",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Gwet's AC2: AC1 with agreement weights (quadratic by default) for ordered scales."""
    return _gwet(
        ratings,
        key="gwet_ac2",
        name="Gwet's AC2",
        weights=weights,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def brennan_prediger(
    ratings: Ratings,
    *,
    weights: Weights = "unweighted",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Brennan and Prediger's coefficient: chance is a uniform pick among the declared q
    categories (``Σ w / q²``), so declaring an unused category changes it."""
    q = ratings.n_categories
    w = weight_matrix(weights, q)
    table = _Table.of(ratings, w)
    key, label = "brennan_prediger", "Brennan–Prediger" + weights_label(weights)
    params: dict[str, object] = {"weights": weights_param(weights)}
    if q < 2:
        reason = table.precheck() or undefined.one_category(q)
        return undefined_result(key, label, reason, counts=table.counts(), params=params)
    uniform = float(w.sum()) / q**2

    def chance(sums: FloatArray) -> FloatArray:
        return np.full(sums.shape[0], uniform)

    return _coefficient(
        table,
        key=key,
        label=label,
        params=params,
        chance=chance,
        sums=table.base_sums(),
        features=table.base_features,
        per_category=lambda: None,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def _rater_shares(sums: FloatArray, n_raters: int, q: int) -> tuple[FloatArray, FloatArray]:
    """Per (resample, rater) category shares, and how many raters rated anything."""
    per_rater = sums[:, _SHARES:].reshape(-1, n_raters, q)
    totals = per_rater.sum(axis=2)
    active = totals > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(active[:, :, None], per_rater / totals[:, :, None], 0.0)
    return shares, active.sum(axis=1).astype(np.float64)


def conger_kappa(
    ratings: Ratings,
    *,
    weights: Weights = "unweighted",
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """Conger's κ: Fleiss' observed agreement, chance averaged over every pair of raters
    from each rater's own category shares (Cohen's κ when there are two raters and no gaps).

    A rater who rated nothing has no shares and takes no part in the chance term.
    """
    q, r = ratings.n_categories, ratings.n_raters
    w = weight_matrix(weights, q)
    table = _Table.of(ratings, w)
    columns = table.tallies.columns

    def chance(sums: FloatArray) -> FloatArray:
        shares, active = _rater_shares(sums, r, q)
        pooled = shares.sum(axis=1)
        across = np.einsum("kl,bk,bl->b", w, pooled, pooled)
        within = np.einsum("kl,bgk,bgl->b", w, shares, shares)
        return ratio(across - within, active * (active - 1))

    def rater_counts() -> FloatArray:
        return np.concatenate(
            [np.bincount(column + 1, minlength=q + 1)[1:] for column in columns]
        ).astype(np.float64)

    def features() -> UnitFeatures:
        # Each rater's category as a one-hot block: sparse, since a unit has at most one
        # entry per rater among r * q columns.
        codes = ratings.codes
        rows, cols = np.nonzero(codes >= 0)
        onehot = sp.csr_matrix(
            (np.ones(rows.size), (rows, cols * q + codes[rows, cols])),
            shape=(codes.shape[0], r * q),
        )
        base = sp.csr_matrix(table.base_features())
        return UnitFeatures(sparse=sp.hstack([base, onehot], format="csr"))

    return _coefficient(
        table,
        key="conger_kappa",
        label="Conger's κ" + weights_label(weights),
        params={"weights": weights_param(weights)},
        chance=chance,
        sums=np.concatenate([table.base_sums(), rater_counts()]),
        features=features,
        per_category=lambda: None,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


def _specific_agreement(table: _Table) -> dict[str, float | None]:
    """Per category: of the ratings in it (on units rated twice or more), the share of their
    pairs that agree on it (positive specific agreement; 2a / (2a + b + c) for two raters)."""
    possible = np.arange(table.ratings.n_raters + 1, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_rated = np.where(possible >= 2, 1.0 / (possible - 1), 0.0)
    agreeing = table.tallies.pair_category_sums(by_rated)
    values = ratio(agreeing, table.tallies.category_sums(table.pairable.astype(np.float64)))
    return {
        str(c): (float(v) if np.isfinite(v) else None)
        for c, v in zip(table.ratings.categories, values, strict=True)
    }


def percent_agreement(
    ratings: Ratings,
    *,
    ci: bool = True,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> AgreementResult:
    """The share of agreeing pairs of ratings within units, averaged over units rated twice
    or more (for two raters: the share of units they agree on). Not chance-corrected.

    ``counts["unanimous_units"]``: units whose ratings are all one category.
    ``per_category``: positive specific agreement of each category.
    """
    table = _Table.of(ratings, np.eye(ratings.n_categories))
    key, label = "percent_agreement", "Percent agreement"
    params: dict[str, object] = {}
    counts = table.counts()
    if ratings.n_raters < 2:
        return undefined_result(
            key, label, undefined.one_rater(ratings.n_raters), counts=counts, params=params
        )
    pairable = int(np.count_nonzero(table.pairable))
    if pairable == 0:
        return undefined_result(key, label, undefined.no_pairable(), counts=counts, params=params)
    counts["unanimous_units"] = int(np.count_nonzero(table.pairable & (table.agreement == 1.0)))
    value = float(table.agreement.sum()) / pairable
    counts["observed_agreement"] = value
    return finish(
        key,
        label,
        value=value,
        counts=counts,
        params=params,
        per_category=_specific_agreement(table),
        features=lambda: UnitFeatures(dense=table.base_features()),
        statistic=_observed,
        ci=ci,
        n_resamples=n_resamples,
        level=level,
        seed=seed,
    )


__all__ = [
    "brennan_prediger",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "percent_agreement",
]
