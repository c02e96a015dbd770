"""Detection scores from matchings: hand-computed cases, spans (exact and partial) and
intervals, accumulation over items, and F1 = 1 on identical annotations."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Interval, Span
from ontolabel.core.matching import match_objects
from ontolabel.quality.geometry import (
    DetectionAccumulator,
    DetectionScores,
    detection_scores,
    interval_scores,
    span_scores,
)


def box(oid: str, cls: str, x: float, w: float = 10) -> AnnotationObject:
    return AnnotationObject(id=oid, class_name=cls, geometry=Box(x1=x, y1=0, x2=x + w, y2=10))


def test_counts_by_hand() -> None:
    # a: two cars found (one shifted), a car where b has nothing, a bus where b has a truck.
    a = [box("a1", "car", 0), box("a2", "car", 101), box("a3", "car", 300), box("a4", "bus", 500)]
    b = [box("b1", "car", 0), box("b2", "car", 100), box("b3", "truck", 500)]
    scores = detection_scores(match_objects(a, b))
    car = scores.per_class["car"]
    assert (car.tp, car.fp, car.fn) == (2, 1, 0)
    assert car.precision == pytest.approx(2 / 3) and car.recall == 1.0
    assert car.f1 == pytest.approx(0.8)
    assert car.mean_iou == pytest.approx((1 + 9 / 11) / 2)
    assert car.dice == pytest.approx((1 + 2 * (9 / 11) / (1 + 9 / 11)) / 2)
    assert (scores.per_class["bus"].fp, scores.per_class["truck"].fn) == (1, 1)
    assert scores.per_class["bus"].recall is None  # no bus in b: undefined, not 0
    micro = scores.micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 1)
    assert micro.f1 == pytest.approx(4 / 7)
    # macro: car F1 0.8, bus F1 0, truck F1 0
    assert scores.macro["f1"] == pytest.approx(0.8 / 3)
    assert scores.macro["precision"] == pytest.approx((2 / 3 + 0) / 2)  # truck's undefined


def test_class_agnostic_matching_counts_a_class_confusion_as_fp_and_fn() -> None:
    a = [box("a1", "bus", 0)]
    b = [box("b1", "truck", 0)]
    scores = detection_scores(match_objects(a, b, per_class=False))
    assert (scores.per_class["bus"].fp, scores.per_class["truck"].fn) == (1, 1)
    assert scores.micro.tp == 0
    assert (scores.located.tp, scores.located.fp, scores.located.fn) == (1, 0, 0)
    assert scores.located.mean_iou == 1.0


def test_empty_annotations_give_undefined_scores_not_zero() -> None:
    scores = detection_scores(match_objects([], []))
    assert scores.micro.f1 is None and scores.macro["f1"] is None
    only_b = detection_scores(match_objects([], [box("b", "car", 0)]))
    assert only_b.micro.recall == 0.0 and only_b.micro.precision is None


def test_accumulating_over_items_sums_counts() -> None:
    item1 = match_objects([box("a", "car", 0)], [box("b", "car", 0)])
    item2 = match_objects([box("a", "car", 0)], [box("b", "car", 50)])
    total = DetectionAccumulator().update(item1).update(item2).compute()
    assert (total.micro.tp, total.micro.fp, total.micro.fn) == (1, 1, 1)
    assert total.item_pairs == 2
    combined = DetectionScores.combine([detection_scores(item1), detection_scores(item2)])
    assert combined.to_dict() == total.to_dict() == detection_scores([item1, item2]).to_dict()
    json.dumps(total.to_dict())


def span(oid: str, cls: str, start: int, end: int) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=cls, geometry=Span(start=start, end=end, text="x" * (end - start))
    )


def test_span_f1_exact_and_partial() -> None:
    gold = [span("g1", "PER", 0, 5), span("g2", "LOC", 10, 15)]
    pred = [span("p1", "PER", 0, 5), span("p2", "LOC", 10, 14), span("p3", "ORG", 20, 25)]
    exact = span_scores(pred, gold, mode="exact").micro
    assert (exact.tp, exact.fp, exact.fn) == (1, 2, 1)
    assert exact.f1 == pytest.approx(0.4)
    partial = span_scores(pred, gold, mode="partial").micro
    assert (partial.tp, partial.fp, partial.fn) == (2, 1, 0)
    assert partial.f1 == pytest.approx(0.8)
    # one shared code point is enough for a partial match
    touch = span_scores([span("p", "LOC", 14, 30)], gold, mode="partial")
    assert touch.micro.tp == 1


def test_interval_f1_at_a_temporal_iou_threshold() -> None:
    def seg(oid: str, start: float, end: float) -> AnnotationObject:
        return AnnotationObject(
            id=oid, class_name="speech", geometry=Interval(start=start, end=end)
        )

    gold = [seg("g1", 0.0, 2.0), seg("g2", 3.0, 5.0)]
    pred = [seg("p1", 0.0, 1.5), seg("p2", 3.0, 3.9)]
    assert interval_scores(pred, gold).micro.tp == 1  # 0.75 passes, 0.45 does not
    assert interval_scores(pred, gold, threshold=0.4).micro.f1 == 1.0


coord = st.floats(0, 200, allow_nan=False)


@settings(max_examples=80)
@given(st.lists(st.tuples(coord, coord, st.floats(1, 40), st.sampled_from("abc")), max_size=12))
def test_identical_annotations_score_f1_one(rows: list[tuple[float, float, float, str]]) -> None:
    objects = [
        AnnotationObject(id=f"o{k}", class_name=c, geometry=Box(x1=x, y1=y, x2=x + s, y2=y + s))
        for k, (x, y, s, c) in enumerate(rows)
    ]
    scores = detection_scores(match_objects(objects, objects))
    if objects:
        assert scores.micro.f1 == 1.0 and scores.micro.mean_iou == pytest.approx(1.0)
        assert all(c.f1 == 1.0 for c in scores.per_class.values())
    else:
        assert scores.micro.f1 is None
