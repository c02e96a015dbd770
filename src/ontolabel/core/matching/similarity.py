"""Similarity of every geometry of one list with every geometry of another, in [0, 1].

One measure per pair of kinds:

| a \\ b | measure |
| --- | --- |
| box × box | IoU (numpy, N×M at once) |
| box, rotated box, polygon, polyline × each other | area IoU (shapely; polylines widened) |
| mask × mask | IoU of the RLEs (pycocotools) |
| mask × box, rotated box, polygon, polyline | IoU after filling the shape on the mask's grid |
| keypoints × keypoints | OKS (COCO) |
| span × span | IoU of the code-point ranges, or exact equality |
| interval × interval | temporal IoU |
| cuboid × cuboid | rotated 3D IoU |
| track × track | spatio-temporal IoU over frames |
| tag × tag | 1 (a whole-item label is the same "place" as any other) |

Any other pair (a span and a box, keypoints and a polygon) scores 0: there is no common
measure of where they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry import (
    Box,
    Cuboid,
    GeometryUnion,
    Interval,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Span,
    Tag,
    Track,
)
from ontolabel.core.matching.boxes import box_array, box_iou_matrix
from ontolabel.core.matching.keypoints import keypoint_similarity
from ontolabel.core.matching.masks import (
    mask_rles,
    rasterise,
    require_same_size,
    rle_iou_matrix,
)
from ontolabel.core.matching.options import SimilarityOptions
from ontolabel.core.matching.ranges import range_array, range_exact_matrix, range_iou_matrix
from ontolabel.core.matching.shapes import area_iou_matrix, shape_geometries
from ontolabel.core.matching.solids import cuboid_array, cuboid_iou_matrix
from ontolabel.core.matching.tracks import track_iou_matrix

FloatArray = npt.NDArray[np.float64]

# The family of each kind: kinds of one family are measured against each other.
_FAMILY: dict[type, str] = {
    Box: "box",
    RotatedBox: "planar",
    Polygon: "planar",
    Polyline: "planar",
    Mask: "mask",
    Keypoints: "keypoints",
    Span: "span",
    Interval: "interval",
    Cuboid: "cuboid",
    Track: "track",
    Tag: "tag",
}


_DEFAULT_OPTIONS = SimilarityOptions()


def _families(geometries: Sequence[GeometryUnion]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, geometry in enumerate(geometries):
        groups.setdefault(_FAMILY[type(geometry)], []).append(index)
    return groups


class _Side:
    """One side of the comparison: its geometries grouped by family, converted once."""

    def __init__(
        self, geometries: Sequence[GeometryUnion], ids: Sequence[str] | None, name: str
    ) -> None:
        self.geometries = geometries
        self.ids = ids
        self.name = name
        self.groups = _families(geometries)

    def indices(self, *families: str) -> list[int]:
        if len(families) == 1:
            return self.groups.get(families[0], [])
        return sorted(i for f in families for i in self.groups.get(f, []))

    def has(self, *families: str) -> bool:
        return any(f in self.groups for f in families)

    def take(self, indices: Sequence[int]) -> list[Any]:
        # Typed as Any: the family grouping, not the signature, says which kinds these are.
        return [self.geometries[i] for i in indices]


def _put(result: FloatArray, rows: Sequence[int], cols: Sequence[int], block: FloatArray) -> None:
    if not rows or not cols:
        return
    if len(rows) == result.shape[0] and len(cols) == result.shape[1]:
        # One family on both sides (the usual case): the block is the whole matrix.
        result[...] = block
    else:
        result[np.ix_(rows, cols)] = block


def _planar_blocks(result: FloatArray, a: _Side, b: _Side, options: SimilarityOptions) -> None:
    boxes_a, boxes_b = a.indices("box"), b.indices("box")
    if boxes_a and boxes_b:
        xyxy_a = box_array(a.take(boxes_a), boxes_a, a.ids, "a")
        xyxy_b = box_array(b.take(boxes_b), boxes_b, b.ids, "b")
        _put(result, boxes_a, boxes_b, box_iou_matrix(xyxy_a, xyxy_b))
    if not (a.groups.get("planar") or b.groups.get("planar")):
        return
    rows, cols = a.indices("box", "planar"), b.indices("box", "planar")
    if not rows or not cols:
        return
    shapes_a = shape_geometries(a.take(rows), rows, a.ids, "a", options.polyline_width)
    shapes_b = shape_geometries(b.take(cols), cols, b.ids, "b", options.polyline_width)
    block = area_iou_matrix(shapes_a, shapes_b)
    # Box × box stays as computed above (same value, without shapely).
    keep_a = np.array([a.geometries[i].kind != "box" for i in rows])
    keep_b = np.array([b.geometries[j].kind != "box" for j in cols])
    mixed = keep_a[:, None] | keep_b[None, :]
    sub = result[np.ix_(rows, cols)]
    result[np.ix_(rows, cols)] = np.where(mixed, block, sub)


def _mask_blocks(result: FloatArray, a: _Side, b: _Side, options: SimilarityOptions) -> None:
    masks_a, masks_b = a.indices("mask"), b.indices("mask")
    if not masks_a and not masks_b:
        return
    mask_values_a: list[Mask] = a.take(masks_a)
    mask_values_b: list[Mask] = b.take(masks_b)
    require_same_size(mask_values_a, mask_values_b, masks_a, masks_b, a.ids, b.ids)
    rles_a, rles_b = mask_rles(mask_values_a), mask_rles(mask_values_b)
    _put(result, masks_a, masks_b, rle_iou_matrix(rles_a, rles_b))
    height, width = (
        (mask_values_a or mask_values_b)[0].height,
        (mask_values_a or mask_values_b)[0].width,
    )
    # Shapes of the other side, filled on the masks' grid.
    for masks, rles, other, mask_side_is_a in (
        (masks_a, rles_a, b, True),
        (masks_b, rles_b, a, False),
    ):
        if not masks:
            continue
        shapes = other.indices("box", "planar")
        if not shapes:
            continue
        geometries = shape_geometries(
            other.take(shapes),
            shapes,
            other.ids,
            other.name,
            options.polyline_width,
        )
        filled = [rasterise(g, height, width) for g in geometries]
        block = rle_iou_matrix(rles, filled)
        if mask_side_is_a:
            _put(result, masks, shapes, block)
        else:
            _put(result, shapes, masks, block.T)


def similarity_matrix(
    a: Sequence[GeometryUnion],
    b: Sequence[GeometryUnion],
    *,
    options: SimilarityOptions | None = None,
    ids_a: Sequence[str] | None = None,
    ids_b: Sequence[str] | None = None,
) -> FloatArray:
    """N×M similarities in [0, 1] of geometries `a` against geometries `b`.

    `ids_a`/`ids_b` name the objects in errors (GeometryError for NaN coordinates, masks of
    different sizes, ranges that end before they start, polygons without area).
    """
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float64)
    masks_a = [g for g in a if isinstance(g, Mask)]
    masks_b = [g for g in b if isinstance(g, Mask)]
    if len(masks_a) == len(a) and len(masks_b) == len(b):
        # Masks only (a segmentation comparison): straight to pycocotools, no grouping.
        require_same_size(masks_a, masks_b, range(len(a)), range(len(b)), ids_a, ids_b)
        return rle_iou_matrix(mask_rles(masks_a), mask_rles(masks_b))
    opts = options or _DEFAULT_OPTIONS
    result = np.zeros((len(a), len(b)), dtype=np.float64)
    side_a, side_b = _Side(a, ids_a, "a"), _Side(b, ids_b, "b")
    if side_a.has("box", "planar", "mask") and side_b.has("box", "planar", "mask"):
        _planar_blocks(result, side_a, side_b, opts)
        _mask_blocks(result, side_a, side_b, opts)
    rows, cols = side_a.indices("keypoints"), side_b.indices("keypoints")
    if rows and cols:
        block = keypoint_similarity(
            side_a.take(rows),
            side_b.take(cols),
            rows,
            cols,
            ids_a,
            ids_b,
            sigmas=opts.keypoint_sigmas,
            default_sigma=opts.default_sigma,
            reference=opts.oks_reference,
        )
        _put(result, rows, cols, block)
    for family in ("span", "interval"):
        rows, cols = side_a.indices(family), side_b.indices(family)
        if rows and cols:
            ranges_a = range_array(side_a.take(rows), rows, ids_a, "a")
            ranges_b = range_array(side_b.take(cols), cols, ids_b, "b")
            exact = family == "span" and opts.span_mode == "exact"
            measure = range_exact_matrix if exact else range_iou_matrix
            _put(result, rows, cols, measure(ranges_a, ranges_b))
    rows, cols = side_a.indices("cuboid"), side_b.indices("cuboid")
    if rows and cols:
        block = cuboid_iou_matrix(
            cuboid_array(side_a.take(rows), rows, ids_a, "a"),
            cuboid_array(side_b.take(cols), cols, ids_b, "b"),
        )
        _put(result, rows, cols, block)
    rows, cols = side_a.indices("track"), side_b.indices("track")
    if rows and cols:
        block = track_iou_matrix(
            side_a.take(rows),
            side_b.take(cols),
            rows,
            cols,
            ids_a,
            ids_b,
            frames=opts.track_frames,
            polyline_width=opts.polyline_width,
        )
        _put(result, rows, cols, block)
    rows, cols = side_a.indices("tag"), side_b.indices("tag")
    _put(result, rows, cols, np.ones((len(rows), len(cols))))
    return result
