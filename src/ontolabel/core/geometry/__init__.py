"""One canonical value type per geometry kind, with pure converters beside it.

Conventions (see DESIGN.md): image in displayed pixels, xyxy, y down, degrees clockwise;
text in code points, half-open; audio in seconds, half-open; video in 0-based frames;
3D in metres, x forward / y left / z up.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ontolabel.core.geometry.audio import Interval
from ontolabel.core.geometry.image import Box, Keypoints, Mask, Polygon, Polyline, RotatedBox
from ontolabel.core.geometry.spatial import Cuboid
from ontolabel.core.geometry.tag import Tag
from ontolabel.core.geometry.text import Span
from ontolabel.core.geometry.video import Track

Geometry = Annotated[
    Box | RotatedBox | Polygon | Mask | Keypoints | Polyline | Span | Interval | Track | Cuboid | Tag,
    Field(discriminator="kind"),
]

__all__ = [
    "Box",
    "Cuboid",
    "Geometry",
    "Interval",
    "Keypoints",
    "Mask",
    "Polygon",
    "Polyline",
    "RotatedBox",
    "Span",
    "Tag",
    "Track",
]
