"""Masks as polygons, for YOLO segment files (which hold rings, not pixels).

The outlines are OpenCV's contours of the mask (``findContours``, two-level: outer rings
and their holes). A contour runs through the centres of the mask's boundary pixels, so
each vertex is moved to the pixel centre (+0.5): the ring then lies half a pixel inside the
mask's edge, and its area is the pixel count less about half the perimeter — the usual,
and unavoidable, loss of tracing pixels with a line. Rings of fewer than 3 vertices (a
lone pixel, a one-pixel line) have no area and are returned as lost pixels instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ontolabel.core.geometry import Mask, Polygon, PolygonPart
from ontolabel.core.geometry.box import Point
from ontolabel.core.geometry.mask import rle_decode


@dataclass
class Traced:
    polygon: Polygon | None
    # pixels of pieces too thin to be a ring (fewer than 3 contour vertices)
    lost_pixels: int = 0


def _ring(contour: np.ndarray) -> list[Point]:
    return [(float(x) + 0.5, float(y) + 0.5) for x, y in contour.reshape(-1, 2)]


def mask_to_polygon(mask: Mask) -> Traced:
    pixels = np.ascontiguousarray(rle_decode(mask))
    contours, hierarchy = cv2.findContours(pixels, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    parts: list[PolygonPart] = []
    lost = 0
    if hierarchy is None:
        return Traced(None)
    links = hierarchy[0]
    for index, contour in enumerate(contours):
        if links[index][3] != -1:
            continue  # a hole: taken with its outer ring below
        holes = []
        child = links[index][2]
        while child != -1:
            if len(contours[child]) >= 3:
                holes.append(_ring(contours[child]))
            child = links[child][0]
        if len(contour) < 3:
            filled = np.zeros_like(pixels)
            cv2.drawContours(filled, contours, index, 1, thickness=cv2.FILLED)
            lost += int(filled.sum())
            continue
        parts.append(PolygonPart(exterior=_ring(contour), holes=holes))
    return Traced(Polygon(parts=parts) if parts else None, lost)
