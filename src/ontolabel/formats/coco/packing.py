"""The usual box annotation of an ontolabel export, spooled as a flat tuple of its values.

Most annotations of a file ontolabel wrote are boxes with the same keys: a marshalled dict
of them, with its bbox list, segmentation list and exact-geometry dict, costs ~4x the time
and bytes of a tuple of the numbers (spooling is a quarter of an import). So an annotation
with exactly one of the ``LAYOUTS`` below is packed, every value kept as it is (nothing is
checked or converted here), except its ``area`` and ``segmentation``, which the reader never
reads when the exact geometry is there and there is no caption (none of these has one: see
reader.py ``_geometries`` and objects.py ``_geometry``). ``unpack`` gives back the dict the
reader would have had, less those two keys.
"""

from __future__ import annotations

import math
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from ontolabel.formats.coco.shapes import EXACT_KEY, ID_KEY

_FIRST = ("id", "image_id", "category_id", "iscrowd")
# the keys of each layout (beside bbox, area, segmentation and the exact geometry), in the
# order they are packed; a packed tuple starts with its layout's number
LAYOUTS: tuple[tuple[str, ...], ...] = ((*_FIRST, ID_KEY), _FIRST)

# (layout, *values of its keys, bbox x, y, w, h, exact x1, y1, x2, y2)
Packed = tuple[Any, ...]


def pack(ann: dict[str, Any]) -> dict[str, Any] | Packed:
    """``ann`` as a tuple when it has one of the layouts, else ``ann`` itself."""
    # a layout's keys all there and no more (by count): checked by looking them up, which
    # taking their values does anyway (a set comparison of the keys cost as much again)
    size = len(ann)
    if size != 9 and size != 8:
        return ann
    try:
        bbox, exact = ann["bbox"], ann[EXACT_KEY]
        if "area" not in ann or "segmentation" not in ann:
            return ann
        if type(bbox) is not list or len(bbox) != 4 or type(exact) is not dict:
            return ann
        if len(exact) != 5 or exact["kind"] != "box":
            return ann
        x, y, w, h = bbox
        x1, y1, x2, y2 = exact["x1"], exact["y1"], exact["x2"], exact["y2"]
        first = (ann["id"], ann["image_id"], ann["category_id"], ann["iscrowd"])
        if size == 9:
            return (0, *first, ann[ID_KEY], x, y, w, h, x1, y1, x2, y2)
    except KeyError:
        return ann
    return (1, *first, x, y, w, h, x1, y1, x2, y2)


def unpack(ann: dict[str, Any] | Packed) -> dict[str, Any]:
    """The annotation as the reader reads it (its area and segmentation left out)."""
    if isinstance(ann, dict):
        return ann
    keys = LAYOUTS[ann[0]]
    found = dict(zip(keys, ann[1 : len(keys) + 1], strict=True))
    x, y, w, h, x1, y1, x2, y2 = ann[len(keys) + 1 :]
    found["bbox"] = [x, y, w, h]
    found[EXACT_KEY] = {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2}
    return found


# -- runs of boxes as columns ----------------------------------------------------------------
#
# Most runs of an ontolabel export are boxes of one layout, all alike: such a run (the
# elements one JSON call decoded) is checked and packed as a whole, by C-level passes over
# its columns, instead of an annotation at a time (a third of the cost), and is spooled as
# columns. A run is packed so only when every annotation of it is a box the reader takes as
# it is: an int category id, a bbox of four numbers with w, h >= 0 and finite corners (what
# ``quick_bbox`` takes), an exact geometry of kind box with four finite float corners, and
# an id that names its object as it is (layout 0: a str ontolabel id; layout 1: an int COCO
# id). Anything else leaves the run to ``pack``, an annotation at a time.

# (index of the first annotation, layout, then one tuple a column: COCO ids, image ids,
#  category ids, iscrowd, ontolabel ids (layout 0; else empty), bbox x, y, w, h, exact x1,
#  y1, x2, y2), marshalled as it is
Columns = tuple[Any, ...]
IMAGE_IDS = 1  # the image ids' place in the list pack_run gives
# places in a Columns tuple
COLUMN_IDS, COLUMN_CATEGORIES, COLUMN_CROWDS, COLUMN_OWN_IDS = 2, 4, 5, 6
_ROWS = {
    9: itemgetter(
        *("id", "image_id", "category_id", "iscrowd", ID_KEY, "bbox", EXACT_KEY),
        *("area", "segmentation"),
    ),
    8: itemgetter(
        "id", "image_id", "category_id", "iscrowd", "bbox", EXACT_KEY, "area", "segmentation"
    ),
}
_CORNERS = itemgetter("kind", "x1", "y1", "x2", "y2")
_DICT, _LIST, _INT, _STR, _FLOAT = {dict}, {list}, {int}, {str}, {float}
_NUMBERS = {int, float}
_FOUR, _FIVE = {4}, {5}
_BOX = {"box"}


