"""Detection scores for text spans (exact or partial overlap) and audio intervals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Interval, Span
from ontolabel.core.matching import SimilarityOptions, match_objects
from ontolabel.quality.geometry.detection import DetectionScores, detection_scores

# Any shared code point counts as a partial match: the smallest positive IoU passes.
_ANY_OVERLAP = 1e-12


def span_scores(
    a: Sequence[AnnotationObject],
    b: Sequence[AnnotationObject],
    *,
    mode: Literal["exact", "partial"] = "exact",
    per_class: bool = True,
) -> DetectionScores:
    """Span F1 of `a` against `b` (the other objects are ignored).

    exact: a true positive has the same start and end (and class); partial: the spans
    share at least one code point, and overlapping pairs are matched to maximise their
    total IoU.
    """
    spans_a = [o for o in a if isinstance(o.geometry, Span)]
    spans_b = [o for o in b if isinstance(o.geometry, Span)]
    exact = mode == "exact"
    matching = match_objects(
        spans_a,
        spans_b,
        threshold=1.0 if exact else _ANY_OVERLAP,
        per_class=per_class,
        options=SimilarityOptions(span_mode="exact" if exact else "overlap"),
    )
    return detection_scores(matching)


def interval_scores(
    a: Sequence[AnnotationObject],
    b: Sequence[AnnotationObject],
    *,
    threshold: float = 0.5,
    per_class: bool = True,
) -> DetectionScores:
    """Segment F1 of the time intervals of `a` against those of `b` at a temporal IoU
    threshold (the other objects are ignored)."""
    intervals_a = [o for o in a if isinstance(o.geometry, Interval)]
    intervals_b = [o for o in b if isinstance(o.geometry, Interval)]
    return detection_scores(
        match_objects(intervals_a, intervals_b, threshold=threshold, per_class=per_class)
    )
