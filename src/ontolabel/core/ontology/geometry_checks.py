"""Whether a geometry fits the media it lies on: inside the image, the text, the duration,
the frames; well formed (x2 > x1, rings of 3+ vertices, sorted keyframes).

Problems are (sub-path under `geometry`, message) pairs. Image coordinates may overshoot
the image by PIXEL_TOLERANCE (editors and exports round to pixel edges); times may
overshoot the duration by SECONDS_TOLERANCE (containers round durations).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from ontolabel.core.geometry import (
    Box,
    Cuboid,
    GeometryUnion,
    Interval,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Span,
    Tag,
    Track,
)
from ontolabel.core.geometry.box import Point
from ontolabel.core.geometry.mask import rle_problem
from ontolabel.core.geometry.polygon import ring_signed_area
from ontolabel.core.item import MediaInfo
from ontolabel.core.ontology.paths import join_path

Problem = tuple[str, str]

PIXEL_TOLERANCE = 1.0
SECONDS_TOLERANCE = 1e-3


class Frame:
    """What a geometry is checked against: image size, duration, frame count, text."""

    def __init__(self, media: MediaInfo | None, text: str | None):
        self.width = media.width if media is not None else None
        self.height = media.height if media is not None else None
        self.duration = media.duration if media is not None else None
        self.frame_count = media.frame_count if media is not None else None
        self.text = text


def _finite(values: Iterable[tuple[str, float]]) -> list[Problem]:
    return [
        (name, f"{name} is not a finite number ({value!r})")
        for name, value in values
        if not math.isfinite(value)
    ]


def _inside(name: str, value: float, limit: int | None, axis: str) -> list[Problem]:
    if limit is None or -PIXEL_TOLERANCE <= value <= limit + PIXEL_TOLERANCE:
        return []
    return [(name, f"{name} = {value:g} is outside the image ({axis} {limit})")]


def _point(path: str, point: Point, frame: Frame) -> list[Problem]:
    x, y = point
    bad = _finite([(join_path(path, 0), x), (join_path(path, 1), y)])
    if bad:
        return bad
    if (frame.width is not None and not -PIXEL_TOLERANCE <= x <= frame.width + PIXEL_TOLERANCE) or (
        frame.height is not None and not -PIXEL_TOLERANCE <= y <= frame.height + PIXEL_TOLERANCE
    ):
        return [(path, f"point ({x:g}, {y:g}) is outside the image ({frame.width}×{frame.height})")]
    return []


def _box(box: Box, frame: Frame) -> list[Problem]:
    bad = _finite([("x1", box.x1), ("y1", box.y1), ("x2", box.x2), ("y2", box.y2)])
    if bad:
        return bad
    found: list[Problem] = []
    if box.x2 <= box.x1:
        found.append(("x2", f"x2 ({box.x2:g}) must be greater than x1 ({box.x1:g})"))
    if box.y2 <= box.y1:
        found.append(("y2", f"y2 ({box.y2:g}) must be greater than y1 ({box.y1:g})"))
    for name in ("x1", "x2"):
        found.extend(_inside(name, getattr(box, name), frame.width, "width"))
    for name in ("y1", "y2"):
        found.extend(_inside(name, getattr(box, name), frame.height, "height"))
    return found


def _rotated_box(rbox: RotatedBox, frame: Frame) -> list[Problem]:
    bad = _finite(
        [("cx", rbox.cx), ("cy", rbox.cy), ("w", rbox.w), ("h", rbox.h), ("angle", rbox.angle)]
    )
    if bad:
        return bad
    found: list[Problem] = []
    for name in ("w", "h"):
        if getattr(rbox, name) <= 0:
            found.append((name, f"{name} must be positive, got {getattr(rbox, name):g}"))
    # A rotated box of an object cut by the border may stick out; its centre may not.
    found.extend(_inside("cx", rbox.cx, frame.width, "width"))
    found.extend(_inside("cy", rbox.cy, frame.height, "height"))
    return found


def _ring(path: str, ring: list[Point], frame: Frame) -> list[Problem]:
    if len(ring) < 3:
        return [(path, f"a ring needs at least 3 vertices, got {len(ring)}")]
    found: list[Problem] = []
    for k, point in enumerate(ring):
        found.extend(_point(join_path(path, k), point, frame))
    if not found and ring_signed_area(ring) == 0:
        found.append((path, "the ring encloses no area (all vertices on one line)"))
    return found


def _polygon(polygon: Polygon, frame: Frame) -> list[Problem]:
    if not polygon.parts:
        return [("parts", "a polygon has at least one part")]
    found: list[Problem] = []
    for p, part in enumerate(polygon.parts):
        found.extend(_ring(join_path("parts", p, "exterior"), part.exterior, frame))
        for h, hole in enumerate(part.holes):
            found.extend(_ring(join_path("parts", p, "holes", h), hole, frame))
    return found


def _mask(mask: Mask, frame: Frame) -> list[Problem]:
    found: list[Problem] = []
    if frame.width is not None and mask.width != frame.width:
        found.append(
            ("width", f"mask width {mask.width} differs from the image width {frame.width}")
        )
    if frame.height is not None and mask.height != frame.height:
        found.append(
            ("height", f"mask height {mask.height} differs from the image height {frame.height}")
        )
    problem = rle_problem(mask)
    if problem is not None:
        found.append(("counts", problem))
    return found


def _keypoints(keypoints: Keypoints, frame: Frame) -> list[Problem]:
    found: list[Problem] = []
    seen: set[str] = set()
    for k, point in enumerate(keypoints.points):
        path = join_path("points", k)
        if point.name in seen:
            found.append((join_path(path, "name"), f"keypoint {point.name!r} appears twice"))
        seen.add(point.name)
        if point.visibility > 0:
            found.extend(_point(path, (point.x, point.y), frame))
    return found


def _polyline(polyline: Polyline, frame: Frame) -> list[Problem]:
    if len(polyline.points) < 2:
        return [("points", f"a polyline needs at least 2 points, got {len(polyline.points)}")]
    found: list[Problem] = []
    for k, point in enumerate(polyline.points):
        found.extend(_point(join_path("points", k), point, frame))
    return found


def _span(span: Span, frame: Frame) -> list[Problem]:
    text = frame.text
    if text is None:
        return [("", "a span needs an item with text")]
    found: list[Problem] = []
    if not 0 <= span.start <= len(text):
        found.append(("start", f"start {span.start} is outside the text (length {len(text)})"))
    if not 0 <= span.end <= len(text):
        found.append(("end", f"end {span.end} is outside the text (length {len(text)})"))
    if span.end <= span.start:
        found.append(("end", f"end ({span.end}) must be greater than start ({span.start})"))
    if not found and text[span.start : span.end] != span.text:
        found.append(
            (
                "text",
                (
                    f"span text {span.text!r} differs from the item's "
                    f"text[{span.start}:{span.end}] = "
                    f"{text[span.start : span.end]!r} (offsets are code points of the stored text)"
                ),
            )
        )
    return found


def _interval(interval: Interval, frame: Frame) -> list[Problem]:
    bad = _finite([("start", interval.start), ("end", interval.end)])
    if bad:
        return bad
    found: list[Problem] = []
    if interval.start < -SECONDS_TOLERANCE:
        found.append(("start", f"start {interval.start:g} s is before the start of the media"))
    if frame.duration is not None and interval.end > frame.duration + SECONDS_TOLERANCE:
        found.append(
            ("end", f"end {interval.end:g} s is after the end of the media ({frame.duration:g} s)")
        )
    if interval.end <= interval.start:
        found.append(("end", f"end ({interval.end:g}) must be after start ({interval.start:g})"))
    return found


def _track(track: Track, frame: Frame) -> list[Problem]:
    if not track.keyframes:
        return [("keyframes", "a track has at least one keyframe")]
    found: list[Problem] = []
    first_kind = track.keyframes[0].shape.kind
    for j, keyframe in enumerate(track.keyframes):
        path = join_path("keyframes", j)
        if keyframe.frame < 0:
            found.append((join_path(path, "frame"), f"frame {keyframe.frame} is negative"))
        elif frame.frame_count is not None and keyframe.frame >= frame.frame_count:
            found.append(
                (
                    join_path(path, "frame"),
                    (
                        f"frame {keyframe.frame} is beyond the video's last frame "
                        f"({frame.frame_count - 1})"
                    ),
                )
            )
        if j > 0:
            previous = track.keyframes[j - 1].frame
            if keyframe.frame == previous:
                found.append(
                    (join_path(path, "frame"), f"frame {keyframe.frame} has two keyframes")
                )
            elif keyframe.frame < previous:
                found.append(
                    (
                        join_path(path, "frame"),
                        (
                            f"keyframes are not in frame order: {keyframe.frame} "
                            f"comes after {previous}"
                        ),
                    )
                )
        if keyframe.shape.kind != first_kind:
            found.append(
                (
                    join_path(path, "shape", "kind"),
                    (f"a track keeps one shape kind: {keyframe.shape.kind} after {first_kind}"),
                )
            )
        found.extend(
            (join_path(path, "shape", sub), message)
            for sub, message in check_geometry(keyframe.shape, frame)
        )
    return found


def _cuboid(cuboid: Cuboid, frame: Frame) -> list[Problem]:
    values = [
        (name, float(getattr(cuboid, name)))
        for name in ("x", "y", "z", "length", "width", "height", "yaw")
    ]
    bad = _finite(values)
    if bad:
        return bad
    return [
        (name, f"{name} must be positive, got {getattr(cuboid, name):g}")
        for name in ("length", "width", "height")
        if getattr(cuboid, name) <= 0
    ]


def _tag(tag: Tag, frame: Frame) -> list[Problem]:
    return []


# One checker per geometry type; a new kind adds a line here and a test.
_CHECKS: dict[type, Callable[[Any, Frame], list[Problem]]] = {
    Box: _box,
    RotatedBox: _rotated_box,
    Polygon: _polygon,
    Mask: _mask,
    Keypoints: _keypoints,
    Polyline: _polyline,
    Span: _span,
    Interval: _interval,
    Track: _track,
    Cuboid: _cuboid,
    Tag: _tag,
}


def check_geometry(geometry: GeometryUnion, frame: Frame) -> list[Problem]:
    """Every way `geometry` is malformed or does not fit its media."""
    check = _CHECKS.get(type(geometry))
    if check is None:
        return [("kind", f"unknown geometry {type(geometry).__name__}")]
    return check(geometry, frame)
