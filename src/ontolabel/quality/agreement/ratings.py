"""The ratings table every agreement coefficient reads: units x raters, each cell a category code.

Codes index the *declared* categories, so a category nobody used still counts (it widens the
scale of a weighted κ and the chance terms of Gwet's and Brennan-Prediger's coefficients).
-1 marks a missing rating.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, overload

import numpy as np
import numpy.typing as npt

from ontolabel.errors import RatingsError

Category: TypeAlias = str | int | float | bool
MISSING = -1


class Numbered(Sequence[str]):
    """The ids "1", "2", ..., "n" without building n strings up front.

    A million-unit table from codes must not spend longer naming its units than measuring
    them; ids are made when read (an error message, a subset, a report).
    """

    __slots__ = ("_n",)

    def __init__(self, n: int):
        self._n = n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return tuple(str(i + 1) for i in range(self._n)[index])
        if not -self._n <= index < self._n:
            raise IndexError(index)
        return str(index % self._n + 1)

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in range(1, self._n + 1))

    def __contains__(self, value: object) -> bool:
        return self._position(value) is not None

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        pos = self._position(value)
        end = self._n if stop is None else stop
        if pos is None or not start <= pos < end:
            raise ValueError(f"{value!r} is not in the ids")
        return pos

    def _position(self, value: object) -> int | None:
        if not isinstance(value, str) or not value.isdigit() or value.startswith("0"):
            return None
        pos = int(value) - 1
        return pos if 0 <= pos < self._n else None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Numbered):
            return other._n == self._n
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Numbered", self._n))

    def __repr__(self) -> str:
        return f"Numbered({self._n})"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def _as_category(value: object) -> Category | None:
    """A plain Python label, or None when the value cannot be a category."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str | bool | int | float):
        return value
    return None


def _order_key(value: Category) -> tuple[int, float | str]:
    # Numbers (bools count as 0/1) sort by value, before text; mixed tables still sort.
    if isinstance(value, str):
        return (1, value)
    return (0, float(value))


def _check_categories(categories: Iterable[object]) -> tuple[Category, ...]:
    out: list[Category] = []
    seen: set[Category] = set()
    for raw in categories:
        if _is_missing(raw):
            raise RatingsError(
                "a declared category is missing (None or NaN); those mark a missing rating",
                hint="declare only real labels",
            )
        label = _as_category(raw)
        if label is None:
            raise RatingsError(
                f"category {raw!r} is a {type(raw).__name__}; categories are text, "
                "numbers or booleans"
            )
        if isinstance(label, float) and math.isinf(label):
            raise RatingsError(f"category {label!r} is not a finite number")
        if label in seen:
            raise RatingsError(f"category {label!r} is declared twice")
        seen.add(label)
        out.append(label)
    return tuple(out)


def _check_ids(ids: Sequence[str] | None, n: int, what: str) -> Sequence[str]:
    if ids is None:
        return Numbered(n)
    out = tuple(str(i) for i in ids)
    if len(out) != n:
        raise RatingsError(f"{len(out)} {what} ids were given for {n} {what}s")
    if len(set(out)) != n:
        dup = next(i for k, i in enumerate(out) if i in out[:k])
        raise RatingsError(f"{what} id {dup!r} is given twice")
    return out


