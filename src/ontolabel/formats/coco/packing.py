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
_KEY_SETS = tuple(frozenset((*keys, "bbox", "area", "segmentation", EXACT_KEY)) for keys in LAYOUTS)
_BOX_KEYS = frozenset(("kind", "x1", "y1", "x2", "y2"))

# (layout, *values of its keys, bbox x, y, w, h, exact x1, y1, x2, y2)
Packed = tuple[Any, ...]


def pack(ann: dict[str, Any]) -> dict[str, Any] | Packed:
    """``ann`` as a tuple when it has one of the layouts, else ``ann`` itself."""
    keys = ann.keys()
    if keys == _KEY_SETS[0]:
        layout = 0
    elif keys == _KEY_SETS[1]:
        layout = 1
    else:
        return ann
    bbox, exact = ann["bbox"], ann[EXACT_KEY]
    if type(bbox) is not list or len(bbox) != 4 or type(exact) is not dict:
        return ann
    if exact.keys() != _BOX_KEYS or exact["kind"] != "box":
        return ann
    x, y, w, h = bbox
    box = (x, y, w, h, exact["x1"], exact["y1"], exact["x2"], exact["y2"])
    if layout == 0:
        return (
            0,
            ann["id"],
            ann["image_id"],
            ann["category_id"],
            ann["iscrowd"],
            ann[ID_KEY],
            *box,
        )
    return (1, ann["id"], ann["image_id"], ann["category_id"], ann["iscrowd"], *box)


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
