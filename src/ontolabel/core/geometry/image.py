"""Image geometry in displayed (EXIF-applied) pixels, x right, y down."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.core.geometry.base import GeometryModel

Point = tuple[float, float]
Ring = list[Point]


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


class Polygon(GeometryModel):
    """One or more parts, each an exterior ring with optional holes (rings not closed)."""

    kind: Literal["polygon"] = "polygon"
    parts: list["PolygonPart"]


class PolygonPart(GeometryModel):
    exterior: Ring
    holes: list[Ring] = Field(default_factory=list)


class Mask(GeometryModel):
    """Binary mask as COCO run-length encoding (column-major counts, compressed string)."""

    kind: Literal["mask"] = "mask"
    height: int
    width: int
    counts: str


class Keypoint(GeometryModel):
    name: str
    x: float
    y: float
    # COCO convention: 0 not labeled, 1 labeled but hidden, 2 labeled and visible
    visibility: Literal[0, 1, 2] = 2


class Keypoints(GeometryModel):
    kind: Literal["keypoints"] = "keypoints"
    points: list[Keypoint]


class Polyline(GeometryModel):
    kind: Literal["polyline"] = "polyline"
    points: list[Point]


Polygon.model_rebuild()
