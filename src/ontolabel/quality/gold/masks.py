"""Dice and IoU of segmentation masks per class, against gold.

All masks of one class (on one media file) are merged before comparison: this scores the
painted area, not how it was split into instances. A class that neither side painted scores
1.0 (two empty masks agree perfectly) or is left out of the per-item means, as the caller
chooses; the pooled pixel figures are not affected either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

from pycocotools import mask as coco_mask  # type: ignore[import-untyped]

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Mask
from ontolabel.core.matching.masks import Rle, mask_rles
from ontolabel.errors import GeometryError

EmptyMasks = Literal["perfect", "exclude"]
Figure = float | None


def _ratio(num: float, den: float) -> Figure:
    return num / den if den > 0 else None


@dataclass(frozen=True)
class MaskClassScore:
    """One class's mask agreement, summed over items.

    dice / iou: mean over scored items of each item's Dice / IoU. pixel_dice / pixel_iou:
    pooled over all pixels of all items (large objects weigh more).
    """

    intersection: int = 0
    area_candidate: int = 0
    area_gold: int = 0
    dice_sum: float = 0.0
    iou_sum: float = 0.0
    scored_items: int = 0
    empty_items: int = 0  # items where neither side painted the class

    def __add__(self, other: MaskClassScore) -> MaskClassScore:
        return MaskClassScore(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def dice(self) -> Figure:
        return _ratio(self.dice_sum, self.scored_items)

    @property
    def iou(self) -> Figure:
        return _ratio(self.iou_sum, self.scored_items)

    @property
    def pixel_dice(self) -> Figure:
        return _ratio(2 * self.intersection, self.area_candidate + self.area_gold)

    @property
    def pixel_iou(self) -> Figure:
        union = self.area_candidate + self.area_gold - self.intersection
        return _ratio(self.intersection, union)

    def to_dict(self) -> dict[str, object]:
        return {
            "dice": self.dice,
            "iou": self.iou,
            "pixel_dice": self.pixel_dice,
            "pixel_iou": self.pixel_iou,
            "intersection": self.intersection,
            "area_candidate": self.area_candidate,
            "area_gold": self.area_gold,
            "scored_items": self.scored_items,
            "empty_items": self.empty_items,
        }


def _merged(masks: Sequence[Mask]) -> Rle | None:
    if not masks:
        return None
    rles = mask_rles(masks)
    return rles[0] if len(rles) == 1 else coco_mask.merge(rles, intersect=False)


def _painted(objects: Sequence[AnnotationObject], name: str, media_index: int) -> list[Mask]:
    return [
        o.geometry
        for o in objects
        if isinstance(o.geometry, Mask) and o.class_name == name and o.media_index == media_index
    ]


def _check_sizes(objects: Sequence[tuple[str, AnnotationObject]]) -> None:
    sizes: dict[int, tuple[str, int, int]] = {}
    for side, obj in objects:
        assert isinstance(obj.geometry, Mask)
        h, w = obj.geometry.height, obj.geometry.width
        first = sizes.setdefault(obj.media_index, (obj.id, h, w))
        if (h, w) != first[1:]:
            raise GeometryError(
                f"{side} mask is {h}×{w} pixels but {first[0]!r} on the same media is"
                f" {first[1]}×{first[2]}",
                object_id=obj.id,
            )


def mask_scores(
    candidate: Sequence[AnnotationObject],
    gold: Sequence[AnnotationObject],
    *,
    classes: Iterable[str] | None = None,
    empty_masks: EmptyMasks = "perfect",
) -> dict[str, MaskClassScore]:
    """Per class, the candidate's painted area against gold's on one item. `classes` are
    scored even when neither side painted them; by default, the classes of every mask."""
    masks_c = [o for o in candidate if isinstance(o.geometry, Mask)]
    masks_g = [o for o in gold if isinstance(o.geometry, Mask)]
    _check_sizes([("gold", o) for o in masks_g] + [("candidate", o) for o in masks_c])
    names = set(classes) if classes is not None else {o.class_name for o in (*masks_c, *masks_g)}
    media = sorted({o.media_index for o in (*masks_c, *masks_g)}) or [0]
    out: dict[str, MaskClassScore] = {}
    for name in sorted(names):
        total = MaskClassScore()
        for index in media:
            mine = _merged(_painted(masks_c, name, index))
            theirs = _merged(_painted(masks_g, name, index))
            area_c = int(coco_mask.area(mine)) if mine is not None else 0
            area_g = int(coco_mask.area(theirs)) if theirs is not None else 0
            inter = 0
            if mine is not None and theirs is not None:
                inter = int(coco_mask.area(coco_mask.merge([mine, theirs], intersect=True)))
            total = total + MaskClassScore(
                intersection=inter, area_candidate=area_c, area_gold=area_g
            )
        if total.area_candidate + total.area_gold == 0:
            scored = MaskClassScore(empty_items=1)
            if empty_masks == "perfect":
                scored = MaskClassScore(dice_sum=1.0, iou_sum=1.0, scored_items=1, empty_items=1)
            out[name] = scored
            continue
        union = total.area_candidate + total.area_gold - total.intersection
        out[name] = total + MaskClassScore(
            dice_sum=2 * total.intersection / (total.area_candidate + total.area_gold),
            iou_sum=total.intersection / union,
            scored_items=1,
        )
    return out
