"""Image geometry in displayed (EXIF-applied) pixels, x right, y down.

The types live in one file per shape family (box, polygon, mask, keypoints); this module
gathers them under the name other layers already import from.
"""

from __future__ import annotations

from ontolabel.core.geometry.box import Box, Point, RotatedBox
from ontolabel.core.geometry.keypoints import Keypoint, Keypoints
from ontolabel.core.geometry.mask import Mask
from ontolabel.core.geometry.polygon import Polygon, PolygonPart, Polyline, Ring

ImageGeometry = Box | RotatedBox | Polygon | Mask | Keypoints | Polyline

__all__ = [
    "Box",
    "ImageGeometry",
    "Keypoint",
    "Keypoints",
    "Mask",
    "Point",
    "Polygon",
    "PolygonPart",
    "Polyline",
    "RotatedBox",
    "Ring",
]
