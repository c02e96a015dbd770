"""Refusing geometry that cannot be measured, naming the object at fault."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ontolabel.errors import GeometryError


def object_name(ids: Sequence[str] | None, side: str, index: int) -> str:
    """How an error names an object: its id when known, else its side and position."""
    if ids is not None and index < len(ids):
        return ids[index]
    return f"{side}[{index}]"


def require_finite(
    values: npt.NDArray[np.float64],
    indices: Sequence[int],
    ids: Sequence[str] | None,
    side: str,
) -> None:
    """Raise GeometryError for the first row of `values` holding NaN or infinity.

    `values` has one row per object; `indices` maps rows back to positions in the input.
    """
    if values.size == 0:
        return
    bad = ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise GeometryError(
            "a coordinate is not a finite number (NaN or infinity)",
            object_id=object_name(ids, side, indices[row]),
        )
