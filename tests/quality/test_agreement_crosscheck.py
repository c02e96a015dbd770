"""Cross-checks on seeded random tables against independent implementations (test-only
dependencies): scikit-learn, statsmodels, the ``krippendorff`` package and irrCAC.

The tables are skewed (so chance agreement is far from uniform), leave some declared
categories unused (so the declared scale matters) and, where the peer supports it, have
missing ratings. Values agree to 1e-9 wherever the definitions are the same.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from ontolabel.quality.agreement import (
    LEVELS,
    Ratings,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

# irrCAC writes into a slice of its input frame; pandas warns, the values are right.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning")

SEEDS = range(12)
TOL = 1e-9


def random_codes(
    seed: int, *, units: int, raters: int, q: int, missing: float, used: int | None = None
) -> np.ndarray:
    """Codes with real agreement: each unit has a true category, each rater keeps it with
    a rater-specific probability, else picks from a skewed distribution over ``used``
    categories (the rest of the q declared categories stay unused)."""
    rng = np.random.default_rng(seed)
    used = q if used is None else used
    skew = rng.dirichlet(np.full(used, 0.8))
    truth = rng.choice(used, size=units, p=skew)
    keep = rng.uniform(0.3, 0.9, size=raters)
    noise = rng.choice(used, size=(units, raters), p=skew)
    codes = np.where(rng.random((units, raters)) < keep, truth[:, None], noise)
    codes[rng.random((units, raters)) < missing] = -1
    # Every rater rates something and no unit is left empty (the peers need both).
    codes[0] = truth[0]
    return codes.astype(np.int32)


def as_frame(codes: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(np.where(codes >= 0, codes, np.nan).astype(float))


# -- scikit-learn -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weights", ["unweighted", "linear", "quadratic"])
def test_cohen_matches_scikit_learn(seed: int, weights: str) -> None:
    codes = random_codes(seed, units=200, raters=2, q=6, used=5, missing=0.1)
    ratings = Ratings.from_codes(codes, categories=range(6))
    both = (codes >= 0).all(axis=1)
    expected = cohen_kappa_score(
        codes[both, 0],
        codes[both, 1],
        labels=list(range(6)),
        weights=None if weights == "unweighted" else weights,
    )
    result = cohen_kappa(ratings, weights=weights, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=TOL)
    assert result.counts["units_used"] == int(both.sum())


# -- statsmodels --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_matches_statsmodels_on_complete_tables(seed: int) -> None:
    codes = random_codes(seed, units=150, raters=5, q=7, used=6, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(7))
    table, _ = aggregate_raters(codes, n_cat=7)
    assert fleiss_kappa(ratings, ci=False).value == pytest.approx(
        sm_fleiss_kappa(table, method="fleiss"), abs=TOL
    )
    # statsmodels' "randolph" is Brennan-Prediger's free-marginal κ over the declared q.
    assert brennan_prediger(ratings, ci=False).value == pytest.approx(
        sm_fleiss_kappa(table, method="randolph"), abs=TOL
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("wt", [None, "linear", "quadratic"])
def test_cohen_matches_statsmodels(seed: int, wt: str | None) -> None:
    codes = random_codes(seed, units=120, raters=2, q=5, used=4, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(5))
    confusion = np.zeros((5, 5))
    np.add.at(confusion, (codes[:, 0], codes[:, 1]), 1)
    expected = sm_cohens_kappa(confusion, wt=wt, return_results=False)
    weights = "unweighted" if wt is None else wt
    result = cohen_kappa(ratings, weights=weights, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_scott_is_fleiss_for_two_raters_without_gaps(seed: int) -> None:
    codes = random_codes(seed, units=100, raters=2, q=4, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(4))
    table, _ = aggregate_raters(codes, n_cat=4)
    assert scott_pi(ratings, ci=False).value == pytest.approx(sm_fleiss_kappa(table), abs=TOL)


# -- krippendorff package ------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_matches_the_krippendorff_package(seed: int, level: str) -> None:
    codes = random_codes(seed, units=120, raters=4, q=6, used=5, missing=0.25)
    values = [1, 2, 3, 5, 8, 13]  # uneven gaps: interval and ratio differ from ordinal
    ratings = Ratings.from_codes(codes, categories=values)
    reliability = np.where(codes >= 0, np.take(values, np.maximum(codes, 0)), np.nan).T
    expected = krippendorff.alpha(
        reliability_data=reliability, level_of_measurement=level, value_domain=values
    )
    result = krippendorff_alpha(ratings, level=level, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_ordinal_alpha_uses_the_declared_order_not_the_values(seed: int) -> None:
    codes = random_codes(seed, units=80, raters=3, q=4, missing=0.2)
    labels = ["low", "mid", "high", "very high"]
    ratings = Ratings.from_codes(codes, categories=labels)
    reliability = np.where(codes >= 0, codes, np.nan).T.astype(float)
    expected = krippendorff.alpha(
        reliability_data=reliability, level_of_measurement="ordinal", value_domain=range(4)
    )
    assert krippendorff_alpha(ratings, level="ordinal", ci=False).value == pytest.approx(
        expected, abs=TOL
    )


# -- irrCAC (Gwet's own package) -----------------------------------------------------------


def irrcac(codes: np.ndarray, q: int, weights: str = "identity") -> CAC:
    return CAC(as_frame(codes), weights=weights, categories=list(range(q)), digits=15)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weights", ["unweighted", "linear", "quadratic"])
def test_multirater_coefficients_match_irrcac_with_missing(seed: int, weights: str) -> None:
    """Fleiss generalised to unequal raters per unit, Conger, Gwet AC1/AC2 and
    Brennan-Prediger, over the declared categories (one unused), with missing ratings."""
    q = 6
    codes = random_codes(seed, units=90, raters=4, q=q, used=5, missing=0.3)
    ratings = Ratings.from_codes(codes, categories=range(q))
    reference = irrcac(codes, q, "identity" if weights == "unweighted" else weights)
    w = weights  # categories 0..q-1: irrCAC's value-based weights are position-based here
    checks = [
        (fleiss_kappa(ratings, weights=w, ci=False), reference.fleiss()),  # type: ignore[arg-type]
        (conger_kappa(ratings, weights=w, ci=False), reference.conger()),  # type: ignore[arg-type]
        (brennan_prediger(ratings, weights=w, ci=False), reference.bp()),  # type: ignore[arg-type]
        (
            gwet_ac1(ratings, ci=False)
            if weights == "unweighted"
            else gwet_ac2(ratings, weights=w, ci=False),  # type: ignore[arg-type]
            reference.gwet(),
        ),
    ]
    for ours, theirs in checks:
        assert ours.value == pytest.approx(theirs["est"]["coefficient_value"], abs=TOL), (
            ours.coefficient
        )
        assert ours.counts["observed_agreement"] == pytest.approx(theirs["est"]["pa"], abs=TOL)
        assert ours.counts["expected_agreement"] == pytest.approx(theirs["est"]["pe"], abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("level", "weights"), [("nominal", "identity"), ("ratio", "ratio")])
def test_krippendorff_matches_irrcac(seed: int, level: str, weights: str) -> None:
    codes = random_codes(seed, units=90, raters=4, q=5, missing=0.3)
    values = list(range(1, 6))
    ratings = Ratings.from_codes(codes, categories=values)
    frame = pd.DataFrame(np.where(codes >= 0, codes + 1, np.nan).astype(float))
    reference = CAC(frame, weights=weights, categories=values, digits=15).krippendorff()
    result = krippendorff_alpha(ratings, level=level, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(reference["est"]["coefficient_value"], abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_alpha_is_irrcac_quadratic(seed: int) -> None:
    codes = random_codes(seed, units=90, raters=3, q=5, missing=0.3)
    values = [0.0, 1.0, 2.5, 4.0, 10.0]
    ratings = Ratings.from_codes(codes, categories=values)
    frame = pd.DataFrame(np.where(codes >= 0, np.take(values, np.maximum(codes, 0)), np.nan))
    reference = CAC(frame, weights="quadratic", categories=values, digits=15).krippendorff()
    result = krippendorff_alpha(ratings, level="interval", ci=False)
    assert result.value == pytest.approx(reference["est"]["coefficient_value"], abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_percent_agreement_is_gwets_observed_agreement(seed: int) -> None:
    codes = random_codes(seed, units=90, raters=4, q=5, missing=0.3)
    ratings = Ratings.from_codes(codes, categories=range(5))
    expected = irrcac(codes, 5).gwet()["est"]["pa"]
    assert percent_agreement(ratings, ci=False).value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("seed", SEEDS)
def test_conger_is_cohen_for_two_raters_without_gaps(seed: int) -> None:
    codes = random_codes(seed, units=100, raters=2, q=4, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(4))
    assert conger_kappa(ratings, ci=False).value == pytest.approx(
        cohen_kappa(ratings, ci=False).value, abs=TOL
    )


# -- many raters (per unit x category counts instead of per rater pair) ----------------------


@pytest.mark.parametrize("seed", range(6))
def test_many_raters_few_categories_match_the_peers(seed: int) -> None:
    """With many raters and few categories the sums come from a units x categories table
    instead of rater pairs; the answers must not change."""
    q = 3
    codes = random_codes(seed, units=80, raters=9, q=q, missing=0.4)
    ratings = Ratings.from_codes(codes, categories=range(q))
    reference = irrcac(codes, q)
    for ours, theirs in [
        (fleiss_kappa(ratings, ci=False), reference.fleiss()),
        (conger_kappa(ratings, ci=False), reference.conger()),
        (gwet_ac1(ratings, ci=False), reference.gwet()),
        (brennan_prediger(ratings, ci=False), reference.bp()),
        (krippendorff_alpha(ratings, ci=False), reference.krippendorff()),
    ]:
        assert ours.value == pytest.approx(theirs["est"]["coefficient_value"], abs=TOL)
    weighted = irrcac(codes, q, "quadratic").fleiss()["est"]["coefficient_value"]
    assert fleiss_kappa(ratings, weights="quadratic", ci=False).value == pytest.approx(
        weighted, abs=TOL
    )
    reliability = np.where(codes >= 0, codes, np.nan).T.astype(float)
    for level in ("ordinal", "interval"):
        expected = krippendorff.alpha(
            reliability_data=reliability, level_of_measurement=level, value_domain=range(q)
        )
        result = krippendorff_alpha(ratings, level=level, ci=False)  # type: ignore[arg-type]
        assert result.value == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("seed", range(6))
def test_per_category_figures_agree_between_the_two_ways(seed: int) -> None:
    """Fleiss' κ_j and specific agreement from rater pairs equal the same figures from the
    units x categories table (dichotomised κ recomputed by statsmodels where m is equal)."""
    codes = random_codes(seed, units=70, raters=4, q=4, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(4))
    table, _ = aggregate_raters(codes, n_cat=4)
    per_category = fleiss_kappa(ratings, ci=False).per_category
    assert per_category is not None
    for k in range(4):
        collapsed = np.column_stack([table[:, k], table.sum(axis=1) - table[:, k]])
        assert per_category[str(k)] == pytest.approx(sm_fleiss_kappa(collapsed), abs=TOL)
    specific = percent_agreement(ratings, ci=False).per_category
    assert specific is not None
    for k in range(4):
        n_k = table[:, k].astype(float)
        expected = (n_k * (n_k - 1) / 3).sum() / n_k.sum()
        assert specific[str(k)] == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("seed", range(4))
def test_both_ways_give_the_same_results_with_missing_ratings(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every coefficient, value and per-category figures, by rater pairs and by the units x
    categories table, on a table with unequal numbers of ratings per unit."""
    from ontolabel.quality.agreement import COEFFICIENTS
    from ontolabel.quality.agreement.tallies import Tallies

    codes = random_codes(seed, units=60, raters=4, q=5, missing=0.35)
    ratings = Ratings.from_codes(codes, categories=[1, 2, 3, 5, 8])
    specs = [s for s in COEFFICIENTS.values() if not s.exactly_two_raters]

    def everything() -> list[tuple[float | None, dict[str, float | None] | None]]:
        out = []
        for spec in specs:
            for variant in spec.variants(ratings):
                result = spec.compute(
                    ratings, ci=False, weights=variant.weights, level=variant.level
                )
                out.append((result.value, result.per_category))
        return out

    by_pairs = everything()
    monkeypatch.setattr(Tallies, "_by_pairs", property(lambda self: False))
    by_table = everything()
    assert len(by_pairs) == len(by_table) > 10
    for (value_a, per_a), (value_b, per_b) in zip(by_pairs, by_table, strict=True):
        assert value_a == pytest.approx(value_b, abs=1e-12)
        assert per_a == (None if per_b is None else pytest.approx(per_b, abs=1e-12))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_weighted_scott_is_irrcac_weighted_fleiss_for_two_raters(seed: int, weights: str) -> None:
    codes = random_codes(seed, units=100, raters=2, q=5, used=4, missing=0.0)
    ratings = Ratings.from_codes(codes, categories=range(5))
    expected = irrcac(codes, 5, weights).fleiss()["est"]["coefficient_value"]
    result = scott_pi(ratings, weights=weights, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(expected, abs=TOL)
