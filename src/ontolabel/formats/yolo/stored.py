"""The stored JSON of annotations (formats/stored.py) as the YOLO writer reads it.

The exporter hands a ``StoredWriter`` each document as the decoded JSON of its model. A
detect box whose JSON is plainly what its model would hold (the keys of the model, a string
id and class, four finite floats, attributes of plain values, no track, on the item's
first image) is written from the JSON; any other object, and every object of a document
that is not plainly a list of objects, has its model built, so what the model refuses is
refused here too, and what the writer reports about it is said as for ``write``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ontolabel.core.annotation import Annotation
from ontolabel.formats.base import AnnotationRecord
from ontolabel.formats.stored import StoredAnnotation

DOCUMENT_KEYS = frozenset({"objects", "relations"})
# AnnotationObject's fields: an object with any other key is left to the model, which
# refuses it
OBJECT_KEYS = frozenset(
    {"id", "class_name", "geometry", "attributes", "media_index", "track_id", "entity_id", "score"}
)
# attribute values the model keeps as they are (a Quantity, a date or a list of anything
# but strings is left to the model)
PLAIN_VALUES = (str, bool, int, float, type(None))
NO_ATTRIBUTES: dict[str, Any] = {}


def objects_of(annotation: AnnotationRecord | StoredAnnotation) -> list[Any]:
    """The annotation's objects: core ones, or stored JSON ones where the rest of the
    document is plainly valid (else the whole document's model is built)."""
    if isinstance(annotation, AnnotationRecord):
        return annotation.document.objects
    objects = plain_objects(annotation.document)
    if objects is not None:
        return objects
    return Annotation.model_validate(annotation.document).objects


def plain_objects(document: dict[str, Any]) -> list[Any] | None:
    """The stored objects of a document that is plainly a list of objects (no relations,
    no other keys), as their JSON; None for any other document."""
    objects = document.get("objects", [])
    if (
        type(objects) is list
        and document.get("relations", []) == []
        and DOCUMENT_KEYS.issuperset(document)
    ):
        return objects
    return None


def _plain_attributes(attributes: dict[str, Any]) -> bool:
    return all(
        isinstance(v, PLAIN_VALUES) or (type(v) is list and all(type(s) is str for s in v))
        for v in attributes.values()
    )


# the keys of most stored boxes (annotation_to_json leaves out what is None)
COMMON_KEYS = frozenset({"id", "class_name", "geometry", "attributes", "media_index"})
BOX_KEYS = frozenset({"kind", "x1", "y1", "x2", "y2"})


def plain_box(obj: Any) -> bool:
    """Whether ``obj`` is a stored box the writer may take from its JSON: what its model
    would hold, on the item's first image, without a track (else the model's to say)."""
    if type(obj) is not dict:
        return False
    get = obj.get
    geometry, class_name, oid = get("geometry"), get("class_name"), get("id")
    media_index, attributes = get("media_index", 0), get("attributes", NO_ATTRIBUTES)
    if (
        type(geometry) is not dict
        or geometry.keys() != BOX_KEYS
        or geometry["kind"] != "box"
        or type(class_name) is not str
        or type(oid) is not str
        or type(media_index) is not int
        or media_index != 0
        or type(attributes) is not dict
    ):
        return False
    x1, y1, x2, y2 = geometry["x1"], geometry["y1"], geometry["x2"], geometry["y2"]
    if (
        type(x1) is not float
        or type(y1) is not float
        or type(x2) is not float
        or type(y2) is not float
        or not math.isfinite(x1 + y1 + x2 + y2)
    ):
        return False
    if obj.keys() == COMMON_KEYS and not attributes:
        return True  # most boxes: nothing else to look at
    score, entity_id = get("score"), get("entity_id")
    return (
        get("track_id") is None
        and (score is None or type(score) is float)
        and (entity_id is None or type(entity_id) is str)
        and OBJECT_KEYS.issuperset(obj)
        and (not attributes or _plain_attributes(attributes))
    )


def plain_box_rows(
    objects: list[Any], ids: Mapping[str, int], width: int, height: int, rows: list[Any]
) -> bool:
    """Add to ``rows`` the (class id, x1, y1, x2, y2) of each of ``objects``, flat, when every
    one is a stored box with the keys most have (COMMON_KEYS, no attributes, the first
    image), a string id, a class of ``ids``, and corners with 0 <= x1 <= x2 <= width and
    0 <= y1 <= y2 <= height; else leave ``rows`` as it was, and say False: the writer takes
    each object's own way.

    Such a box is one the model takes as it is (the comparisons pass for numbers only:
    floats, and ints and bools, which the model turns into the same floats; never for an
    infinity or NaN), and its normalised fields all lie within 0..1, since sums and
    divisions round monotonically: no clipping and no report, whatever the options."""
    start = len(rows)
    no_attributes, string = NO_ATTRIBUTES, str  # as locals: this runs for every box
    try:
        for obj in objects:
            geometry = obj["geometry"]
            x1, y1, x2, y2 = geometry["x1"], geometry["y1"], geometry["x2"], geometry["y2"]
            # the 5 keys of each are looked up here: with a length of 5, they are all it has
            if (
                len(obj) != 5
                or len(geometry) != 5
                or geometry["kind"] != "box"
                or obj["attributes"] != no_attributes
                or obj["media_index"] != 0  # 0, or 0.0 or False, which the model takes as 0
                or type(obj["id"]) is not string
                or not (0 <= x1 <= x2 <= width and 0 <= y1 <= y2 <= height)
            ):
                break
            rows += (ids[obj["class_name"]], x1, y1, x2, y2)
        else:
            return True
    except (KeyError, TypeError):  # not a dict, a key missing, not a number
        pass
    del rows[start:]
    return False
