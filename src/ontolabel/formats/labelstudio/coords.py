"""Label Studio's image coordinates and ontolabel's, as small pure converters.

Label Studio gives every image position in percent of the image's original size: ``x`` and
``width`` of its width, ``y`` and ``height`` of its height. A rectangle's ``x``/``y`` is its
top-left corner before turning, and ``rotation`` turns it clockwise (on screen) about that
corner. ontolabel keeps pixels and turns a rotated box about its centre (DESIGN.md), so the
centre is the corner plus the half-size vector turned by the angle.
"""

from __future__ import annotations

import math

from ontolabel.core.geometry import Box, RotatedBox


def percent_to_px(value: float, size: int) -> float:
    return value * size / 100.0


def px_to_percent(value: float, size: int) -> float:
    return value * 100.0 / size


def _turn(dx: float, dy: float, angle: float) -> tuple[float, float]:
    # with y pointing down, the standard rotation matrix turns clockwise on screen
    theta = math.radians(angle)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    return dx * cos_t - dy * sin_t, dx * sin_t + dy * cos_t


def rectangle_to_geometry(
    x: float, y: float, w: float, h: float, rotation: float, width: int, height: int
) -> Box | RotatedBox:
    """A Label Studio rectangle (percent, turned about its corner) in image pixels."""
    px, py = percent_to_px(x, width), percent_to_px(y, height)
    pw, ph = percent_to_px(w, width), percent_to_px(h, height)
    if rotation % 360 == 0:
        return Box(x1=px, y1=py, x2=px + pw, y2=py + ph)
    dx, dy = _turn(pw / 2, ph / 2, rotation)
    return RotatedBox(cx=px + dx, cy=py + dy, w=pw, h=ph, angle=rotation)


def geometry_to_rectangle(
    geometry: Box | RotatedBox, width: int, height: int
) -> tuple[float, float, float, float, float]:
    """(x, y, width, height, rotation) in Label Studio's percent form."""
    if isinstance(geometry, Box):
        x, y = geometry.x1, geometry.y1
        w, h, angle = geometry.x2 - geometry.x1, geometry.y2 - geometry.y1, 0.0
    else:
        w, h, angle = geometry.w, geometry.h, geometry.angle % 360
        dx, dy = _turn(w / 2, h / 2, angle)
        x, y = geometry.cx - dx, geometry.cy - dy
    return (
        px_to_percent(x, width),
        px_to_percent(y, height),
        px_to_percent(w, width),
        px_to_percent(h, height),
        angle,
    )
