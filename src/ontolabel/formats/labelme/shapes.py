"""One LabelMe shape <-> core image geometry (pure functions; no file handling).

Import (``shape_type`` -> geometry; all in image pixels, as LabelMe stores them):
- ``rectangle``: two opposite corners -> Box (min/max, so the corners may come in any order);
- ``polygon`` (also a shape without ``shape_type``, as LabelMe 3 wrote) -> one polygon part;
- ``circle``: centre and a point on the rim -> a Polygon through the rim (``circle_ring``).
  The core has no circle; the reader keeps the circle itself in the item's meta data so an
  export writes the same circle again (while the polygon is unedited);
- ``oriented_rectangle``: four corners, the first edge giving the angle -> RotatedBox;
- ``line`` / ``linestrip`` -> Polyline;
- ``point`` / ``points`` -> Keypoints named "1", "2", ... (names kept by an ontolabel export);
- ``mask``: a base64 PNG whose top-left pixel is ``round(points[0])`` -> Mask (COCO RLE of
  the whole image, the PNG clipped to it, as LabelMe's own ``shapes_to_label`` does).
Export is the inverse; a polygon with holes, which LabelMe polygons cannot hold, is written
as a mask shape (its pixels, never a filled outline), the polygon itself kept beside it for
our import while the mask still has exactly its pixels.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]
from PIL import Image, UnidentifiedImageError

from ontolabel.core.geometry import (
    Box,
    Keypoint,
    Keypoints,
    Mask,
    Polygon,
    PolygonPart,
    Polyline,
    RotatedBox,
)
from ontolabel.core.geometry.box import Point, rotated_box_corners
from ontolabel.core.geometry.mask import rle_decode, rle_encode
from ontolabel.core.matching.masks import rasterise

ShapeGeometry = Box | RotatedBox | Polygon | Mask | Keypoints | Polyline
# a circle's polygon deviates from the true circle by at most this many pixels
CIRCLE_TOLERANCE = 0.25
CIRCLE_VERTICES = (12, 1024)
# how far an oriented rectangle's fourth corner may sit from where the other three put it
CORNER_TOLERANCE = 0.5
# exact geometry kept beside the points is used only while it still matches them
EXACT_MATCH = 1e-6


class ShapeError(ValueError):
    """A shape is malformed; the message says how, ``path`` where (under ``shapes[i]``)."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.path = path


