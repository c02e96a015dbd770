"""How geometries are compared: the knobs every similarity takes, gathered in one value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# COCO's per-keypoint standard deviations for the 17 person keypoints (Ronchi and Perona,
# as shipped in cocoapi's COCOeval), by the names COCO gives them.
COCO_PERSON_SIGMAS: Mapping[str, float] = {
    "nose": 0.026,
    "left_eye": 0.025,
    "right_eye": 0.025,
    "left_ear": 0.035,
    "right_ear": 0.035,
    "left_shoulder": 0.079,
    "right_shoulder": 0.079,
    "left_elbow": 0.072,
    "right_elbow": 0.072,
    "left_wrist": 0.062,
    "right_wrist": 0.062,
    "left_hip": 0.107,
    "right_hip": 0.107,
    "left_knee": 0.087,
    "right_knee": 0.087,
    "left_ankle": 0.089,
    "right_ankle": 0.089,
}

SpanMode = Literal["overlap", "exact"]
OksReference = Literal["mean", "b"]


@dataclass(frozen=True)
class SimilarityOptions:
    """Options of `similarity_matrix` and `match_objects`.

    span_mode: "overlap" scores two spans by the IoU of their code-point ranges, "exact"
        scores 1.0 when start and end are equal and 0.0 otherwise.
    keypoint_sigmas: per-keypoint standard deviation of OKS, by keypoint name; names not
        listed use `default_sigma`.
    oks_reference: OKS takes visibility and object scale from one side. "b" is COCO's
        computeOks with `b` as ground truth; "mean" averages both directions, so comparing
        two raters does not depend on which is called `a`.
    polyline_width: polylines are compared as the IoU of their outlines widened to this
        many pixels (a line has no area of its own).
    track_frames: frames [0, track_frames) over which tracks are compared; None compares
        up to the last keyframe of either track.
    """

    span_mode: SpanMode = "overlap"
    keypoint_sigmas: Mapping[str, float] = field(default_factory=lambda: dict(COCO_PERSON_SIGMAS))
    default_sigma: float = 0.05
    oks_reference: OksReference = "mean"
    polyline_width: float = 2.0
    track_frames: int | None = None
