"""The demo point cloud is real (Middlebury stereo + true disparity) and its calibration
projects every point exactly back onto the pixel it came from, in both cameras."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from ontolabel.core.geometry.calibration import Calibration, project_points
from ontolabel.demo.sources import motorcycle_cloud, motorcycle_item, right_camera_calibration
from ontolabel.demo.stereo import (
    MOTORCYCLE,
    StereoCloud,
    camera_calibration,
    disparity_to_cloud,
)
from ontolabel.demo.wheels import MOTORCYCLE_DISPARITY, read_member
from ontolabel.media import load_points, probe


@pytest.fixture(scope="module")
def disparity(wheels: Path) -> np.ndarray:
    return np.load(io.BytesIO(read_member(wheels, MOTORCYCLE_DISPARITY)))["arr_0"]


@pytest.fixture(scope="module")
def built(wheels: Path) -> tuple[StereoCloud, int, int]:
    return motorcycle_cloud(wheels)


def test_every_point_lands_on_its_left_pixel(
    built: tuple[StereoCloud, int, int], disparity: np.ndarray
) -> None:
    cloud, width, height = built
    assert (width, height) == disparity.shape[::-1] == (741, 500)
    assert len(cloud.points) == int(np.isfinite(disparity).sum())
    calib = Calibration.model_validate(camera_calibration(MOTORCYCLE, width, height))
    uv, in_front = project_points(calib, cloud.points[:, :3])
    assert in_front.all()
    assert np.abs(uv - cloud.pixels).max() < 1e-6


def test_right_camera_sees_each_point_one_disparity_to_the_left(
    built: tuple[StereoCloud, int, int], disparity: np.ndarray
) -> None:
    cloud, width, height = built
    right = Calibration.model_validate(right_camera_calibration(width, height))
    uv, _ = project_points(right, cloud.points[:, :3])
    u, v = cloud.pixels[:, 0], cloud.pixels[:, 1]
    # Middlebury's definition of disparity: x_right = x_left - d
    assert np.abs(uv[:, 0] - (u - disparity[v, u])).max() < 1e-6
    assert np.abs(uv[:, 1] - v).max() < 1e-6


def test_cloud_is_in_the_sensor_frame_at_the_scale_of_the_scene(
    built: tuple[StereoCloud, int, int],
) -> None:
    points, pixels = built[0].points, built[0].pixels
    forward, left, up = points[:, 0], points[:, 1], points[:, 2]
    # the motorcycle stands 2-5 m in front of the rig
    assert forward.min() > 2.0 and forward.max() < 5.5
    # the image spans about 741 px / 995 px * depth across: |y| stays within ~2 m
    assert np.abs(left).max() < 2.0 and np.abs(up).max() < 2.0
    # the top image row is above the bottom row: z up
    assert up[pixels[:, 1] < 50].mean() > up[pixels[:, 1] > 450].mean()
    assert ((points[:, 3] >= 0) & (points[:, 3] <= 1)).all()


def test_depth_follows_the_published_formula() -> None:
    # Z = f * B / (d + doffs) at the principal point is straight ahead
    disparity = np.full((300, 400), np.nan)
    v, u = 254, 311
    disparity[v, u] = 68.914
    cloud = disparity_to_cloud(disparity, MOTORCYCLE)
    assert len(cloud.points) == 1
    expected = 994.978 * 0.193001 / (68.914 + 31.086)
    assert cloud.points[0, 0] == pytest.approx(expected, rel=1e-12)
    assert cloud.points[0, 1] == pytest.approx(-(u - 311.193) * expected / 994.978, rel=1e-12)


def test_demo_item_stores_the_cloud_losslessly(
    wheels: Path, tmp_path: Path, built: tuple[StereoCloud, int, int]
) -> None:
    item = motorcycle_item(wheels, tmp_path)
    cloud_file, left, right = item.files
    stored = load_points(cloud_file.path)
    assert np.array_equal(stored, built[0].points)
    info = probe(cloud_file.path, cloud_file.name)
    assert info.point_count == len(stored) and info.extra == {"has_intensity": True}
    assert left.extra["camera"] == "left" and right.extra["camera"] == "right"
    Calibration.model_validate(left.extra["calibration"])
