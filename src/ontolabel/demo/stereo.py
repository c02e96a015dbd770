"""A real point cloud from a real stereo pair: Middlebury 2014 "Motorcycle", as shipped
(quarter resolution, with its ground-truth disparity) in scikit-image.

Depth from disparity for a rectified pair: Z = f * B / (d + doffs), then
X = (u - cx) * Z / f and Y = (v - cy) * Z / f in the left camera's frame (x right,
y down, z forward). The cloud is re-expressed in the sensor frame ontolabel uses
(x forward, y left, z up); the calibration stored beside it maps that frame back to the
camera, so every point projects exactly onto the left-image pixel it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StereoCalibration:
    """Rectified stereo rig; pixels with integer coordinates at pixel centres (as OpenCV)."""

    focal_px: float
    cx: float
    cy: float
    doffs_px: float  # x difference of the two principal points (Middlebury "doffs")
    baseline_m: float


# The Middlebury 2014 Motorcycle calibration for the 4x down-sampled images, as printed in
# the docstring of skimage.data.stereo_motorcycle (scikit-image 0.26.0): focal length
# 994.978 px, principal point (311.193, 254.877) px, principal point dx 31.086 px,
# baseline 193.001 mm. Depths come out at 2.1-5.0 m, the scale of the Middlebury scenes.
MOTORCYCLE = StereoCalibration(
    focal_px=994.978, cx=311.193, cy=254.877, doffs_px=31.086, baseline_m=0.193001
)

# sensor (x forward, y left, z up) -> camera (x right, y down, z forward)
SENSOR_TO_CAMERA_ROTATION = np.array(
    [[0.0, -1.0, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0]], dtype=np.float64
)


@dataclass(frozen=True)
class StereoCloud:
    points: FloatArray  # (N, 4): x, y, z in metres (sensor frame), intensity 0..1
    pixels: npt.NDArray[np.int64]  # (N, 2): the left-image (u, v) each point came from


def disparity_to_cloud(
    disparity: FloatArray,
    calib: StereoCalibration,
    gray: npt.NDArray[np.uint8] | None = None,
    stride: int = 1,
) -> StereoCloud:
    """One point per pixel with a finite, positive disparity (``stride`` subsamples)."""
    height, width = disparity.shape
    v, u = np.mgrid[0:height:stride, 0:width:stride]
    d = disparity[v, u].astype(np.float64)
    valid = np.isfinite(d) & (d + calib.doffs_px > 0)
    u, v, d = u[valid], v[valid], d[valid]
    depth = calib.focal_px * calib.baseline_m / (d + calib.doffs_px)
    camera = np.stack(
        [(u - calib.cx) * depth / calib.focal_px, (v - calib.cy) * depth / calib.focal_px, depth],
        axis=1,
    )
    # camera = R @ sensor, and R is orthonormal: sensor = R.T @ camera
    sensor = camera @ SENSOR_TO_CAMERA_ROTATION
    intensity = gray[v, u].astype(np.float64) / 255.0 if gray is not None else np.ones(len(depth))
    points = np.column_stack([sensor, intensity])
    return StereoCloud(points=points, pixels=np.stack([u, v], axis=1).astype(np.int64))


def camera_calibration(calib: StereoCalibration, width: int, height: int) -> dict[str, Any]:
    """The left camera as ontolabel's Calibration document (sensor -> camera extrinsics,
    intrinsics K, no distortion: the Middlebury images are rectified)."""
    extrinsics = np.eye(4)
    extrinsics[:3, :3] = SENSOR_TO_CAMERA_ROTATION
    intrinsics = [[calib.focal_px, 0.0, calib.cx], [0.0, calib.focal_px, calib.cy], [0.0, 0.0, 1.0]]
    return {
        "extrinsics": extrinsics.tolist(),
        "intrinsics": intrinsics,
        "distortion": [0.0] * 5,
        "width": width,
        "height": height,
    }
