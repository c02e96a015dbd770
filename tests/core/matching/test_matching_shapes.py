"""Planar area IoU (rotated boxes, polygons with holes and parts) against shapely computed
directly, and rotated 3D IoU of cuboids."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from ontolabel.core.geometry import Box, Cuboid, Polygon, PolygonPart, Polyline, RotatedBox
from ontolabel.core.geometry.box import rotated_box_corners
from ontolabel.core.matching import SimilarityOptions, similarity_matrix


def shapely_iou(g: shapely.Geometry, h: shapely.Geometry) -> float:
    return float(g.intersection(h).area / g.union(h).area)


@pytest.mark.parametrize("seed", range(5))
def test_rotated_boxes_equal_shapely_on_their_corners(seed: int) -> None:
    rng = np.random.default_rng(seed)
    boxes = [
        RotatedBox(
            cx=float(rng.uniform(0, 30)),
            cy=float(rng.uniform(0, 30)),
            w=float(rng.uniform(2, 20)),
            h=float(rng.uniform(2, 20)),
            angle=float(rng.uniform(-180, 180)),
        )
        for _ in range(12)
    ]
    ours = similarity_matrix(boxes[:6], boxes[6:])
    polys = [shapely.Polygon(rotated_box_corners(b)) for b in boxes]
    for i in range(6):
        for j in range(6):
            assert ours[i, j] == pytest.approx(shapely_iou(polys[i], polys[6 + j]), abs=1e-12)
    assert (ours > 0).any()


def test_rotated_box_turned_a_quarter_is_the_box_with_sides_swapped() -> None:
    turned = RotatedBox(cx=5, cy=5, w=4, h=2, angle=90)
    upright = Box(x1=4, y1=3, x2=6, y2=7)
    assert similarity_matrix([turned], [upright])[0, 0] == pytest.approx(1.0)


def test_polygons_with_holes_and_parts() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    hole = [(2.0, 2.0), (8.0, 2.0), (8.0, 8.0), (2.0, 8.0)]
    far = [(20.0, 0.0), (24.0, 0.0), (24.0, 4.0), (20.0, 4.0)]
    ring = Polygon(parts=[PolygonPart(exterior=square, holes=[hole]), PolygonPart(exterior=far)])
    full = Polygon(parts=[PolygonPart(exterior=square)])
    box = Box(x1=0, y1=0, x2=10, y2=5)
    sims = similarity_matrix([ring], [full, box, ring])
    ring_area = 100 - 36 + 16
    assert sims[0, 0] == pytest.approx(64 / (ring_area + 36))
    # ring ∩ box: the square's top half minus the hole's top part (6×3)
    inter = 50 - 18
    assert sims[0, 1] == pytest.approx(inter / (ring_area + 50 - inter))
    assert sims[0, 2] == pytest.approx(1.0)
    expected = shapely_iou(
        shapely.MultiPolygon([shapely.Polygon(square, [hole]), shapely.Polygon(far)]),
        shapely.box(0, 0, 10, 5),
    )
    assert sims[0, 1] == pytest.approx(expected)


def test_a_bow_tie_polygon_is_measured_by_the_area_it_covers() -> None:
    bow = Polygon(parts=[PolygonPart(exterior=[(0, 0), (2, 2), (2, 0), (0, 2)])])
    assert similarity_matrix([bow], [bow])[0, 0] == pytest.approx(1.0)
    left = Polygon(parts=[PolygonPart(exterior=[(0, 0), (1, 1), (0, 2)])])
    assert similarity_matrix([bow], [left])[0, 0] == pytest.approx(0.5)


def test_polylines_compare_as_widened_outlines() -> None:
    line = Polyline(points=[(0, 0), (10, 0)])
    moved = Polyline(points=[(0, 1), (10, 1)])
    sims = similarity_matrix([line], [line, moved], options=SimilarityOptions(polyline_width=2))
    assert sims[0, 0] == pytest.approx(1.0)
    assert 0 < sims[0, 1] < 0.5


def test_unit_cubes_shifted_by_half_have_iou_one_third() -> None:
    cube = Cuboid(x=0, y=0, z=0, length=1, width=1, height=1)
    for shift in ({"x": 0.5}, {"y": 0.5}, {"z": 0.5}):
        moved = cube.model_copy(update=shift)
        assert similarity_matrix([cube], [moved])[0, 0] == pytest.approx(1 / 3)
    assert similarity_matrix([cube], [cube])[0, 0] == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(4))
def test_rotated_cuboids_equal_shapely_footprint_times_height(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = Cuboid(x=0, y=0, z=0, length=4, width=2, height=1.5, yaw=math.pi / 4)
    b = Cuboid(
        x=float(rng.uniform(-1, 1)),
        y=float(rng.uniform(-1, 1)),
        z=float(rng.uniform(-0.5, 0.5)),
        length=3,
        width=2,
        height=1,
        yaw=float(rng.uniform(-math.pi, math.pi)),
    )

    def footprint(c: Cuboid) -> shapely.Geometry:
        rect = shapely.box(-c.length / 2, -c.width / 2, c.length / 2, c.width / 2)
        turned = shapely.affinity.rotate(rect, c.yaw, origin=(0, 0), use_radians=True)
        return shapely.affinity.translate(turned, c.x, c.y)

    heights = min(a.z + 0.75, b.z + 0.5) - max(a.z - 0.75, b.z - 0.5)
    inter = footprint(a).intersection(footprint(b)).area * max(0.0, heights)
    expected = inter / (4 * 2 * 1.5 + 3 * 2 * 1 - inter)
    assert similarity_matrix([a], [b])[0, 0] == pytest.approx(expected, abs=1e-12)
    assert expected > 0


def test_a_cuboid_turned_a_half_turn_is_the_same_cuboid() -> None:
    a = Cuboid(x=1, y=2, z=0, length=4, width=2, height=1, yaw=0.3)
    assert similarity_matrix([a], [a.model_copy(update={"yaw": 0.3 + math.pi})])[0, 0] == (
        pytest.approx(1.0)
    )