@dataclass(frozen=True, eq=False)
class Ratings:
    """Units x raters; ``codes[u, r]`` indexes ``categories`` or is -1 (missing).

    ``categories`` are the declared categories in scale order (what a weighted or ordinal
    coefficient treats as the order). Build with ``from_table``, ``from_records`` or the fast
    ``from_codes``; the constructor trusts its arguments.
    """

    codes: npt.NDArray[np.int32]
    categories: tuple[Category, ...]
    units: Sequence[str]
    raters: Sequence[str]

    @property
    def n_units(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_raters(self) -> int:
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def cell(self, unit: int, rater: int) -> Category | None:
        """The label in one cell (None when missing)."""
        code = int(self.codes[unit, rater])
        return None if code == MISSING else self.categories[code]

    def __repr__(self) -> str:
        return (
            f"Ratings({self.n_units} units x {self.n_raters} raters, "
            f"categories={list(self.categories)!r})"
        )

    # -- builders -----------------------------------------------------------------------

    @classmethod
    def from_table(
        cls,
        rows: Sequence[Sequence[object]],
        *,
        categories: Iterable[object] | None = None,
        units: Sequence[str] | None = None,
        raters: Sequence[str] | None = None,
    ) -> Ratings:
        """One row per unit, one column per rater; None or NaN is a missing rating.

        ``categories=None`` declares the sorted set of observed labels.
        """
        rows = list(rows)
        if not rows:
            raise RatingsError("the ratings table is empty: it has no units")
        unit_ids = _check_ids(units, len(rows), "unit")
        width = len(raters) if raters is not None else len(rows[0])
        rater_ids = _check_ids(raters, width, "rater")
        if width == 0:
            raise RatingsError(
                "the ratings table has no raters (the row is empty)", unit=unit_ids[0]
            )
        labels: list[list[Category | None]] = []
        for u, row in enumerate(rows):
            if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
                raise RatingsError(
                    f"a row must be a sequence of labels, not {type(row).__name__}",
                    unit=unit_ids[u],
                )
            if len(row) < width:
                raise RatingsError(
                    f"the row has {len(row)} values but the table has {width} raters: "
                    "no value for this rater (write None for a missing rating)",
                    unit=unit_ids[u],
                    rater=rater_ids[len(row)],
                )
            if len(row) > width:
                raise RatingsError(
                    f"the row has {len(row)} values but the table has {width} raters",
                    unit=unit_ids[u],
                    rater=f"#{width + 1} (no such rater)",
                )
            out_row: list[Category | None] = []
            for r, raw in enumerate(row):
                if _is_missing(raw):
                    out_row.append(None)
                    continue
                label = _as_category(raw)
                if label is None:
                    raise RatingsError(
                        f"{raw!r} is a {type(raw).__name__}; a label is text, a number or "
                        "a boolean (None or NaN for missing)",
                        unit=unit_ids[u],
                        rater=rater_ids[r],
                    )
                out_row.append(label)
            labels.append(out_row)
        declared = _declare(categories, (v for row in labels for v in row if v is not None))
        index = {c: i for i, c in enumerate(declared)}
        codes = np.full((len(rows), width), MISSING, dtype=np.int32)
        for u, out_row in enumerate(labels):
            for r, label in enumerate(out_row):
                if label is None:
                    continue
                code = _lookup(index, label)
                if code is None:
                    raise _unknown_label(label, declared, unit_ids[u], rater_ids[r])
                codes[u, r] = code
        codes.setflags(write=False)
        return cls(codes, declared, unit_ids, rater_ids)

    @classmethod
    def from_records(
        cls,
        records: Iterable[tuple[str, str, object]],
        *,
        categories: Iterable[object] | None = None,
    ) -> Ratings:
        """(unit id, rater id, label) triples; units and raters keep first-seen order.

        A unit and rater given twice is an error naming both, even with the same label.
        """
        unit_pos: dict[str, int] = {}
        rater_pos: dict[str, int] = {}
        cells: dict[tuple[int, int], Category | None] = {}
        for unit_raw, rater_raw, raw in records:
            unit, rater = str(unit_raw), str(rater_raw)
            u = unit_pos.setdefault(unit, len(unit_pos))
            r = rater_pos.setdefault(rater, len(rater_pos))
            if (u, r) in cells:
                raise RatingsError(
                    "this rater rated this unit twice; keep one rating per unit and rater",
                    unit=unit,
                    rater=rater,
                )
            if _is_missing(raw):
                cells[(u, r)] = None
                continue
            label = _as_category(raw)
            if label is None:
                raise RatingsError(
                    f"{raw!r} is a {type(raw).__name__}; a label is text, a number or a boolean",
                    unit=unit,
                    rater=rater,
                )
            cells[(u, r)] = label
        if not unit_pos:
            raise RatingsError("no ratings were given: the table has no units")
        unit_ids = tuple(unit_pos)
        rater_ids = tuple(rater_pos)
        declared = _declare(categories, (v for v in cells.values() if v is not None))
        index = {c: i for i, c in enumerate(declared)}
        codes = np.full((len(unit_ids), len(rater_ids)), MISSING, dtype=np.int32)
        for (u, r), label in cells.items():
            if label is None:
                continue
            code = _lookup(index, label)
            if code is None:
                raise _unknown_label(label, declared, unit_ids[u], rater_ids[r])
            codes[u, r] = code
        codes.setflags(write=False)
        return cls(codes, declared, unit_ids, rater_ids)

    @classmethod
    def from_codes(
        cls,
        codes: npt.ArrayLike,
        categories: Iterable[object],
        *,
        units: Sequence[str] | None = None,
        raters: Sequence[str] | None = None,
    ) -> Ratings:
        """The fast path: an integer array (units x raters) of category indices, -1 missing.

        Checked with whole-array operations; the array is copied, so later changes to the
        caller's array do not change the table.
        """
        declared = _check_categories(categories)
        array = np.asarray(codes)
        if array.ndim != 2:
            raise RatingsError(f"codes must be a 2-D array (units x raters), not {array.ndim}-D")
        if array.shape[0] == 0:
            raise RatingsError("the ratings table is empty: it has no units")
        unit_ids = _check_ids(units, array.shape[0], "unit")
        rater_ids = _check_ids(raters, array.shape[1], "rater")
        if array.shape[1] == 0:
            raise RatingsError("the ratings table has no raters", unit=unit_ids[0])
        if array.dtype.kind not in "iu":
            raise RatingsError(
                f"codes must be integers (category indices, -1 for missing), not {array.dtype}"
            )
        q = len(declared)
        bad = (array < MISSING) | (array >= q)
        if bad.any():
            u, r = np.unravel_index(int(np.argmax(bad)), bad.shape)
            raise RatingsError(
                f"code {int(array[u, r])} is outside -1..{q - 1} "
                f"(-1 for missing, else an index into the {q} categories)",
                unit=unit_ids[int(u)],
                rater=rater_ids[int(r)],
            )
        out = np.array(array, dtype=np.int32, order="C", copy=True)
        out.setflags(write=False)
        return cls(out, declared, unit_ids, rater_ids)

    # -- views --------------------------------------------------------------------------

    def subset(
        self, *, units: Sequence[str] | None = None, raters: Sequence[str] | None = None
    ) -> Ratings:
        """The table restricted to these unit and rater ids, in the order given."""
        rows = _positions(self.units, units, "unit")
        cols = _positions(self.raters, raters, "rater")
        codes = self.codes
        if rows is not None:
            codes = codes[rows]
        if cols is not None:
            codes = codes[:, cols]
        if codes.shape[0] == 0:
            raise RatingsError("the subset has no units")
        if codes.shape[1] == 0:
            raise RatingsError("the subset has no raters")
        codes = np.ascontiguousarray(codes)
        codes.setflags(write=False)
        return Ratings(
            codes,
            self.categories,
            self.units if rows is None else tuple(self.units[i] for i in rows),
            self.raters if cols is None else tuple(self.raters[i] for i in cols),
        )


def _declare(
    categories: Iterable[object] | None, observed: Iterable[Category]
) -> tuple[Category, ...]:
    if categories is not None:
        return _check_categories(categories)
    unique: dict[Category, None] = dict.fromkeys(observed)
    return tuple(sorted(unique, key=_order_key))


def _lookup(index: dict[Category, int], label: Category) -> int | None:
    # Labels match by equality, as in a dict: 1, 1.0 and True are one label.
    return index.get(label)


def _unknown_label(
    label: Category, declared: tuple[Category, ...], unit: str, rater: str
) -> RatingsError:
    shown = ", ".join(repr(c) for c in declared[:20]) + (", ..." if len(declared) > 20 else "")
    return RatingsError(
        f"label {label!r} is not one of the declared categories ({shown})",
        unit=unit,
        rater=rater,
        hint="add it to the categories or fix the rating",
    )


def _positions(ids: Sequence[str], wanted: Sequence[str] | None, what: str) -> list[int] | None:
    if wanted is None:
        return None
    if len(set(wanted)) != len(wanted):
        dup = next(w for i, w in enumerate(wanted) if w in wanted[:i])
        raise _no_such(what, str(dup), "is asked for twice")
    if isinstance(ids, Numbered):
        lookup = ids.index
        out: list[int] = []
        for w in wanted:
            try:
                out.append(lookup(str(w)))
            except ValueError:
                raise _no_such(what, str(w)) from None
        return out
    index = {x: i for i, x in enumerate(ids)}
    positions: list[int] = []
    for w in wanted:
        pos = index.get(str(w))
        if pos is None:
            raise _no_such(what, str(w))
        positions.append(pos)
    return positions


def _no_such(what: str, id_: str, problem: str = "is not in the table") -> RatingsError:
    if what == "unit":
        return RatingsError(f"this unit {problem}", unit=id_)
    return RatingsError(f"this rater {problem}", rater=id_)
