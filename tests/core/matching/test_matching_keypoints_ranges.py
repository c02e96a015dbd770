"""OKS against pycocotools' COCOeval.computeOks on a fixture; span and interval overlap."""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from ontolabel.core.geometry import Interval, Keypoint, Keypoints, Span
from ontolabel.core.matching import COCO_PERSON_SIGMAS, SimilarityOptions, similarity_matrix

NAMES = list(COCO_PERSON_SIGMAS)


def person(rng: np.random.Generator, centre: tuple[float, float], hidden: int = 0) -> np.ndarray:
    xy = np.asarray(centre) + rng.normal(0, 25, (17, 2))
    v = np.full(17, 2)
    v[rng.choice(17, hidden, replace=False)] = 0
    return np.column_stack([xy, v])


def to_keypoints(rows: np.ndarray) -> Keypoints:
    return Keypoints(
        points=[
            Keypoint(name=name, x=float(x), y=float(y), visibility=int(v))
            for name, (x, y, v) in zip(NAMES, rows, strict=True)
            if v > 0
        ]
    )


def bbox_area(rows: np.ndarray) -> float:
    shown = rows[rows[:, 2] > 0]
    return float(np.ptp(shown[:, 0]) * np.ptp(shown[:, 1]))


def test_oks_equals_coco_compute_oks() -> None:
    rng = np.random.default_rng(3)
    gts = [person(rng, (100, 100), hidden=3), person(rng, (300, 120)), person(rng, (180, 300), 5)]
    # Detections: the ground truths moved a little, and one stranger.
    dts = [g.copy() for g in gts[:2]] + [person(rng, (200, 200))]
    for d in dts:
        d[:, :2] += rng.normal(0, 6, (17, 2))
        d[:, 2] = 2
    coco_gt = COCO()
    coco_gt.dataset = {
        "images": [{"id": 1, "width": 640, "height": 480}],
        "categories": [{"id": 1, "name": "person", "keypoints": NAMES}],
        "annotations": [
            {
                "id": k + 1,
                "image_id": 1,
                "category_id": 1,
                "keypoints": g.ravel().tolist(),
                "num_keypoints": int((g[:, 2] > 0).sum()),
                "area": bbox_area(g),
                "bbox": [0, 0, 1, 1],
                "iscrowd": 0,
            }
            for k, g in enumerate(gts)
        ],
    }
    coco_gt.createIndex()
    coco_dt = coco_gt.loadRes(
        [
            {
                "image_id": 1,
                "category_id": 1,
                "keypoints": d.ravel().tolist(),
                "score": 1.0 - k / 10,
            }
            for k, d in enumerate(dts)
        ]
    )
    evaluator = COCOeval(coco_gt, coco_dt, "keypoints")
    evaluator.params.imgIds = [1]
    evaluator._prepare()
    theirs = evaluator.computeOks(1, 1)  # detections × ground truths, by falling score
    ours = similarity_matrix(
        [to_keypoints(d) for d in dts],
        [to_keypoints(g) for g in gts],
        options=SimilarityOptions(oks_reference="b"),
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
    assert ours[0, 0] > 0.5 and ours[1, 1] > 0.5


def test_symmetric_oks_is_the_mean_of_both_directions() -> None:
    rng = np.random.default_rng(5)
    a, b = to_keypoints(person(rng, (50, 50))), to_keypoints(person(rng, (55, 52), hidden=4))
    one_way = similarity_matrix([a], [b], options=SimilarityOptions(oks_reference="b"))[0, 0]
    other_way = similarity_matrix([b], [a], options=SimilarityOptions(oks_reference="b"))[0, 0]
    mean = similarity_matrix([a], [b])[0, 0]
    assert one_way != pytest.approx(other_way)
    assert mean == pytest.approx((one_way + other_way) / 2)
    assert similarity_matrix([a], [a])[0, 0] == pytest.approx(1.0)


def span(start: int, end: int) -> Span:
    return Span(start=start, end=end, text="x" * (end - start))


def test_span_overlap_and_exact_modes() -> None:
    a = [span(0, 10)]
    b = [span(0, 10), span(5, 15), span(10, 20), span(0, 9)]
    assert similarity_matrix(a, b)[0].tolist() == pytest.approx([1.0, 5 / 15, 0.0, 0.9])
    exact = SimilarityOptions(span_mode="exact")
    assert similarity_matrix(a, b, options=exact)[0].tolist() == [1.0, 0.0, 0.0, 0.0]


def test_interval_temporal_iou() -> None:
    a = [Interval(start=1.0, end=3.0)]
    b = [Interval(start=2.0, end=4.0), Interval(start=3.0, end=5.0), Interval(start=0.0, end=4.0)]
    assert similarity_matrix(a, b)[0].tolist() == pytest.approx([1 / 3, 0.0, 0.5])


def test_kinds_without_a_common_measure_score_zero() -> None:
    assert similarity_matrix([span(0, 3)], [Interval(start=0, end=3)]).tolist() == [[0.0]]
