"""What every coefficient reads from the ratings, computed once per call and only when asked.

Two ways to the same sums, picked by table shape:

- per rater pair: with few raters (the common case: 2-10 raters, many units), sums over
  pairs of ratings within a unit are r(r-1)/2 whole-column operations, category sums are r
  weighted bincounts and per-category pair sums are r(r-1)/2 integer bincounts; no units x
  categories matrix is built;
- per unit and category: ``counts[u, k]`` (one bincount over all cells), for many raters
  and for the per-unit features of the bootstrap.

Loops here run over raters or rater pairs, never over units.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ontolabel.quality.agreement.ratings import Ratings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Tallies:
    ratings: Ratings

    @property
    def q(self) -> int:
        return self.ratings.n_categories

    @cached_property
    def columns(self) -> npt.NDArray[np.int32]:
        """The codes rater by rater (raters x units, contiguous): each whole-column
        operation below then reads memory in order."""
        return np.ascontiguousarray(self.ratings.codes.T)

    @cached_property
    def rated_int(self) -> npt.NDArray[np.int32]:
        """Ratings per unit (m_u), as integers."""
        m = np.zeros(self.ratings.n_units, dtype=np.int32)
        for column in self.columns:
            m += column >= 0
        return m

    @cached_property
    def rated(self) -> FloatArray:
        """Ratings per unit (m_u)."""
        return self.rated_int.astype(np.float64)

    @cached_property
    def pairable(self) -> BoolArray:
        """Units rated at least twice: the only ones that say anything about agreement."""
        out: BoolArray = self.rated >= 2
        return out

    @cached_property
    def counts(self) -> FloatArray:
        """``counts[u, k]``: how many raters put unit u in category k (float64: every formula
        divides them, and the values are exact)."""
        codes = self.ratings.codes
        n = codes.shape[0]
        width = self.q + 1
        # Column 0 collects the missing cells (code -1 + 1), so no mask or copy is needed.
        flat = codes + (np.arange(n, dtype=np.int64) * width + 1)[:, None]
        binned = np.bincount(flat.ravel(), minlength=n * width).reshape(n, width)
        return binned[:, 1:].astype(np.float64)

    @property
    def _by_pairs(self) -> bool:
        if "counts" in self.__dict__:
            return False
        r = self.ratings.n_raters
        return r * (r - 1) // 2 <= max(6, 2 * self.q)

    def _pairs(self) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]]:
        cols = self.columns
        return [(cols[i], cols[j]) for i in range(len(cols)) for j in range(i + 1, len(cols))]

    @cached_property
    def _agreeing(self) -> list[tuple[npt.NDArray[np.int32], BoolArray]]:
        """Per rater pair: the first rater's codes, and where the two agree on a category.
        Kept, since both the per-unit and the per-category sums read them."""
        out: list[tuple[npt.NDArray[np.int32], BoolArray]] = []
        for a, b in self._pairs():
            same = a == b
            same &= a >= 0
            out.append((a, same))
        return out

    def pair_sums(self, table: FloatArray | None) -> FloatArray:
        """Per unit, the sum of ``table[a, b]`` over ordered pairs (a, b) of its ratings by two
        different raters (``None``: the identity, i.e. the number of agreeing ordered pairs)."""
        if not self._by_pairs:
            counts = self.counts
            if table is None:
                out: FloatArray = np.einsum("uk,uk->u", counts, counts) - self.rated
                return out
            spread: FloatArray = np.einsum("uk,uk->u", counts @ table.T, counts)
            return spread - counts @ np.diag(table)
        total = np.zeros(self.ratings.n_units)
        if table is None:
            agreeing = np.zeros(self.ratings.n_units, dtype=np.int32)
            for _, same in self._agreeing:
                agreeing += same
            doubled: FloatArray = agreeing.astype(np.float64) * 2.0
            return doubled
        for a, b in self._pairs():
            both = (a >= 0) & (b >= 0)
            # Missing codes (-1) index the last row/column; masked out right here.
            total += np.where(both, (table[a, b] + table[b, a]) / 2.0, 0.0)
        out = 2.0 * total
        return out

    def category_sums(self, unit_weights: FloatArray) -> FloatArray:
        """Σ_u unit_weights[u] * counts[u, k], for each category k."""
        if not self._by_pairs:
            out: FloatArray = unit_weights @ self.counts
            return out
        total = np.zeros(self.q + 1)
        for column in self.columns:
            total += np.bincount(column + 1, weights=unit_weights, minlength=self.q + 1)
        return total[1:]

    def pair_category_sums(self, by_rated: FloatArray) -> FloatArray:
        """Σ_u by_rated[m_u] * counts[u, k] * (counts[u, k] - 1): per category, the number of
        ordered pairs of ratings that agree on it, each unit weighted by its number of
        ratings (``by_rated`` has one weight per possible m, 0..raters)."""
        if not self._by_pairs:
            counts = self.counts
            out: FloatArray = by_rated[self.rated_int] @ (counts * (counts - 1.0))
            return out
        # Weights depend on m only, so count agreeing pairs per (m, category) with plain
        # integer bincounts and weigh the small table once.
        width = self.q + 1
        base = self.rated_int.astype(np.intp) * width + 1
        tally = np.zeros((self.ratings.n_raters + 1) * width, dtype=np.int64)
        for a, same in self._agreeing:
            index = base + a
            index *= same  # pairs that disagree (or miss) all land in slot 0, dropped below
            tally += np.bincount(index, minlength=tally.size)
        per_rated = tally.reshape(-1, width)[:, 1:].astype(np.float64)
        out = 2.0 * (by_rated @ per_rated)
        return out
