"""Polygons (with holes, several parts), polylines and keypoints."""

from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.geometry.box import Box
from ontolabel.core.geometry.keypoints import Keypoint, Keypoints, keypoints_bbox, keypoints_to_coco
from ontolabel.core.geometry.polygon import (
    Polygon,
    PolygonPart,
    Polyline,
    box_to_polygon,
    polygon_area,
    polygon_bbox,
    polyline_length,
    ring_signed_area,
)

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
HOLE = [(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0)]
FAR = [(20.0, 0.0), (26.0, 0.0), (23.0, 4.0)]


def test_area_of_a_square_with_a_hole_and_a_second_part() -> None:
    polygon = Polygon(parts=[PolygonPart(exterior=SQUARE, holes=[HOLE]), PolygonPart(exterior=FAR)])
    assert polygon_area(polygon) == 100 - 4 + 12
    reference = shapely.MultiPolygon([shapely.Polygon(SQUARE, [HOLE]), shapely.Polygon(FAR)])
    assert polygon_area(polygon) == pytest.approx(reference.area)
    assert polygon_bbox(polygon) == Box(x1=0, y1=0, x2=26, y2=10)


def test_hole_winding_does_not_matter() -> None:
    reversed_hole = Polygon(parts=[PolygonPart(exterior=SQUARE[::-1], holes=[HOLE])])
    assert polygon_area(reversed_hole) == 96


def test_signed_area_is_positive_clockwise_on_screen() -> None:
    # (0,0) -> (10,0) -> (10,10): right then down, which is clockwise with y pointing down
    assert ring_signed_area(SQUARE) == 100
    assert ring_signed_area(SQUARE[::-1]) == -100
    assert ring_signed_area(SQUARE[:2]) == 0


def test_box_as_polygon_keeps_area() -> None:
    assert polygon_area(box_to_polygon(Box(x1=1, y1=2, x2=4, y2=7))) == 15


def test_polyline_length_and_empty_bbox() -> None:
    assert polyline_length(Polyline(points=[(0, 0), (3, 4), (3, 10)])) == 11
    assert polyline_length(Polyline(points=[(1, 1)])) == 0
    with pytest.raises(ValueError):
        polygon_bbox(Polygon(parts=[]))


def test_keypoints_bbox_ignores_unlabeled_points_and_coco_order_follows_names() -> None:
    points = Keypoints(
        points=[
            Keypoint(name="nose", x=10, y=20),
            Keypoint(name="left_eye", x=5, y=15, visibility=1),
            Keypoint(name="right_eye", x=999, y=999, visibility=0),
        ]
    )
    assert keypoints_bbox(points) == Box(x1=5, y1=15, x2=10, y2=20)
    assert keypoints_to_coco(points, ["left_eye", "nose", "right_eye", "left_ear"]) == [
        5,
        15,
        1,
        10,
        20,
        2,
        0,
        0,
        0,
        0,
        0,
        0,
    ]
    assert keypoints_bbox(Keypoints(points=[])) is None


# Star-shaped rings (vertices sorted by angle around a centre) are simple polygons.
@st.composite
def rings(draw: st.DrawFn) -> list[tuple[float, float]]:
    n = draw(st.integers(3, 12))
    angles = sorted(
        draw(st.lists(st.floats(0, 2 * math.pi - 1e-3), min_size=n, max_size=n, unique=True))
    )
    radii = draw(st.lists(st.floats(1, 100), min_size=n, max_size=n))
    return [(r * math.cos(a), r * math.sin(a)) for a, r in zip(angles, radii, strict=True)]


@given(rings(), st.floats(-1e4, 1e4), st.floats(-1e4, 1e4), st.integers(0, 11))
def test_area_is_invariant_under_translation_and_vertex_rotation(
    ring: list[tuple[float, float]], dx: float, dy: float, shift: int
) -> None:
    area = polygon_area(Polygon(parts=[PolygonPart(exterior=ring)]))
    assert area == pytest.approx(shapely.Polygon(ring).area, rel=1e-9, abs=1e-9)
    moved = [(x + dx, y + dy) for x, y in ring]
    k = shift % len(ring)
    rotated = moved[k:] + moved[:k]
    assert polygon_area(Polygon(parts=[PolygonPart(exterior=rotated)])) == pytest.approx(
        area, rel=1e-6, abs=1e-6
    )
