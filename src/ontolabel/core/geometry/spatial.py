"""3D geometry in metres, right-handed sensor frame: x forward, y left, z up."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt

from ontolabel.core.geometry.base import GeometryModel

Points3 = npt.NDArray[np.float64]


class Cuboid(GeometryModel):
    """Box centred on (x, y, z) with length along x, width along y, height along z,
    turned `yaw` radians about z (counter-clockwise seen from above)."""

    kind: Literal["cuboid"] = "cuboid"
    x: float
    y: float
    z: float
    length: float
    width: float
    height: float
    yaw: float = 0.0


# Corner signs along (length, width, height): the bottom face counter-clockwise from
# front-left seen from above, then the top face in the same order.
_CORNER_SIGNS = np.array(
    [
        [1, 1, -1],
        [-1, 1, -1],
        [-1, -1, -1],
        [1, -1, -1],
        [1, 1, 1],
        [-1, 1, 1],
        [-1, -1, 1],
        [1, -1, 1],
    ],
    dtype=np.float64,
)

# The 12 edges as pairs of corner indices: bottom ring, top ring, verticals.
CUBOID_EDGES: tuple[tuple[int, int], ...] = (
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 0),
    (4, 5),
    (5, 6),
    (6, 7),
    (7, 4),
    (0, 4),
    (1, 5),
    (2, 6),
    (3, 7),
)


def _rotation_z(yaw: float) -> npt.NDArray[np.float64]:
    c, s = math.cos(yaw), math.sin(yaw)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def cuboid_corners(cuboid: Cuboid) -> Points3:
    """The 8 corners (8×3), bottom face first; see `_CORNER_SIGNS` for the order."""
    half = np.array([cuboid.length, cuboid.width, cuboid.height]) / 2
    local = _CORNER_SIGNS * half
    corners: Points3 = local @ _rotation_z(cuboid.yaw).T + np.array([cuboid.x, cuboid.y, cuboid.z])
    return corners


def points_in_cuboid(cuboid: Cuboid, points: Points3) -> npt.NDArray[np.bool_]:
    """Which of the N×3 points lie inside the cuboid (boundary included)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    local = (pts - np.array([cuboid.x, cuboid.y, cuboid.z])) @ _rotation_z(cuboid.yaw)
    # A nanometre of slack keeps points on the faces inside despite rotation rounding.
    half = np.array([cuboid.length, cuboid.width, cuboid.height]) / 2 + 1e-9
    inside: npt.NDArray[np.bool_] = np.all(np.abs(local) <= half, axis=1)
    return inside


def cuboid_volume(cuboid: Cuboid) -> float:
    return abs(cuboid.length * cuboid.width * cuboid.height)
