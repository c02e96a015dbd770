"""One annotation against one reference (gold or a peer) as an audit ``Score``, through the
one matcher in core: objects matched per class (a class error is a miss of the true class
and a false object of the given one), F1 over all objects, recall per reference class."""

from __future__ import annotations

from ontolabel.core.annotation import Annotation
from ontolabel.core.matching import SimilarityOptions, match_objects
from ontolabel.quality.audit.records import Score
from ontolabel.quality.geometry import detection_scores


def score_against(
    candidate: Annotation,
    reference: Annotation,
    *,
    threshold: float = 0.5,
    options: SimilarityOptions | None = None,
) -> Score:
    matching = match_objects(
        candidate.objects, reference.objects, threshold=threshold, per_class=True, options=options
    )
    scores = detection_scores(matching)
    per_class = {
        name: counts.recall
        for name, counts in scores.per_class.items()
        if counts.recall is not None
    }
    return Score(scores.micro.f1, {k: v for k, v in per_class.items() if v is not None})
