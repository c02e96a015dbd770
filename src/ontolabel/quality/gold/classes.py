"""Accuracy and confusion of classes against gold: for objects found by both (matched
class-blind), and for whole-item classes (Tag objects)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Tag
from ontolabel.core.matching import Matching

# The class of a side that has nothing where the other has something.
NONE_LABEL = "∅"


@dataclass(frozen=True)
class ClassAgreement:
    """confusion[(gold class, candidate class)] = how many times; accuracy over the pairs
    where both gave a class (pairs with ∅ count as wrong)."""

    confusion: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def __add__(self, other: ClassAgreement) -> ClassAgreement:
        merged = dict(self.confusion)
        for key, count in other.confusion.items():
            merged[key] = merged.get(key, 0) + count
        return ClassAgreement(merged)

    @property
    def total(self) -> int:
        return sum(self.confusion.values())

    @property
    def correct(self) -> int:
        return sum(n for (g, c), n in self.confusion.items() if g == c)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    @property
    def labels(self) -> list[str]:
        return sorted({name for pair in self.confusion for name in pair})

    def to_dict(self) -> dict[str, object]:
        labels = self.labels
        return {
            "accuracy": self.accuracy,
            "correct": self.correct,
            "total": self.total,
            "labels": labels,
            # rows: gold class, columns: candidate class, in the order of `labels`
            "matrix": [[self.confusion.get((g, c), 0) for c in labels] for g in labels],
        }


def object_class_agreement(matching: Matching) -> ClassAgreement:
    """Confusion of the classes of matched pairs (a = candidate, b = gold)."""
    counts: dict[tuple[str, str], int] = {}
    for pair in matching.pairs:
        key = (matching.labels_b[pair.index_b], matching.labels_a[pair.index_a])
        counts[key] = counts.get(key, 0) + 1
    return ClassAgreement(counts)


def tag_class_agreement(
    candidate: Sequence[AnnotationObject], gold: Sequence[AnnotationObject]
) -> ClassAgreement:
    """Whole-item classes: equal tags pair with each other, the remaining gold and candidate
    tags pair in name order (a single-label item gives gold → candidate), leftovers with ∅."""
    mine = sorted(o.class_name for o in candidate if isinstance(o.geometry, Tag))
    theirs = sorted(o.class_name for o in gold if isinstance(o.geometry, Tag))
    counts: dict[tuple[str, str], int] = {}

    def add(g: str, c: str) -> None:
        counts[(g, c)] = counts.get((g, c), 0) + 1

    rest_mine = list(mine)
    rest_theirs: list[str] = []
    for name in theirs:
        if name in rest_mine:
            rest_mine.remove(name)
            add(name, name)
        else:
            rest_theirs.append(name)
    for k in range(max(len(rest_mine), len(rest_theirs))):
        add(
            rest_theirs[k] if k < len(rest_theirs) else NONE_LABEL,
            rest_mine[k] if k < len(rest_mine) else NONE_LABEL,
        )
    return ClassAgreement(counts)
