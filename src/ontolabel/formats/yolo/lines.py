"""One YOLO label line <-> core image geometry (pure functions, no I/O).

YOLO writes coordinates normalised by the image size (0..1, x by width, y by height), so
every conversion takes the image's displayed width and height; geometry in ontolabel is
absolute pixels. Line forms (class id first, then):
- detect: ``cx cy w h`` of an axis-aligned box;
- segment: ``x1 y1 x2 y2 ...`` of one polygon ring (at least 3 points);
- obb: ``x1 y1 ... x4 y4``, the four corners of a rotated box, in order around it;
- pose: ``cx cy w h`` then ``x y [visibility]`` per keypoint (kpt_shape = [count, 2 or 3]).
Numbers are written with at most 12 decimals: enough for any image (1e-12 of 100,000 px
is 1e-7 px) and short enough that the sine and cosine noise of a rotation (1e-17) is gone,
so a box turned 90 degrees writes ``0.15``, not ``0.15000000000000002``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ontolabel.core.geometry import Box, Keypoint, Keypoints, Polygon, PolygonPart, RotatedBox
from ontolabel.core.geometry.box import Point, rotated_box_corners

DECIMALS = 12
# corners of an oriented box given with 6 decimals are a parallelogram to about 1e-6
PARALLELOGRAM_TOLERANCE = 1e-4


class LineError(ValueError):
    """A label line is malformed; the message says how."""


def number(value: float) -> str:
    """A normalised coordinate as YOLO files write it: plain decimals, no trailing zeros,
    no exponent. (The shortest repr of the rounded value is those decimals, and much faster
    to make; repr writes an exponent below 1e-4, so those take the long way.)"""
    rounded = round(value, DECIMALS)
    if 1e-4 <= abs(rounded) < 1e15:
        text = repr(rounded)
        return text[:-2] if text.endswith(".0") else text
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def floats(tokens: Sequence[str], what: str) -> list[float]:
    values: list[float] = []
    for index, token in enumerate(tokens):
        try:
            value = float(token)
        except ValueError:
            raise LineError(f"{what}: {token!r} (field {index + 2}) is not a number") from None
        if not math.isfinite(value):
            raise LineError(f"{what}: {token!r} (field {index + 2}) is not a finite number")
        values.append(value)
    return values


def class_index(token: str) -> int:
    """The class id of a line: a non-negative integer (``2``; ``2.0`` as some tools write)."""
    try:
        value = float(token)
    except ValueError:
        raise LineError(f"class id {token!r} is not an integer") from None
    if not value.is_integer() or value < 0:
        raise LineError(f"class id {token!r} is not a non-negative integer")
    return int(value)


# -- reading ---------------------------------------------------------------------------------


def read_box(values: Sequence[float], width: int, height: int) -> Box:
    cx, cy, w, h = values
    if w < 0 or h < 0:
        raise LineError(f"box width and height must not be negative, got {w:g} x {h:g}")
    return Box(
        x1=(cx - w / 2) * width,
        y1=(cy - h / 2) * height,
        x2=(cx + w / 2) * width,
        y2=(cy + h / 2) * height,
    )


def _points(values: Sequence[float], width: int, height: int) -> list[Point]:
    return [(values[i] * width, values[i + 1] * height) for i in range(0, len(values), 2)]


def read_polygon(values: Sequence[float], width: int, height: int) -> Polygon:
    if len(values) % 2:
        raise LineError(f"a polygon is x y pairs, got an odd count of numbers ({len(values)})")
    if len(values) < 6:
        raise LineError(
            f"a polygon needs at least 3 points (6 numbers), got {len(values) // 2} points"
        )
    return Polygon(parts=[PolygonPart(exterior=_points(values, width, height))])


def is_axis_aligned(values: Sequence[float]) -> bool:
    """Whether 4 corners (8 numbers) have sides along the axes (a box written as corners)."""
    x0, y0, x1, y1 = values[:4]
    return abs(x0 - x1) <= PARALLELOGRAM_TOLERANCE or abs(y0 - y1) <= PARALLELOGRAM_TOLERANCE


def is_parallelogram(values: Sequence[float]) -> bool:
    """Whether 8 numbers are 4 corners of a parallelogram (the form of a rectangle after
    YOLO scales x and y by different image sides): opposite corners share a midpoint."""
    if len(values) != 8:
        return False
    x0, y0, x1, y1, x2, y2, x3, y3 = values
    return (
        abs((x0 + x2) - (x1 + x3)) <= PARALLELOGRAM_TOLERANCE
        and abs((y0 + y2) - (y1 + y3)) <= PARALLELOGRAM_TOLERANCE
    )


def corners_to_rotated(corners: Sequence[Point]) -> RotatedBox:
    """The rotated box of 4 corners in order around it (either way round): centre = their
    mean, width along the first side, angle = that side's direction (clockwise, y down)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    # the first side and its opposite, and the second side and its opposite, averaged
    ux, uy = ((x1 - x0) + (x2 - x3)) / 2, ((y1 - y0) + (y2 - y3)) / 2
    vx, vy = ((x2 - x1) + (x3 - x0)) / 2, ((y2 - y1) + (y3 - y0)) / 2
    angle = math.degrees(math.atan2(uy, ux))
    return RotatedBox(
        cx=(x0 + x1 + x2 + x3) / 4,
        cy=(y0 + y1 + y2 + y3) / 4,
        w=math.hypot(ux, uy),
        h=math.hypot(vx, vy),
        angle=0.0 if angle == 0 else angle,
    )


