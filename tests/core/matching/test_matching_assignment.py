"""Optimal assignment against brute force over every permutation, and match_objects."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Span, Tag
from ontolabel.core.matching import assign, match_objects


def brute_force(sim: np.ndarray, threshold: float, objective: str) -> tuple[int, float]:
    """(most pairs, best total) over every injective assignment of rows to columns."""
    n, m = sim.shape
    best: tuple[int, float] = (0, 0.0)
    if n > m:
        sim = sim.T
        n, m = m, n
    for cols in itertools.permutations(range(m), n):
        vals = [sim[i, j] for i, j in enumerate(cols) if sim[i, j] >= threshold and sim[i, j] > 0]
        key = (len(vals), sum(vals)) if objective == "matches" else (0, sum(vals))
        if key > best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(40))
def test_assignment_is_optimal(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 7), rng.integers(1, 7)
    sim = rng.random((n, m)) * (rng.random((n, m)) < 0.6)
    threshold = float(rng.choice([0.1, 0.3, 0.5]))
    for objective in ("similarity", "matches"):
        pairs = assign(sim, threshold=threshold, objective=objective)  # type: ignore[arg-type]
        assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
        assert all(sim[i, j] >= threshold for i, j in pairs)
        total = sum(sim[i, j] for i, j in pairs)
        most, best = brute_force(sim, threshold, objective)
        assert total == pytest.approx(best, abs=1e-12)
        if objective == "matches":
            assert len(pairs) == most


def test_similarity_objective_prefers_the_larger_total_over_more_pairs() -> None:
    sim = np.array([[0.99, 0.45], [0.45, 0.0]])
    assert assign(sim, threshold=0.4) == [(0, 0)]
    assert assign(sim, threshold=0.4, objective="matches") == [(0, 1), (1, 0)]


def obj(oid: str, cls: str, x: float, media: int = 0) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=cls, geometry=Box(x1=x, y1=0, x2=x + 10, y2=10), media_index=media
    )


def test_match_objects_per_class_and_class_agnostic() -> None:
    a = [obj("a1", "car", 0), obj("a2", "truck", 100), obj("a3", "car", 200)]
    b = [obj("b1", "car", 1), obj("b2", "car", 101), obj("b3", "car", 500)]
    within = match_objects(a, b)
    assert [(p.index_a, p.index_b) for p in within.pairs] == [(0, 0)]
    assert within.unmatched_a == (1, 2) and within.unmatched_b == (1, 2)
    across = match_objects(a, b, per_class=False)
    assert [(p.index_a, p.index_b) for p in across.pairs] == [(0, 0), (1, 1)]
    assert across.labels_a[1] == "truck" and across.labels_b[1] == "car"
    assert across.to_dict()["pairs"][1] == {  # type: ignore[index]
        "a": "a2",
        "b": "b2",
        "similarity": pytest.approx(9 / 11),
        "class_a": "truck",
        "class_b": "car",
    }


def test_objects_on_different_media_never_match() -> None:
    matching = match_objects([obj("a", "car", 0, media=0)], [obj("b", "car", 0, media=1)])
    assert matching.pairs == ()


def test_ties_go_to_lower_ids_whatever_the_order() -> None:
    a = [obj("z", "car", 0), obj("y", "car", 0)]
    b = [obj("q", "car", 0)]
    for sides in (a, a[::-1]):
        matching = match_objects(sides, b)
        assert [matching.ids_a[p.index_a] for p in matching.pairs] == ["y"]


def test_whole_item_tags_and_spans() -> None:
    tag = AnnotationObject(id="t", class_name="spam", geometry=Tag())
    s = AnnotationObject(id="s", class_name="Drug", geometry=Span(start=0, end=4, text="abcd"))
    matching = match_objects([tag, s], [s, tag])
    assert sorted((p.index_a, p.index_b, p.similarity) for p in matching.pairs) == [
        (0, 1, 1.0),
        (1, 0, 1.0),
    ]


def test_empty_annotations_match_to_nothing() -> None:
    matching = match_objects([], [obj("b", "car", 0)])
    assert matching.pairs == () and matching.unmatched_b == (0,)
    assert match_objects([], []).to_dict()["pairs"] == []
