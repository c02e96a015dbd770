"""Video tracks: keyframes on 0-based frame indices, interpolated between, with outside flags."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel
from ontolabel.core.geometry.image import Box, Polygon, RotatedBox


class Keyframe(GeometryModel):
    frame: int
    shape: Box | RotatedBox | Polygon
    # outside: the object has left the view from this frame until the next keyframe
    outside: bool = False


class Track(GeometryModel):
    kind: Literal["track"] = "track"
    keyframes: list[Keyframe]
    interpolation: Literal["linear", "none"] = "linear"