def read_oriented(values: Sequence[float], width: int, height: int) -> RotatedBox:
    if len(values) != 8:
        raise LineError(f"an oriented box is 4 corners (8 numbers), got {len(values)} numbers")
    return corners_to_rotated(_points(values, width, height))


@dataclass(frozen=True)
class KeypointShape:
    """Ultralytics' ``kpt_shape``: how many keypoints each pose line has, 2 or 3 numbers each."""

    count: int
    dims: int

    @property
    def fields(self) -> int:
        return 4 + self.count * self.dims


def keypoint_names(count: int) -> list[str]:
    """YOLO numbers keypoints by position only: 1, 2, 3, ... (as COCO files without names)."""
    return [str(i + 1) for i in range(count)]


def read_pose(
    values: Sequence[float], shape: KeypointShape, width: int, height: int
) -> tuple[Box, Keypoints]:
    if len(values) != shape.fields:
        raise LineError(
            f"a pose line has the box (4 numbers) and {shape.count} keypoints of {shape.dims} "
            f"numbers (kpt_shape {[shape.count, shape.dims]}): {shape.fields} numbers, "
            f"got {len(values)}"
        )
    box = read_box(values[:4], width, height)
    points: list[Keypoint] = []
    for index, name in enumerate(keypoint_names(shape.count)):
        at = 4 + index * shape.dims
        x, y = values[at], values[at + 1]
        visibility = 2
        if shape.dims == 3:
            v = values[at + 2]
            if v not in (0, 1, 2):
                raise LineError(f"visibility of keypoint {name} must be 0, 1 or 2, got {v:g}")
            visibility = int(v)
        if visibility:  # 0: not labelled, no position to keep
            points.append(Keypoint(name=name, x=x * width, y=y * height, visibility=visibility))
    return box, Keypoints(points=points)


# -- writing ---------------------------------------------------------------------------------


def clamp01(value: float) -> float:
    return min(1.0, max(0.0, value))


def box_fields(box: Box, width: int, height: int) -> list[float]:
    """cx cy w h of a box, normalised."""
    return [
        (box.x1 + box.x2) / 2 / width,
        (box.y1 + box.y2) / 2 / height,
        (box.x2 - box.x1) / width,
        (box.y2 - box.y1) / height,
    ]


def ring_fields(ring: Sequence[Point], width: int, height: int) -> list[float]:
    return [c for x, y in ring for c in (x / width, y / height)]


def oriented_fields(rbox: RotatedBox, width: int, height: int) -> list[float]:
    """The 4 corners of a rotated box, normalised, from its unrotated top-left clockwise."""
    return ring_fields(rotated_box_corners(rbox), width, height)


def box_corners(box: Box) -> list[Point]:
    return [(box.x1, box.y1), (box.x2, box.y1), (box.x2, box.y2), (box.x1, box.y2)]


def line(class_id: int, fields: Sequence[float]) -> str:
    return " ".join([str(class_id), *(number(v) for v in fields)])


# a box line with the class id set off by a tab, every number followed by a space, so that
# trailing zeros can be cut by plain replacements (see box_lines)
_BOX_LINE = "%d\t%.12f %.12f %.12f %.12f \n"
# a number has 12 decimals: 8 + 4 + 2 + 1 cuts any run of up to 15 trailing zeros
_ZERO_RUNS = ("00000000 ", "0000 ", "00 ", "0 ")


def box_lines(rows: Sequence[float]) -> str:
    """The detect lines of many boxes at once, each exactly ``line(class_id, fields)`` and
    a newline: ``rows`` is flat (class id, cx, cy, w, h, class id, ...), every field within
    0..1. About 4x faster than ``number`` per field: one formatting of the whole text, then
    a few replacements over it. (On 0..1 the 12-decimal text less its trailing zeros is
    ``number``'s: both are the value rounded to 12 decimals, and a decimal of at most 15
    digits names one double, so no shorter text gives the same number.)"""
    text = (_BOX_LINE * (len(rows) // 5)) % tuple(rows)
    for zeros in _ZERO_RUNS:
        text = text.replace(zeros, " ")
    # "0.5 " -> kept; "1. " (1.000000000000) -> "1 "; the tab and the last space go
    text = text.replace(". ", " ").replace(" \n", "\n").replace("\t", " ")
    if "-" in text:  # -0.0 is within 0..1 but `number` writes it "0"
        return "".join(
            line(int(rows[i]), rows[i + 1 : i + 5]) + "\n" for i in range(0, len(rows), 5)
        )
    return text


def clamp_box_fields(fields: Sequence[float]) -> list[float]:
    """cx cy w h of the part of a normalised box inside the image (0..1)."""
    cx, cy, w, h = fields
    x1, x2 = clamp01(cx - w / 2), clamp01(cx + w / 2)
    y1, y2 = clamp01(cy - h / 2), clamp01(cy + h / 2)
    return [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]


def outside(fields: Sequence[float]) -> bool:
    """Whether normalised fields fall outside 0..1 (trainers refuse such numbers; a box
    whose centre and size are in range may still reach past an edge: they clip it)."""
    return any(v < 0 or v > 1 for v in fields)