def _finite(*columns: tuple[Any, ...]) -> bool:
    """Whether every value of the columns is finite, as their finite sum says (an inf or a
    NaN anywhere makes it inf or NaN; a sum that overflows only refuses a good run)."""
    return math.isfinite(sum(map(sum, columns)))


def pack_run(anns: list[Any]) -> tuple[int, list[tuple[Any, ...]]] | None:
    """The run's layout and columns (those of ``Columns``) when every annotation of it is a
    usual box of one layout (see above), else None."""
    try:
        if len(anns) < 2 or set(map(type, anns)) != _DICT:
            return None
        sizes = set(map(len, anns))
        size = sizes.pop()
        if sizes or size not in _ROWS:
            return None
        rows = list(map(_ROWS[size], anns))  # KeyError: not this layout
        if size == 9:
            ids, image_ids, categories, crowds, own_ids, bboxes, exacts, _, _ = zip(
                *rows, strict=True
            )
            if set(map(type, own_ids)) != _STR:
                return None
        else:
            ids, image_ids, categories, crowds, bboxes, exacts, _, _ = zip(*rows, strict=True)
            own_ids = ()
            if set(map(type, ids)) != _INT:
                return None
        if set(map(type, categories)) != _INT:
            return None
        if set(map(type, bboxes)) != _LIST or set(map(len, bboxes)) != _FOUR:
            return None
        xs, ys, ws, hs = zip(*bboxes, strict=True)
        if not set(map(type, chain(xs, ys, ws, hs))) <= _NUMBERS:
            return None
        # as quick_bbox: w, h >= 0 and the far corner x + w, y + h finite (with every value
        # finite and w >= 0, each x + w lies between x and max(x) + max(w))
        if min(ws) < 0 or min(hs) < 0 or not _finite(xs, ys, ws, hs):
            return None
        if not math.isfinite(max(xs) + max(ws)) or not math.isfinite(max(ys) + max(hs)):
            return None
        if set(map(type, exacts)) != _DICT or set(map(len, exacts)) != _FIVE:
            return None
        kinds, x1s, y1s, x2s, y2s = zip(*map(_CORNERS, exacts), strict=True)
        if set(kinds) != _BOX or set(map(type, chain(x1s, y1s, x2s, y2s))) != _FLOAT:
            return None
        if not _finite(x1s, y1s, x2s, y2s):
            return None
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    columns = [ids, image_ids, categories, crowds, own_ids, xs, ys, ws, hs, x1s, y1s, x2s, y2s]
    return (0 if size == 9 else 1), columns


class RunPart(NamedTuple):
    """The annotations ``start`` to ``end`` of a packed run (those of one image), read from
    a run spooled whole: kept a part of it, so that the run's boxes are built at once."""

    run: Columns
    start: int
    end: int


def length(run: Columns) -> int:
    return len(run[COLUMN_CATEGORIES])


def whole(part: RunPart) -> Columns:
    """The part as a run of its own."""
    run, start, end = part
    return (run[0] + start, run[1], *(column[start:end] for column in run[2:]))


def first_index(run: list[tuple[int, Any]] | Columns | RunPart) -> int:
    """The index of a run's first annotation in its section."""
    if type(run) is RunPart:
        return run.run[0] + run.start  # type: ignore[no-any-return]
    return run[0] if type(run) is tuple else run[0][0]  # type: ignore[no-any-return]


def entries(run: list[tuple[int, Any]] | Columns | RunPart) -> list[tuple[int, Any]]:
    """A run as (index, annotation) each: a packed run's annotations as ``pack`` packs them."""
    if type(run) is RunPart:
        run = whole(run)
    if type(run) is not tuple:
        return run  # type: ignore[return-value]
    first, layout, ids, image_ids, categories, crowds, own_ids, *shape = run
    rows = zip(ids, image_ids, categories, crowds, *shape, strict=True)
    if layout == 1:
        return [(first + k, (1, *row)) for k, row in enumerate(rows)]
    return [
        (first + k, (0, *row[:4], own_id, *row[4:]))
        for k, (row, own_id) in enumerate(zip(rows, own_ids, strict=True))
    ]
