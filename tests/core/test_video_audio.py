"""Video tracks (keyframes, interpolation, outside), exact frame times; audio intervals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.geometry.audio import Interval, clip_interval, interval_iou
from ontolabel.core.geometry.box import Box, RotatedBox
from ontolabel.core.geometry.polygon import Polygon, PolygonPart
from ontolabel.core.geometry.video import (
    Keyframe,
    Track,
    frame_to_seconds,
    seconds_to_frame,
)

A = Box(x1=0, y1=0, x2=10, y2=10)
B = Box(x1=100, y1=50, x2=120, y2=70)


def track(*keyframes: Keyframe, interpolation: str = "linear") -> Track:
    return Track(keyframes=list(keyframes), interpolation=interpolation)  # type: ignore[arg-type]


def test_box_moves_linearly_between_keyframes() -> None:
    t = track(Keyframe(frame=10, shape=A), Keyframe(frame=20, shape=B))
    assert t.shape_at(15) == Box(x1=50, y1=25, x2=65, y2=40)
    assert t.shape_at(12) == Box(x1=20, y1=10, x2=32, y2=22)


def test_before_the_first_keyframe_nothing_after_the_last_it_stays() -> None:
    t = track(Keyframe(frame=10, shape=A), Keyframe(frame=20, shape=B))
    assert t.shape_at(9) is None
    assert t.shape_at(500) == B


def test_outside_hides_the_object_until_the_next_keyframe() -> None:
    t = track(
        Keyframe(frame=0, shape=A),
        Keyframe(frame=10, shape=A, outside=True),
        Keyframe(frame=20, shape=B),
    )
    # moving towards an outside keyframe holds the last visible shape
    assert t.shape_at(5) == A
    assert t.shape_at(10) is None and t.shape_at(19) is None
    assert t.shape_at(20) == B
    assert t.visible_frames(25) == [*range(0, 10), *range(20, 25)]


def test_no_interpolation_holds_each_keyframe() -> None:
    t = track(Keyframe(frame=0, shape=A), Keyframe(frame=10, shape=B), interpolation="none")
    assert t.shape_at(9) == A


def test_keyframes_given_out_of_order_are_read_in_frame_order() -> None:
    t = track(Keyframe(frame=20, shape=B), Keyframe(frame=10, shape=A))
    assert t.shape_at(15) == Box(x1=50, y1=25, x2=65, y2=40)


def test_rotated_box_turns_the_short_way() -> None:
    a = RotatedBox(cx=0, cy=0, w=4, h=2, angle=350)
    b = RotatedBox(cx=10, cy=0, w=4, h=2, angle=10)
    mid = track(Keyframe(frame=0, shape=a), Keyframe(frame=2, shape=b)).shape_at(1)
    assert isinstance(mid, RotatedBox)
    assert mid.cx == 5 and mid.angle % 360 == pytest.approx(0)


def test_polygons_interpolate_vertexwise_only_with_equal_vertex_counts() -> None:
    tri_a = Polygon(parts=[PolygonPart(exterior=[(0, 0), (10, 0), (0, 10)])])
    tri_b = Polygon(parts=[PolygonPart(exterior=[(10, 10), (20, 10), (10, 20)])])
    quad = Polygon(parts=[PolygonPart(exterior=[(0, 0), (1, 0), (1, 1), (0, 1)])])
    mid = track(Keyframe(frame=0, shape=tri_a), Keyframe(frame=10, shape=tri_b)).shape_at(5)
    assert mid == Polygon(parts=[PolygonPart(exterior=[(5, 5), (15, 5), (5, 15)])])
    assert (
        track(Keyframe(frame=0, shape=tri_a), Keyframe(frame=10, shape=quad)).shape_at(5) == tri_a
    )


boxes = st.builds(
    lambda x, y, w, h: Box(x1=x, y1=y, x2=x + w, y2=y + h),
    st.floats(0, 1000),
    st.floats(0, 1000),
    st.floats(1, 100),
    st.floats(1, 100),
)


@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), boxes), min_size=1, max_size=8, unique_by=lambda k: k[0]
    )
)
def test_interpolation_at_a_keyframe_returns_the_keyframe(frames: list[tuple[int, Box]]) -> None:
    t = track(*(Keyframe(frame=f, shape=s) for f, s in frames))
    for frame, shape in frames:
        assert t.shape_at(frame) == shape


@pytest.mark.parametrize(
    ("frame", "rate", "seconds"),
    [
        (0, "25", 0.0),
        (25, "25/1", 1.0),
        (30000, "30000/1001", 1001.0),
        (1, "30000/1001", 1001 / 30000),
    ],
)
def test_frames_and_seconds_convert_exactly(frame: int, rate: str, seconds: float) -> None:
    assert frame_to_seconds(frame, rate) == pytest.approx(seconds, abs=1e-12)
    assert seconds_to_frame(frame_to_seconds(frame, rate), rate) == frame


def test_seconds_within_a_frame_map_to_that_frame() -> None:
    assert seconds_to_frame(1.03, "25") == 25
    with pytest.raises(ValueError):
        frame_to_seconds(1, "0/1")


def test_interval_clipping_to_the_duration() -> None:
    speech = Interval(start=-0.5, end=3.2, transcript="hello", speaker="A")
    clipped = clip_interval(speech, 3.0)
    assert clipped == Interval(start=0.0, end=3.0, transcript="hello", speaker="A")
    assert clip_interval(Interval(start=4, end=5), 3.0) is None
    inside = Interval(start=1, end=2)
    assert clip_interval(inside, 3.0) is inside


def test_interval_iou() -> None:
    assert interval_iou(Interval(start=0, end=2), Interval(start=1, end=3)) == pytest.approx(1 / 3)
    assert interval_iou(Interval(start=0, end=1), Interval(start=1, end=2)) == 0
