"""Spatio-temporal IoU of video tracks, by hand."""

from __future__ import annotations

import pytest

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Keyframe, Polygon, PolygonPart, Track
from ontolabel.core.matching import SimilarityOptions, match_objects, similarity_matrix


def still(x: float, first: int, last: int) -> Track:
    """A 10×10 box at x, in view on frames first..last."""
    shape = Box(x1=x, y1=0, x2=x + 10, y2=10)
    return Track(
        keyframes=[
            Keyframe(frame=first, shape=shape),
            Keyframe(frame=last + 1, shape=shape, outside=True),
        ]
    )


def test_tracks_in_view_on_the_same_frames() -> None:
    # 10 frames each, boxes overlapping by half: 50 / 150 every frame.
    assert similarity_matrix([still(0, 0, 9)], [still(5, 0, 9)])[0, 0] == pytest.approx(1 / 3)


def test_a_track_that_starts_late_adds_its_missing_frames_to_the_union() -> None:
    # same box; a on frames 0..9, b on frames 5..9: 5 shared frames × 100 over 10 × 100
    assert similarity_matrix([still(0, 0, 9)], [still(0, 5, 9)])[0, 0] == pytest.approx(0.5)


def test_interpolated_motion_is_followed_frame_by_frame() -> None:
    moving = Track(
        keyframes=[
            Keyframe(frame=0, shape=Box(x1=0, y1=0, x2=10, y2=10)),
            Keyframe(frame=10, shape=Box(x1=10, y1=0, x2=20, y2=10)),
        ]
    )
    sims = similarity_matrix(
        [moving], [still(0, 0, 10)], options=SimilarityOptions(track_frames=11)
    )
    # frame f: the box has moved f pixels; overlap 10(10 - f), union 10(10 + f)
    expected = sum(10 * (10 - f) for f in range(11)) / sum(10 * (10 + f) for f in range(11))
    assert sims[0, 0] == pytest.approx(expected)


def test_tracks_of_polygons_and_boxes_compare_by_area() -> None:
    square = Polygon(parts=[PolygonPart(exterior=[(0, 0), (10, 0), (10, 10), (0, 10)])])
    track = Track(keyframes=[Keyframe(frame=0, shape=square)])
    assert similarity_matrix([track], [still(0, 0, 3)], options=SimilarityOptions(track_frames=4))[
        0, 0
    ] == pytest.approx(1.0)


def test_match_objects_pairs_tracks_by_identity_over_time() -> None:
    a = [
        AnnotationObject(id="a1", class_name="person", geometry=still(0, 0, 9)),
        AnnotationObject(id="a2", class_name="person", geometry=still(100, 0, 9)),
    ]
    b = [
        AnnotationObject(id="b1", class_name="person", geometry=still(101, 0, 9)),
        AnnotationObject(id="b2", class_name="person", geometry=still(1, 2, 9)),
    ]
    matching = match_objects(a, b)
    assert [(p.index_a, p.index_b) for p in matching.pairs] == [(0, 1), (1, 0)]
