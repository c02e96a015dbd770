"""Boxes: xyxy <-> xywh, area, IoU, clipping; rotated boxes: corners and hull."""

from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.geometry.box import (
    Box,
    RotatedBox,
    box_area,
    box_clip,
    box_intersection,
    box_iou,
    box_to_rotated,
    rotated_box_area,
    rotated_box_corners,
    rotated_box_hull,
    xywh_to_xyxy,
    xyxy_to_xywh,
)

coord = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)
size = st.floats(0.01, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def boxes(draw: st.DrawFn) -> Box:
    x, y, w, h = draw(coord), draw(coord), draw(size), draw(size)
    return Box(x1=x, y1=y, x2=x + w, y2=y + h)


def test_coco_xywh_becomes_xyxy() -> None:
    assert xywh_to_xyxy(10, 20, 30, 40) == Box(x1=10, y1=20, x2=40, y2=60)
    assert xyxy_to_xywh(Box(x1=10, y1=20, x2=40, y2=60)) == (10, 20, 30, 40)


@given(coord, coord, size, size)
def test_xywh_round_trips(x: float, y: float, w: float, h: float) -> None:
    back = xyxy_to_xywh(xywh_to_xyxy(x, y, w, h))
    assert back[:2] == (x, y)
    assert back[2:] == pytest.approx((w, h), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "iou"),
    [
        ((0, 0, 2, 2), (1, 1, 3, 3), 1 / 7),
        ((0, 0, 10, 10), (0, 0, 10, 10), 1.0),
        ((0, 0, 10, 10), (5, 0, 15, 10), 50 / 150),
        ((0, 0, 10, 10), (10, 0, 20, 10), 0.0),  # touching edges share no area
        ((0, 0, 10, 10), (2, 2, 4, 4), 4 / 100),  # containment
    ],
)
def test_box_iou_published_values(a: tuple[float, ...], b: tuple[float, ...], iou: float) -> None:
    box_a = Box(x1=a[0], y1=a[1], x2=a[2], y2=a[3])
    box_b = Box(x1=b[0], y1=b[1], x2=b[2], y2=b[3])
    assert box_iou(box_a, box_b) == pytest.approx(iou)
    assert box_iou(box_b, box_a) == pytest.approx(iou)


@given(boxes(), boxes())
def test_box_iou_agrees_with_shapely(a: Box, b: Box) -> None:
    sa, sb = shapely.box(a.x1, a.y1, a.x2, a.y2), shapely.box(b.x1, b.y1, b.x2, b.y2)
    expected = sa.intersection(sb).area / sa.union(sb).area
    assert box_iou(a, b) == pytest.approx(expected, abs=1e-9)
    assert 0.0 <= box_iou(a, b) <= 1.0


def test_area_intersection_and_clip() -> None:
    box = Box(x1=-5, y1=10, x2=15, y2=30)
    assert box_area(box) == 400
    assert box_area(Box(x1=5, y1=5, x2=1, y2=9)) == 0  # inverted: no area
    assert box_intersection(box, Box(x1=0, y1=0, x2=10, y2=20)) == Box(x1=0, y1=10, x2=10, y2=20)
    assert box_clip(box, 10, 20) == Box(x1=0, y1=10, x2=10, y2=20)
    assert box_clip(box, 10, 5) is None


def test_rotated_box_corners_turn_clockwise_on_screen() -> None:
    flat = RotatedBox(cx=0, cy=0, w=4, h=2, angle=0)
    assert rotated_box_corners(flat) == [(-2, -1), (2, -1), (2, 1), (-2, 1)]
    turned = rotated_box_corners(flat.model_copy(update={"angle": 90}))
    # y points down: a quarter turn clockwise moves the top-left corner to the top right
    assert turned[0] == pytest.approx((1, -2))
    hull = rotated_box_hull(flat.model_copy(update={"angle": 90}))
    assert _same_box(hull, Box(x1=-1, y1=-2, x2=1, y2=2))


def _same_box(a: Box, b: Box) -> bool:
    return all(
        math.isclose(getattr(a, k), getattr(b, k), abs_tol=1e-9) for k in ("x1", "y1", "x2", "y2")
    )


def test_rotated_box_hull_at_45_degrees() -> None:
    hull = rotated_box_hull(RotatedBox(cx=10, cy=10, w=2, h=2, angle=45))
    r = math.sqrt(2)
    assert _same_box(hull, Box(x1=10 - r, y1=10 - r, x2=10 + r, y2=10 + r))


@given(boxes())
def test_rotated_box_by_zero_degrees_is_the_box(box: Box) -> None:
    rbox = box_to_rotated(box)
    hull = rotated_box_hull(rbox)
    assert hull.x1 == pytest.approx(box.x1, abs=1e-6) and hull.x2 == pytest.approx(box.x2, abs=1e-6)
    assert hull.y1 == pytest.approx(box.y1, abs=1e-6) and hull.y2 == pytest.approx(box.y2, abs=1e-6)
    assert rotated_box_area(rbox) == pytest.approx(box_area(box))


@given(boxes(), st.floats(-720, 720))
def test_rotation_keeps_area_and_centre(box: Box, angle: float) -> None:
    rbox = box_to_rotated(box).model_copy(update={"angle": angle})
    corners = rotated_box_corners(rbox)
    polygon = shapely.Polygon(corners)
    assert polygon.area == pytest.approx(rotated_box_area(rbox), rel=1e-6, abs=1e-6)
    assert polygon.centroid.x == pytest.approx(rbox.cx, abs=1e-6)
    assert polygon.centroid.y == pytest.approx(rbox.cy, abs=1e-6)
