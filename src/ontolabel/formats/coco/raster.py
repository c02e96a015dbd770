"""Polygon -> binary mask, for the polygons COCO cannot hold as polygons (those with holes).

A pixel (col, row) covers [col, col+1) x [row, row+1) and is inside when its centre
(col + 0.5, row + 0.5) is inside the polygon. So an integer-aligned 20x20 square covers
exactly 400 pixels and a 10x10 hole removes exactly 100: the mask area equals the
geometric area for pixel-aligned shapes. Inside is decided by the even-odd rule over the
part's exterior and holes; parts are united.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry import Polygon, PolygonPart


def rasterize_polygon(polygon: Polygon, height: int, width: int) -> npt.NDArray[np.uint8]:
    """A (height, width) uint8 mask in Fortran order (as COCO's RLE encoder wants it)."""
    mask = np.zeros((height, width), dtype=np.uint8, order="F")
    for part in polygon.parts:
        _fill_part(mask, part)
    return mask


def _fill_part(mask: npt.NDArray[np.uint8], part: PolygonPart) -> None:
    height, width = mask.shape
    x0s: list[float] = []
    y0s: list[float] = []
    x1s: list[float] = []
    y1s: list[float] = []
    for ring in (part.exterior, *part.holes):
        n = len(ring)
        for i in range(n):
            (xa, ya), (xb, yb) = ring[i], ring[(i + 1) % n]
            if ya != yb:  # horizontal edges never cross a row centre line
                x0s.append(xa)
                y0s.append(ya)
                x1s.append(xb)
                y1s.append(yb)
    if not x0s:
        return
    x0, y0, x1, y1 = (np.asarray(v, dtype=np.float64) for v in (x0s, y0s, x1s, y1s))
    ylo, yhi = np.minimum(y0, y1), np.maximum(y0, y1)
    # rows whose centre r + 0.5 lies in [ylo, yhi): r in [ceil(ylo - .5), ceil(yhi - .5))
    first = np.clip(np.ceil(ylo - 0.5), 0, height).astype(np.int64)
    stop = np.clip(np.ceil(yhi - 0.5), 0, height).astype(np.int64)
    counts = stop - first
    if counts.sum() == 0:
        return
    edge = np.repeat(np.arange(len(x0)), counts)
    rows = np.concatenate([np.arange(a, b) for a, b in zip(first, stop, strict=True) if b > a])
    yc = rows + 0.5
    xc = x0[edge] + (yc - y0[edge]) * (x1[edge] - x0[edge]) / (y1[edge] - y0[edge])
    # a crossing at x turns on every pixel whose centre is right of it: col >= ceil(x - .5)
    cols = np.clip(np.ceil(xc - 0.5), 0, width).astype(np.int64)
    row_lo = int(rows.min())
    toggles = np.zeros((int(rows.max()) - row_lo + 1, width + 1), dtype=np.uint8)
    np.bitwise_xor.at(toggles, (rows - row_lo, cols), 1)
    inside = np.bitwise_xor.accumulate(toggles, axis=1)[:, :width].astype(bool)
    mask[row_lo : row_lo + inside.shape[0], :] |= inside.astype(np.uint8)


def canvas_size(polygon: Polygon) -> tuple[int, int]:
    """(height, width) just large enough for the polygon, for images of unknown size."""
    xs = [x for part in polygon.parts for x, _ in part.exterior]
    ys = [y for part in polygon.parts for _, y in part.exterior]
    return max(1, math.ceil(max(ys, default=0))), max(1, math.ceil(max(xs, default=0)))