def read_points(value: object) -> list[Point]:
    if not isinstance(value, list) or not value:
        raise ShapeError("points must be a non-empty list of [x, y] pairs", "points")
    found: list[Point] = []
    for i, point in enumerate(value):
        if (
            not isinstance(point, list | tuple)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            raise ShapeError(f"a point must be [x, y], got {point!r}", f"points[{i}]")
        x, y = float(point[0]), float(point[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ShapeError("a point must hold finite numbers", f"points[{i}]")
        found.append((x, y))
    return found


def _count(points: list[Point], shape_type: str, wanted: int | None, least: int = 1) -> None:
    n = len(points)
    if (wanted is not None and n != wanted) or n < least:
        need = f"{wanted}" if wanted is not None else f"at least {least}"
        raise ShapeError(f"a {shape_type} has {need} points, got {n}", "points")


def circle_ring(centre: Point, rim: Point) -> list[Point]:
    """The polygon of a circle: vertices on the rim, starting at ``rim`` itself, clockwise on
    screen, as many as keep every edge within CIRCLE_TOLERANCE of the circle. Deterministic,
    so the same circle always gives the same polygon (the export recognises it by that)."""
    cx, cy = centre
    radius = math.dist(centre, rim)
    if radius == 0:
        raise ShapeError("a circle's rim point is its centre (radius 0)", "points[1]")
    lo, hi = CIRCLE_VERTICES
    ratio = CIRCLE_TOLERANCE / radius
    n = lo if ratio >= 1 else math.ceil(math.pi / math.acos(1 - ratio))
    n = min(hi, max(lo, n))
    start = math.atan2(rim[1] - cy, rim[0] - cx)
    ring: list[Point] = [rim]
    for k in range(1, n):
        angle = start + 2 * math.pi * k / n
        ring.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return ring


def is_circle(polygon: Polygon, centre: Point, rim: Point) -> bool:
    """Whether ``polygon`` is still exactly the polygon of that circle (not edited since)."""
    if len(polygon.parts) != 1 or polygon.parts[0].holes:
        return False
    try:
        ring = circle_ring(centre, rim)
    except ShapeError:
        return False
    return [tuple(p) for p in polygon.parts[0].exterior] == ring


def rotated_from_corners(points: list[Point]) -> RotatedBox:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    w, h = math.dist(points[0], points[1]), math.dist(points[1], points[2])
    if w == 0 or h == 0:
        raise ShapeError("an oriented rectangle has two corners in one place", "points")
    # a rectangle's fourth corner is where the other three put it
    if math.hypot(x0 + x2 - x1 - x3, y0 + y2 - y1 - y3) > CORNER_TOLERANCE:
        raise ShapeError("the four corners of an oriented rectangle do not form one", "points")
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    return RotatedBox(cx=(x0 + x2) / 2, cy=(y0 + y2) / 2, w=w, h=h, angle=angle)


def _corners_match(exact: RotatedBox, points: list[Point]) -> bool:
    corners = rotated_box_corners(exact)
    return len(points) == 4 and all(
        math.dist(a, b) <= EXACT_MATCH for a, b in zip(corners, points, strict=True)
    )


def _keypoints(points: list[Point], kept: object) -> Keypoints:
    """Points numbered 1, 2, ...; or named as an ontolabel export kept them (one entry per
    point, each {name, visibility}), when that list still fits the points."""
    names = [str(i + 1) for i in range(len(points))]
    visibility = [2] * len(points)
    if (
        isinstance(kept, list)
        and len(kept) == len(points)
        and all(
            isinstance(k, dict)
            and isinstance(k.get("name"), str)
            and k.get("visibility", 2) in (1, 2)
            for k in kept
        )
        and len({k["name"] for k in kept}) == len(kept)
    ):
        names = [k["name"] for k in kept]
        visibility = [int(k.get("visibility", 2)) for k in kept]
    return Keypoints(
        points=[
            Keypoint(name=n, x=x, y=y, visibility=v)
            for n, (x, y), v in zip(names, points, visibility, strict=True)
        ]
    )


def _png_pixels(data: object) -> npt.NDArray[np.bool_]:
    if not isinstance(data, str):
        raise ShapeError("a mask shape's mask must be a base64 PNG string", "mask")
    try:
        raw = base64.b64decode(data, validate=True)
        with Image.open(io.BytesIO(raw)) as img:
            pixels: npt.NDArray[Any] = np.asarray(img)
    except (binascii.Error, ValueError) as exc:
        raise ShapeError(f"the mask is not valid base64: {exc}", "mask") from exc
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ShapeError(f"the mask is not a readable PNG: {exc}", "mask") from exc
    if pixels.ndim == 3:
        # a colour PNG: any coloured pixel is foreground (alpha ignored)
        pixels = np.asarray(pixels[..., : min(3, pixels.shape[2])].any(axis=2))
    if pixels.ndim != 2 or pixels.size == 0:
        raise ShapeError(f"the mask PNG has no pixels (shape {pixels.shape})", "mask")
    return np.asarray(pixels, dtype=bool)


def mask_from_shape(points: list[Point], data: object, size: tuple[int, int] | None) -> Mask:
    """The whole-image Mask of a LabelMe mask shape on an image of (height, width)."""
    if size is None:
        raise ShapeError(
            "a mask shape needs the file's imageHeight and imageWidth to be placed", "mask"
        )
    patch = _png_pixels(data)
    height, width = size
    x1, y1 = round(points[0][0]), round(points[0][1])
    ph, pw = patch.shape
    full = np.zeros((height, width), dtype=np.uint8)
    ys, ye = max(y1, 0), min(y1 + ph, height)
    xs, xe = max(x1, 0), min(x1 + pw, width)
    if ys < ye and xs < xe:
        full[ys:ye, xs:xe] = patch[ys - y1 : ye - y1, xs - x1 : xe - x1]
    return rle_encode(full)


@dataclass
class ReadShape:
    geometry: ShapeGeometry
    # the circle (centre, rim) a polygon was made from
    circle: tuple[Point, Point] | None = None


def read_geometry(
    shape: dict[str, Any], shape_type: str, size: tuple[int, int] | None, kept: dict[str, Any]
) -> ReadShape:
    """The geometry of one shape. ``kept`` is what an ontolabel export wrote beside it."""
    points = read_points(shape.get("points"))
    if shape_type == "rectangle":
        _count(points, shape_type, 2)
        (xa, ya), (xb, yb) = points
        return ReadShape(Box(x1=min(xa, xb), y1=min(ya, yb), x2=max(xa, xb), y2=max(ya, yb)))
    if shape_type == "polygon":
        _count(points, shape_type, None, 3)
        return ReadShape(Polygon(parts=[PolygonPart(exterior=points)]))
    if shape_type == "circle":
        _count(points, shape_type, 2)
        ring = circle_ring(points[0], points[1])
        return ReadShape(Polygon(parts=[PolygonPart(exterior=ring)]), (points[0], points[1]))
    if shape_type == "oriented_rectangle":
        _count(points, shape_type, 4)
        exact = kept.get("geometry")
        if isinstance(exact, dict) and exact.get("kind") == "rotated_box":
            try:
                box = RotatedBox.model_validate(exact)
            except ValueError:
                box = None
            if box is not None and _corners_match(box, points):
                return ReadShape(box)
        return ReadShape(rotated_from_corners(points))
    if shape_type in ("line", "linestrip"):
        _count(points, shape_type, 2 if shape_type == "line" else None, 2)
        return ReadShape(Polyline(points=points))
    if shape_type in ("point", "points"):
        _count(points, shape_type, 1 if shape_type == "point" else None)
        return ReadShape(_keypoints(points, kept.get("keypoints")))
    if shape_type == "mask":
        _count(points, shape_type, 2)
        mask = mask_from_shape(points, shape.get("mask"), size)
        return ReadShape(_holed_polygon(kept.get("geometry"), mask) or mask)
    raise ShapeError(
        f"unknown shape_type {shape_type!r} (LabelMe has rectangle, polygon, circle, "
        "oriented_rectangle, line, linestrip, point, points, mask)",
        "shape_type",
    )


def _holed_polygon(exact: object, mask: Mask) -> Polygon | None:
    """The polygon with holes an ontolabel export wrote as this mask, while the mask still
    has exactly its pixels (an edit in LabelMe makes the mask win)."""
    if not isinstance(exact, dict) or exact.get("kind") != "polygon":
        return None
    try:
        polygon = Polygon.model_validate(exact)
        pixels = _polygon_pixels(polygon, (mask.height, mask.width))
    except (ValueError, shapely.errors.GEOSException):
        return None
    return polygon if np.array_equal(pixels, rle_decode(mask)) else None


# -- export ---------------------------------------------------------------------------------


@dataclass
class WrittenShape:
    """The geometry fields of one LabelMe shape (a multi-part polygon gives several)."""

    shape_type: str
    points: list[list[float]]
    mask: str | None = None
    # what LabelMe's fields lose, kept under the shape's "ontolabel" key for our import
    kept: dict[str, Any] = field(default_factory=dict)


def _pairs(points: list[Point]) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in points]


def mask_shape(pixels: npt.NDArray[np.generic]) -> WrittenShape | None:
    """A mask shape for a (height, width) array: the PNG of its foreground's bounding box
    (0/1 grey levels, as LabelMe writes them); None when nothing is set."""
    rows = np.flatnonzero(pixels.any(axis=1))
    cols = np.flatnonzero(pixels.any(axis=0))
    if rows.size == 0:
        return None
    y1, y2, x1, x2 = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    patch = np.ascontiguousarray(pixels[y1 : y2 + 1, x1 : x2 + 1] != 0, dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(patch, mode="L").save(buffer, format="PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return WrittenShape("mask", [[float(x1), float(y1)], [float(x2), float(y2)]], encoded)


def _polygon_pixels(polygon: Polygon, size: tuple[int, int]) -> npt.NDArray[np.uint8]:
    height, width = size
    parts = [shapely.Polygon(p.exterior, p.holes) for p in polygon.parts]
    geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
    if not shapely.is_valid(geometry):
        geometry = shapely.make_valid(geometry)
    rle = rasterise(geometry, height, width)
    counts = rle["counts"]
    mask = Mask(
        height=height,
        width=width,
        counts=counts.decode("ascii") if isinstance(counts, bytes) else counts,
    )
    return rle_decode(mask)


def write_geometry(geometry: object, size: tuple[int, int] | None) -> list[WrittenShape] | str:
    """The LabelMe shapes of ``geometry`` on an image of (height, width), or why there are
    none. Circles and the shape type hints are the writer's (they live in item meta)."""
    if isinstance(geometry, Box):
        return [WrittenShape("rectangle", [[geometry.x1, geometry.y1], [geometry.x2, geometry.y2]])]
    if isinstance(geometry, RotatedBox):
        corners = _pairs(rotated_box_corners(geometry))
        return [
            WrittenShape(
                "oriented_rectangle", corners, kept={"geometry": geometry.model_dump(mode="json")}
            )
        ]
    if isinstance(geometry, Polygon):
        if not any(part.holes for part in geometry.parts):
            return [WrittenShape("polygon", _pairs(part.exterior)) for part in geometry.parts]
        if size is None:
            return "a polygon with holes is written as a mask, and the image size is unknown"
        shape = mask_shape(_polygon_pixels(geometry, size))
        if shape is None:
            return "the polygon covers no pixel of the image"
        shape.kept["geometry"] = geometry.model_dump(mode="json")
        return [shape]
    if isinstance(geometry, Polyline):
        kind = "line" if len(geometry.points) == 2 else "linestrip"
        return [WrittenShape(kind, _pairs(geometry.points))]
    if isinstance(geometry, Keypoints):
        placed = [p for p in geometry.points if p.visibility > 0]
        if not placed:
            return "keypoints without a labeled point"
        numbered = [str(i + 1) for i in range(len(placed))]
        kept: dict[str, Any] = {}
        if [p.name for p in placed] != numbered or any(p.visibility != 2 for p in placed):
            kept["keypoints"] = [{"name": p.name, "visibility": p.visibility} for p in placed]
        kind = "point" if len(placed) == 1 else "points"
        return [WrittenShape(kind, [[p.x, p.y] for p in placed], kept=kept)]
    if isinstance(geometry, Mask):
        shape = mask_shape(rle_decode(geometry))
        return [shape] if shape is not None else "an empty mask (no pixel set)"
    kind = getattr(geometry, "kind", type(geometry).__name__)
    return f"LabelMe has no shape for a {kind}"
