"""Agreement weights over the declared categories.

A weight matrix ``w`` holds *agreement* credit: ``w[k, l]`` is how much a pair of ratings
(k, l) counts as agreement, 1 on the diagonal, between 0 and 1 elsewhere (Gwet's convention,
as in irrCAC). "linear" and "quadratic" are over the categories' positions in the declared
order, so a declared level nobody used still widens the scale (as scikit-learn's
``cohen_kappa_score(labels=...)``); value-based distances are Krippendorff's interval and
ratio α.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ontolabel.errors import RatingsError

WeightName: TypeAlias = Literal["unweighted", "linear", "quadratic"]
Weights: TypeAlias = WeightName | npt.ArrayLike
WEIGHT_NAMES: tuple[WeightName, ...] = ("unweighted", "linear", "quadratic")


def weight_matrix(weights: Weights, q: int) -> npt.NDArray[np.float64]:
    """The q x q agreement-weight matrix for a name or a given matrix (checked)."""
    if isinstance(weights, str):
        if weights == "unweighted":
            return np.eye(q)
        if weights not in WEIGHT_NAMES:
            raise RatingsError(
                f"unknown weights {weights!r}; use one of {', '.join(WEIGHT_NAMES)} "
                "or a q x q matrix of agreement weights"
            )
        if q < 2:
            return np.ones((q, q))
        pos = np.arange(q, dtype=np.float64)
        gap = np.abs(pos[:, None] - pos[None, :]) / (q - 1)
        out: npt.NDArray[np.float64] = 1.0 - (gap if weights == "linear" else gap**2)
        return out
    matrix = np.asarray(weights, dtype=np.float64)
    if matrix.shape != (q, q):
        raise RatingsError(
            f"the weight matrix is {'x'.join(map(str, matrix.shape))}; "
            f"it must be {q} x {q}, one row and column per declared category"
        )
    if not np.isfinite(matrix).all():
        raise RatingsError("the weight matrix has a value that is not a finite number")
    if not np.allclose(np.diag(matrix), 1.0):
        raise RatingsError(
            "agreement weights must be 1 on the diagonal (a category agrees with itself)"
        )
    if (matrix < 0).any() or (matrix > 1).any():
        raise RatingsError("agreement weights must lie between 0 and 1")
    return matrix


def weights_param(weights: Weights) -> object:
    """How the weights are reported in a result's params (JSON-able)."""
    if isinstance(weights, str):
        return weights
    return np.asarray(weights, dtype=np.float64).tolist()


def weights_label(weights: Weights) -> str:
    """The suffix of a coefficient's human name: '', ' (linear)', ' (custom weights)'."""
    if isinstance(weights, str):
        return "" if weights == "unweighted" else f" ({weights})"
    return " (custom weights)"
