"""Benchmark cases of geometry-aware matching (issue 3), run by bench/quality.py.

- matching two annotations of 2,000 boxes each over 20 classes (a scene of a second rater
  who redrew the first's boxes a few pixels off, missed some and added some): absolute target
  under 100 ms, inputs as core AnnotationObjects, the time of `match_objects` alone;
- IoU of two 4096×4096 masks (organ-like blobs) against pycocotools' RLE path on the same
  stored masks: our `similarity_matrix` versus `pycocotools.mask.iou` given the RLE dicts of
  those masks; each side computes the IoU 1,000 times per timing (best of 7), so per-call
  overhead shows.

`scale` below 1 shrinks the inputs (the fast test in tests/bench runs every case at a tiny
scale); the targets are meant at scale 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pycocotools import mask as coco_mask

from bench.quality_cases import BenchCase
from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Mask
from ontolabel.core.matching import match_objects, similarity_matrix

# each timing is ~0.2 s: long enough that a busy 2-core machine's jitter averages out
MASK_REPEATS = 1000


def redrawn_boxes(
    n: int, classes: int, seed: int = 0
) -> tuple[list[AnnotationObject], list[AnnotationObject]]:
    """Rater a's boxes on a 4000×3000 image, and rater b's: 90% redrawn within a few
    pixels, 10% missed, plus 10% of b's own."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, [3900, 2900], (n, 2))
    wh = rng.uniform(12, 100, (n, 2))
    labels = rng.integers(0, classes, n)
    a = [
        AnnotationObject(
            id=f"a{k}",
            class_name=f"class{labels[k]}",
            geometry=Box(x1=x, y1=y, x2=x + w, y2=y + h),
        )
        for k, ((x, y), (w, h)) in enumerate(zip(xy, wh, strict=True))
    ]
    kept = rng.random(n) < 0.9
    moved = xy + rng.normal(0, 3, (n, 2))
    b = [
        AnnotationObject(
            id=f"b{k}",
            class_name=f"class{labels[k]}",
            geometry=Box(x1=x, y1=y, x2=x + w, y2=y + h),
        )
        for k, ((x, y), (w, h)) in enumerate(zip(moved, wh, strict=True))
        if kept[k]
    ]
    extra = n - len(b)
    extra_xy = rng.uniform(0, [3900, 2900], (extra, 2))
    b += [
        AnnotationObject(
            id=f"b{n + k}",
            class_name=f"class{rng.integers(classes)}",
            geometry=Box(x1=x, y1=y, x2=x + 40, y2=y + 40),
        )
        for k, (x, y) in enumerate(extra_xy)
    ]
    return a, b


def blob_mask(side: int, centre: tuple[float, float], radius: float, seed: int) -> Mask:
    """An organ-like region: a disc with a wavy outline, RLE-encoded by pycocotools."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side]
    angle = np.arctan2(yy - centre[1], xx - centre[0])
    wobble = 1 + 0.15 * np.sin(5 * angle + rng.uniform(0, 6)) + 0.05 * np.sin(13 * angle)
    inside = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 < (radius * wobble) ** 2
    rle = coco_mask.encode(np.asfortranarray(inside.astype(np.uint8)))
    return Mask(height=side, width=side, counts=rle["counts"].decode("ascii"))


def cases(scale: float = 1.0) -> list[BenchCase]:
    n_boxes = max(40, int(2000 * scale))
    side = max(64, int(4096 * scale))
    inputs: dict[str, Any] = {}

    def build_boxes() -> None:
        if "a" not in inputs:
            inputs["a"], inputs["b"] = redrawn_boxes(n_boxes, 20)

    def build_masks() -> None:
        if "mask_a" not in inputs:
            inputs["mask_a"] = blob_mask(side, (side * 0.48, side * 0.5), side * 0.35, 1)
            inputs["mask_b"] = blob_mask(side, (side * 0.52, side * 0.47), side * 0.33, 2)
            inputs["rle_a"] = {"size": [side, side], "counts": inputs["mask_a"].counts.encode()}
            inputs["rle_b"] = {"size": [side, side], "counts": inputs["mask_b"].counts.encode()}

    def match_boxes() -> object:
        return match_objects(inputs["a"], inputs["b"], threshold=0.5)

    def our_mask_iou() -> object:
        a, b = [inputs["mask_a"]], [inputs["mask_b"]]
        return [similarity_matrix(a, b) for _ in range(MASK_REPEATS)]

    def peer_mask_iou() -> object:
        a, b = [inputs["rle_a"]], [inputs["rle_b"]]
        return [coco_mask.iou(a, b, [0]) for _ in range(MASK_REPEATS)]

    return [
        BenchCase(
            name=f"match {n_boxes:,} x {n_boxes:,} boxes, 20 classes",
            ours=match_boxes,
            setup=build_boxes,
            target_ms=100.0,
        ),
        BenchCase(
            name=f"mask IoU {side}x{side} RLE (x{MASK_REPEATS})",
            ours=our_mask_iou,
            peer=peer_mask_iou,
            peer_name="pycocotools mask.iou",
            setup=build_masks,
            target_ratio=1.0,
            repeat=7,
        ),
    ]
