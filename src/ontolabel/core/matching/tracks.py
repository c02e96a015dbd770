"""Spatio-temporal IoU of video tracks: Σ over frames of the shapes' intersection area over
Σ over frames of their union area. A frame where only one track is in view adds its area to
the union, so a track that starts late or leaves early scores lower, as it should."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

from ontolabel.core.geometry.video import Track
from ontolabel.core.matching.shapes import shape_geometries

FloatArray = npt.NDArray[np.float64]
ShapeArray = npt.NDArray[np.object_]


def track_frame_count(tracks: Sequence[Track]) -> int:
    """Frames [0, n) that hold every keyframe of the tracks (0 when there are none)."""
    return max((k.frame for t in tracks for k in t.keyframes), default=-1) + 1


def track_geometries(
    track: Track,
    frames: int,
    index: int,
    ids: Sequence[str] | None,
    side: str,
    polyline_width: float,
) -> tuple[ShapeArray, FloatArray]:
    """Per frame, the track's shape as a shapely geometry (None out of view) and its area."""
    shapes = [track.shape_at(f) for f in range(frames)]
    seen = [f for f, s in enumerate(shapes) if s is not None]
    geometries = np.full(frames, None, dtype=object)
    areas = np.zeros(frames, dtype=np.float64)
    if seen:
        made = shape_geometries(
            [s for s in shapes if s is not None], [index] * len(seen), ids, side, polyline_width
        )
        geometries[seen] = made
        areas[seen] = shapely.area(made)
    return geometries, areas


def track_iou_matrix(
    a: Sequence[Track],
    b: Sequence[Track],
    indices_a: Sequence[int],
    indices_b: Sequence[int],
    ids_a: Sequence[str] | None,
    ids_b: Sequence[str] | None,
    *,
    frames: int | None,
    polyline_width: float,
) -> FloatArray:
    """Spatio-temporal IoU of every track of `a` with every track of `b` over frames
    [0, frames), or up to the last keyframe of any of them when `frames` is None."""
    result = np.zeros((len(a), len(b)), dtype=np.float64)
    if not a or not b:
        return result
    count = frames if frames is not None else track_frame_count([*a, *b])
    side_a = [
        track_geometries(t, count, i, ids_a, "a", polyline_width)
        for t, i in zip(a, indices_a, strict=True)
    ]
    side_b = [
        track_geometries(t, count, i, ids_b, "b", polyline_width)
        for t, i in zip(b, indices_b, strict=True)
    ]
    for row, (geoms_a, areas_a) in enumerate(side_a):
        present_a = areas_a > 0
        for col, (geoms_b, areas_b) in enumerate(side_b):
            both = present_a & (areas_b > 0)
            if not both.any():
                continue
            inter = float(shapely.area(shapely.intersection(geoms_a[both], geoms_b[both])).sum())
            union = float(areas_a.sum() + areas_b.sum()) - inter
            result[row, col] = inter / union if union > 0 else 0.0
    return result
