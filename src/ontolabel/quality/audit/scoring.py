"""One annotation against one reference (gold or a peer) as an audit ``Score``, through the
one matcher in core: objects matched per class (a class error is a miss of the true class
and a false object of the given one), F1 over all objects, recall per reference class."""

from __future__ import annotations

from ontolabel.core.annotation import Annotation
from ontolabel.core.matching import SimilarityOptions, match_objects
from ontolabel.quality.audit.records import Score
from ontolabel.quality.geometry import DetectionScores, detection_scores


def score_against(
    candidate: Annotation,
    reference: Annotation,
    *,
    threshold: float = 0.5,
    options: SimilarityOptions | None = None,
) -> Score:
    return _score(_scores(candidate, reference, threshold, options), reverse=False)


def score_both_ways(
    a: Annotation,
    b: Annotation,
    *,
    threshold: float = 0.5,
    options: SimilarityOptions | None = None,
) -> tuple[Score, Score]:
    """(a against b, b against a) from one matching: F1 is symmetric, and b's recall of a
    class is a's precision of it (a's false positives are b's misses)."""
    scores = _scores(a, b, threshold, options)
    return _score(scores, reverse=False), _score(scores, reverse=True)


def _scores(
    candidate: Annotation,
    reference: Annotation,
    threshold: float,
    options: SimilarityOptions | None,
) -> DetectionScores:
    matching = match_objects(
        candidate.objects, reference.objects, threshold=threshold, per_class=True, options=options
    )
    return detection_scores(matching)


def _score(scores: DetectionScores, *, reverse: bool) -> Score:
    per_class: dict[str, float] = {}
    for name, counts in scores.per_class.items():
        recall = counts.precision if reverse else counts.recall
        if recall is not None:
            per_class[name] = recall
    return Score(scores.micro.f1, per_class)
