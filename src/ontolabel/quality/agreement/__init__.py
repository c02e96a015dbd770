"""Chance-corrected agreement over a units x raters table with missing ratings.

Build a :class:`Ratings` table, then call a coefficient (or every one that applies through
:data:`COEFFICIENTS` / :func:`compute_all`). Each returns an :class:`AgreementResult`: the
value or, when the coefficient is undefined for the table, ``None`` and the reason; a seeded
bootstrap interval over units; per-category figures where the coefficient defines them; the
counts it used. Nothing returns NaN, and "undefined" never raises; bad input raises
:class:`ontolabel.errors.RatingsError` naming the unit and rater.
"""

from ontolabel.quality.agreement.estimate import IntervalBatch
from ontolabel.quality.agreement.krippendorff import LEVELS, Level, krippendorff_alpha
from ontolabel.quality.agreement.multirater import (
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    percent_agreement,
)
from ontolabel.quality.agreement.pairwise import cohen_kappa, scott_pi
from ontolabel.quality.agreement.ratings import MISSING, Category, Ratings
from ontolabel.quality.agreement.registry import (
    COEFFICIENTS,
    CoefficientSpec,
    Variant,
    compute_all,
)
from ontolabel.quality.agreement.result import AgreementResult, Interval
from ontolabel.quality.agreement.weights import WEIGHT_NAMES, Weights, weight_matrix

__all__ = [
    "COEFFICIENTS",
    "LEVELS",
    "MISSING",
    "WEIGHT_NAMES",
    "AgreementResult",
    "Category",
    "CoefficientSpec",
    "Interval",
    "IntervalBatch",
    "Level",
    "Ratings",
    "Variant",
    "Weights",
    "brennan_prediger",
    "cohen_kappa",
    "compute_all",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
    "weight_matrix",
]
