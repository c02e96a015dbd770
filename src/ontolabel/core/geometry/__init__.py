"""One canonical value type per geometry kind, with pure converters and measures beside it.

Conventions (see DESIGN.md): image in displayed pixels, xyxy, y down, degrees clockwise;
text in code points, half-open; audio in seconds, half-open; video in 0-based frames;
3D in metres, x forward / y left / z up.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ontolabel.core.geometry.audio import Interval
from ontolabel.core.geometry.box import Box, RotatedBox
from ontolabel.core.geometry.keypoints import Keypoint, Keypoints
from ontolabel.core.geometry.mask import Mask
from ontolabel.core.geometry.polygon import Polygon, PolygonPart, Polyline
from ontolabel.core.geometry.spatial import Cuboid
from ontolabel.core.geometry.tag import Tag
from ontolabel.core.geometry.text import Span
from ontolabel.core.geometry.video import Keyframe, Track

GeometryUnion = (
    Box
    | RotatedBox
    | Polygon
    | Mask
    | Keypoints
    | Polyline
    | Span
    | Interval
    | Track
    | Cuboid
    | Tag
)
Geometry = Annotated[GeometryUnion, Field(discriminator="kind")]

# Every geometry value type, in the order of GeometryKind.
GEOMETRY_TYPES: tuple[type[GeometryUnion], ...] = (
    Box,
    RotatedBox,
    Polygon,
    Mask,
    Keypoints,
    Polyline,
    Span,
    Interval,
    Track,
    Cuboid,
    Tag,
)

__all__ = [
    "GEOMETRY_TYPES",
    "Box",
    "Cuboid",
    "Geometry",
    "GeometryUnion",
    "Interval",
    "Keyframe",
    "Keypoint",
    "Keypoints",
    "Mask",
    "Polygon",
    "PolygonPart",
    "Polyline",
    "RotatedBox",
    "Span",
    "Tag",
    "Track",
]
