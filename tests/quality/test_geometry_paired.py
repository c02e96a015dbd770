"""Paired class labels of objects across raters, fed to the agreement coefficients."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Cuboid, Span, Tag
from ontolabel.errors import GeometryError
from ontolabel.quality.agreement import Ratings, krippendorff_alpha
from ontolabel.quality.geometry import paired_labels


def box(oid: str, cls: str, x: float, y: float = 0) -> AnnotationObject:
    return AnnotationObject(id=oid, class_name=cls, geometry=Box(x1=x, y1=y, x2=x + 10, y2=y + 10))


def scene() -> dict[str, Annotation]:
    return {
        # three objects: at 0 (all say car), at 100 (bob says truck), at 200 (carol missed it)
        "alice": Annotation(
            objects=[box("a1", "car", 0), box("a2", "car", 100), box("a3", "bus", 200)]
        ),
        "bob": Annotation(
            objects=[box("b1", "car", 1), box("b2", "truck", 101), box("b3", "bus", 200)]
        ),
        "carol": Annotation(objects=[box("c1", "car", 0), box("c2", "car", 99)]),
    }


def test_records_by_hand() -> None:
    records = paired_labels(scene(), unit_prefix="img7/")
    assert records == [
        ("img7/alice/a1", "alice", "car"),
        ("img7/alice/a1", "bob", "car"),
        ("img7/alice/a1", "carol", "car"),
        ("img7/alice/a2", "alice", "car"),
        ("img7/alice/a2", "bob", "truck"),
        ("img7/alice/a2", "carol", "car"),
        ("img7/alice/a3", "alice", "bus"),
        ("img7/alice/a3", "bob", "bus"),
        ("img7/alice/a3", "carol", "∅"),
    ]
    missing = paired_labels(scene(), unit_prefix="img7/", absent=None)
    assert ("img7/alice/a3", "carol", "∅") not in missing and len(missing) == 8


def test_the_records_feed_krippendorff_alpha() -> None:
    records = paired_labels(scene(), unit_prefix="img7/")
    ratings = Ratings.from_records(records)
    ours = krippendorff_alpha(ratings, level="nominal", ci=False)
    # The same table given by hand to the krippendorff package (raters × units, codes).
    codes = {"car": 0, "truck": 1, "bus": 2, "∅": 3}
    table = np.array(
        [[codes[r[2]] for r in records if r[1] == rater] for rater in ("alice", "bob", "carol")],
        dtype=float,
    )
    expected = krippendorff.alpha(reliability_data=table, level_of_measurement="nominal")
    assert ours.value == pytest.approx(expected, abs=1e-12)


def test_a_unit_never_holds_two_objects_of_one_rater() -> None:
    annotations = {
        "alice": Annotation(objects=[box("a1", "car", 0)]),
        # bob drew the car twice; both overlap alice's
        "bob": Annotation(objects=[box("b1", "car", 0), box("b2", "car", 2)]),
        "carol": Annotation(objects=[box("c1", "car", 2)]),
    }
    records = paired_labels(annotations, unit_prefix="")
    units: dict[str, list[str]] = {}
    for unit, rater, label in records:
        units.setdefault(unit, []).append(rater)
        assert label in {"car", "∅"}
    assert all(len(raters) == len(set(raters)) == 3 for raters in units.values())
    assert len(units) == 2  # bob's second car is a unit of its own, which others missed


def test_spans_and_cuboids_pair_the_same_way() -> None:
    def span(oid: str, cls: str, start: int, end: int) -> AnnotationObject:
        return AnnotationObject(
            id=oid, class_name=cls, geometry=Span(start=start, end=end, text="x" * (end - start))
        )

    def cube(oid: str, cls: str, x: float) -> AnnotationObject:
        return AnnotationObject(
            id=oid, class_name=cls, geometry=Cuboid(x=x, y=0, z=0, length=4, width=2, height=1.5)
        )

    annotations = {
        "r1": Annotation(objects=[span("s", "Drug", 0, 7), cube("k", "Car", 10)]),
        "r2": Annotation(objects=[span("t", "Dose", 0, 6), cube("m", "Car", 10.3)]),
    }
    assert sorted(paired_labels(annotations, unit_prefix="")) == [
        ("r1/k", "r1", "Car"),
        ("r1/k", "r2", "Car"),
        ("r1/s", "r1", "Drug"),
        ("r1/s", "r2", "Dose"),
    ]


def test_whole_item_classes_are_units_of_their_own() -> None:
    def tag(oid: str, cls: str) -> AnnotationObject:
        return AnnotationObject(id=oid, class_name=cls, geometry=Tag())

    annotations = {
        "r1": Annotation(objects=[tag("t", "spam")]),
        "r2": Annotation(objects=[tag("u", "ham")]),
        "r3": Annotation(objects=[tag("v", "spam"), tag("w", "urgent")]),
        "r4": Annotation(objects=[]),
    }
    assert paired_labels(annotations, unit_prefix="doc1/") == [
        ("doc1/tag", "r1", "spam"),
        ("doc1/tag", "r2", "ham"),
        ("doc1/tag", "r3", "spam+urgent"),
        ("doc1/tag", "r4", "∅"),
    ]
    presence = paired_labels(annotations, unit_prefix="doc1/", tags="presence")
    assert ("doc1/tag/urgent", "r3", "yes") in presence
    assert ("doc1/tag/spam", "r4", "no") in presence
    assert len(presence) == 3 * 4


def test_no_raters_is_an_error() -> None:
    with pytest.raises(GeometryError, match="doc9/: no annotations"):
        paired_labels({}, unit_prefix="doc9/")
