"""Spatial and temporal agreement from matchings: detection scores (precision, recall, F1,
mean IoU, Dice) for every geometry, span and interval F1, CLEAR MOT and identity scores for
video tracks, and the paired class labels that let the agreement coefficients run on
objects."""

from __future__ import annotations

from ontolabel.quality.geometry.detection import (
    ClassCounts,
    DetectionAccumulator,
    DetectionScores,
    detection_scores,
)
from ontolabel.quality.geometry.paired import paired_labels
from ontolabel.quality.geometry.ranges import interval_scores, span_scores
from ontolabel.quality.geometry.tracks import TrackScores, track_scores

__all__ = [
    "ClassCounts",
    "DetectionAccumulator",
    "DetectionScores",
    "TrackScores",
    "detection_scores",
    "interval_scores",
    "paired_labels",
    "span_scores",
    "track_scores",
]
