"""Cases other tools get wrong, which must hold here: undefined is said (never NaN, 0 or 1),
a declared but unused level counts, ordinal α is symmetric, the bootstrap is reproducible."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from ontolabel.quality.agreement import (
    COEFFICIENTS,
    AgreementResult,
    Ratings,
    cohen_kappa,
    compute_all,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from ontolabel.quality.agreement import estimate as estimate_module
from ontolabel.quality.agreement.ratings import Numbered

# A stray 0/0 anywhere (point estimate or resample) would be a NaN waiting to leak out.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def skewed_table(seed: int, units: int = 60, raters: int = 3, q: int = 4) -> Ratings:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, units)
    codes = np.where(
        rng.random((units, raters)) < 0.7, truth[:, None], rng.integers(0, q, (units, raters))
    )
    codes[rng.random((units, raters)) < 0.15] = -1
    return Ratings.from_codes(codes, categories=[f"c{i}" for i in range(q)])


def strict_json(result: AgreementResult) -> dict[str, object]:
    out: dict[str, object] = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    return out


# -- undefined, said in words -------------------------------------------------------------


CHANCE_CORRECTED_ON_DATA = [
    ("cohen_kappa", {}),
    ("cohen_kappa", {"weights": "quadratic"}),
    ("scott_pi", {}),
    ("fleiss_kappa", {}),
    ("conger_kappa", {}),
    ("krippendorff_alpha", {"level": "nominal"}),
    ("krippendorff_alpha", {"level": "ordinal"}),
    ("krippendorff_alpha", {"level": "interval"}),
    ("krippendorff_alpha", {"level": "ratio"}),
]


@pytest.mark.parametrize(("key", "options"), CHANCE_CORRECTED_ON_DATA)
def test_every_rater_one_category_is_undefined_with_a_reason(
    key: str, options: dict[str, object]
) -> None:
    """sklearn and statsmodels give NaN here, nltk gives 1.0: neither tells the lead why."""
    ratings = Ratings.from_table([[3, 3], [3, 3], [3, 3], [3, 3]], categories=[1, 2, 3])
    result = COEFFICIENTS[key].function(ratings, **options)
    assert result.value is None
    assert result.undefined_reason is not None and "3" in result.undefined_reason
    assert "variation" in result.undefined_reason
    assert result.ci is None
    assert strict_json(result)["value"] is None


def test_agreement_beyond_chance_defined_where_chance_is_fixed() -> None:
    """Percent agreement is 1 and Gwet's AC1 is its observed agreement (its paradox
    resistance) when everyone says the same thing: defined, not 0/0."""
    ratings = Ratings.from_table([["a", "a"]] * 5, categories=["a", "b"])
    assert percent_agreement(ratings, ci=False).value == 1.0
    assert gwet_ac1(ratings, ci=False).value == 1.0


def test_one_rater_is_undefined() -> None:
    ratings = Ratings.from_table([["a"], ["b"], ["a"]])
    for spec in COEFFICIENTS.values():
        result = spec.compute(ratings, ci=False)
        assert result.value is None, spec.key
        assert "rater" in (result.undefined_reason or ""), spec.key


def test_one_unit_is_undefined() -> None:
    ratings = Ratings.from_table([["a", "b", "a"]], categories=["a", "b"])
    for key in ("fleiss_kappa", "conger_kappa", "gwet_ac1", "brennan_prediger"):
        result = COEFFICIENTS[key].compute(ratings, ci=False)
        assert result.value is None
        assert "single unit" in (result.undefined_reason or "")
    alpha = krippendorff_alpha(ratings, ci=False)
    assert alpha.value is None and "single unit" in (alpha.undefined_reason or "")


def test_no_pairable_values_is_undefined() -> None:
    ratings = Ratings.from_table([["a", None], [None, "b"], ["b", None]])
    for spec in COEFFICIENTS.values():
        result = spec.compute(ratings, ci=False)
        assert result.value is None, spec.key
        assert "no unit was rated by two raters" in (result.undefined_reason or ""), spec.key


def test_two_rater_coefficient_given_three_raters_says_so() -> None:
    ratings = skewed_table(1, raters=3)
    for fn in (cohen_kappa, scott_pi):
        result = fn(ratings)
        assert result.value is None
        reason = result.undefined_reason or ""
        assert "exactly two raters" in reason and "3" in reason
        assert "subset" in reason


def test_weights_that_count_everything_as_agreement_are_undefined() -> None:
    ratings = Ratings.from_table([["a", "b"], ["b", "a"], ["a", "a"]])
    result = cohen_kappa(ratings, weights=np.ones((2, 2)), ci=False)
    assert result.value is None
    assert "weights" in (result.undefined_reason or "")


# -- the declared scale --------------------------------------------------------------------


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_weighted_cohen_on_the_declared_scale(weights: str) -> None:
    """Levels 1..5 declared; nobody used 3 or 4. The weights span the declared scale."""
    first = [1, 2, 5, 1, 2, 5, 2, 1, 5, 5, 2, 1]
    second = [1, 5, 5, 2, 2, 1, 2, 1, 5, 2, 2, 5]
    rows = [[a, b] for a, b in zip(first, second, strict=True)]
    declared = Ratings.from_table(rows, categories=[1, 2, 3, 4, 5])
    observed_only = Ratings.from_table(rows)  # categories = observed labels 1, 2, 5
    assert observed_only.categories == (1, 2, 5)
    ours = cohen_kappa(declared, weights=weights, ci=False).value  # type: ignore[arg-type]
    on_declared = cohen_kappa_score(first, second, labels=[1, 2, 3, 4, 5], weights=weights)
    on_observed = cohen_kappa_score(first, second, weights=weights)
    assert ours == pytest.approx(on_declared, abs=1e-12)
    assert abs(on_declared - on_observed) > 1e-3
    assert cohen_kappa(observed_only, weights=weights, ci=False).value == pytest.approx(  # type: ignore[arg-type]
        on_observed, abs=1e-12
    )


def test_unweighted_cohen_ignores_unused_levels() -> None:
    rows = [["a", "b"], ["a", "a"], ["b", "b"], ["b", "a"], ["a", "a"]]
    narrow = cohen_kappa(Ratings.from_table(rows), ci=False).value
    wide = cohen_kappa(Ratings.from_table(rows, categories=["a", "b", "z"]), ci=False).value
    assert narrow == pytest.approx(wide)


# -- ordinal α is symmetric ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_ordinal_alpha_unchanged_by_swapping_raters(seed: int) -> None:
    ratings = skewed_table(seed, raters=3, q=5)
    swapped = Ratings.from_codes(ratings.codes[:, [1, 0, 2]], categories=ratings.categories)
    a = krippendorff_alpha(ratings, level="ordinal", ci=False).value
    b = krippendorff_alpha(swapped, level="ordinal", ci=False).value
    assert a is not None and a == pytest.approx(b, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_ordinal_alpha_unchanged_by_reversing_the_scale(seed: int) -> None:
    """Krippendorff's ordinal distance is symmetric: reading the scale top-down (c > k
    instead of c < k) gives the same α. A one-sided cumulative sum does not."""
    ratings = skewed_table(seed, raters=3, q=5)
    q = ratings.n_categories
    reversed_codes = np.where(ratings.codes >= 0, q - 1 - ratings.codes, -1)
    flipped = Ratings.from_codes(reversed_codes, categories=ratings.categories[::-1])
    a = krippendorff_alpha(ratings, level="ordinal", ci=False).value
    b = krippendorff_alpha(flipped, level="ordinal", ci=False).value
    assert a is not None and a == pytest.approx(b, abs=1e-12)


def test_two_raters_swapping_values_within_a_unit() -> None:
    """Unit by unit, (2, 4) and (4, 2) are the same disagreement."""
    rows = [[1, 3], [2, 4], [3, 3], [4, 1], [2, 2]]
    swapped = [[3, 1], [4, 2], [3, 3], [1, 4], [2, 2]]
    for level in ("ordinal", "interval", "ratio", "nominal"):
        a = krippendorff_alpha(Ratings.from_table(rows), level=level, ci=False).value  # type: ignore[arg-type]
        b = krippendorff_alpha(Ratings.from_table(swapped), level=level, ci=False).value  # type: ignore[arg-type]
        assert a == pytest.approx(b, abs=1e-12)


# -- bootstrap -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(COEFFICIENTS))
def test_bootstrap_is_reproducible_and_contains_the_estimate(key: str) -> None:
    spec = COEFFICIENTS[key]
    ratings = skewed_table(7, raters=2 if spec.exactly_two_raters else 4, q=5)
    first = spec.compute(ratings, n_resamples=400, seed=11)
    again = spec.compute(ratings, n_resamples=400, seed=11)
    other = spec.compute(ratings, n_resamples=400, seed=12)
    assert first.value is not None and first.ci is not None
    assert first.ci == again.ci
    assert first.ci != other.ci
    assert first.ci.low < first.value < first.ci.high
    assert first.ci.level == 0.95 and first.ci.seed == 11
    assert first.ci.n_resamples + first.counts["bootstrap_undefined_resamples"] == 400
    assert "bootstrap" in first.ci.method and "percentile" in first.ci.method


def test_bootstrap_level_widens_the_interval() -> None:
    ratings = skewed_table(3)
    narrow = fleiss_kappa(ratings, level=0.5, n_resamples=300).ci
    wide = fleiss_kappa(ratings, level=0.99, n_resamples=300).ci
    assert narrow is not None and wide is not None
    assert wide.low < narrow.low and narrow.high < wide.high


def test_krippendorff_confidence_level_is_ci_level() -> None:
    ratings = skewed_table(3)
    result = krippendorff_alpha(ratings, level="ordinal", ci_level=0.9, n_resamples=200)
    assert result.ci is not None and result.ci.level == 0.9


@pytest.mark.parametrize("key", sorted(COEFFICIENTS))
def test_bootstrap_features_sum_to_the_point_estimate(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """White box: the per-unit features the bootstrap resamples, summed over the original
    units, give back the point estimate (so every resample measures the same thing)."""
    seen: dict[str, object] = {}

    def capture(features, statistic, **_: object):  # type: ignore[no-untyped-def]
        seen["value"] = float(statistic(features.total()[None, :])[0])
        return None, 0

    monkeypatch.setattr(estimate_module, "bootstrap", capture)
    spec = COEFFICIENTS[key]
    ratings = skewed_table(5, raters=2 if spec.exactly_two_raters else 4, q=5)
    for variant in spec.variants(Ratings.from_codes(ratings.codes, categories=range(5))):
        numeric = Ratings.from_codes(ratings.codes, categories=[1, 2, 4, 7, 11])
        result = spec.compute(numeric, weights=variant.weights, level=variant.level)
        assert result.value == pytest.approx(seen["value"], abs=1e-12), variant


def test_no_interval_when_not_asked() -> None:
    result = fleiss_kappa(skewed_table(2), ci=False)
    assert result.ci is None and "bootstrap_undefined_resamples" not in result.counts


# -- results, registry ---------------------------------------------------------------------


def test_result_is_json_and_complete() -> None:
    result = cohen_kappa(skewed_table(4, raters=2), weights="linear", n_resamples=100)
    data = strict_json(result)
    assert data["coefficient"] == "cohen_kappa"
    assert data["label"] == "Cohen's κ (linear)"
    assert data["params"] == {"weights": "linear"}
    ci = data["ci"]
    assert isinstance(ci, dict) and ci["n_resamples"] <= 100
    counts = data["counts"]
    assert isinstance(counts, dict)
    assert {"units", "units_used", "raters", "observed_agreement", "expected_agreement"} <= set(
        counts
    )
    per_category = data["per_category"]
    assert isinstance(per_category, dict) and set(per_category) == {"c0", "c1", "c2", "c3"}


def test_custom_weights_are_reported() -> None:
    w = np.array([[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]])
    ratings = Ratings.from_table([["a", "b"], ["b", "c"], ["c", "c"], ["a", "a"]])
    result = cohen_kappa(ratings, weights=w, ci=False)
    assert result.params["weights"] == w.tolist()
    assert result.label == "Cohen's κ (custom weights)"
    linear = cohen_kappa(ratings, weights="linear", ci=False)
    assert result.value == pytest.approx(linear.value)  # these are the linear weights for q=3


def test_per_category_cohen_is_the_dichotomised_kappa() -> None:
    ratings = skewed_table(9, raters=2, q=3)
    result = cohen_kappa(ratings, ci=False)
    assert result.per_category is not None
    both = (ratings.codes >= 0).all(axis=1)
    for k, name in enumerate(ratings.categories):
        first = ratings.codes[both, 0] == k
        second = ratings.codes[both, 1] == k
        assert result.per_category[str(name)] == pytest.approx(
            cohen_kappa_score(first, second), abs=1e-12
        )


def test_percent_agreement_specific_agreement() -> None:
    # Two raters: a = both "x" (2 units), b/c = one "x" (1 unit each): 2a / (2a + b + c).
    rows = [["x", "x"], ["x", "x"], ["x", "y"], ["y", "x"], ["y", "y"]]
    result = percent_agreement(Ratings.from_table(rows), ci=False)
    assert result.value == pytest.approx(3 / 5)
    assert result.per_category == {"x": pytest.approx(4 / 6), "y": pytest.approx(2 / 4)}
    assert result.counts["unanimous_units"] == 3


def test_registry_describes_every_coefficient() -> None:
    assert set(COEFFICIENTS) == {
        "percent_agreement",
        "cohen_kappa",
        "scott_pi",
        "fleiss_kappa",
        "conger_kappa",
        "krippendorff_alpha",
        "gwet_ac1",
        "gwet_ac2",
        "brennan_prediger",
    }
    assert COEFFICIENTS["cohen_kappa"].exactly_two_raters
    assert not COEFFICIENTS["fleiss_kappa"].exactly_two_raters
    assert COEFFICIENTS["krippendorff_alpha"].levels == ("nominal", "ordinal", "interval", "ratio")
    assert "quadratic" in COEFFICIENTS["gwet_ac2"].weights
    assert COEFFICIENTS["gwet_ac1"].weights == ()
    for key, spec in COEFFICIENTS.items():
        assert spec.key == key and spec.min_raters == 2


def test_compute_all_picks_what_applies() -> None:
    two = compute_all(skewed_table(1, raters=2), ci=False)
    three = compute_all(skewed_table(1, raters=3), ci=False)
    assert {r.coefficient for r in two} >= {"cohen_kappa", "scott_pi"}
    assert not {r.coefficient for r in three} & {"cohen_kappa", "scott_pi"}
    # Text labels: no interval or ratio α; three or more categories: weighted variants.
    alphas = [r.params["level"] for r in three if r.coefficient == "krippendorff_alpha"]
    assert alphas == ["nominal", "ordinal"]
    numeric = Ratings.from_codes(skewed_table(1).codes, categories=[1, 2, 3, 4])
    alphas = [r.params["level"] for r in compute_all(numeric, ci=False) if r.params.get("level")]
    assert alphas == ["nominal", "ordinal", "interval", "ratio"]
    assert all(r.value is not None for r in three)


def test_conger_leaves_out_a_rater_who_rated_nothing() -> None:
    ratings = skewed_table(6, raters=3)
    codes = np.column_stack([ratings.codes, np.full(ratings.n_units, -1)])
    padded = Ratings.from_codes(codes, categories=ratings.categories)
    assert conger_kappa(padded, ci=False).value == pytest.approx(
        conger_kappa(ratings, ci=False).value, abs=1e-12
    )


def test_large_tables_keep_numbered_ids_lazy() -> None:
    ratings = Ratings.from_codes(np.zeros((1000, 3), dtype=np.int32), categories=["a"])
    assert isinstance(ratings.units, Numbered)
    assert ratings.units[0] == "1" and ratings.units[-1] == "1000"
    assert "1000" in ratings.units and "0" not in ratings.units and "01" not in ratings.units
    assert ratings.units.index("17") == 16
    assert list(ratings.raters) == ["1", "2", "3"]
    assert ratings.raters == ("1", "2", "3")


def test_interval_alpha_does_not_depend_on_the_unit_of_measurement() -> None:
    rows = [[1, 2], [2, 2], [3, 1], [1, 1], [3, 3]]
    metres = krippendorff_alpha(Ratings.from_table(rows), level="interval", ci=False).value
    tiny = [[None if v is None else v * 1e-9 for v in row] for row in rows]
    nanometres = krippendorff_alpha(Ratings.from_table(tiny), level="interval", ci=False).value
    assert metres is not None and nanometres == pytest.approx(metres, abs=1e-12)


def test_one_category_declared() -> None:
    ratings = Ratings.from_table([["a", "a"], ["a", "a"], ["a", None]])
    for key in ("gwet_ac1", "brennan_prediger"):
        result = COEFFICIENTS[key].compute(ratings, ci=False)
        assert result.value is None and "1 category is declared" in (result.undefined_reason or "")


def test_compute_all_gives_each_coefficients_own_interval() -> None:
    """compute_all draws each resample once for every coefficient; the intervals are the
    ones each coefficient gives when asked alone with the same seed."""
    ratings = Ratings.from_codes(skewed_table(8, raters=2, q=4).codes, categories=[1, 2, 3, 4])
    together = compute_all(ratings, n_resamples=200, seed=3)
    assert len(together) > 10
    for result in together:
        spec = COEFFICIENTS[result.coefficient]
        weights = result.params.get("weights")
        level = result.params.get("level")
        alone = spec.compute(
            ratings,
            n_resamples=200,
            seed=3,
            weights=weights if isinstance(weights, str) else None,
            level=level if isinstance(level, str) else None,
        )
        assert alone.value == result.value
        assert alone.ci == result.ci, result.label
        assert alone.counts == result.counts


@pytest.mark.parametrize("seed", range(60))
def test_never_nan_never_raises_on_awkward_tables(seed: int) -> None:
    """Small, sparse, lopsided tables (a unit or rater with nothing, one category, many
    missing): every coefficient answers a finite value or None with a reason, as JSON."""
    rng = np.random.default_rng(seed)
    units, raters, q = int(rng.integers(1, 7)), int(rng.integers(1, 5)), int(rng.integers(1, 4))
    codes = rng.integers(-1, q, (units, raters))
    codes[rng.random((units, raters)) < rng.uniform(0, 0.8)] = -1
    ratings = Ratings.from_codes(codes, categories=[1, 2, 4][:q])
    for spec in COEFFICIENTS.values():
        for variant in spec.variants(ratings) or [None]:
            result = spec.compute(
                ratings,
                n_resamples=50,
                weights=None if variant is None else variant.weights,
                level=None if variant is None else variant.level,
            )
            data = strict_json(result)
            if result.value is None:
                assert result.undefined_reason, spec.key
            else:
                assert np.isfinite(result.value)
            assert data["coefficient"] == spec.key


def test_ordinal_coincidences_sparse_and_dense_resample_alike() -> None:
    """Ordinal α's bootstrap features: per-unit coincidences dense (few categories) or sparse
    by rater pairs (many categories); both give the same sums for the same resamples."""
    from ontolabel.quality.agreement.estimate import blocks
    from ontolabel.quality.agreement.krippendorff import coincidence_features
    from ontolabel.quality.agreement.tallies import Tallies

    ratings = skewed_table(12, units=50, raters=4, q=6)
    tallies = Tallies(ratings)
    m = tallies.rated
    scale = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    dense = coincidence_features(tallies, scale, dense=True)
    sparse = coincidence_features(tallies, scale, dense=False)
    assert dense.dense is not None and sparse.sparse is not None
    assert np.allclose(dense.total(), sparse.total())
    for block in blocks(ratings.n_units, 30, seed=1):
        assert np.allclose(dense.resampled(block), sparse.resampled(block))


def test_ordinal_alpha_with_many_levels_has_an_interval() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 101, 400)
    codes = np.clip(truth[:, None] + rng.integers(-8, 9, (400, 3)), 0, 100)
    ratings = Ratings.from_codes(codes, categories=range(101))
    result = krippendorff_alpha(ratings, level="ordinal", n_resamples=200)
    assert result.value is not None and result.ci is not None
    assert result.ci.low < result.value < result.ci.high


def test_compute_all_select() -> None:
    ratings = skewed_table(2, raters=3, q=4)
    nominal = compute_all(
        ratings,
        ci=False,
        select=lambda spec, v: v.weights in (None, "unweighted") and v.level in (None, "nominal"),
    )
    assert {r.coefficient for r in nominal} == {
        "percent_agreement", "fleiss_kappa", "conger_kappa", "krippendorff_alpha", "gwet_ac1",
        "brennan_prediger",
    }  # fmt: skip
    assert all(r.params.get("weights", "unweighted") == "unweighted" for r in nominal)


def test_interval_batch_across_tables_of_the_same_units() -> None:
    """Per-class tables of one project: same units, so one pass of draws serves them all,
    and each interval is the one the coefficient gives alone."""
    from ontolabel.quality.agreement import IntervalBatch

    base = skewed_table(4, raters=3, q=3)
    tables = [
        Ratings.from_codes(
            np.where(base.codes < 0, -1, (base.codes == k).astype(int)), categories=["no", "yes"]
        )
        for k in range(3)
    ]
    with IntervalBatch() as batch:
        queued = [fleiss_kappa(t, n_resamples=150, seed=5) for t in tables]
        queued += [krippendorff_alpha(t, n_resamples=150, seed=5) for t in tables]
        queued.append(fleiss_kappa(tables[0], ci=False))
    assert all(r.ci is None for r in queued)
    resolved = batch.resolve(queued)
    alone = [fleiss_kappa(t, n_resamples=150, seed=5) for t in tables]
    alone += [krippendorff_alpha(t, n_resamples=150, seed=5) for t in tables]
    alone.append(fleiss_kappa(tables[0], ci=False))
    for got, want in zip(resolved, alone, strict=True):
        assert got.ci == want.ci and got.counts == want.counts
    # Outside the block, coefficients compute their own intervals again.
    assert fleiss_kappa(tables[0], n_resamples=50).ci is not None


# -- invariances -----------------------------------------------------------------------------


def _values(ratings: Ratings, *, nominal_only: bool = False) -> dict[str, float | None]:
    out = {}
    for spec in COEFFICIENTS.values():
        if spec.applies_to(ratings) is not None:
            continue
        for variant in spec.variants(ratings):
            if nominal_only and (
                variant.weights not in (None, "unweighted")
                or variant.level not in (None, "nominal")
            ):
                continue
            result = spec.compute(ratings, ci=False, weights=variant.weights, level=variant.level)
            out[result.label] = result.value
    return out


@pytest.mark.parametrize("raters", [2, 4])
@pytest.mark.parametrize("seed", range(4))
def test_order_of_units_and_raters_changes_nothing(raters: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ratings = Ratings.from_codes(
        skewed_table(seed, raters=raters, q=4).codes, categories=[1, 2, 3, 5]
    )
    shuffled = ratings.codes[rng.permutation(ratings.n_units)][:, rng.permutation(raters)]
    other = Ratings.from_codes(shuffled, categories=ratings.categories)
    assert _values(other) == pytest.approx(_values(ratings), abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_renaming_categories_changes_no_nominal_coefficient(seed: int) -> None:
    ratings = skewed_table(seed, raters=3, q=4)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(4)
    recoded = np.where(ratings.codes >= 0, perm[np.maximum(ratings.codes, 0)], -1)
    names = [None] * 4
    for old, new in enumerate(perm):
        names[new] = ratings.categories[old]
    other = Ratings.from_codes(recoded, categories=names)
    assert _values(other, nominal_only=True) == pytest.approx(
        _values(ratings, nominal_only=True), abs=1e-12
    )


def test_an_unrated_unit_changes_nothing() -> None:
    ratings = skewed_table(3, raters=3, q=4)
    padded = Ratings.from_codes(
        np.vstack([ratings.codes, np.full((2, 3), -1)]), categories=ratings.categories
    )
    assert _values(padded) == pytest.approx(_values(ratings), abs=1e-12)
