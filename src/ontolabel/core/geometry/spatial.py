"""3D geometry in metres, right-handed sensor frame: x forward, y left, z up."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel


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
