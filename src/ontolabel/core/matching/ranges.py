"""Overlap of one-dimensional half-open ranges: text spans (code points) and time intervals
(seconds)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry.audio import Interval
from ontolabel.core.geometry.text import Span
from ontolabel.core.matching.checks import object_name, require_finite
from ontolabel.errors import GeometryError

FloatArray = npt.NDArray[np.float64]


def range_array(
    ranges: Sequence[Span | Interval], indices: Sequence[int], ids: Sequence[str] | None, side: str
) -> FloatArray:
    """N×2 (start, end), refusing NaN and ranges that end before they start."""
    out = np.array([(r.start, r.end) for r in ranges], dtype=np.float64).reshape(-1, 2)
    require_finite(out, indices, ids, side)
    backwards = np.flatnonzero(out[:, 1] < out[:, 0])
    if len(backwards):
        row = int(backwards[0])
        raise GeometryError(
            f"range ends ({out[row, 1]:g}) before it starts ({out[row, 0]:g})",
            object_id=object_name(ids, side, indices[row]),
        )
    return out


def range_iou_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """IoU of every range of `a` with every range of `b` (half-open, so touching ranges do
    not overlap). Two empty ranges at the same place are the same range: 1.0."""
    inter = np.clip(
        np.minimum(a[:, None, 1], b[None, :, 1]) - np.maximum(a[:, None, 0], b[None, :, 0]),
        0.0,
        None,
    )
    union = (a[:, 1] - a[:, 0])[:, None] + (b[:, 1] - b[:, 0])[None, :] - inter
    same = (a[:, None, 0] == b[None, :, 0]) & (a[:, None, 1] == b[None, :, 1])
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    result: FloatArray = np.where(same, 1.0, iou)
    return result


def range_exact_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """1.0 where both ends agree, else 0.0."""
    same = (a[:, None, 0] == b[None, :, 0]) & (a[:, None, 1] == b[None, :, 1])
    result: FloatArray = same.astype(np.float64)
    return result
