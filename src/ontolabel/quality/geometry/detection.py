"""Detection scores from a matching: true/false positives, precision, recall, F1, mean IoU
and Dice of matched pairs, per class and averaged (micro over objects, macro over classes),
for one item pair or accumulated over a corpus.

Side `a` is the one scored (a candidate, or one rater), side `b` the reference. F1, mean IoU
and Dice are symmetric in a and b; precision and recall swap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ontolabel.core.matching import Matching

Figure = float | None


def _ratio(num: float, den: float) -> Figure:
    # 0/0 is undefined (no objects on either side), never a made-up 0 or 1.
    return num / den if den > 0 else None


@dataclass(frozen=True)
class ClassCounts:
    """Counts of one class (or of all): matched pairs, their summed IoU and Dice."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    iou_sum: float = 0.0
    dice_sum: float = 0.0

    def __add__(self, other: ClassCounts) -> ClassCounts:
        return ClassCounts(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.iou_sum + other.iou_sum,
            self.dice_sum + other.dice_sum,
        )

    @property
    def precision(self) -> Figure:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> Figure:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> Figure:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def mean_iou(self) -> Figure:
        """Mean similarity of the matched pairs (IoU; OKS for keypoints)."""
        return _ratio(self.iou_sum, self.tp)

    @property
    def dice(self) -> Figure:
        """Mean Dice of the matched pairs, 2·IoU / (1 + IoU) each."""
        return _ratio(self.dice_sum, self.tp)

    def to_dict(self) -> dict[str, object]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "mean_iou": self.mean_iou,
            "dice": self.dice,
        }


def _mean(values: Iterable[Figure]) -> Figure:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


@dataclass(frozen=True)
class DetectionScores:
    """Scores of matched objects.

    per_class: counts by class. A matched pair whose classes differ (class-agnostic
        matching) is a false positive of a's class and a false negative of b's.
    micro: the per-class counts summed (every object weighs the same).
    macro: per-class precision, recall, F1, mean IoU and Dice averaged over the classes
        where each is defined (every class weighs the same).
    located: class-blind counts: every matched pair is a true positive, so this says how
        well the objects were found, whatever their class.
    item_pairs: how many matchings were combined.
    """

    per_class: Mapping[str, ClassCounts]
    located: ClassCounts
    item_pairs: int

    @property
    def micro(self) -> ClassCounts:
        total = ClassCounts()
        for counts in self.per_class.values():
            total = total + counts
        return total

    @property
    def macro(self) -> dict[str, Figure]:
        classes = list(self.per_class.values())
        return {
            "precision": _mean(c.precision for c in classes),
            "recall": _mean(c.recall for c in classes),
            "f1": _mean(c.f1 for c in classes),
            "mean_iou": _mean(c.mean_iou for c in classes),
            "dice": _mean(c.dice for c in classes),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "per_class": {name: c.to_dict() for name, c in sorted(self.per_class.items())},
            "micro": self.micro.to_dict(),
            "macro": self.macro,
            "located": self.located.to_dict(),
            "item_pairs": self.item_pairs,
        }

    @classmethod
    def combine(cls, scores: Iterable[DetectionScores]) -> DetectionScores:
        accumulator = DetectionAccumulator()
        for score in scores:
            accumulator.add_scores(score)
        return accumulator.compute()


@dataclass
class DetectionAccumulator:
    """Sums detection counts over many item pairs: `update(matching)...compute()`."""

    per_class: dict[str, ClassCounts] = field(default_factory=dict)
    located: ClassCounts = field(default_factory=ClassCounts)
    item_pairs: int = 0

    def _add(self, name: str, counts: ClassCounts) -> None:
        self.per_class[name] = self.per_class.get(name, ClassCounts()) + counts

    def update(self, matching: Matching) -> DetectionAccumulator:
        if not matching.labels_a and matching.size_a or not matching.labels_b and matching.size_b:
            raise ValueError("detection scores need a matching of objects (match_objects)")
        for pair in matching.pairs:
            iou = pair.similarity
            dice = 2 * iou / (1 + iou)
            class_a = matching.labels_a[pair.index_a]
            class_b = matching.labels_b[pair.index_b]
            if class_a == class_b:
                self._add(class_a, ClassCounts(tp=1, iou_sum=iou, dice_sum=dice))
            else:
                self._add(class_a, ClassCounts(fp=1))
                self._add(class_b, ClassCounts(fn=1))
            self.located = self.located + ClassCounts(tp=1, iou_sum=iou, dice_sum=dice)
        for i in matching.unmatched_a:
            self._add(matching.labels_a[i], ClassCounts(fp=1))
        for j in matching.unmatched_b:
            self._add(matching.labels_b[j], ClassCounts(fn=1))
        self.located = self.located + ClassCounts(
            fp=len(matching.unmatched_a), fn=len(matching.unmatched_b)
        )
        self.item_pairs += 1
        return self

    def add_scores(self, scores: DetectionScores) -> DetectionAccumulator:
        for name, counts in scores.per_class.items():
            self._add(name, counts)
        self.located = self.located + scores.located
        self.item_pairs += scores.item_pairs
        return self

    def compute(self) -> DetectionScores:
        return DetectionScores(dict(self.per_class), self.located, self.item_pairs)


def detection_scores(matching: Matching | Iterable[Matching]) -> DetectionScores:
    """Scores of one matching, or of many (one per item pair) summed."""
    accumulator = DetectionAccumulator()
    for one in [matching] if isinstance(matching, Matching) else matching:
        accumulator.update(one)
    return accumulator.compute()
