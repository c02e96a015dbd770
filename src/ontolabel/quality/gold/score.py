"""Scoring one annotator's annotation against the gold annotation of the same item."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import Tag
from ontolabel.core.matching import SimilarityOptions, match_objects
from ontolabel.quality.geometry.detection import (
    DetectionAccumulator,
    DetectionScores,
    detection_scores,
)
from ontolabel.quality.gold.classes import (
    ClassAgreement,
    object_class_agreement,
    tag_class_agreement,
)
from ontolabel.quality.gold.masks import EmptyMasks, MaskClassScore, mask_scores
from ontolabel.quality.gold.text import TranscriptScore, transcript_scores


def _no_detections() -> DetectionScores:
    return DetectionAccumulator().compute()


@dataclass(frozen=True)
class GoldScore:
    """A candidate's agreement with gold, on one item or summed over many (`combine`).

    masks: per class Dice and IoU of the painted area.
    objects: precision, recall, F1 (per class, micro, macro), mean IoU of objects of every
        geometry but whole-item tags, matched within class.
    object_classes: confusion of classes of objects matched class-blind (found by both).
    item_classes: confusion of whole-item classes (Tag objects).
    transcripts: CER and WER of the interval transcripts.
    """

    masks: Mapping[str, MaskClassScore] = field(default_factory=dict)
    objects: DetectionScores = field(default_factory=_no_detections)
    object_classes: ClassAgreement = field(default_factory=ClassAgreement)
    item_classes: ClassAgreement = field(default_factory=ClassAgreement)
    transcripts: TranscriptScore = field(default_factory=TranscriptScore)
    items: int = 0

    def __add__(self, other: GoldScore) -> GoldScore:
        masks = dict(self.masks)
        for name, score in other.masks.items():
            masks[name] = masks.get(name, MaskClassScore()) + score
        return GoldScore(
            masks=masks,
            objects=DetectionScores.combine([self.objects, other.objects]),
            object_classes=self.object_classes + other.object_classes,
            item_classes=self.item_classes + other.item_classes,
            transcripts=self.transcripts + other.transcripts,
            items=self.items + other.items,
        )

    @classmethod
    def combine(cls, scores: Iterable[GoldScore]) -> GoldScore:
        total = cls()
        for score in scores:
            total = total + score
        return total

    def to_dict(self) -> dict[str, object]:
        return {
            "items": self.items,
            "masks": {name: s.to_dict() for name, s in sorted(self.masks.items())},
            "objects": self.objects.to_dict(),
            "object_classes": self.object_classes.to_dict(),
            "item_classes": self.item_classes.to_dict(),
            "transcripts": self.transcripts.to_dict(),
        }


def score_against_gold(
    candidate: Annotation,
    gold: Annotation,
    *,
    empty_masks: EmptyMasks = "perfect",
    mask_classes: Iterable[str] | None = None,
    threshold: float = 0.5,
    options: SimilarityOptions | None = None,
    transcript_attribute: str | None = "text",
) -> GoldScore:
    """How `candidate` agrees with `gold` on one item.

    empty_masks: a mask class neither side painted scores 1.0 ("perfect", the default) or
        is left out of the Dice/IoU means ("exclude"). mask_classes: classes to score even
        when unpainted; by default the classes of the masks present.
    threshold: the similarity (IoU, OKS, ...) an object pair needs to match.
    transcript_attribute: the text attribute read when an interval has no `transcript`.
    """
    # Masks first: a size mismatch is then named on the candidate's side, gold being the grid.
    masks = mask_scores(
        candidate.objects, gold.objects, classes=mask_classes, empty_masks=empty_masks
    )
    objects_c = [o for o in candidate.objects if not isinstance(o.geometry, Tag)]
    objects_g = [o for o in gold.objects if not isinstance(o.geometry, Tag)]
    within = match_objects(
        objects_c, objects_g, threshold=threshold, per_class=True, options=options
    )
    across = match_objects(
        objects_c, objects_g, threshold=threshold, per_class=False, options=options
    )
    return GoldScore(
        masks=masks,
        objects=detection_scores(within),
        object_classes=object_class_agreement(across),
        item_classes=tag_class_agreement(candidate.objects, gold.objects),
        transcripts=transcript_scores(
            candidate.objects, gold.objects, attribute=transcript_attribute
        ),
        items=1,
    )
