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
from typing import Any, NamedTuple

from ontolabel.core.annotation import Annotation, AnnotationObject
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


class StoredBox(NamedTuple):
    """A plainly valid stored box: its class and corners, and its JSON (for the model,
    should the writer need it)."""

    class_name: str
    x1: float
    y1: float
    x2: float
    y2: float
    source: dict[str, Any]

    def model(self) -> AnnotationObject:
        return AnnotationObject.model_validate(self.source)


def objects_of(annotation: AnnotationRecord | StoredAnnotation) -> list[Any]:
    """The annotation's objects: core ones, or stored JSON ones where the rest of the
    document is plainly valid (else the whole document's model is built)."""
    if isinstance(annotation, AnnotationRecord):
        return annotation.document.objects
    document = annotation.document
    objects = document.get("objects", [])
    if (
        type(objects) is list
        and document.get("relations", []) == []
        and DOCUMENT_KEYS.issuperset(document)
    ):
        return objects
    return Annotation.model_validate(document).objects


def _plain_attributes(attributes: dict[str, Any]) -> bool:
    return all(
        isinstance(v, PLAIN_VALUES) or (type(v) is list and all(type(s) is str for s in v))
        for v in attributes.values()
    )


def plain_box(obj: Any) -> StoredBox | None:
    """``obj`` as a StoredBox when it is one; None for anything else (the model's to say)."""
    if type(obj) is not dict:
        return None
    geometry = obj.get("geometry")
    if type(geometry) is not dict or len(geometry) != 5 or geometry.get("kind") != "box":
        return None
    x1, y1, x2, y2 = (geometry.get(k) for k in ("x1", "y1", "x2", "y2"))
    get = obj.get
    class_name, attributes = get("class_name"), get("attributes", NO_ATTRIBUTES)
    score, entity_id = get("score"), get("entity_id")
    if (
        type(x1) is not float
        or type(y1) is not float
        or type(x2) is not float
        or type(y2) is not float
        or not math.isfinite(x1 + y1 + x2 + y2)
        or type(get("id")) is not str
        or type(class_name) is not str
        or get("media_index", 0) != 0
        or type(get("media_index", 0)) is not int
        or get("track_id") is not None
        or (score is not None and type(score) is not float)
        or (entity_id is not None and type(entity_id) is not str)
        or type(attributes) is not dict
        or not OBJECT_KEYS.issuperset(obj)
        or (attributes and not _plain_attributes(attributes))
    ):
        return None
    return StoredBox(class_name, x1, y1, x2, y2, obj)
