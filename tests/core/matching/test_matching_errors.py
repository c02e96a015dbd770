"""Input that cannot be measured is refused with a GeometryError naming the object."""

from __future__ import annotations

import numpy as np
import pytest

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Cuboid, Interval, Polygon, PolygonPart, RotatedBox, Span
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.matching import match_objects, similarity_matrix
from ontolabel.errors import GeometryError, InvalidError

NAN = float("nan")


def obj(oid: str, geometry: object, cls: str = "car") -> AnnotationObject:
    # model_construct: the NaN gets past the model, as from a caller that built it by hand
    return AnnotationObject.model_construct(
        id=oid, class_name=cls, geometry=geometry, attributes={}, media_index=0
    )


@pytest.mark.parametrize(
    "bad",
    [
        Box.model_construct(kind="box", x1=NAN, y1=0, x2=1, y2=1),
        RotatedBox.model_construct(kind="rotated_box", cx=0, cy=0, w=NAN, h=1, angle=0),
        Polygon.model_construct(
            kind="polygon",
            parts=[PolygonPart.model_construct(exterior=[(0, 0), (NAN, 1), (1, 1)], holes=[])],
        ),
        Interval.model_construct(kind="interval", start=NAN, end=1.0),
        Cuboid.model_construct(kind="cuboid", x=0, y=0, z=NAN, length=1, width=1, height=1, yaw=0),
    ],
    ids=["box", "rotated_box", "polygon", "interval", "cuboid"],
)
def test_nan_coordinates_name_the_object(bad: object) -> None:
    good_of_kind = {
        "box": Box(x1=0, y1=0, x2=1, y2=1),
        "rotated_box": RotatedBox(cx=0, cy=0, w=1, h=1),
        "polygon": Box(x1=0, y1=0, x2=1, y2=1),
        "interval": Interval(start=0, end=1),
        "cuboid": Cuboid(x=0, y=0, z=0, length=1, width=1, height=1),
    }[bad.kind]  # type: ignore[attr-defined]
    with pytest.raises(GeometryError, match="'wheel-3'.*not a finite number") as caught:
        match_objects([obj("ok", good_of_kind)], [obj("wheel-3", bad)])
    assert caught.value.object_id == "wheel-3"
    assert isinstance(caught.value, InvalidError)
    assert caught.value.to_dict()["object_id"] == "wheel-3"


def test_masks_of_different_sizes_name_the_object() -> None:
    small = rle_encode(np.ones((4, 4), dtype=np.uint8))
    large = rle_encode(np.ones((8, 4), dtype=np.uint8))
    with pytest.raises(GeometryError, match="'seg-2'.*8×4 pixels but 'seg-1' is 4×4"):
        match_objects([obj("seg-1", small)], [obj("seg-2", large)])


def test_a_span_ending_before_it_starts_names_the_object() -> None:
    backwards = Span.model_construct(kind="span", start=5, end=2, text="")
    with pytest.raises(GeometryError, match="'ent-1'.*ends \\(2\\) before it starts \\(5\\)"):
        match_objects([obj("ent-1", backwards)], [obj("ent-2", Span(start=0, end=2, text="ab"))])


def test_a_polygon_ring_of_two_points_names_the_object() -> None:
    flat = Polygon(parts=[PolygonPart(exterior=[(0, 0), (1, 1)])])
    with pytest.raises(GeometryError, match="'p'.*2 vertices"):
        match_objects([obj("p", flat)], [obj("q", Box(x1=0, y1=0, x2=1, y2=1))])


def test_duplicate_object_ids_are_refused() -> None:
    box = Box(x1=0, y1=0, x2=1, y2=1)
    with pytest.raises(GeometryError, match="'x'.*used twice in annotation b"):
        match_objects([obj("x", box)], [obj("x", box), obj("x", box)])


def test_bare_geometries_are_named_by_side_and_position() -> None:
    with pytest.raises(GeometryError, match="'b\\[1\\]'"):
        similarity_matrix(
            [Box(x1=0, y1=0, x2=1, y2=1)],
            [
                Box(x1=0, y1=0, x2=1, y2=1),
                Box.model_construct(kind="box", x1=0, y1=0, x2=NAN, y2=1),
            ],
        )


def test_threshold_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        match_objects([], [], threshold=1.5)
