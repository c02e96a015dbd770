"""Matching the objects of two annotations of one item."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.matching.assignment import MatchedPair, Matching, Objective, assign
from ontolabel.core.matching.options import SimilarityOptions
from ontolabel.core.matching.similarity import similarity_matrix
from ontolabel.errors import GeometryError

GroupKey = tuple[int, str | None]


def _sorted_by_id(objects: Sequence[AnnotationObject], side: str) -> list[int]:
    seen: set[str] = set()
    for obj in objects:
        if obj.id in seen:
            raise GeometryError(f"object id is used twice in annotation {side}", object_id=obj.id)
        seen.add(obj.id)
    return sorted(range(len(objects)), key=lambda i: objects[i].id)


def _groups(
    objects: Sequence[AnnotationObject], order: list[int], per_class: bool
) -> dict[GroupKey, list[int]]:
    groups: dict[GroupKey, list[int]] = {}
    for i in order:
        obj = objects[i]
        key = (obj.media_index, obj.class_name if per_class else None)
        groups.setdefault(key, []).append(i)
    return groups


def match_objects(
    a: Sequence[AnnotationObject],
    b: Sequence[AnnotationObject],
    *,
    threshold: float = 0.5,
    per_class: bool = True,
    options: SimilarityOptions | None = None,
    objective: Objective = "similarity",
) -> Matching:
    """Optimal one-to-one matching of the objects of `a` with those of `b`.

    Objects pair only on the same media file of the item (`media_index`) and, with
    `per_class`, only within one class; `per_class=False` matches across classes, so a class
    disagreement shows as a matched pair whose labels differ. A pair needs similarity >=
    `threshold` (see `similarity_matrix` for the measure of each kind); among allowed pairs
    the total similarity is maximised. The answer does not depend on the order of the
    objects: ties go to the lower object ids.
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold is a similarity in [0, 1], got {threshold}")
    opts = options or SimilarityOptions()
    order_a, order_b = _sorted_by_id(a, "a"), _sorted_by_id(b, "b")
    groups_a, groups_b = _groups(a, order_a, per_class), _groups(b, order_b, per_class)
    pairs: list[MatchedPair] = []
    for key, rows in groups_a.items():
        cols = groups_b.get(key)
        if not cols:
            continue
        sim = similarity_matrix(
            [a[i].geometry for i in rows],
            [b[j].geometry for j in cols],
            options=opts,
            ids_a=[a[i].id for i in rows],
            ids_b=[b[j].id for j in cols],
        )
        for r, c in assign(sim, threshold=threshold, objective=objective):
            pairs.append(MatchedPair(rows[r], cols[c], float(sim[r, c])))
    pairs.sort(key=lambda p: p.index_a)
    matched_a = {p.index_a for p in pairs}
    matched_b = {p.index_b for p in pairs}
    return Matching(
        pairs=tuple(pairs),
        unmatched_a=tuple(i for i in range(len(a)) if i not in matched_a),
        unmatched_b=tuple(j for j in range(len(b)) if j not in matched_b),
        threshold=threshold,
        per_class=per_class,
        labels_a=tuple(o.class_name for o in a),
        labels_b=tuple(o.class_name for o in b),
        ids_a=tuple(o.id for o in a),
        ids_b=tuple(o.id for o in b),
        kinds_a=tuple(o.geometry.kind for o in a),
        kinds_b=tuple(o.geometry.kind for o in b),
    )


def matching_similarities(matching: Matching) -> np.ndarray:
    """The similarities of the matched pairs, in pair order."""
    return np.array([p.similarity for p in matching.pairs], dtype=np.float64)
