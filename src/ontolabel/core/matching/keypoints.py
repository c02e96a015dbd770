"""Object keypoint similarity (OKS), COCO's measure of how close two skeletons lie.

For reference points g and compared points d: OKS = Σ exp(-dᵢ² / (2 s² (2σᵢ)²)) / k over the
k keypoints labeled in g, where s² is g's object area. Our keypoints carry no segment, so
the object area is the area of the box around g's labeled points. A keypoint that `d`
leaves unlabeled counts 0 (COCO would read it at the image origin).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry.keypoints import Keypoints
from ontolabel.core.matching.checks import object_name, require_finite
from ontolabel.errors import GeometryError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def keypoint_arrays(
    objects: Sequence[Keypoints],
    names: Sequence[str],
    indices: Sequence[int],
    ids: Sequence[str] | None,
    side: str,
) -> tuple[FloatArray, BoolArray]:
    """N×K×2 positions and N×K labeled flags, in the order of `names`."""
    column = {name: k for k, name in enumerate(names)}
    xy = np.zeros((len(objects), len(names), 2), dtype=np.float64)
    labeled = np.zeros((len(objects), len(names)), dtype=bool)
    for row, obj in enumerate(objects):
        seen: set[str] = set()
        for point in obj.points:
            if point.name in seen:
                raise GeometryError(
                    f"keypoint {point.name!r} is given twice",
                    object_id=object_name(ids, side, indices[row]),
                )
            seen.add(point.name)
            if point.visibility > 0:
                xy[row, column[point.name]] = (point.x, point.y)
                labeled[row, column[point.name]] = True
    require_finite(xy, indices, ids, side)
    return xy, labeled


def _scales(xy: FloatArray, labeled: BoolArray) -> FloatArray:
    """Area of the box around each object's labeled points (0 when fewer than two)."""
    big = np.where(labeled[..., None], xy, np.inf)
    small = np.where(labeled[..., None], xy, -np.inf)
    extent = small.max(axis=1) - big.min(axis=1)
    extent = np.where(np.isfinite(extent), extent, 0.0)
    areas: FloatArray = extent[:, 0] * extent[:, 1]
    return areas


def oks_matrix(
    d_xy: FloatArray,
    d_labeled: BoolArray,
    g_xy: FloatArray,
    g_labeled: BoolArray,
    sigmas: FloatArray,
) -> FloatArray:
    """OKS of every compared object (rows) against every reference object (columns)."""
    n, m = len(d_xy), len(g_xy)
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=np.float64)
    variances = (2 * sigmas) ** 2
    # COCO adds the float spacing of 1 so that a point-sized object does not divide by 0.
    scale = _scales(g_xy, g_labeled) + np.spacing(1)
    squared = ((d_xy[:, None, :, :] - g_xy[None, :, :, :]) ** 2).sum(axis=3)
    e = squared / variances[None, None, :] / scale[None, :, None] / 2
    both = d_labeled[:, None, :] & g_labeled[None, :, :]
    terms = np.where(both, np.exp(-np.where(both, e, 0.0)), 0.0)
    counted = g_labeled.sum(axis=1).astype(np.float64)
    result: FloatArray = np.divide(
        terms.sum(axis=2), counted[None, :], out=np.zeros((n, m)), where=counted[None, :] > 0
    )
    return result


def keypoint_similarity(
    a: Sequence[Keypoints],
    b: Sequence[Keypoints],
    indices_a: Sequence[int],
    indices_b: Sequence[int],
    ids_a: Sequence[str] | None,
    ids_b: Sequence[str] | None,
    *,
    sigmas: Mapping[str, float],
    default_sigma: float,
    reference: str,
) -> FloatArray:
    """OKS between two lists of keypoint sets; `reference` "b" is COCO's, "mean" symmetric."""
    names = sorted({p.name for obj in (*a, *b) for p in obj.points})
    sigma = np.array([sigmas.get(name, default_sigma) for name in names], dtype=np.float64)
    if (sigma <= 0).any() or not np.isfinite(sigma).all():
        raise GeometryError("keypoint sigmas must be positive finite numbers")
    a_xy, a_labeled = keypoint_arrays(a, names, indices_a, ids_a, "a")
    b_xy, b_labeled = keypoint_arrays(b, names, indices_b, ids_b, "b")
    against_b = oks_matrix(a_xy, a_labeled, b_xy, b_labeled, sigma)
    if reference == "b":
        return against_b
    against_a = oks_matrix(b_xy, b_labeled, a_xy, a_labeled, sigma).T
    mean: FloatArray = (against_b + against_a) / 2
    return mean
