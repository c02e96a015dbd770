"""Camera calibration and projection of 3D sensor points into a camera image.

Frames: the sensor frame is the point cloud's (metres, x forward, y left, z up). The
camera frame follows the pinhole convention used by OpenCV and KITTI: x right, y down,
z forward along the optical axis; a point is in front of the camera when its z > 0.
`extrinsics` is the 4×4 rigid transform from sensor to camera coordinates, `intrinsics`
the 3×3 matrix K, and `distortion` the Brown–Conrady coefficients (k1, k2, p1, p2, k3)
applied to normalised coordinates before K, as OpenCV does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ontolabel.core.geometry.box import Box, box_clip
from ontolabel.core.geometry.spatial import CUBOID_EDGES, Cuboid, cuboid_corners

FloatArray = npt.NDArray[np.float64]

# Points closer to the image plane than this (metres) are treated as behind the camera:
# their projection runs off to infinity.
NEAR_PLANE = 1e-3


class Calibration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    extrinsics: list[list[float]] = Field(description="4×4 sensor -> camera transform")
    intrinsics: list[list[float]] = Field(description="3×3 camera matrix K")
    distortion: list[float] = Field(
        default_factory=lambda: [0.0] * 5, description="k1, k2, p1, p2, k3"
    )
    width: int | None = Field(default=None, description="image width in pixels")
    height: int | None = Field(default=None, description="image height in pixels")

    @field_validator("extrinsics")
    @classmethod
    def _four_by_four(cls, value: list[list[float]]) -> list[list[float]]:
        if len(value) != 4 or any(len(row) != 4 for row in value):
            raise ValueError("extrinsics must be a 4×4 matrix")
        return value

    @field_validator("intrinsics")
    @classmethod
    def _three_by_three(cls, value: list[list[float]]) -> list[list[float]]:
        if len(value) != 3 or any(len(row) != 3 for row in value):
            raise ValueError("intrinsics must be a 3×3 matrix")
        return value

    @field_validator("distortion")
    @classmethod
    def _five_coefficients(cls, value: list[float]) -> list[float]:
        if len(value) != 5:
            raise ValueError("distortion must hold 5 coefficients: k1, k2, p1, p2, k3")
        return value

    def extrinsics_matrix(self) -> FloatArray:
        return np.array(self.extrinsics, dtype=np.float64)

    def intrinsics_matrix(self) -> FloatArray:
        return np.array(self.intrinsics, dtype=np.float64)


def to_camera(calib: Calibration, points: FloatArray) -> FloatArray:
    """N×3 sensor points in camera coordinates."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    ext = calib.extrinsics_matrix()
    camera: FloatArray = pts @ ext[:3, :3].T + ext[:3, 3]
    return camera


def _distort(calib: Calibration, xy: FloatArray) -> FloatArray:
    k1, k2, p1, p2, k3 = calib.distortion
    x, y = xy[:, 0], xy[:, 1]
    r2 = x * x + y * y
    radial = 1 + k1 * r2 + k2 * r2**2 + k3 * r2**3
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
    return np.stack([xd, yd], axis=1)


def _pixels_from_normalised(calib: Calibration, xy: FloatArray) -> FloatArray:
    k = calib.intrinsics_matrix()
    distorted = _distort(calib, xy)
    homogeneous = np.column_stack([distorted, np.ones(len(distorted))])
    uvw = homogeneous @ k.T
    pixels: FloatArray = uvw[:, :2] / uvw[:, 2:3]
    return pixels


