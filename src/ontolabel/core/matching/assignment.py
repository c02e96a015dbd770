"""Optimal one-to-one assignment on a similarity matrix, and the Matching it yields.

Only pairs with similarity >= threshold (and > 0) may be matched. Among those, the
assignment maximises the total similarity ("similarity" objective), or first the number of
matched pairs and then their total similarity ("matches", the rule of CLEAR MOT and
py-motmetrics). The matrix is split into the connected groups of allowed pairs and each group
is solved with scipy's linear_sum_assignment, so a scene of many small clusters costs about
as much as its clusters, not as a dense N×M problem.

Ties are broken by position: for the same matrix the answer is always the same. Callers that
want an answer independent of input order sort their inputs first (`match_objects` sorts by
object id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

# scipy is imported where it is used: loading it costs ~0.3 s, which every command of the
# CLI would pay through this module (the CLI registers every command before running one)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Objective = Literal["similarity", "matches"]


@dataclass(frozen=True)
class MatchedPair:
    index_a: int
    index_b: int
    similarity: float

    def to_dict(self) -> dict[str, object]:
        return {"index_a": self.index_a, "index_b": self.index_b, "similarity": self.similarity}


@dataclass(frozen=True)
class Matching:
    """A one-to-one matching of objects of `a` with objects of `b`.

    Indices refer to the input sequences. `labels_*` and `ids_*` (class names and object ids,
    one per input position) are filled by `match_objects` so that metrics can read classes
    off the matching alone; they are empty when the matching came from bare geometries.
    """

    pairs: tuple[MatchedPair, ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]
    threshold: float
    per_class: bool = True
    labels_a: tuple[str, ...] = ()
    labels_b: tuple[str, ...] = ()
    ids_a: tuple[str, ...] = ()
    ids_b: tuple[str, ...] = ()
    kinds_a: tuple[str, ...] = field(default=())
    kinds_b: tuple[str, ...] = field(default=())

    @property
    def size_a(self) -> int:
        return len(self.pairs) + len(self.unmatched_a)

    @property
    def size_b(self) -> int:
        return len(self.pairs) + len(self.unmatched_b)

    def to_dict(self) -> dict[str, object]:
        def name(ids: tuple[str, ...], index: int) -> object:
            return ids[index] if ids else index

        return {
            "threshold": self.threshold,
            "per_class": self.per_class,
            "pairs": [
                {
                    "a": name(self.ids_a, p.index_a),
                    "b": name(self.ids_b, p.index_b),
                    "similarity": p.similarity,
                    **(
                        {"class_a": self.labels_a[p.index_a], "class_b": self.labels_b[p.index_b]}
                        if self.labels_a and self.labels_b
                        else {}
                    ),
                }
                for p in self.pairs
            ],
            "unmatched_a": [name(self.ids_a, i) for i in self.unmatched_a],
            "unmatched_b": [name(self.ids_b, j) for j in self.unmatched_b],
        }


def _solve_group(weights: FloatArray) -> tuple[IntArray, IntArray]:
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weights, maximize=True)
    return np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)


def assign(
    similarity: FloatArray, *, threshold: float = 0.5, objective: Objective = "similarity"
) -> list[tuple[int, int]]:
    """Row/column pairs of an optimal matching on `similarity` (N×M), sorted by row."""
    sim = np.asarray(similarity, dtype=np.float64)
    if sim.ndim != 2:
        raise ValueError(f"a similarity matrix is 2D, got shape {sim.shape}")
    n, m = sim.shape
    allowed = (sim >= threshold) & (sim > 0)
    rows, cols = np.nonzero(allowed)
    if len(rows) == 0:
        return []
    # Pairs whose row and column have no other allowed pair are matched outright.
    row_degree = np.bincount(rows, minlength=n)
    col_degree = np.bincount(cols, minlength=m)
    alone = (row_degree[rows] == 1) & (col_degree[cols] == 1)
    pairs: list[tuple[int, int]] = list(
        zip(rows[alone].tolist(), cols[alone].tolist(), strict=True)
    )
    rows, cols = rows[~alone], cols[~alone]
    if len(rows):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(len(rows)), (rows, n + cols)), shape=(n + m, n + m))
        _, component = connected_components(graph, directed=False)
        group_of_row = component[rows]
        order = np.argsort(group_of_row, kind="stable")
        bounds = np.flatnonzero(np.diff(group_of_row[order])) + 1
        # A "matches" weight of min(n, m) + 1 per pair outweighs any total of similarities.
        bonus = float(min(n, m) + 1) if objective == "matches" else 0.0
        for chunk in np.split(order, bounds):
            group_rows = np.unique(rows[chunk])
            group_cols = np.unique(cols[chunk])
            block = sim[np.ix_(group_rows, group_cols)]
            ok = allowed[np.ix_(group_rows, group_cols)]
            weights = np.where(ok, block + bonus, 0.0)
            r, c = _solve_group(weights)
            keep = ok[r, c]
            pairs.extend(
                zip(group_rows[r[keep]].tolist(), group_cols[c[keep]].tolist(), strict=True)
            )
    pairs.sort()
    return pairs


def matching_from_pairs(
    similarity: FloatArray, pairs: list[tuple[int, int]], *, threshold: float, per_class: bool
) -> Matching:
    n, m = similarity.shape
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    return Matching(
        pairs=tuple(MatchedPair(i, j, float(similarity[i, j])) for i, j in pairs),
        unmatched_a=tuple(i for i in range(n) if i not in matched_a),
        unmatched_b=tuple(j for j in range(m) if j not in matched_b),
        threshold=threshold,
        per_class=per_class,
    )
