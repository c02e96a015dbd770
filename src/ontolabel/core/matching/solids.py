"""Rotated 3D IoU of cuboids: the overlap of their footprints seen from above (shapely)
times the overlap of their height ranges, over the union of their volumes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

from ontolabel.core.geometry.spatial import Cuboid
from ontolabel.core.matching.checks import require_finite

FloatArray = npt.NDArray[np.float64]
ShapeArray = npt.NDArray[np.object_]


def cuboid_array(
    cuboids: Sequence[Cuboid], indices: Sequence[int], ids: Sequence[str] | None, side: str
) -> FloatArray:
    """N×7 (x, y, z, length, width, height, yaw), sizes made positive."""
    out = np.array(
        [(c.x, c.y, c.z, c.length, c.width, c.height, c.yaw) for c in cuboids], dtype=np.float64
    ).reshape(-1, 7)
    require_finite(out, indices, ids, side)
    out[:, 3:6] = np.abs(out[:, 3:6])
    return out


def footprints(cuboids: FloatArray) -> ShapeArray:
    """The bird's-eye-view rectangles (x forward, y left, yaw counter-clockwise)."""
    cos_y, sin_y = np.cos(cuboids[:, 6]), np.sin(cuboids[:, 6])
    signs = np.array([(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)])
    dx = signs[None, :, 0] * cuboids[:, None, 3] / 2
    dy = signs[None, :, 1] * cuboids[:, None, 4] / 2
    x = cuboids[:, None, 0] + dx * cos_y[:, None] - dy * sin_y[:, None]
    y = cuboids[:, None, 1] + dx * sin_y[:, None] + dy * cos_y[:, None]
    shapes: ShapeArray = shapely.polygons(np.stack([x, y], axis=2))
    return shapes


def cuboid_iou_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """3D IoU of every cuboid of `a` with every cuboid of `b`."""
    result = np.zeros((len(a), len(b)), dtype=np.float64)
    if len(a) == 0 or len(b) == 0:
        return result
    fa, fb = footprints(a), footprints(b)
    ia, ib = shapely.STRtree(fb).query(fa, predicate="intersects")
    if len(ia) == 0:
        return result
    bev = shapely.area(shapely.intersection(fa[ia], fb[ib]))
    top = np.minimum(a[ia, 2] + a[ia, 5] / 2, b[ib, 2] + b[ib, 5] / 2)
    bottom = np.maximum(a[ia, 2] - a[ia, 5] / 2, b[ib, 2] - b[ib, 5] / 2)
    inter = bev * np.clip(top - bottom, 0.0, None)
    volume_a = a[:, 3] * a[:, 4] * a[:, 5]
    volume_b = b[:, 3] * b[:, 4] * b[:, 5]
    union = volume_a[ia] + volume_b[ib] - inter
    result[ia, ib] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return result
