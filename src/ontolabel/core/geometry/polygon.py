"""Polygons with holes and several parts, and polylines, in displayed image pixels.

Rings are lists of (x, y) vertices, not closed (the last vertex is not a copy of the
first). Orientation is free: areas are computed from absolute ring areas, so a hole
subtracts whatever its winding.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ontolabel.core.geometry.base import GeometryModel
from ontolabel.core.geometry.box import Box, Point

Ring = list[Point]


class PolygonPart(GeometryModel):
    exterior: Ring
    holes: list[Ring] = Field(default_factory=list)


class Polygon(GeometryModel):
    """One or more parts, each an exterior ring with optional holes (rings not closed)."""

    kind: Literal["polygon"] = "polygon"
    parts: list[PolygonPart]


class Polyline(GeometryModel):
    """An open line through its points (a lane marking, a vessel centreline)."""

    kind: Literal["polyline"] = "polyline"
    points: list[Point]


def ring_signed_area(ring: Ring) -> float:
    """Shoelace area: positive when the ring turns clockwise on screen (y down)."""
    n = len(ring)
    if n < 3:
        return 0.0
    # Subtracting the first vertex keeps the sum exact-ish for rings far from the origin.
    x0, y0 = ring[0]
    total = 0.0
    for i in range(1, n - 1):
        ax, ay = ring[i][0] - x0, ring[i][1] - y0
        bx, by = ring[i + 1][0] - x0, ring[i + 1][1] - y0
        total += ax * by - bx * ay
    return total / 2


def part_area(part: PolygonPart) -> float:
    """Exterior area minus the holes' areas (holes assumed inside and not overlapping)."""
    return abs(ring_signed_area(part.exterior)) - sum(abs(ring_signed_area(h)) for h in part.holes)


def polygon_area(polygon: Polygon) -> float:
    """Sum of the parts' areas (parts assumed not to overlap)."""
    return sum(part_area(p) for p in polygon.parts)


def polygon_bbox(polygon: Polygon) -> Box:
    """The axis-aligned box around every exterior vertex of every part."""
    xs = [x for part in polygon.parts for x, _ in part.exterior]
    ys = [y for part in polygon.parts for _, y in part.exterior]
    if not xs:
        raise ValueError("a polygon without vertices has no bounding box")
    return Box(x1=min(xs), y1=min(ys), x2=max(xs), y2=max(ys))


def box_to_polygon(box: Box) -> Polygon:
    exterior: Ring = [(box.x1, box.y1), (box.x2, box.y1), (box.x2, box.y2), (box.x1, box.y2)]
    return Polygon(parts=[PolygonPart(exterior=exterior)])


def polyline_length(polyline: Polyline) -> float:
    pts = polyline.points
    return sum(math.dist(pts[i], pts[i + 1]) for i in range(len(pts) - 1))


def polyline_bbox(polyline: Polyline) -> Box:
    if not polyline.points:
        raise ValueError("a polyline without points has no bounding box")
    xs = [x for x, _ in polyline.points]
    ys = [y for _, y in polyline.points]
    return Box(x1=min(xs), y1=min(ys), x2=max(xs), y2=max(ys))
