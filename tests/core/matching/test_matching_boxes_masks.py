"""Box and mask IoU against pycocotools (an independent C implementation) and pixel counts."""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools import mask as coco_mask

from ontolabel.core.geometry import Box, Mask, Polygon, PolygonPart, RotatedBox
from ontolabel.core.geometry.mask import rle_decode, rle_encode
from ontolabel.core.matching import similarity_matrix


def random_boxes(rng: np.random.Generator, n: int) -> list[Box]:
    xy = rng.uniform(0, 100, (n, 2))
    wh = rng.uniform(1, 40, (n, 2))
    return [Box(x1=x, y1=y, x2=x + w, y2=y + h) for (x, y), (w, h) in zip(xy, wh, strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_box_iou_equals_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = random_boxes(rng, 30), random_boxes(rng, 25)
    ours = similarity_matrix(a, b)
    xywh = lambda boxes: [[x.x1, x.y1, x.x2 - x.x1, x.y2 - x.y1] for x in boxes]  # noqa: E731
    theirs = coco_mask.iou(xywh(a), xywh(b), [0] * len(b))
    assert ours.shape == (30, 25)
    assert (ours > 0).sum() > 10  # the random scene has overlaps to check
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_box_iou_by_hand() -> None:
    a = Box(x1=0, y1=0, x2=2, y2=2)
    b = Box(x1=1, y1=1, x2=3, y2=3)
    touching = Box(x1=2, y1=0, x2=4, y2=2)
    assert similarity_matrix([a], [b, touching, a]).tolist() == [[1 / 7, 0.0, 1.0]]


def random_masks(rng: np.random.Generator, n: int, h: int = 40, w: int = 30) -> list[np.ndarray]:
    out = []
    for _ in range(n):
        m = np.zeros((h, w), dtype=np.uint8)
        y, x = rng.integers(0, h - 5), rng.integers(0, w - 5)
        m[y : y + rng.integers(3, 20), x : x + rng.integers(3, 20)] = 1
        m |= (rng.random((h, w)) < 0.05).astype(np.uint8)
        out.append(m)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_mask_iou_equals_pycocotools_and_pixel_counts(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pixels_a, pixels_b = random_masks(rng, 6), random_masks(rng, 5)
    a = [rle_encode(m) for m in pixels_a]
    b = [rle_encode(m) for m in pixels_b]
    ours = similarity_matrix(a, b)
    encode = lambda ms: [coco_mask.encode(np.asfortranarray(m)) for m in ms]  # noqa: E731
    theirs = coco_mask.iou(encode(pixels_a), encode(pixels_b), [0] * len(b))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    for i, pa in enumerate(pixels_a):
        for j, pb in enumerate(pixels_b):
            inter = np.logical_and(pa, pb).sum()
            union = np.logical_or(pa, pb).sum()
            assert ours[i, j] == pytest.approx(inter / union)


def test_mask_against_shapes_fills_them_on_the_mask_grid() -> None:
    pixels = np.zeros((20, 20), dtype=np.uint8)
    pixels[3:9, 2:7] = 1  # rows 3..8, columns 2..6
    mask = rle_encode(pixels)
    box = Box(x1=2, y1=3, x2=7, y2=9)
    half = Box(x1=2, y1=3, x2=7, y2=6)
    ring = [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)]
    holed = Polygon(parts=[PolygonPart(exterior=ring, holes=[[(2, 3), (7, 3), (7, 9), (2, 9)]])])
    sims = similarity_matrix([mask], [box, half, holed, RotatedBox(cx=4.5, cy=6, w=5, h=6)])
    assert sims[0, 0] == pytest.approx(1.0)
    assert sims[0, 1] == pytest.approx(15 / 30)
    assert sims[0, 2] == pytest.approx(0.0)
    assert sims[0, 3] == pytest.approx(1.0)
    # And the other way round: shapes in a, the mask in b.
    np.testing.assert_allclose(similarity_matrix([box, half], [mask])[:, 0], sims[0, :2])


def test_masks_keep_their_coco_layout() -> None:
    rng = np.random.default_rng(7)
    pixels = random_masks(rng, 1, 13, 17)[0]
    mask = rle_encode(pixels)
    rle = {"size": [mask.height, mask.width], "counts": mask.counts.encode()}
    assert (coco_mask.decode(rle) == rle_decode(mask)).all()
    empty = Mask(height=13, width=17, counts=rle_encode(np.zeros((13, 17))).counts)
    assert similarity_matrix([empty], [mask, empty]).tolist() == [[0.0, 0.0]]


def test_many_boxes_are_measured_sparsely_with_the_same_result() -> None:
    rng = np.random.default_rng(11)
    a, b = random_boxes(rng, 600), random_boxes(rng, 500)  # 300,000 pairs: the R-tree path
    inverted = Box.model_construct(kind="box", x1=50.0, y1=50.0, x2=40.0, y2=40.0)
    a.append(inverted)
    ours = similarity_matrix(a, b)
    xyxy_a = np.array([[x.x1, x.y1, x.x2, x.y2] for x in a])
    xyxy_b = np.array([[x.x1, x.y1, x.x2, x.y2] for x in b])
    dense = np.zeros_like(ours)
    for i, p in enumerate(xyxy_a):
        w = np.clip(np.minimum(p[2], xyxy_b[:, 2]) - np.maximum(p[0], xyxy_b[:, 0]), 0, None)
        h = np.clip(np.minimum(p[3], xyxy_b[:, 3]) - np.maximum(p[1], xyxy_b[:, 1]), 0, None)
        area_p = max(0.0, p[2] - p[0]) * max(0.0, p[3] - p[1])
        areas = (xyxy_b[:, 2] - xyxy_b[:, 0]) * (xyxy_b[:, 3] - xyxy_b[:, 1])
        dense[i] = w * h / (area_p + areas - w * h)
    np.testing.assert_allclose(ours, dense, atol=1e-12)
    assert (ours[-1] == 0).all()


def test_a_polygon_with_a_hole_fills_around_the_hole() -> None:
    outer = [(2.0, 2.0), (12.0, 2.0), (12.0, 12.0), (2.0, 12.0)]
    hole = [(4.0, 4.0), (8.0, 4.0), (8.0, 8.0), (4.0, 8.0)]
    frame = Polygon(parts=[PolygonPart(exterior=outer, holes=[hole])])
    pixels = np.zeros((16, 16), dtype=np.uint8)
    pixels[2:12, 2:12] = 1
    pixels[4:8, 4:8] = 0  # 100 - 16 = 84 pixels
    assert similarity_matrix([frame], [rle_encode(pixels)])[0, 0] == pytest.approx(1.0)
    solid = np.zeros((16, 16), dtype=np.uint8)
    solid[2:12, 2:12] = 1
    assert similarity_matrix([frame], [rle_encode(solid)])[0, 0] == pytest.approx(84 / 100)
