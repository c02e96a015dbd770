"""Video tracks: keyframes on 0-based frame indices, interpolated between, with outside flags.

A track's shape at a frame: none before the first keyframe; from a keyframe marked
`outside` until the next keyframe, none (the object has left the view); otherwise the
keyframe's shape, moved linearly towards the next keyframe's shape when the track
interpolates and the next keyframe is visible. After the last keyframe the object stays
where it was (until a keyframe marks it outside). Shapes interpolate when both ends are
the same kind (polygons: same parts and vertex counts); otherwise the shape holds.
"""

from __future__ import annotations

import bisect
from fractions import Fraction
from typing import Literal

from ontolabel.core.geometry.base import GeometryModel
from ontolabel.core.geometry.box import Box, RotatedBox
from ontolabel.core.geometry.polygon import Polygon, PolygonPart, Ring

TrackShape = Box | RotatedBox | Polygon


class Keyframe(GeometryModel):
    frame: int
    shape: TrackShape
    # outside: the object has left the view from this frame until the next keyframe
    outside: bool = False


class Track(GeometryModel):
    kind: Literal["track"] = "track"
    keyframes: list[Keyframe]
    interpolation: Literal["linear", "none"] = "linear"

    def shape_at(self, frame: int) -> TrackShape | None:
        """The shape at `frame`, or None when the object is not in view there."""
        keyframes = sorted(self.keyframes, key=lambda k: k.frame)
        frames = [k.frame for k in keyframes]
        index = bisect.bisect_right(frames, frame) - 1
        if index < 0:
            return None
        current = keyframes[index]
        if current.outside:
            return None
        if current.frame == frame or index + 1 == len(keyframes) or self.interpolation == "none":
            return current.shape
        following = keyframes[index + 1]
        if following.outside:
            return current.shape
        t = (frame - current.frame) / (following.frame - current.frame)
        return interpolate_shape(current.shape, following.shape, t)

    def visible_frames(self, frame_count: int) -> list[int]:
        """Every frame in [0, frame_count) where the object is in view."""
        return [f for f in range(frame_count) if self.shape_at(f) is not None]


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _lerp_angle(a: float, b: float, t: float) -> float:
    # Turn the short way round: 350° -> 10° passes through 0°, not 180°.
    delta = (b - a + 180.0) % 360.0 - 180.0
    return a + delta * t


def _lerp_ring(a: Ring, b: Ring, t: float) -> Ring:
    return [(_lerp(pa[0], pb[0], t), _lerp(pa[1], pb[1], t)) for pa, pb in zip(a, b, strict=True)]


def _same_topology(a: Polygon, b: Polygon) -> bool:
    if len(a.parts) != len(b.parts):
        return False
    for pa, pb in zip(a.parts, b.parts, strict=True):
        if len(pa.exterior) != len(pb.exterior) or len(pa.holes) != len(pb.holes):
            return False
        if any(len(ha) != len(hb) for ha, hb in zip(pa.holes, pb.holes, strict=True)):
            return False
    return True


def interpolate_shape(a: TrackShape, b: TrackShape, t: float) -> TrackShape:
    """The shape a fraction `t` (0..1) of the way from `a` to `b`; `a` when they cannot blend."""
    if isinstance(a, Box) and isinstance(b, Box):
        return Box(
            x1=_lerp(a.x1, b.x1, t),
            y1=_lerp(a.y1, b.y1, t),
            x2=_lerp(a.x2, b.x2, t),
            y2=_lerp(a.y2, b.y2, t),
        )
    if isinstance(a, RotatedBox) and isinstance(b, RotatedBox):
        return RotatedBox(
            cx=_lerp(a.cx, b.cx, t),
            cy=_lerp(a.cy, b.cy, t),
            w=_lerp(a.w, b.w, t),
            h=_lerp(a.h, b.h, t),
            angle=_lerp_angle(a.angle, b.angle, t),
        )
    if isinstance(a, Polygon) and isinstance(b, Polygon) and _same_topology(a, b):
        return Polygon(
            parts=[
                PolygonPart(
                    exterior=_lerp_ring(pa.exterior, pb.exterior, t),
                    holes=[
                        _lerp_ring(ha, hb, t) for ha, hb in zip(pa.holes, pb.holes, strict=True)
                    ],
                )
                for pa, pb in zip(a.parts, b.parts, strict=True)
            ]
        )
    return a


def parse_frame_rate(rate: str) -> Fraction:
    """An exact frame rate from 'num/den' (e.g. '30000/1001') or a decimal ('25')."""
    value = Fraction(rate)
    if value <= 0:
        raise ValueError(f"frame rate must be positive, got {rate!r}")
    return value


def frame_to_seconds(frame: int, rate: str) -> float:
    """Start time of a 0-based frame, computed exactly before rounding to float."""
    return float(frame / parse_frame_rate(rate))


def seconds_to_frame(seconds: float, rate: str) -> int:
    """The frame shown at `seconds` (the last frame starting at or before it)."""
    # Fraction(float) is exact, so 1001/30000 * 30000/1001 lands on 1, not 0.9999.
    exact = Fraction(seconds) * parse_frame_rate(rate)
    nearest = round(exact)
    # Forgive float noise of a timestamp that meant a frame start exactly.
    if abs(exact - nearest) < Fraction(1, 10**6):
        return int(nearest)
    return int(exact // 1)
