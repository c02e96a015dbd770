"""Boxes in displayed image pixels: axis-aligned (xyxy) and rotated (centre, size, angle).

x grows to the right, y grows downwards; a rotated box turns `angle` degrees clockwise
about its centre (clockwise as seen on screen, which is the positive direction in y-down
coordinates).
"""

from __future__ import annotations

import math
from typing import Literal

from ontolabel.core.geometry.base import GeometryModel

Point = tuple[float, float]


class Box(GeometryModel):
    """Axis-aligned box, corners (x1, y1) top-left and (x2, y2) bottom-right."""

    kind: Literal["box"] = "box"
    x1: float
    y1: float
    x2: float
    y2: float


class RotatedBox(GeometryModel):
    """Box of size w×h centred on (cx, cy), turned `angle` degrees clockwise about its centre."""

    kind: Literal["rotated_box"] = "rotated_box"
    cx: float
    cy: float
    w: float
    h: float
    angle: float = 0.0


def xywh_to_xyxy(x: float, y: float, w: float, h: float) -> Box:
    """A box given by its top-left corner and size (COCO's `bbox`)."""
    return Box(x1=x, y1=y, x2=x + w, y2=y + h)


def xyxy_to_xywh(box: Box) -> tuple[float, float, float, float]:
    """(x, y, w, h) of a box: top-left corner and size, as COCO writes it."""
    return (box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1)


def box_area(box: Box) -> float:
    """Area in square pixels; a degenerate (inverted) box has area 0."""
    return max(0.0, box.x2 - box.x1) * max(0.0, box.y2 - box.y1)


def box_intersection(a: Box, b: Box) -> Box | None:
    """The overlap of two boxes, or None when they do not overlap with positive area."""
    x1, y1 = max(a.x1, b.x1), max(a.y1, b.y1)
    x2, y2 = min(a.x2, b.x2), min(a.y2, b.y2)
    if x2 <= x1 or y2 <= y1:
        return None
    return Box(x1=x1, y1=y1, x2=x2, y2=y2)


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union in continuous coordinates (no +1 pixel convention)."""
    inter = box_intersection(a, b)
    if inter is None:
        return 0.0
    overlap = box_area(inter)
    union = box_area(a) + box_area(b) - overlap
    return overlap / union if union > 0 else 0.0


def box_clip(box: Box, width: float, height: float) -> Box | None:
    """The part of a box inside a width×height image, or None when nothing is left."""
    return box_intersection(box, Box(x1=0.0, y1=0.0, x2=width, y2=height))


def box_to_rotated(box: Box) -> RotatedBox:
    return RotatedBox(
        cx=(box.x1 + box.x2) / 2, cy=(box.y1 + box.y2) / 2, w=box.x2 - box.x1, h=box.y2 - box.y1
    )


def rotated_box_corners(rbox: RotatedBox) -> list[Point]:
    """The four corners, starting from the unrotated top-left and going clockwise on screen."""
    theta = math.radians(rbox.angle)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    half_w, half_h = rbox.w / 2, rbox.h / 2
    corners: list[Point] = []
    for dx, dy in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)):
        # With y pointing down, this standard rotation matrix turns clockwise on screen.
        corners.append((rbox.cx + dx * cos_t - dy * sin_t, rbox.cy + dx * sin_t + dy * cos_t))
    return corners


def rotated_box_hull(rbox: RotatedBox) -> Box:
    """The smallest axis-aligned box holding the rotated box."""
    corners = rotated_box_corners(rbox)
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    return Box(x1=min(xs), y1=min(ys), x2=max(xs), y2=max(ys))


def rotated_box_area(rbox: RotatedBox) -> float:
    return abs(rbox.w * rbox.h)
