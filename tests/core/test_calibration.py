"""Projection of 3D sensor points into calibrated camera images, checked on a real KITTI
frame and against OpenCV as an independent implementation."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.geometry.calibration import (
    Calibration,
    cuboid_to_box,
    kitti_calibration,
    kitti_label_to_cuboid,
    project_points,
    unproject_pixels,
)
from ontolabel.core.geometry.spatial import Cuboid, cuboid_corners, cuboid_volume, points_in_cuboid

KITTI = (
    Path(__file__).resolve().parents[3]
    / "shared/corpus/datumaro/tests/assets/kitti_dataset/kitti_3d/training"
)

# A camera looking along the sensor's x axis: camera x = -sensor y, y = -z, z = x.
LOOK_FORWARD = [[0, -1, 0, 0], [0, 0, -1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]
K = [[700.0, 0.0, 640.0], [0.0, 710.0, 360.0], [0.0, 0.0, 1.0]]


def read_kitti_calib(path: Path) -> dict[str, list[float]]:
    rows: dict[str, list[float]] = {}
    for line in path.read_text().splitlines():
        if ":" in line:
            name, values = line.split(":", 1)
            rows[name] = [float(v) for v in values.split()]
    return rows


@pytest.fixture
def kitti() -> tuple[dict[str, list[float]], list[str]]:
    if not KITTI.is_dir():
        pytest.skip("the shared KITTI sample is not on this machine")
    calib = read_kitti_calib(KITTI / "calib/000001.txt")
    labels = (KITTI / "label_2/000001.txt").read_text().splitlines()
    return calib, labels


def test_kitti_truck_projects_onto_its_2d_box(
    kitti: tuple[dict[str, list[float]], list[str]],
) -> None:
    calib, labels = kitti
    fields = labels[0].split()
    assert fields[0] == "Truck"
    x1, y1, x2, y2 = (float(v) for v in fields[4:8])
    h, w, length, x, y, z, rotation_y = (float(v) for v in fields[8:15])
    camera = kitti_calibration(calib["P2"], calib["R0_rect"], calib["Tr_velo_to_cam"])
    cuboid = kitti_label_to_cuboid(
        (h, w, length), (x, y, z), rotation_y, calib["R0_rect"], calib["Tr_velo_to_cam"]
    )
    # In the Velodyne frame the truck lies ~70 m ahead, its length along x (rotation_y ~ -pi/2).
    assert cuboid.x == pytest.approx(69.7, abs=0.1) and abs(cuboid.yaw) < 0.05
    box = cuboid_to_box(camera, cuboid)
    assert box is not None
    # The sample rounds KITTI's box (599.41 156.40 629.75 189.25) to whole pixels.
    for ours, label in zip((box.x1, box.y1, box.x2, box.y2), (x1, y1, x2, y2), strict=True):
        assert ours == pytest.approx(label, abs=7.0)
    assert (box.x1, box.y1, box.x2, box.y2) == pytest.approx(
        (599.41, 156.40, 629.75, 189.25), abs=0.5
    )


def test_kitti_projection_equals_the_p2_r0_tr_chain(
    kitti: tuple[dict[str, list[float]], list[str]],
) -> None:
    calib, _ = kitti
    camera = kitti_calibration(calib["P2"], calib["R0_rect"], calib["Tr_velo_to_cam"])
    points = np.array([[10.0, 2.0, -1.0], [35.0, -4.0, 0.5], [5.0, 0.0, 0.0], [-8.0, 1.0, 0.0]])
    p2 = np.array(calib["P2"]).reshape(3, 4)
    r0 = np.eye(4)
    r0[:3, :3] = np.array(calib["R0_rect"]).reshape(3, 3)
    tr = np.eye(4)
    tr[:3, :] = np.array(calib["Tr_velo_to_cam"]).reshape(3, 4)
    homogeneous = (p2 @ r0 @ tr @ np.column_stack([points, np.ones(4)]).T).T
    expected = homogeneous[:, :2] / homogeneous[:, 2:3]
    uv, in_front = project_points(camera, points)
    assert in_front.tolist() == [True, True, True, False]
    np.testing.assert_allclose(uv[:3], expected[:3], atol=1e-6)
    assert np.isnan(uv[3]).all()


def test_distortion_matches_opencv() -> None:
    calib = Calibration(
        extrinsics=LOOK_FORWARD, intrinsics=K, distortion=[-0.28, 0.07, 0.001, -0.0005, 0.01]
    )
    points = np.array([[10.0, 3.0, 1.0], [5.0, -2.0, -1.5], [20.0, 0.0, 0.0]])
    ours, _ = project_points(calib, points)
    ext = np.array(LOOK_FORWARD, dtype=np.float64)
    rvec, _ = cv2.Rodrigues(ext[:3, :3])
    theirs, _ = cv2.projectPoints(points, rvec, ext[:3, 3], np.array(K), np.array(calib.distortion))
    np.testing.assert_allclose(ours, theirs.reshape(-1, 2), atol=1e-6)


@given(
    st.lists(
        st.tuples(st.floats(0, 1280), st.floats(0, 720), st.floats(0.5, 200)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from([[0.0] * 5, [-0.1, 0.02, 0.001, 0.001, 0.0]]),
)
def test_points_built_from_pixels_and_depth_project_back_to_the_pixels(
    samples: list[tuple[float, float, float]], distortion: list[float]
) -> None:
    calib = Calibration(extrinsics=LOOK_FORWARD, intrinsics=K, distortion=distortion)
    uv = np.array([(u, v) for u, v, _ in samples])
    depth = np.array([d for _, _, d in samples])
    points = unproject_pixels(calib, uv, depth)
    back, in_front = project_points(calib, points)
    assert in_front.all()
    np.testing.assert_allclose(back, uv, atol=1e-6)


def test_cuboid_corners_and_points_inside() -> None:
    cuboid = Cuboid(x=10, y=0, z=1, length=4, width=2, height=2, yaw=math.pi / 2)
    corners = cuboid_corners(cuboid)
    # turned a quarter, the length runs along y
    np.testing.assert_allclose(corners.min(axis=0), [9, -2, 0], atol=1e-12)
    np.testing.assert_allclose(corners.max(axis=0), [11, 2, 2], atol=1e-12)
    inside = points_in_cuboid(
        cuboid, np.array([[10, 1.9, 1], [10, 0, 2.5], [11.5, 0, 1], *corners])
    )
    assert inside.tolist() == [True, False, False] + [True] * 8
    assert cuboid_volume(cuboid) == 16


def test_cuboid_half_behind_the_camera_projects_clipped_to_the_image() -> None:
    calib = Calibration(extrinsics=LOOK_FORWARD, intrinsics=K, width=1280, height=720)
    straddling = Cuboid(x=0.5, y=0, z=0, length=4, width=2, height=2)
    box = cuboid_to_box(calib, straddling)
    assert box is not None and (box.x1, box.y1, box.x2, box.y2) == (0, 0, 1280, 720)
    assert cuboid_to_box(calib, Cuboid(x=-10, y=0, z=0, length=2, width=2, height=2)) is None
    ahead = cuboid_to_box(calib, Cuboid(x=10, y=0, z=0, length=2, width=2, height=2))
    # nearest face at 9 m, 2 m wide: 700 * 1 / 9 px either side of the principal point
    assert ahead is not None
    assert (ahead.x1, ahead.x2) == pytest.approx((640 - 700 / 9, 640 + 700 / 9))


def test_calibration_refuses_wrong_matrix_shapes() -> None:
    with pytest.raises(ValueError, match="4×4"):
        Calibration(extrinsics=[[1, 0, 0]], intrinsics=K)
    with pytest.raises(ValueError, match="5 coefficients"):
        Calibration(extrinsics=LOOK_FORWARD, intrinsics=K, distortion=[0.1])
