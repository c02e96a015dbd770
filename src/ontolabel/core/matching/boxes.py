"""Intersection over union of axis-aligned boxes, N×M at once in numpy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

from ontolabel.core.geometry.box import Box
from ontolabel.core.matching.checks import require_finite

FloatArray = npt.NDArray[np.float64]


def box_array(
    boxes: Sequence[Box], indices: Sequence[int], ids: Sequence[str] | None, side: str
) -> FloatArray:
    """N×4 xyxy corners, refusing NaN and infinite coordinates."""
    out = np.array([(b.x1, b.y1, b.x2, b.y2) for b in boxes], dtype=np.float64).reshape(-1, 4)
    require_finite(out, indices, ids, side)
    return out


def box_areas(xyxy: FloatArray) -> FloatArray:
    """Areas of N boxes; an inverted box has area 0 (as `box_area`)."""
    widths = np.clip(xyxy[:, 2] - xyxy[:, 0], 0.0, None)
    heights = np.clip(xyxy[:, 3] - xyxy[:, 1], 0.0, None)
    areas: FloatArray = widths * heights
    return areas


# Past this many box pairs, only the pairs an R-tree finds touching are measured: a scene of
# thousands of boxes overlaps in a few thousand pairs, not millions.
DENSE_PAIRS = 250_000


def _pair_iou(a: FloatArray, b: FloatArray) -> FloatArray:
    """IoU of row k of `a` with row k of `b`."""
    width = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0.0, None)
    height = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0.0, None)
    inter = width * height
    union = box_areas(a) + box_areas(b) - inter
    iou: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou


def _sparse_box_iou(a: FloatArray, b: FloatArray) -> FloatArray:
    result = np.zeros((len(a), len(b)), dtype=np.float64)
    # Inverted boxes have no area and overlap nothing; shapely would read them flipped.
    fix_a, fix_b = np.sort(a.reshape(-1, 2, 2), axis=1), np.sort(b.reshape(-1, 2, 2), axis=1)
    tree = shapely.STRtree(
        shapely.box(fix_b[:, 0, 0], fix_b[:, 0, 1], fix_b[:, 1, 0], fix_b[:, 1, 1])
    )
    ia, ib = tree.query(
        shapely.box(fix_a[:, 0, 0], fix_a[:, 0, 1], fix_a[:, 1, 0], fix_a[:, 1, 1]),
        predicate="intersects",
    )
    result[ia, ib] = _pair_iou(a[ia], b[ib])
    return result


def box_iou_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """IoU of every box of `a` (N×4 xyxy) with every box of `b` (M×4), continuous coordinates."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=np.float64)
    if len(a) * len(b) > DENSE_PAIRS:
        return _sparse_box_iou(a, b)
    width = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    height = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    np.clip(width, 0.0, None, out=width)
    np.clip(height, 0.0, None, out=height)
    inter = width * height
    union = box_areas(a)[:, None] + box_areas(b)[None, :] - inter
    iou: FloatArray = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return iou
