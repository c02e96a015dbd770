"""Scoring against gold: masks (Dice/IoU, empty masks), objects, classes, CER/WER."""

from __future__ import annotations

import json

import jiwer
import numpy as np
import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Interval, Tag
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.errors import GeometryError
from ontolabel.quality.gold import GoldScore, score_against_gold
from ontolabel.quality.gold.text import error_rates


def painted(
    oid: str, cls: str, rows: slice, cols: slice, shape: tuple[int, int] = (10, 10)
) -> AnnotationObject:
    pixels = np.zeros(shape, dtype=np.uint8)
    pixels[rows, cols] = 1
    return AnnotationObject(id=oid, class_name=cls, geometry=rle_encode(pixels))


def test_mask_dice_and_iou_per_class() -> None:
    gold = Annotation(objects=[painted("g1", "liver", slice(0, 4), slice(0, 5))])  # 20 px
    cand = Annotation(
        objects=[
            painted("c1", "liver", slice(0, 4), slice(0, 3)),  # 12 px inside gold
            painted("c2", "liver", slice(6, 8), slice(0, 2)),  # 4 px outside
            painted("c3", "tumour", slice(8, 10), slice(8, 10)),
        ]
    )
    score = score_against_gold(cand, gold)
    liver = score.masks["liver"]
    assert (liver.intersection, liver.area_candidate, liver.area_gold) == (12, 16, 20)
    assert liver.dice == pytest.approx(2 * 12 / 36)
    assert liver.iou == pytest.approx(12 / 24)
    assert score.masks["tumour"].dice == 0.0


def test_two_empty_masks_score_one_or_are_excluded() -> None:
    empty = Annotation(objects=[])
    perfect = score_against_gold(empty, empty, mask_classes=["liver"])
    assert perfect.masks["liver"].dice == 1.0 and perfect.masks["liver"].iou == 1.0
    assert perfect.masks["liver"].pixel_dice is None  # no pixel to pool
    excluded = score_against_gold(empty, empty, mask_classes=["liver"], empty_masks="exclude")
    assert excluded.masks["liver"].dice is None and excluded.masks["liver"].empty_items == 1
    # Over two items, the empty one counts as 1.0 only when asked to.
    gold = Annotation(objects=[painted("g", "liver", slice(0, 2), slice(0, 2))])
    half = Annotation(objects=[painted("c", "liver", slice(0, 2), slice(0, 1))])
    one = score_against_gold(half, gold, mask_classes=["liver"])
    both = GoldScore.combine([one, perfect])
    assert both.masks["liver"].dice == pytest.approx((2 * 2 / 6 + 1.0) / 2)
    both_excl = GoldScore.combine([score_against_gold(half, gold, empty_masks="exclude"), excluded])
    assert both_excl.masks["liver"].dice == pytest.approx(2 * 2 / 6)


def test_masks_of_different_sizes_name_the_object() -> None:
    gold = Annotation(objects=[painted("g", "liver", slice(0, 2), slice(0, 2), (10, 10))])
    cand = Annotation(objects=[painted("c", "liver", slice(0, 2), slice(0, 2), (12, 10))])
    with pytest.raises(GeometryError, match="'c'.*12×10 pixels but 'g'"):
        score_against_gold(cand, gold)


def box(oid: str, cls: str, x: float) -> AnnotationObject:
    return AnnotationObject(id=oid, class_name=cls, geometry=Box(x1=x, y1=0, x2=x + 10, y2=10))


def test_objects_and_classes() -> None:
    gold = Annotation(
        objects=[
            box("g1", "car", 0),
            box("g2", "truck", 50),
            box("g3", "car", 100),
            AnnotationObject(id="t", class_name="day", geometry=Tag()),
        ]
    )
    cand = Annotation(
        objects=[
            box("c1", "car", 0),
            box("c2", "car", 50),
            box("c4", "car", 300),
            AnnotationObject(id="u", class_name="night", geometry=Tag()),
        ]
    )
    score = score_against_gold(cand, gold)
    car = score.objects.per_class["car"]
    assert (car.tp, car.fp, car.fn) == (1, 2, 1)
    assert score.objects.per_class["truck"].recall == 0.0
    confusion = score.object_classes
    assert dict(confusion.confusion) == {("car", "car"): 1, ("truck", "car"): 1}
    assert confusion.accuracy == 0.5
    assert dict(score.item_classes.confusion) == {("day", "night"): 1}
    as_dict = score.to_dict()
    json.dumps(as_dict)
    assert as_dict["object_classes"]["matrix"] == [[1, 0], [1, 0]]  # type: ignore[index]


def test_identical_annotations_score_perfectly() -> None:
    gold = Annotation(objects=[box("g1", "car", 0), painted("m", "road", slice(0, 5), slice(0, 9))])
    score = score_against_gold(gold, gold)
    assert score.objects.micro.f1 == 1.0
    assert score.masks["road"].dice == 1.0
    assert score.object_classes.accuracy == 1.0


PAIRS = [
    ("the cat sat on the mat", "the cat sit on mat"),
    ("a quick brown fox", "a quick brown fox"),
    ("hello world", "hello  wonderful   world again"),
    ("patient denies chest pain", "patient denies chest pains today"),
    ("zero", ""),
]


def test_wer_of_a_known_pair_by_hand() -> None:
    # one substitution (sat -> sit) and one deletion (the) over 6 reference words
    rates = error_rates("the cat sit on mat", "the cat sat on the mat")
    assert (rates.word_errors, rates.word_total) == (2, 6)
    assert rates.wer == pytest.approx(2 / 6)


@pytest.mark.parametrize(("reference", "hypothesis"), PAIRS)
def test_cer_and_wer_equal_jiwer(reference: str, hypothesis: str) -> None:
    rates = error_rates(hypothesis, reference)
    # Our transcripts collapse runs of whitespace first; jiwer's CER would count them.
    tidy = " ".join(hypothesis.split()) or " "
    assert rates.wer == pytest.approx(jiwer.wer(reference, tidy))
    assert rates.cer == pytest.approx(jiwer.cer(reference, tidy))


def test_runs_of_whitespace_are_not_errors() -> None:
    assert error_rates("hello   world ", " hello world").cer == 0.0


def test_transcripts_are_read_in_time_order_and_pooled_over_items() -> None:
    def seg(oid: str, start: float, text: str, attribute: bool = False) -> AnnotationObject:
        geometry = Interval(start=start, end=start + 1, transcript=None if attribute else text)
        return AnnotationObject(
            id=oid,
            class_name="speech",
            geometry=geometry,
            attributes={"text": text} if attribute else {},
        )

    gold = Annotation(objects=[seg("g2", 5, "on the mat"), seg("g1", 0, "the cat sat")])
    cand = Annotation(objects=[seg("c1", 0, "the cat sit", True), seg("c2", 4.5, "on mat")])
    one = score_against_gold(cand, gold)
    assert one.transcripts.wer == pytest.approx(2 / 6)
    other = score_against_gold(gold, gold)
    total = GoldScore.combine([one, other])
    refs = ["the cat sat on the mat"] * 2
    hyps = ["the cat sit on mat", "the cat sat on the mat"]
    assert total.transcripts.wer == pytest.approx(jiwer.wer(refs, hyps))
    assert total.transcripts.cer == pytest.approx(jiwer.cer(refs, hyps))
    assert total.items == 2


def test_empty_gold_and_candidate_score_nothing() -> None:
    score = score_against_gold(Annotation(), Annotation())
    assert score.objects.micro.f1 is None
    assert score.transcripts.wer is None and score.object_classes.accuracy is None
    json.dumps(score.to_dict())
