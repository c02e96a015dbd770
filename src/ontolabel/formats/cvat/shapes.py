"""CVAT's geometry strings and mask encoding <-> ontolabel's core geometry.

CVAT writes points as ``x1,y1;x2,y2;...`` in the same continuous pixel coordinates as
ontolabel (no 1-based shift, unlike VOC), boxes as top-left / bottom-right corners with a
``rotation`` in degrees clockwise about the centre (ontolabel's convention too). A mask is
a run-length encoding of its own box (``left``, ``top``, ``width``, ``height``): runs of 0s
and 1s, 0s first, row by row (row-major, unlike COCO's column-major RLE); ontolabel keeps
masks as COCO RLE of the whole image.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry import Mask, Polygon
from ontolabel.core.geometry.mask import rle_decode, rle_encode

Point = tuple[float, float]


class ShapeError(ValueError):
    """A shape's geometry cannot be read; the message says why."""


def parse_points(text: str, minimum: int, what: str) -> list[Point]:
    points: list[Point] = []
    for pair in text.strip().split(";") if text.strip() else []:
        xy = pair.split(",")
        if len(xy) != 2:
            raise ShapeError(f"points must be 'x,y' pairs separated by ';', got {pair!r}")
        try:
            x, y = float(xy[0]), float(xy[1])
        except ValueError:
            raise ShapeError(f"points must be numbers, got {pair!r}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ShapeError(f"points must be finite numbers, got {pair!r}")
        points.append((x, y))
    if len(points) < minimum:
        raise ShapeError(f"a {what} needs at least {minimum} points, got {len(points)}")
    return points


def number(value: float) -> str:
    """A coordinate as written: an integer when it is one, else exactly (repr)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_points(points: list[Point]) -> str:
    return ";".join(f"{number(x)},{number(y)}" for x, y in points)


def cvat_mask(
    runs: list[int], left: int, top: int, width: int, height: int, image: tuple[int, int]
) -> Mask:
    """The whole-image Mask of a CVAT mask on an image of (width, height) ``image``."""
    image_w, image_h = image
    if width <= 0 or height <= 0:
        raise ShapeError(f"mask width and height must be positive, got {width}x{height}")
    if any(r < 0 for r in runs) or sum(runs) != width * height:
        raise ShapeError(
            f"mask runs cover {sum(runs)} pixels; its box {width}x{height} has {width * height}"
        )
    if left < 0 or top < 0 or left + width > image_w or top + height > image_h:
        raise ShapeError(
            f"mask box left={left} top={top} {width}x{height} leaves the {image_w}x{image_h} image"
        )
    values = np.zeros(len(runs), dtype=np.uint8)
    values[1::2] = 1
    patch = np.repeat(values, runs).reshape((height, width))
    full = np.zeros((image_h, image_w), dtype=np.uint8)
    full[top : top + height, left : left + width] = patch
    return rle_encode(full)


def mask_runs(mask: Mask) -> tuple[list[int], int, int, int, int] | None:
    """(runs, left, top, width, height) of a Mask in CVAT's form; None when it is empty."""
    pixels = rle_decode(mask)
    rows = np.flatnonzero(pixels.any(axis=1))
    cols = np.flatnonzero(pixels.any(axis=0))
    if rows.size == 0:
        return None
    top, bottom, left, right = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
    flat = pixels[top : bottom + 1, left : right + 1].ravel(order="C").astype(bool)
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    runs = np.diff(np.concatenate(([0], changes, [flat.size]))).tolist()
    if flat[0]:
        runs.insert(0, 0)
    return [int(r) for r in runs], left, top, right - left + 1, bottom - top + 1


def rasterize(polygon: Polygon, width: int, height: int) -> npt.NDArray[np.uint8]:
    """A (height, width) 0/1 mask of a polygon with holes: a pixel is inside when its centre
    is, by the even-odd rule over each part's rings (parts are united). CVAT polygons have
    no holes, so such a polygon is exported as a mask."""
    out = np.zeros((height, width), dtype=np.uint8)
    centres = np.arange(width) + 0.5
    for part in polygon.parts:
        edges = []
        for ring in (part.exterior, *part.holes):
            for i in range(len(ring)):
                (xa, ya), (xb, yb) = ring[i], ring[(i + 1) % len(ring)]
                if ya != yb:
                    edges.append((xa, ya, xb, yb))
        for row in range(height):
            y = row + 0.5
            crossings = [
                xa + (y - ya) * (xb - xa) / (yb - ya)
                for xa, ya, xb, yb in edges
                if min(ya, yb) <= y < max(ya, yb)
            ]
            inside = np.zeros(width, dtype=bool)
            for x in crossings:
                inside ^= centres > x
            out[row] |= inside.astype(np.uint8)
    return out
