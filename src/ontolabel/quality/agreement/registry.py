"""Every coefficient by key, with what it accepts, so a caller can compute "every coefficient
that applies to this table" without a ladder of names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ontolabel.errors import RatingsError
from ontolabel.quality.agreement.estimate import IntervalBatch
from ontolabel.quality.agreement.krippendorff import LEVELS, krippendorff_alpha
from ontolabel.quality.agreement.multirater import (
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    percent_agreement,
)
from ontolabel.quality.agreement.pairwise import cohen_kappa, scott_pi
from ontolabel.quality.agreement.ratings import Ratings
from ontolabel.quality.agreement.result import AgreementResult
from ontolabel.quality.agreement.weights import WEIGHT_NAMES, Weights

CoefficientFunction = Callable[..., AgreementResult]


@dataclass(frozen=True)
class Variant:
    """One way to ask a coefficient: a weighting or a level of measurement (or neither)."""

    weights: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class CoefficientSpec:
    """What one coefficient is and takes.

    ``weights``: the weight names it accepts (empty: unweighted only); ``accepts_matrix``:
    whether a custom agreement-weight matrix is allowed too. ``levels``: the levels of
    measurement it accepts (Krippendorff's α only). ``numeric_levels``: those of ``levels``
    that need numeric categories.
    """

    key: str
    label: str
    function: CoefficientFunction
    weights: tuple[str, ...] = ()
    accepts_matrix: bool = False
    default_weights: str | None = None
    levels: tuple[str, ...] = ()
    numeric_levels: tuple[str, ...] = ()
    min_raters: int = 2
    exactly_two_raters: bool = False
    chance_corrected: bool = True

    def variants(self, ratings: Ratings) -> list[Variant]:
        """The keyword arguments worth computing on this table: each level (numeric levels
        only for numeric categories) or each weighting (weighted ones only for 3 or more
        categories, where weights change anything)."""
        if self.levels:
            numeric = all(
                isinstance(c, int | float) and not isinstance(c, bool) for c in ratings.categories
            )
            nonnegative = numeric and all(float(c) >= 0 for c in ratings.categories)
            out: list[Variant] = []
            for level in self.levels:
                if level in self.numeric_levels and not numeric:
                    continue
                if level == "ratio" and not nonnegative:
                    continue
                out.append(Variant(level=level))
            return out
        if self.weights:
            names = [w for w in self.weights if w == "unweighted" or ratings.n_categories > 2]
            return [Variant(weights=w) for w in names]
        return [Variant()]

    def applies_to(self, ratings: Ratings) -> str | None:
        """None when the coefficient can be asked of this table, else why not."""
        if ratings.n_raters < self.min_raters:
            return f"{self.label} needs at least {self.min_raters} raters"
        if self.exactly_two_raters and ratings.n_raters != 2:
            return f"{self.label} compares exactly two raters; this table has {ratings.n_raters}"
        return None

    def compute(
        self,
        ratings: Ratings,
        *,
        weights: Weights | None = None,
        level: str | None = None,
        ci: bool = True,
        n_resamples: int = 1000,
        confidence: float = 0.95,
        seed: int = 0,
    ) -> AgreementResult:
        """One calling convention for every coefficient (the confidence level is
        ``confidence`` here, since ``level`` is Krippendorff's level of measurement)."""
        kwargs: dict[str, Any] = {"ci": ci, "n_resamples": n_resamples, "seed": seed}
        if self.levels:
            kwargs["ci_level"] = confidence
            if level is not None:
                kwargs["level"] = level
        else:
            kwargs["level"] = confidence
        if self.weights or self.accepts_matrix:
            if weights is not None:
                kwargs["weights"] = weights
        elif not (weights is None or (isinstance(weights, str) and weights == "unweighted")):
            raise RatingsError(f"{self.label} takes no weights")
        return self.function(ratings, **kwargs)


def _spec_list() -> list[CoefficientSpec]:
    return [
        CoefficientSpec(
            "percent_agreement", "Percent agreement", percent_agreement, chance_corrected=False
        ),
        CoefficientSpec(
            "cohen_kappa",
            "Cohen's κ",
            cohen_kappa,
            default_weights="unweighted",
            exactly_two_raters=True,
            weights=WEIGHT_NAMES,
            accepts_matrix=True,
        ),
        CoefficientSpec(
            "scott_pi",
            "Scott's π",
            scott_pi,
            default_weights="unweighted",
            exactly_two_raters=True,
            weights=WEIGHT_NAMES,
            accepts_matrix=True,
        ),
        CoefficientSpec(
            "fleiss_kappa",
            "Fleiss' κ",
            fleiss_kappa,
            default_weights="unweighted",
            weights=WEIGHT_NAMES,
            accepts_matrix=True,
        ),
        CoefficientSpec(
            "conger_kappa",
            "Conger's κ",
            conger_kappa,
            default_weights="unweighted",
            weights=WEIGHT_NAMES,
            accepts_matrix=True,
        ),
        CoefficientSpec(
            "krippendorff_alpha",
            "Krippendorff's α",
            krippendorff_alpha,
            levels=LEVELS,
            numeric_levels=("interval", "ratio"),
        ),
        CoefficientSpec("gwet_ac1", "Gwet's AC1", gwet_ac1),
        CoefficientSpec(
            "gwet_ac2",
            "Gwet's AC2",
            gwet_ac2,
            weights=("linear", "quadratic"),
            accepts_matrix=True,
            default_weights="quadratic",
        ),
        CoefficientSpec(
            "brennan_prediger",
            "Brennan–Prediger",
            brennan_prediger,
            default_weights="unweighted",
            weights=WEIGHT_NAMES,
            accepts_matrix=True,
        ),
    ]


COEFFICIENTS: Mapping[str, CoefficientSpec] = MappingProxyType(
    {spec.key: spec for spec in _spec_list()}
)


def compute_all(
    ratings: Ratings,
    *,
    ci: bool = True,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    select: Callable[[CoefficientSpec, Variant], bool] | None = None,
) -> list[AgreementResult]:
    """Every coefficient that applies to the table, in every variant worth showing (or those
    ``select`` keeps, e.g. only the unweighted, nominal ones for unordered labels).

    The intervals are the ones each coefficient gives on its own (same seed, same draws);
    they are computed together, drawing each resample once for all coefficients.
    """
    results: list[AgreementResult] = []
    with IntervalBatch() as batch:
        for spec in COEFFICIENTS.values():
            if spec.applies_to(ratings) is not None:
                continue
            for variant in spec.variants(ratings):
                if select is not None and not select(spec, variant):
                    continue
                results.append(
                    spec.compute(
                        ratings,
                        ci=ci,
                        n_resamples=n_resamples,
                        confidence=confidence,
                        seed=seed,
                        weights=variant.weights,
                        level=variant.level,
                    )
                )
    return batch.resolve(results)
