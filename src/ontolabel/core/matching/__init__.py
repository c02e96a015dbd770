"""Geometry-aware matching of annotation objects: one similarity per kind of geometry and
one optimal assignment, used by every agreement and gold metric (DESIGN.md: matching lives
once in core).

Pure computation: numpy, scipy's linear_sum_assignment, shapely and pycocotools.
"""

from __future__ import annotations

from ontolabel.core.matching.assignment import MatchedPair, Matching, Objective, assign
from ontolabel.core.matching.objects import match_objects
from ontolabel.core.matching.options import COCO_PERSON_SIGMAS, SimilarityOptions, SpanMode
from ontolabel.core.matching.similarity import similarity_matrix

__all__ = [
    "COCO_PERSON_SIGMAS",
    "MatchedPair",
    "Matching",
    "Objective",
    "SimilarityOptions",
    "SpanMode",
    "assign",
    "match_objects",
    "similarity_matrix",
]
