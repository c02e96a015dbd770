"""Polygon rasterisation for COCO masks: a pixel is inside when its centre is."""

from __future__ import annotations

import numpy as np
import shapely
from format_builders import square
from hypothesis import given, settings
from hypothesis import strategies as st
from pycocotools import mask as rle

from ontolabel.core.geometry import Polygon, PolygonPart
from ontolabel.formats.coco.raster import rasterize_polygon


def test_pixel_aligned_square_covers_exactly_its_area() -> None:
    mask = rasterize_polygon(Polygon(parts=[PolygonPart(exterior=square(0, 0, 20, 20))]), 30, 30)
    assert mask.sum() == 400
    assert mask[:20, :20].all() and not mask[20:, :].any() and not mask[:, 20:].any()


def test_hole_is_cut_out() -> None:
    part = PolygonPart(exterior=square(0, 0, 20, 20), holes=[square(5, 5, 15, 15)])
    mask = rasterize_polygon(Polygon(parts=[part]), 30, 30)
    assert mask.sum() == 300
    assert not mask[5:15, 5:15].any()
    # pycocotools reads the same pixels back from the RLE we make of it
    encoded = rle.encode(mask)
    assert rle.area(encoded) == 300
    assert (rle.decode(encoded) == mask).all()


def test_parts_are_united_and_clipped_to_the_image() -> None:
    poly = Polygon(
        parts=[
            PolygonPart(exterior=square(-5, -5, 5, 5)),
            PolygonPart(exterior=square(25, 25, 40, 40)),
        ]
    )
    mask = rasterize_polygon(poly, 30, 30)
    assert mask.sum() == 25 + 25
    assert mask.flags.f_contiguous


def test_triangle_matches_pycocotools_on_a_large_shape() -> None:
    # pycocotools' rasteriser follows a different boundary rule, so only the interior agrees:
    # the two masks differ by at most the pixels along the perimeter
    tri = [(10.0, 10.0), (90.0, 20.0), (40.0, 80.0)]
    ours = rasterize_polygon(Polygon(parts=[PolygonPart(exterior=tri)]), 100, 100)
    theirs = rle.decode(rle.frPyObjects([[c for p in tri for c in p]], 100, 100))[:, :, 0]
    assert np.abs(ours.astype(int) - theirs).sum() < 0.02 * theirs.sum() + 250


coordinate = st.integers(min_value=0, max_value=160).map(lambda v: v / 4)


@st.composite
def polygons_with_holes(draw: st.DrawFn) -> Polygon:
    # star-shaped about (cx, cy) with gaps under 3/5 of a half turn: the edges stay over
    # 4.7 from the centre, so the hole (corners 4.25 away) lies inside the exterior
    n = draw(st.integers(min_value=5, max_value=9))
    jitter = draw(st.lists(st.floats(0, np.pi / n), min_size=n, max_size=n))
    angles = [2 * np.pi * i / n + j for i, j in enumerate(jitter)]
    radii = draw(st.lists(st.floats(8, 18), min_size=n, max_size=n))
    cx, cy = draw(coordinate), draw(coordinate)
    ring = [
        (cx + r * float(np.cos(a)), cy + r * float(np.sin(a)))
        for a, r in zip(angles, radii, strict=True)
    ]
    hole = square(cx - 3, cy - 3, cx + 3, cy + 3)
    return Polygon(parts=[PolygonPart(exterior=ring, holes=[hole] if draw(st.booleans()) else [])])


@settings(max_examples=60, deadline=None)
@given(polygons_with_holes())
def test_agrees_with_point_in_polygon_at_every_pixel_centre(poly: Polygon) -> None:
    height, width = 48, 56
    mask = rasterize_polygon(poly, height, width)
    part = poly.parts[0]
    shape = shapely.Polygon(part.exterior, part.holes)
    ys, xs = np.mgrid[0:height, 0:width]
    cx, cy = xs.ravel() + 0.5, ys.ravel() + 0.5
    expected = shapely.contains_xy(shape, cx, cy).reshape(height, width)
    differ = np.argwhere(mask.astype(bool) != expected)
    # only centres lying exactly on an edge may go either way
    for r, c in differ:
        assert shape.boundary.distance(shapely.Point(c + 0.5, r + 0.5)) < 1e-9
