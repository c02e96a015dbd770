"""Core image geometry <-> the geometry fields of a COCO annotation (bbox, area, segmentation).

Export rules (bbox is COCO's [x, y, w, h], computed from every part of the shape):
- box: bbox, area w*h, segmentation = the box as one 4-corner polygon (so pycocotools can
  rasterise it);
- rotated box: bbox = its axis-aligned hull, segmentation = its 4 corners, area w*h;
- polygon without holes: one COCO polygon per part, area = sum of the part areas;
- polygon with holes: COCO polygons cannot hold holes, so an RLE mask (area = its pixel count);
- mask: its RLE as stored; keypoints: bbox of the labeled points, keypoints arranged later by
  the category's keypoint names.
Where these forms lose something (box, rotated box, holes) the annotation also carries the
exact geometry under ``ontolabel_geometry``, which import prefers; other readers ignore it.
Import reads foreign files literally: a rectangular polygon stays a polygon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from pycocotools import mask as rle  # type: ignore[import-untyped]
from pydantic import TypeAdapter, ValidationError

from ontolabel.core.geometry import Box, Keypoint, Keypoints, Mask, Polygon, PolygonPart, RotatedBox
from ontolabel.core.geometry.box import rotated_box_corners, rotated_box_hull
from ontolabel.core.geometry.keypoints import keypoints_bbox
from ontolabel.core.geometry.mask import string_to_counts
from ontolabel.core.geometry.polygon import polygon_area, polygon_bbox
from ontolabel.formats.coco.raster import canvas_size, rasterize_polygon

Segmentation = list[list[float]] | dict[str, Any]
# where an ontolabel export keeps the exact geometry (other COCO readers ignore the key)
EXACT_KEY = "ontolabel_geometry"
# the item meta key under which an import keeps what a keypoint category declares (all its
# names in order and its skeleton's edges), so that an export writes the category back
KEYPOINTS_META = "coco_keypoints"
# an iscrowd annotation's objects (a crowd region, which COCOeval ignores), by object id, in
# the item's meta: the core objects have no such flag
CROWD_META = "coco_crowd"
# the object's own id beside COCO's number, so that a re-import keeps object ids
ID_KEY = "ontolabel_id"
# image-level labels (tags) have no shape; inside "annotations" they would stop COCOeval
# (it reads every ground truth's bbox and area), so they are written in this list of their
# own, which other readers ignore; import reads both
LABELS_KEY = "ontolabel_image_labels"


@dataclass
class CocoShape:
    bbox: list[float]
    area: float
    segmentation: Segmentation
    # (name, x, y, visibility) of a keypoints geometry; the category fixes their order
    keypoints: list[tuple[str, float, float, int]] = field(default_factory=list)
    is_keypoints: bool = False
    # the geometry itself, where COCO's fields lose something (a box is not a rectangular
    # polygon, a rotated box not its corners, holes not a mask): ontolabel reads it back
    exact: dict[str, Any] | None = None


def _xywh(box: Box) -> list[float]:
    return [box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1]


def _flat(ring: list[tuple[float, float]]) -> list[float]:
    return [c for point in ring for c in point]


def _rle_segmentation(encoded: dict[str, Any]) -> dict[str, Any]:
    counts = encoded["counts"]
    return {
        "size": list(encoded["size"]),
        "counts": counts.decode() if isinstance(counts, bytes) else counts,
    }


def _exact(geometry: RotatedBox | Polygon) -> dict[str, Any]:
    return geometry.model_dump(mode="json")


def box_fields(
    x1: float, y1: float, x2: float, y2: float
) -> tuple[list[float], float, list[list[float]], dict[str, Any]]:
    """bbox, area, segmentation and exact geometry of the box (x1, y1)-(x2, y2). Built
    here from the four numbers, not through the model (a box is most of what is exported:
    ``model_dump`` alone cost more than the rest of the box); the exact geometry is the
    box's JSON form, ``Box.model_dump(mode="json")``."""
    w, h = x2 - x1, y2 - y1
    return (
        [x1, y1, w, h],
        w * h,
        [[x1, y1, x2, y1, x2, y2, x1, y2]],
        {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2},
    )


def shape_of(geometry: object, image_size: tuple[int, int] | None) -> CocoShape | None:
    """The COCO fields of ``geometry`` on an image of (height, width); None if COCO has no form."""
    if isinstance(geometry, Box):
        bbox, area, segmentation, exact = box_fields(
            geometry.x1, geometry.y1, geometry.x2, geometry.y2
        )
        return CocoShape(bbox, area, segmentation, exact=exact)
    if isinstance(geometry, RotatedBox):
        return CocoShape(
            _xywh(rotated_box_hull(geometry)),
            abs(geometry.w * geometry.h),
            [_flat(rotated_box_corners(geometry))],
            exact=_exact(geometry),
        )
    if isinstance(geometry, Polygon):
        bbox = _xywh(polygon_bbox(geometry))
        if not any(part.holes for part in geometry.parts):
            return CocoShape(
                bbox, polygon_area(geometry), [_flat(p.exterior) for p in geometry.parts]
            )
        height, width = image_size or canvas_size(geometry)
        encoded = rle.encode(rasterize_polygon(geometry, height, width))
        return CocoShape(
            bbox, float(rle.area(encoded)), _rle_segmentation(encoded), exact=_exact(geometry)
        )
    if isinstance(geometry, Mask):
        encoded = {"size": [geometry.height, geometry.width], "counts": geometry.counts}
        return CocoShape([float(v) for v in rle.toBbox(encoded)], float(rle.area(encoded)), encoded)
    if isinstance(geometry, Keypoints):
        hull = keypoints_bbox(geometry)
        bbox = _xywh(hull) if hull else [0.0, 0.0, 0.0, 0.0]
        return CocoShape(
            bbox,
            bbox[2] * bbox[3],
            [],
            keypoints=[(p.name, p.x, p.y, p.visibility) for p in geometry.points],
            is_keypoints=True,
        )
    return None


