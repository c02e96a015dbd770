"""Area IoU of planar shapes through shapely: rotated boxes, polygons with holes and parts,
widened polylines, and boxes when compared with any of those.

Only the pairs whose outlines touch (an STRtree query) are intersected, so sparse scenes of
many shapes cost about as many intersections as there are overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

from ontolabel.core.geometry.box import Box, RotatedBox
from ontolabel.core.geometry.polygon import Polygon, Polyline
from ontolabel.core.matching.checks import object_name, require_finite
from ontolabel.errors import GeometryError

FloatArray = npt.NDArray[np.float64]
PlanarShape = Box | RotatedBox | Polygon | Polyline
ShapeArray = npt.NDArray[np.object_]


def rotated_corners(boxes: Sequence[RotatedBox]) -> FloatArray:
    """N×4×2 corners of rotated boxes (clockwise on screen, as `rotated_box_corners`)."""
    params = np.array([(r.cx, r.cy, r.w, r.h, r.angle) for r in boxes], dtype=np.float64)
    params = params.reshape(-1, 5)
    theta = np.radians(params[:, 4])
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    signs = np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)])
    dx = signs[None, :, 0] * params[:, None, 2] / 2
    dy = signs[None, :, 1] * params[:, None, 3] / 2
    x = params[:, None, 0] + dx * cos_t[:, None] - dy * sin_t[:, None]
    y = params[:, None, 1] + dx * sin_t[:, None] + dy * cos_t[:, None]
    corners: FloatArray = np.stack([x, y], axis=2)
    return corners


def _polygon_geometry(polygon: Polygon, name: str) -> shapely.Geometry:
    parts = []
    for part in polygon.parts:
        rings = [part.exterior, *part.holes]
        for ring in rings:
            if len(ring) < 3:
                raise GeometryError(
                    f"a polygon ring has {len(ring)} vertices, at least 3 are needed",
                    object_id=name,
                )
            if not np.isfinite(np.asarray(ring, dtype=np.float64)).all():
                raise GeometryError(
                    "a coordinate is not a finite number (NaN or infinity)", object_id=name
                )
        parts.append(shapely.Polygon(part.exterior, part.holes))
    if not parts:
        raise GeometryError("a polygon without parts has no area", object_id=name)
    geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    # Annotators draw bow-ties and overlapping parts; measure the area they cover.
    return geometry if shapely.is_valid(geometry) else shapely.make_valid(geometry)


def shape_geometries(
    shapes: Sequence[PlanarShape],
    indices: Sequence[int],
    ids: Sequence[str] | None,
    side: str,
    polyline_width: float,
) -> ShapeArray:
    """Shapely geometries of planar shapes (polylines widened to `polyline_width`)."""
    out = np.empty(len(shapes), dtype=object)
    boxes = [(i, s) for i, s in enumerate(shapes) if isinstance(s, Box)]
    if boxes:
        xyxy = np.array([(s.x1, s.y1, s.x2, s.y2) for _, s in boxes], dtype=np.float64)
        rows = [i for i, _ in boxes]
        require_finite(xyxy, [indices[r] for r in rows], ids, side)
        out[rows] = shapely.box(xyxy[:, 0], xyxy[:, 1], xyxy[:, 2], xyxy[:, 3])
    rotated = [(i, s) for i, s in enumerate(shapes) if isinstance(s, RotatedBox)]
    if rotated:
        corners = rotated_corners([s for _, s in rotated])
        rows = [i for i, _ in rotated]
        require_finite(corners, [indices[r] for r in rows], ids, side)
        out[rows] = shapely.polygons(corners)
    for i, shape in enumerate(shapes):
        name = object_name(ids, side, indices[i])
        if isinstance(shape, Polygon):
            out[i] = _polygon_geometry(shape, name)
        elif isinstance(shape, Polyline):
            points = np.asarray(shape.points, dtype=np.float64).reshape(-1, 2)
            if not np.isfinite(points).all():
                raise GeometryError(
                    "a coordinate is not a finite number (NaN or infinity)", object_id=name
                )
            if len(points) < 2:
                raise GeometryError("a polyline needs at least 2 points", object_id=name)
            out[i] = shapely.buffer(shapely.LineString(points), polyline_width / 2)
    return out


def area_iou_matrix(a: ShapeArray, b: ShapeArray) -> FloatArray:
    """IoU of the areas of every geometry of `a` with every geometry of `b`."""
    result = np.zeros((len(a), len(b)), dtype=np.float64)
    if len(a) == 0 or len(b) == 0:
        return result
    tree = shapely.STRtree(b)
    ia, ib = tree.query(a, predicate="intersects")
    if len(ia) == 0:
        return result
    inter = shapely.area(shapely.intersection(a[ia], b[ib]))
    union = shapely.area(a)[ia] + shapely.area(b)[ib] - inter
    result[ia, ib] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return result
