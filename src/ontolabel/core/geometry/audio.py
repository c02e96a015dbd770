"""Audio (and video) time intervals: seconds from the file start, half-open."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel


class Interval(GeometryModel):
    kind: Literal["interval"] = "interval"
    start: float
    end: float
    transcript: str | None = None
    speaker: str | None = None