# -- import ---------------------------------------------------------------------------------


class ShapeError(ValueError):
    """A COCO annotation's geometry is malformed; the message says how, ``path`` where."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


def _numbers(value: object, path: str) -> list[float]:
    if not isinstance(value, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise ShapeError("must be a list of numbers", path)
    if not all(math.isfinite(v) for v in value):
        raise ShapeError("must hold finite numbers (no NaN or infinity)", path)
    return [float(v) for v in value]


def read_bbox(value: object) -> Box:
    xywh = _numbers(value, "bbox")
    if len(xywh) != 4:
        raise ShapeError(f"bbox must be [x, y, width, height], got {len(xywh)} numbers", "bbox")
    x, y, w, h = xywh
    if w < 0 or h < 0:
        raise ShapeError(f"bbox width and height must not be negative, got {w} x {h}", "bbox")
    if not (math.isfinite(x + w) and math.isfinite(y + h)):
        raise ShapeError(f"bbox [{x}, {y}, {w}, {h}] reaches past any finite pixel", "bbox")
    return Box(x1=x, y1=y, x2=x + w, y2=y + h)


def _ring(value: object, path: str) -> list[tuple[float, float]]:
    flat = _numbers(value, path)
    if len(flat) % 2:
        raise ShapeError(
            f"invalid ring: an odd count of numbers ({len(flat)}) is not x, y pairs", path
        )
    if len(flat) < 6:
        raise ShapeError(
            f"invalid ring: {len(flat)} numbers make {len(flat) // 2} points; a polygon needs "
            "at least 3 points (6 numbers)",
            path,
        )
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def read_polygon_segmentation(value: list[Any]) -> Polygon:
    return Polygon(
        parts=[PolygonPart(exterior=_ring(r, f"segmentation[{i}]")) for i, r in enumerate(value)]
    )


_EXACT = TypeAdapter(Box | RotatedBox | Polygon)


def read_exact(value: object) -> Box | RotatedBox | Polygon:
    """The geometry an ontolabel export keeps beside COCO's lossy fields."""
    try:
        return _EXACT.validate_python(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ShapeError(f"not a box, rotated box or polygon: {first['msg']}", EXACT_KEY) from exc


def read_rle_segmentation(value: dict[str, Any]) -> Mask:
    size = value.get("size")
    if (
        not isinstance(size, list)
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in size)
    ):
        raise ShapeError(
            "RLE size must be [height, width] (two non-negative integers)", "segmentation.size"
        )
    height, width = size
    counts = value.get("counts")
    if isinstance(counts, list):
        runs = [int(v) for v in _numbers(counts, "segmentation.counts")]
        if any(v < 0 for v in runs) or sum(runs) != height * width:
            raise ShapeError(
                f"uncompressed RLE counts must be non-negative and sum to height*width "
                f"({height * width}), got {sum(runs)}",
                "segmentation.counts",
            )
        encoded = rle.frPyObjects({"size": [height, width], "counts": runs}, height, width)
        return Mask(height=height, width=width, counts=encoded["counts"].decode())
    if isinstance(counts, str):
        try:
            runs = string_to_counts(counts)
        except ValueError as exc:
            raise ShapeError(
                f"compressed RLE counts are malformed: {exc}", "segmentation.counts"
            ) from exc
        if sum(runs) != height * width:
            raise ShapeError(
                f"RLE counts cover {sum(runs)} pixels; size {height}x{width} has {height * width}",
                "segmentation.counts",
            )
        return Mask(height=height, width=width, counts=counts)
    raise ShapeError(
        "RLE counts must be a list of run lengths or a compressed string", "segmentation.counts"
    )


def read_keypoints(value: object, names: list[str]) -> Keypoints:
    flat = _numbers(value, "keypoints")
    if len(flat) != 3 * len(names):
        raise ShapeError(
            f"{len(flat)} numbers for {len(names)} keypoint names; expected {3 * len(names)} "
            "(x, y, visibility per name)",
            "keypoints",
        )
    points: list[Keypoint] = []
    for i, name in enumerate(names):
        x, y, v = flat[3 * i : 3 * i + 3]
        if v not in (0, 1, 2):
            raise ShapeError(
                f"visibility of {name!r} must be 0, 1 or 2, got {v:g}", f"keypoints[{3 * i + 2}]"
            )
        if v > 0:  # an unlabeled point (v = 0) has no position to keep
            points.append(Keypoint(name=name, x=x, y=y, visibility=int(v)))
    return Keypoints(points=points)