def project_camera_points(
    calib: Calibration, camera: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Project N×3 camera-frame points; behind-camera points get NaN pixels."""
    in_front: npt.NDArray[np.bool_] = camera[:, 2] > NEAR_PLANE
    uv = np.full((len(camera), 2), np.nan)
    if in_front.any():
        front = camera[in_front]
        uv[in_front] = _pixels_from_normalised(calib, front[:, :2] / front[:, 2:3])
    return uv, in_front


def project_points(
    calib: Calibration, points: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Pixels (N×2, u right, v down) of N×3 sensor points, and which points are in front.

    Points behind the camera have no pixel: their rows are NaN and `in_front` is False.
    Points in front may still fall outside the image; compare with width/height.
    """
    return project_camera_points(calib, to_camera(calib, points))


def unproject_pixels(calib: Calibration, uv: FloatArray, depth: FloatArray) -> FloatArray:
    """Sensor points (N×3) seen at pixels `uv` (N×2) at camera depth `depth` (N, metres).

    Undoes the lens distortion by fixed-point iteration, which converges for the mild
    distortion of real lenses (|k1| well below 1 in normalised units).
    """
    pixels = np.asarray(uv, dtype=np.float64).reshape(-1, 2)
    depths = np.asarray(depth, dtype=np.float64).reshape(-1)
    k_inv = np.linalg.inv(calib.intrinsics_matrix())
    homogeneous = np.column_stack([pixels, np.ones(len(pixels))]) @ k_inv.T
    distorted = homogeneous[:, :2] / homogeneous[:, 2:3]
    xy = distorted.copy()
    if any(calib.distortion):
        for _ in range(50):
            # Move the estimate by how far its distorted image misses the observed one.
            xy = xy + (distorted - _distort(calib, xy))
    camera = np.column_stack([xy * depths[:, None], depths])
    ext = calib.extrinsics_matrix()
    sensor: FloatArray = (camera - ext[:3, 3]) @ ext[:3, :3]
    return sensor


def _clip_to_near_plane(camera_corners: FloatArray) -> FloatArray:
    """Points of the cuboid's edges in front of the near plane: kept corners plus the
    points where edges cross the plane, so a box half behind the camera still projects."""
    kept: list[FloatArray] = [c for c in camera_corners if c[2] > NEAR_PLANE]
    for i, j in CUBOID_EDGES:
        a, b = camera_corners[i], camera_corners[j]
        if (a[2] > NEAR_PLANE) != (b[2] > NEAR_PLANE):
            t = (NEAR_PLANE * 1.0001 - a[2]) / (b[2] - a[2])
            kept.append(a + (b - a) * t)
    return np.array(kept, dtype=np.float64).reshape(-1, 3)


def cuboid_to_box(
    calib: Calibration, cuboid: Cuboid, width: float | None = None, height: float | None = None
) -> Box | None:
    """The 2D box a cuboid covers in the camera image, clipped to the image when its size
    is known (arguments, else the calibration's); None when it is not in view."""
    camera = _clip_to_near_plane(to_camera(calib, cuboid_corners(cuboid)))
    if len(camera) == 0:
        return None
    uv, _ = project_camera_points(calib, camera)
    box = Box(
        x1=float(uv[:, 0].min()),
        y1=float(uv[:, 1].min()),
        x2=float(uv[:, 0].max()),
        y2=float(uv[:, 1].max()),
    )
    width = width if width is not None else calib.width
    height = height if height is not None else calib.height
    if width is None or height is None:
        return box
    return box_clip(box, width, height)


def _matrix(values: Sequence[float] | FloatArray, rows: int, cols: int) -> FloatArray:
    return np.asarray(values, dtype=np.float64).reshape(rows, cols)


def _homogeneous(matrix: FloatArray) -> FloatArray:
    out = np.eye(4)
    out[: matrix.shape[0], : matrix.shape[1]] = matrix
    return out


def kitti_calibration(
    p2: Sequence[float] | FloatArray,
    r0_rect: Sequence[float] | FloatArray,
    tr_velo_to_cam: Sequence[float] | FloatArray,
    width: int | None = None,
    height: int | None = None,
) -> Calibration:
    """Calibration of KITTI's left colour camera (image_2) for its Velodyne points.

    Takes the rows of a KITTI calib file, flat or shaped: P2 (3×4), R0_rect (3×3),
    Tr_velo_to_cam (3×4). P2 = K·[I | t] holds the intrinsics K and the offset t of
    camera 2 from the rectified reference camera, so sensor -> camera is
    [I | t] · R0_rect · Tr_velo_to_cam. KITTI images are rectified: no distortion.
    """
    projection = _matrix(p2, 3, 4)
    k = projection[:, :3]
    offset = np.linalg.solve(k, projection[:, 3])
    shift = np.eye(4)
    shift[:3, 3] = offset
    extrinsics = (
        shift @ _homogeneous(_matrix(r0_rect, 3, 3)) @ _homogeneous(_matrix(tr_velo_to_cam, 3, 4))
    )
    return Calibration(
        extrinsics=extrinsics.tolist(), intrinsics=k.tolist(), width=width, height=height
    )


def kitti_label_to_cuboid(
    dimensions: Sequence[float],
    location: Sequence[float],
    rotation_y: float,
    r0_rect: Sequence[float] | FloatArray,
    tr_velo_to_cam: Sequence[float] | FloatArray,
) -> Cuboid:
    """A KITTI label_2 object (dimensions h, w, l; location of the bottom-face centre in
    the rectified camera frame; rotation_y about the camera's y axis) as a Cuboid in the
    Velodyne frame."""
    h, w, length = (float(v) for v in dimensions)
    rect_to_velo = np.linalg.inv(
        _homogeneous(_matrix(r0_rect, 3, 3)) @ _homogeneous(_matrix(tr_velo_to_cam, 3, 4))
    )
    # The camera's y axis points down, so the centre is half a height above the location.
    centre_rect = np.array([location[0], location[1] - h / 2, location[2], 1.0])
    centre = rect_to_velo @ centre_rect
    # rotation_y = 0 points the object's length along the camera's x axis.
    heading_rect = np.array([np.cos(rotation_y), 0.0, -np.sin(rotation_y)])
    heading = rect_to_velo[:3, :3] @ heading_rect
    return Cuboid(
        x=float(centre[0]),
        y=float(centre[1]),
        z=float(centre[2]),
        length=length,
        width=w,
        height=h,
        yaw=float(np.arctan2(heading[1], heading[0])),
    )
