"""Properties every similarity and the matching must have, on generated geometry."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import (
    Box,
    Cuboid,
    GeometryUnion,
    Interval,
    Keypoint,
    Keypoints,
    Mask,
    Polygon,
    PolygonPart,
    RotatedBox,
    Span,
)
from ontolabel.core.geometry.mask import rle_area, rle_encode
from ontolabel.core.matching import match_objects, similarity_matrix

coord = st.floats(0, 100, allow_nan=False)
size = st.floats(1, 50, allow_nan=False)


@st.composite
def boxes(draw: st.DrawFn) -> Box:
    x, y, w, h = draw(coord), draw(coord), draw(size), draw(size)
    return Box(x1=x, y1=y, x2=x + w, y2=y + h)


@st.composite
def rotated(draw: st.DrawFn) -> RotatedBox:
    return RotatedBox(
        cx=draw(coord), cy=draw(coord), w=draw(size), h=draw(size), angle=draw(st.floats(-360, 360))
    )


@st.composite
def polygons(draw: st.DrawFn) -> Polygon:
    # A star-shaped ring around a centre is always simple.
    cx, cy = draw(coord), draw(coord)
    radii = draw(st.lists(st.floats(1, 30), min_size=3, max_size=8))
    angles = np.linspace(0, 2 * np.pi, len(radii), endpoint=False)
    ring = [(cx + r * np.cos(t), cy + r * np.sin(t)) for r, t in zip(radii, angles, strict=True)]
    return Polygon(parts=[PolygonPart(exterior=[(float(x), float(y)) for x, y in ring])])


@st.composite
def masks(draw: st.DrawFn) -> Mask:
    bits = draw(st.lists(st.booleans(), min_size=48, max_size=48))
    return rle_encode(np.array(bits, dtype=np.uint8).reshape(6, 8))


@st.composite
def spans(draw: st.DrawFn) -> Span:
    start = draw(st.integers(0, 50))
    end = draw(st.integers(start + 1, start + 20))
    return Span(start=start, end=end, text="x" * (end - start))


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = draw(st.floats(0, 60))
    return Interval(start=start, end=start + draw(st.floats(0.01, 10)))


@st.composite
def cuboids(draw: st.DrawFn) -> Cuboid:
    return Cuboid(
        x=draw(st.floats(-5, 5)),
        y=draw(st.floats(-5, 5)),
        z=draw(st.floats(-1, 1)),
        length=draw(st.floats(0.5, 5)),
        width=draw(st.floats(0.5, 3)),
        height=draw(st.floats(0.5, 2)),
        yaw=draw(st.floats(-4, 4)),
    )


@st.composite
def skeletons(draw: st.DrawFn) -> Keypoints:
    names = ["nose", "left_eye", "right_eye", "left_hip", "right_hip"]
    return Keypoints(
        points=[
            Keypoint(name=n, x=draw(coord), y=draw(coord), visibility=draw(st.sampled_from([1, 2])))
            for n in names
        ]
    )


geometry = st.one_of(boxes(), rotated(), polygons(), spans(), intervals(), cuboids(), skeletons())


@settings(max_examples=150)
@given(st.lists(geometry, min_size=1, max_size=6), st.lists(geometry, min_size=1, max_size=6))
def test_similarity_is_symmetric_bounded_and_one_on_itself(
    a: list[GeometryUnion], b: list[GeometryUnion]
) -> None:
    ab = similarity_matrix(a, b)
    ba = similarity_matrix(b, a)
    np.testing.assert_allclose(ab, ba.T, atol=1e-9)
    assert ((ab >= 0) & (ab <= 1 + 1e-9)).all()
    np.testing.assert_allclose(np.diag(similarity_matrix(a, a)), 1.0, atol=1e-9)


@settings(max_examples=60)
@given(st.lists(masks(), min_size=1, max_size=4), st.lists(masks(), min_size=1, max_size=4))
def test_mask_similarity_is_symmetric_and_one_on_itself(a: list[Mask], b: list[Mask]) -> None:
    np.testing.assert_allclose(similarity_matrix(a, b), similarity_matrix(b, a).T)
    # An empty mask covers nothing, so it overlaps nothing, itself included.
    painted = np.array([rle_area(m) > 0 for m in a], dtype=float)
    np.testing.assert_array_equal(np.diag(similarity_matrix(a, a)), painted)


def objects(geoms: list[GeometryUnion], prefix: str, classes: list[str]) -> list[AnnotationObject]:
    return [
        AnnotationObject(id=f"{prefix}{k}", class_name=classes[k % len(classes)], geometry=g)
        for k, g in enumerate(geoms)
    ]


@settings(max_examples=100)
@given(
    st.lists(boxes(), min_size=0, max_size=8),
    st.lists(boxes(), min_size=0, max_size=8),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_matching_does_not_depend_on_object_order(
    a_geoms: list[Box], b_geoms: list[Box], rnd, per_class: bool
) -> None:  # type: ignore[no-untyped-def]
    a = objects(a_geoms, "a", ["car", "bus"])
    b = objects(b_geoms, "b", ["car", "bus"])
    key = lambda m: sorted((m.ids_a[p.index_a], m.ids_b[p.index_b]) for p in m.pairs)  # noqa: E731
    before = key(match_objects(a, b, threshold=0.3, per_class=per_class))
    shuffled_a, shuffled_b = list(a), list(b)
    rnd.shuffle(shuffled_a)
    rnd.shuffle(shuffled_b)
    assert key(match_objects(shuffled_a, shuffled_b, threshold=0.3, per_class=per_class)) == before


@settings(max_examples=60)
@given(st.lists(geometry, min_size=1, max_size=8))
def test_an_annotation_matches_itself_completely(geoms: list[GeometryUnion]) -> None:
    a = objects(geoms, "o", ["x", "y", "z"])
    matching = match_objects(a, a, threshold=0.5)
    assert len(matching.pairs) == len(a)
    assert all(p.similarity > 1 - 1e-9 for p in matching.pairs)
