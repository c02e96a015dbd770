"""Core models built from values the reader has already checked, without validating them
again: most of a large import is boxes whose every value is known good (a float corner, a
str id), and validating each through pydantic cost more than the rest of reading it.

Each function gives the model that validating the equivalent dict gives: the same field
values, the same set of fields given (``model_fields_set``, which ``exclude_unset`` dumps
depend on), no extra and no private values. The caller must pass what validation would
keep unchanged: a ``str`` id and class name, ``float`` corners that are finite (a geometry
refuses inf and NaN). Tests compare each with validation's result
(tests/formats/test_coco_quick.py, test_yolo_bulk.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box

# the slots every model instance has (validation fills them in C; here their descriptors)
_SLOTS = BaseModel.__dict__
_set_fields = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__
_set_dict = _SLOTS["__dict__"].__set__
_new = object.__new__

# the fields validation counts as given: the keys of the dicts the reader validates
BOX_FIELDS = frozenset(("kind", "x1", "y1", "x2", "y2"))
OBJECT_FIELDS = frozenset(
    ("id", "class_name", "geometry", "attributes", "track_id", "entity_id", "score")
)
DOCUMENT_FIELDS = frozenset(("objects",))
# one set for every box built here: a set of its own per box is what validation makes,
# but a box is frozen (an assignment is refused before the set is touched) and every field
# of it is given already, and a copy (model_copy) gets a set of its own: nothing ever adds
# to this one (a set a box saves ~0.1 s a million boxes)
_BOX_GIVEN = set(BOX_FIELDS)


def _model(cls: type[BaseModel], values: dict[str, Any], given: frozenset[str]) -> Any:
    model = _new(cls)
    _set_dict(model, values)
    _set_fields(model, set(given))  # its own set: an assignment to the model adds to it
    _set_extra(model, None)
    _set_private(model, None)
    return model


def box_object(
    object_id: str,
    class_name: str,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    given: frozenset[str] = OBJECT_FIELDS,
) -> AnnotationObject:
    """The object of a plain box: what validating ``{"id", "class_name", "geometry":
    {"kind": "box", ...}, "attributes": {}, "track_id": None, "entity_id": None, "score":
    None}`` gives (or only the keys ``given`` names, the others left to their defaults)."""
    # (_model written out twice: this runs for every box of a large import)
    box = _new(Box)
    _set_dict(box, {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2})
    _set_fields(box, _BOX_GIVEN)
    _set_extra(box, None)
    _set_private(box, None)
    found = _new(AnnotationObject)
    _set_dict(
        found,
        {
            "id": object_id,
            "class_name": class_name,
            "geometry": box,
            "attributes": {},
            "media_index": 0,
            "track_id": None,
            "entity_id": None,
            "score": None,
        },
    )
    _set_fields(found, set(given))
    _set_extra(found, None)
    _set_private(found, None)
    return found


def document(objects: list[AnnotationObject]) -> Annotation:
    """What validating ``{"objects": objects}`` gives, the objects being models already."""
    return _model(  # type: ignore[no-any-return]
        Annotation, {"objects": objects, "relations": []}, DOCUMENT_FIELDS
    )
