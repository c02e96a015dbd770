"""The agreement report of a project: chance-corrected coefficients over matched objects.

Every item with submitted work from two or more annotators in scope is read once: its
objects are clustered across annotators by the core matcher (``paired_labels``), each
cluster a unit whose labels are the annotators' classes (an annotator with no object in
the cluster says "∅", so a missed object is a disagreement); whole-item classes are units
of their own. The coefficients run over all units, per class (the class against all others,
over every unit), and per pair of annotators (Cohen's κ on the units both rated, plus
detection scores of their matched objects).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from ontolabel.core.matching import match_objects
from ontolabel.quality.agreement import COEFFICIENTS, MISSING, AgreementResult, Ratings
from ontolabel.quality.geometry import DetectionAccumulator, paired_labels
from ontolabel.services.quality_scope import (
    ItemProgress,
    QualityFilters,
    collecting,
)
from ontolabel.services.workspace import Workspace

ABSENT = "∅"
# per class, on the two-category (class / not class) table over every unit: Krippendorff's α
# and Gwet's AC1, which stays stable when the class is rare (κ and α drop with prevalence).
# Fleiss' κ is left out here: on such a table it all but equals α, at the cost of another
# bootstrap per class.
PER_CLASS = (("krippendorff_alpha", "nominal"), ("gwet_ac1", None))

Record = tuple[str, str, str]


@dataclass(frozen=True)
class AgreementOptions:
    threshold: float = 0.5  # similarity a pair of objects needs to be the same object
    ci: bool = True
    n_resamples: int = 1000
    seed: int = 0


@dataclass
class AgreementReport:
    project_id: int
    filters: QualityFilters
    raters: list[str]
    n_items: int
    n_units: int
    coefficients: list[AgreementResult]
    per_class: list[dict[str, Any]]
    pairwise: list[dict[str, Any]]
    confusion: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "filters": self.filters.to_dict(),
            "raters": self.raters,
            "n_items": self.n_items,
            "n_units": self.n_units,
            "coefficients": [c.to_dict() for c in self.coefficients],
            "per_class": [
                {**entry, "coefficients": [c.to_dict() for c in entry["coefficients"]]}
                for entry in self.per_class
            ],
            "pairwise": [
                {
                    **pair,
                    "cohen_kappa": None
                    if pair["cohen_kappa"] is None
                    else pair["cohen_kappa"].to_dict(),
                }
                for pair in self.pairwise
            ],
            "confusion": self.confusion,
            "notes": self.notes,
        }


def _confusion(records: Sequence[Record]) -> dict[str, Any]:
    """Label pairs pooled over every pair of raters of each unit, both ways (symmetric)."""
    by_unit: dict[str, list[str]] = defaultdict(list)
    for unit, _rater, label in records:
        by_unit[unit].append(label)
    labels = sorted({label for _, _, label in records}, key=lambda x: (x == ABSENT, x))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for given in by_unit.values():
        for x, y in combinations(given, 2):
            matrix[index[x]][index[y]] += 1
            matrix[index[y]][index[x]] += 1
    return {"labels": labels, "matrix": matrix}


def nominal_coefficients(table: Ratings, options: AgreementOptions) -> list[AgreementResult]:
    """Every coefficient that applies, in its unweighted (nominal) form only: class labels
    have no order, so weighted and ordinal variants would read meaning into the alphabet."""
    out = []
    for spec in COEFFICIENTS.values():
        if spec.applies_to(table) is not None:
            continue
        for variant in spec.variants(table):
            if variant.weights not in (None, "unweighted") or variant.level not in (
                None,
                "nominal",
            ):
                continue
            out.append(
                spec.compute(
                    table,
                    weights=variant.weights,
                    level=variant.level,
                    ci=options.ci,
                    n_resamples=options.n_resamples,
                    seed=options.seed,
                )  # fmt: skip
            )
    return out


def _per_class(table: Ratings, options: AgreementOptions) -> list[dict[str, Any]]:
    """Each class against all others over every unit: the overall table recoded in one
    array operation per class (0 = the class, 1 = anything else, missing stays missing)."""
    out = []
    codes = table.codes
    for k, name in enumerate(table.categories):
        if name == ABSENT:
            continue
        binary = np.where(codes == MISSING, MISSING, np.where(codes == k, 0, 1))
        recoded = Ratings.from_codes(
            binary, [str(name), f"not {name}"], units=table.units, raters=table.raters
        )
        results = []
        for key, level in PER_CLASS:
            spec = COEFFICIENTS[key]
            if spec.applies_to(recoded) is not None:
                continue
            results.append(
                spec.compute(
                    recoded,
                    level=level,
                    ci=options.ci,
                    n_resamples=options.n_resamples,
                    seed=options.seed,
                )  # fmt: skip
            )
        n_units = int(np.count_nonzero((codes == k).any(axis=1)))
        out.append({"class": str(name), "n_units": n_units, "coefficients": results})
    return out


def agreement_report(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    filters: QualityFilters | None = None,
    options: AgreementOptions | None = None,
    progress: ItemProgress | None = None,
) -> AgreementReport:
    chosen = options or AgreementOptions()
    wanted = filters or QualityFilters()
    records: list[Record] = []
    raters: set[str] = set()
    items_of: dict[str, set[int]] = defaultdict(set)
    units_of_item: dict[int, set[str]] = defaultdict(set)
    pair_detection: dict[tuple[str, str], DetectionAccumulator] = {}
    n_items = 0
    with collecting(ws, project_id, user_id=user_id, filters=wanted, progress=progress) as scope:
        for work in scope.items:
            if len(work.submissions) < 2:
                continue
            n_items += 1
            documents = {name: s.document for name, s in work.submissions.items()}
            for name in documents:
                raters.add(name)
                items_of[name].add(work.item_id)
            found = paired_labels(
                documents, unit_prefix=f"item {work.item_id}/", absent=ABSENT,
                threshold=chosen.threshold,
            )  # fmt: skip
            records.extend(found)
            units_of_item[work.item_id].update(u for u, _, _ in found)
            for a, b in combinations(sorted(documents), 2):
                matching = match_objects(
                    documents[a].objects, documents[b].objects,
                    threshold=chosen.threshold, per_class=True,
                )  # fmt: skip
                pair_detection.setdefault((a, b), DetectionAccumulator()).update(matching)
    ordered = sorted(raters)
    report = AgreementReport(
        project_id=project_id,
        filters=wanted,
        raters=ordered,
        n_items=n_items,
        n_units=len({u for u, _, _ in records}),
        coefficients=[],
        per_class=[],
        pairwise=[],
        confusion=_confusion(records),
    )
    if not records:
        report.notes.append(
            "no item in scope has submitted work from two or more annotators with anything "
            "to compare: agreement needs items annotated independently by at least two people"
        )
        return report
    table = Ratings.from_records(records)
    report.coefficients = nominal_coefficients(table, chosen)
    report.per_class = _per_class(table, chosen)
    for a, b in combinations(ordered, 2):
        shared = items_of[a] & items_of[b]
        if not shared:
            continue
        units = sorted({u for i in shared for u in units_of_item[i]})
        pair_table = table.subset(units=units, raters=[a, b]) if units else None
        kappa = (
            COEFFICIENTS["cohen_kappa"].compute(
                pair_table, ci=chosen.ci, n_resamples=chosen.n_resamples, seed=chosen.seed
            )
            if pair_table is not None
            else None
        )
        micro = pair_detection[(a, b)].compute().micro
        report.pairwise.append(
            {
                "a": a,
                "b": b,
                "n_items": len(shared),
                "cohen_kappa": kappa,
                "geometry": {
                    "precision": micro.precision,
                    "recall": micro.recall,
                    "f1": micro.f1,
                    "mean_iou": micro.mean_iou,
                },
            }
        )
    return report
