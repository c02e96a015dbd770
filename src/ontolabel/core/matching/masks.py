"""IoU of COCO run-length masks through pycocotools, and of masks against planar shapes.

Our `Mask` is COCO's layout (column-major counts, compressed string), so it is handed to
pycocotools as it is stored: no decoding to pixels. A planar shape compared with a mask is
rasterised onto the mask's grid by pycocotools' polygon fill (holes cut out).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]
from pycocotools import mask as coco_mask  # type: ignore[import-untyped]

from ontolabel.core.geometry.mask import Mask, string_to_counts
from ontolabel.core.matching.checks import object_name
from ontolabel.errors import GeometryError

FloatArray = npt.NDArray[np.float64]
Rle = dict[str, Any]


def mask_rles(masks: Sequence[Mask]) -> list[Rle]:
    """The pycocotools RLE objects of masks (the compressed counts passed through)."""
    return [m.rle for m in masks]


def require_same_size(
    a: Sequence[Mask],
    b: Sequence[Mask],
    indices_a: Sequence[int],
    indices_b: Sequence[int],
    ids_a: Sequence[str] | None,
    ids_b: Sequence[str] | None,
) -> None:
    """Masks are compared pixel by pixel: every mask of both sides must share one grid."""
    grid = (a or b)[0]
    h, w = grid.height, grid.width
    if all(m.height == h and m.width == w for m in a) and all(
        m.height == h and m.width == w for m in b
    ):
        return
    first = (a[0] if a else b[0]).height, (a[0] if a else b[0]).width
    for side, masks, indices, ids in (("a", a, indices_a, ids_a), ("b", b, indices_b, ids_b)):
        for row, m in enumerate(masks):
            if (m.height, m.width) != first:
                reference = (
                    object_name(ids_a, "a", indices_a[0])
                    if a
                    else object_name(ids_b, "b", indices_b[0])
                )
                raise GeometryError(
                    f"mask is {m.height}×{m.width} pixels but {reference!r} is"
                    f" {first[0]}×{first[1]}: masks compared with each other must have one size",
                    object_id=object_name(ids, side, indices[row]),
                )


def rle_iou_matrix(a: Sequence[Rle], b: Sequence[Rle]) -> FloatArray:
    """IoU of every RLE of `a` with every RLE of `b` (pycocotools, no crowd regions)."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float64)
    iou = coco_mask.iou(list(a), list(b), [0] * len(b))
    return np.asarray(iou, dtype=np.float64).reshape(len(a), len(b))


def _rings(geometry: shapely.Geometry) -> tuple[list[list[float]], list[list[float]]]:
    """Flat [x0, y0, x1, y1, ...] exteriors and holes of a (multi)polygon geometry."""
    exteriors: list[list[float]] = []
    holes: list[list[float]] = []
    for poly in shapely.get_parts(geometry):
        if not isinstance(poly, shapely.Polygon) or poly.is_empty:
            continue
        exteriors.append(np.asarray(poly.exterior.coords, dtype=np.float64)[:-1].ravel().tolist())
        holes.extend(
            np.asarray(r.coords, dtype=np.float64)[:-1].ravel().tolist() for r in poly.interiors
        )
    return exteriors, holes


def rasterise(geometry: shapely.Geometry, height: int, width: int) -> Rle:
    """The RLE of a planar shape filled on a height×width grid, holes cut out."""
    exteriors, holes = _rings(geometry)
    empty: Rle = coco_mask.encode(np.zeros((height, width), dtype=np.uint8, order="F"))
    if not exteriors:
        return empty
    filled: Rle = coco_mask.merge(coco_mask.frPyObjects(exteriors, height, width))
    if not holes:
        return filled
    cut = coco_mask.merge(coco_mask.frPyObjects(holes, height, width))
    out: Rle = coco_mask.merge([filled, _complement(cut, height, width)], intersect=True)
    return out


def _complement(rle: Rle, height: int, width: int) -> Rle:
    """Every pixel `rle` leaves out: the same runs, starting with the other value (pycocotools
    merges by union and intersection only, and decoding a large grid to subtract is slow)."""
    counts = string_to_counts(rle["counts"].decode("ascii"))
    flipped = counts[1:] if counts and counts[0] == 0 else [0, *counts]
    out: Rle = coco_mask.frPyObjects({"size": [height, width], "counts": flipped}, height, width)
    return out
