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

from typing import Any

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
