"""Agreement coefficients reproduce the values their authors published.

- Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses: κ = 0.430.
- Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units with
  missing values: α nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
- Gwet's handbook example (the same 4 x 12 table, as irrCAC ships it as ``raw_4raters``):
  AC1 0.77544, Fleiss 0.76117, AC2 with bipolar weights 0.90037 (irrCAC's documented output).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ontolabel.quality.agreement import (
    LEVELS,
    Ratings,
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
)

# irrCAC writes into a slice of its input frame; pandas warns, the values are right.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.SettingWithCopyWarning")

FIXTURES = Path(__file__).parent / "fixtures"


def fleiss_1971() -> tuple[Ratings, dict[str, object]]:
    """The published count table made into raw ratings (which 6 psychiatrists rated a
    patient is not recorded, and Fleiss' κ does not depend on it)."""
    data = json.loads((FIXTURES / "agreement_fleiss1971.json").read_text())
    categories = data["categories"]
    rows = []
    for counts in data["counts_per_subject"]:
        assert sum(counts) == 6
        rows.append([c for c, n in zip(categories, counts, strict=True) for _ in range(n)])
    return Ratings.from_table(rows, categories=categories), data


def krippendorff_2011() -> tuple[Ratings, dict[str, object]]:
    data = json.loads((FIXTURES / "agreement_krippendorff2011.json").read_text())
    by_observer = data["values_by_observer"]
    rows = [list(unit) for unit in zip(*by_observer, strict=True)]
    return Ratings.from_table(rows, raters=data["observers"]), data


def test_fleiss_1971_kappa() -> None:
    ratings, data = fleiss_1971()
    assert ratings.codes.shape == (30, 6)
    result = fleiss_kappa(ratings, ci=False)
    assert result.value == pytest.approx(data["published"]["kappa"], abs=5e-4)
    assert result.counts["units_used"] == 30
    assert result.counts["pairable_values"] == 180


def test_fleiss_1971_per_category_is_each_category_against_the_rest() -> None:
    """Fleiss' κ_j: the κ of the table collapsed to "j" / "not j" (computed here by
    statsmodels, an independent implementation, on the collapsed count table)."""
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    ratings, data = fleiss_1971()
    counts = np.asarray(data["counts_per_subject"])
    per_category = fleiss_kappa(ratings, ci=False).per_category
    assert per_category is not None
    for j, name in enumerate(data["categories"]):
        collapsed = np.column_stack([counts[:, j], counts.sum(axis=1) - counts[:, j]])
        assert per_category[name] == pytest.approx(sm_fleiss(collapsed), abs=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_alpha(level: str) -> None:
    ratings, data = krippendorff_2011()
    result = krippendorff_alpha(ratings, level=level, ci=False)  # type: ignore[arg-type]
    assert result.value == pytest.approx(data["published"][level], abs=5e-4)
    # The paper's counts: unit 12 has one value (not pairable), 40 pairable values remain.
    assert result.counts["units_used"] == 11
    assert result.counts["pairable_values"] == 40


def test_gwet_handbook_example_as_irrcac_documents_it() -> None:
    ratings, _ = krippendorff_2011()
    assert gwet_ac1(ratings, ci=False).value == pytest.approx(0.77544, abs=5e-6)
    assert fleiss_kappa(ratings, ci=False).value == pytest.approx(0.76117, abs=5e-6)
    result = gwet_ac1(ratings, ci=False)
    assert result.counts["observed_agreement"] == pytest.approx(0.81818, abs=5e-6)
    assert result.counts["expected_agreement"] == pytest.approx(0.19032, abs=5e-6)


def _bipolar(values: list[float]) -> np.ndarray:
    """Gwet's bipolar agreement weights (handbook, ch. 3), written from the definition."""
    v = np.asarray(values, dtype=float)
    lo, hi = v.min(), v.max()
    d = (v[:, None] - v[None, :]) ** 2
    s = (v[:, None] + v[None, :] - 2 * lo) * (2 * hi - v[:, None] - v[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        disagreement = np.where(s > 0, d / np.where(s > 0, s, 1), 0.0)
    disagreement /= disagreement.max()
    return 1.0 - disagreement


def test_gwet_ac2_bipolar_weights_handbook_example() -> None:
    ratings, _ = krippendorff_2011()
    weights = _bipolar([1, 2, 3, 4, 5])
    assert gwet_ac2(ratings, weights=weights, ci=False).value == pytest.approx(0.90037, abs=5e-6)


@pytest.mark.parametrize(
    "name", ["raw_4raters", "raw_5observers", "raw_g1g2", "raw_ben_gerry", "raw_gender"]
)
def test_irrcac_example_datasets(name: str) -> None:
    """Every raw-ratings example irrCAC ships (Gwet's handbook data), every coefficient it
    computes, to 1e-9."""
    pd = pytest.importorskip("pandas")
    datasets = pytest.importorskip("irrCAC.datasets")
    from irrCAC.raw import CAC

    frame = getattr(datasets, name)()
    frame = frame[[c for c in frame.columns if c not in ("Group", "Units")]]
    frame = frame.astype(object).where(pd.notna(frame), None)
    rows = frame.values.tolist()
    ratings = Ratings.from_table(rows)
    reference = CAC(frame.astype(float) if ratings_numeric(ratings) else frame, digits=15)
    pairs = [
        (fleiss_kappa, reference.fleiss),
        (gwet_ac1, reference.gwet),
        (conger_kappa, reference.conger),
        (brennan_prediger, reference.bp),
        (lambda r, ci: krippendorff_alpha(r, level="nominal", ci=ci), reference.krippendorff),
    ]
    for ours, theirs in pairs:
        value = ours(ratings, ci=False).value  # type: ignore[operator]
        expected = theirs()["est"]["coefficient_value"]
        assert value == pytest.approx(expected, abs=1e-9), (ours, name)
    assert percent_agreement(ratings, ci=False).value == pytest.approx(
        reference.gwet()["est"]["pa"], abs=1e-9
    )


def ratings_numeric(ratings: Ratings) -> bool:
    return all(isinstance(c, int | float) for c in ratings.categories)
