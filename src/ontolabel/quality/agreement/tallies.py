"""Per-unit category counts: the one pass over the ratings every coefficient starts from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ontolabel.quality.agreement.ratings import Ratings

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Tallies:
    """``counts[u, k]``: how many raters put unit u in category k; ``rated[u]``: ratings of u.

    Counts are float64 (exact for any realistic table) because every formula divides them.
    """

    counts: FloatArray
    rated: FloatArray

    @classmethod
    def of(cls, ratings: Ratings) -> Tallies:
        n, r = ratings.codes.shape
        q = ratings.n_categories
        # One bincount over (unit, code + 1): column 0 collects the missing cells, so no
        # boolean mask (and no copy of the kept cells) is needed.
        width = q + 1
        offsets = np.arange(n, dtype=np.int64) * width
        flat = ratings.codes + offsets[:, None]
        flat += 1
        binned = np.bincount(flat.ravel(), minlength=n * width).reshape(n, width)
        counts = binned[:, 1:].astype(np.float64)
        rated = (r - binned[:, 0]).astype(np.float64)
        return cls(counts, rated)

    @property
    def pairable(self) -> BoolArray:
        """Units with at least two ratings: the only ones that say anything about agreement."""
        out: BoolArray = self.rated >= 2
        return out

    def category_totals(self, units: BoolArray | None = None) -> FloatArray:
        counts = self.counts if units is None else self.counts[units]
        out: FloatArray = counts.sum(axis=0)
        return out
