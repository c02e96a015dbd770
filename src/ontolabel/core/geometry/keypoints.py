"""Named keypoints (a skeleton's joints, facial landmarks) in displayed image pixels."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel
from ontolabel.core.geometry.box import Box


class Keypoint(GeometryModel):
    name: str
    x: float
    y: float
    # COCO convention: 0 not labeled, 1 labeled but hidden, 2 labeled and visible
    visibility: Literal[0, 1, 2] = 2


class Keypoints(GeometryModel):
    kind: Literal["keypoints"] = "keypoints"
    points: list[Keypoint]


def labeled_points(keypoints: Keypoints) -> list[Keypoint]:
    """The points that were placed (visible or hidden); unlabeled ones carry no position."""
    return [p for p in keypoints.points if p.visibility > 0]


def keypoints_bbox(keypoints: Keypoints) -> Box | None:
    """Box around the labeled points, or None when no point is labeled."""
    pts = labeled_points(keypoints)
    if not pts:
        return None
    return Box(
        x1=min(p.x for p in pts),
        y1=min(p.y for p in pts),
        x2=max(p.x for p in pts),
        y2=max(p.y for p in pts),
    )


def keypoints_to_coco(keypoints: Keypoints, names: list[str]) -> list[float]:
    """COCO's flat [x1, y1, v1, x2, y2, v2, ...] in the order of the category's `names`.

    A name missing from the annotation is written as unlabeled (0, 0, 0).
    """
    by_name = {p.name: p for p in keypoints.points}
    flat: list[float] = []
    for name in names:
        p = by_name.get(name)
        flat.extend((0.0, 0.0, 0) if p is None or p.visibility == 0 else (p.x, p.y, p.visibility))
    return flat
