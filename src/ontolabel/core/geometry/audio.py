"""Audio (and video) time intervals: seconds from the file start, half-open [start, end)."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel


class Interval(GeometryModel):
    kind: Literal["interval"] = "interval"
    start: float
    end: float
    transcript: str | None = None
    speaker: str | None = None


def interval_length(interval: Interval) -> float:
    return max(0.0, interval.end - interval.start)


def clip_interval(interval: Interval, duration: float) -> Interval | None:
    """The part of `interval` inside [0, duration], or None when nothing of it is inside.

    Transcript and speaker are kept: clipping trims time, not what was said.
    """
    start, end = max(0.0, interval.start), min(duration, interval.end)
    if end <= start:
        return None
    if start == interval.start and end == interval.end:
        return interval
    return interval.model_copy(update={"start": start, "end": end})


def interval_iou(a: Interval, b: Interval) -> float:
    """Temporal intersection over union of two intervals."""
    overlap = max(0.0, min(a.end, b.end) - max(a.start, b.start))
    union = interval_length(a) + interval_length(b) - overlap
    return overlap / union if union > 0 else 0.0
