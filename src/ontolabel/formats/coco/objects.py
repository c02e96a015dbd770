"""The objects of one image's annotations when they are the usual kind, built in one
validation for the image instead of a model per object and shape.

The reader has one exact path that checks an annotation step by step and reports the first
thing wrong in it (reader.py). This one takes the annotations almost every file holds:
a known category, a well-formed bbox, the shape as ontolabel writes it (its exact geometry)
or as COCO does (polygons, RLE, a bare bbox), no keypoints. Anything else, or any value the
models refuse, makes it give up on the image (returning None, having reported nothing), and
the exact path then reads the image as it always has, so what is reported, and where, never
depends on which path ran. Where both accept an image they build equal objects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.formats.coco.packing import (
    COLUMN_CATEGORIES,
    COLUMN_CROWDS,
    COLUMN_IDS,
    COLUMN_OWN_IDS,
    Columns,
    Packed,
    RunPart,
    length,
)
from ontolabel.formats.coco.shapes import (
    EXACT_KEY,
    ID_KEY,
    ShapeError,
    read_polygon_segmentation,
    read_rle_segmentation,
)
from ontolabel.formats.trusted import box_object
from ontolabel.formats.trusted import document as trusted_document

# one image's annotations: (where, index in its list, the annotation), in object order;
# Entries may hold packed ones (packing.py), PlainEntries not
Entries = Sequence[tuple[str, int, dict[str, Any] | Packed]]
PlainEntries = list[tuple[str, int, dict[str, Any]]]

_NUMBER = frozenset((int, float))  # by exact type: a bool is no number here
_INF = math.inf
# the exact geometries read_exact takes, by the kind that tells them apart
_EXACT_KINDS = frozenset(("box", "rotated_box", "polygon"))
_DOCUMENT = TypeAdapter(Annotation)
_ABSENT = object()
_NO_ATTRIBUTES: dict[str, Any] = {}  # (validated into a new dict: never changed)
_NAME = attrgetter("name")
_KEYPOINTS_END = ":keypoints\0"


def _has_shape(ann: dict[str, Any]) -> bool:
    return any(ann.get(k) for k in ("bbox", "segmentation", "keypoints"))


class Named(Protocol):
    @property
    def name(self) -> str: ...


def quick_bbox(value: object) -> tuple[float, float, float, float] | None:
    """A bbox's x, y, w, h when ``read_bbox`` would take it as it is (the usual case, checked
    here without building the Box that most annotations never use: their exact geometry or
    outline wins); None when it would not, so that ``read_bbox`` says why."""
    if type(value) is not list or len(value) != 4:
        return None
    return _xywh(*value)


def _xywh(x: Any, y: Any, w: Any, h: Any) -> tuple[float, float, float, float] | None:
    if type(x) not in _NUMBER or type(y) not in _NUMBER:
        return None
    if type(w) not in _NUMBER or type(h) not in _NUMBER:
        return None
    x, y, w, h = float(x), float(y), float(w), float(h)
    # finite corners (and w, h >= 0, which NaN is not) imply four finite numbers
    if w >= 0 and h >= 0 and -_INF < x + w < _INF and -_INF < y + h < _INF:
        return x, y, w, h
    return None


@dataclass(slots=True)
class ImageObjects:
    """What an image's annotations give its record."""

    document: Annotation | None  # None: no objects
    origins: tuple[str, ...]
    scored: bool
    captions: list[str]
    crowds: list[str]  # the objects of iscrowd annotations
    skeletons: dict[str, dict[str, Any]]  # per keypoints class: its category's names, skeleton


def _geometry(ann: dict[str, Any]) -> object | None:
    """The shape of an annotation without keypoints, as the exact path reads it (a dict the
    model validates, or the geometry built by the same function), or None to give up."""
    if "bbox" in ann:
        xywh = quick_bbox(ann["bbox"])
        if xywh is None:
            return None
    else:
        xywh = None
    exact = ann.get(EXACT_KEY, _ABSENT)
    if exact is not _ABSENT:
        # with its kind the model reads it as read_exact does (without, read_exact would
        # take it as a box by default, which the discriminated union does not: left to it)
        if type(exact) is dict and exact.get("kind") in _EXACT_KINDS:
            return exact
        return None
    segmentation = ann.get("segmentation")
    try:
        if type(segmentation) is list and segmentation:
            return read_polygon_segmentation(segmentation)
        if type(segmentation) is dict:
            return read_rle_segmentation(segmentation)
    except ShapeError:
        return None
    if segmentation not in (None, []):
        return None
    if xywh is None:
        return {"kind": "tag"}  # no shape at all: an image-level label
    x, y, w, h = xywh
    return {"kind": "box", "x1": x, "y1": y, "x2": x + w, "y2": y + h}


def quick_objects(anns: Entries, categories: Mapping[int, Named]) -> ImageObjects | None:
    """The image's objects, or None when an annotation is not of the usual kind or any
    value is refused (then nothing is reported: the exact path reads the image)."""
    # each a dict to validate, or an object built from values already checked
    objects: list[dict[str, Any] | AnnotationObject] = []
    unchecked = False  # some object is a dict
    origins: list[str] = []
    captions: list[str] = []
    crowds: list[str] = []
    used_ids: set[str] = set()
    scored = False
    for where, index, ann in anns:
        if isinstance(ann, tuple):  # packed: a box (and what the dict path would make of it)
            # (layout 0 has ontolabel's own id, which wins over COCO's, as in the dict path)
            if ann[0] == 0:
                _, _, _, category_id, crowd, raw_id, x, y, w, h, x1, y1, x2, y2 = ann
            else:
                _, raw_id, _, category_id, crowd, x, y, w, h, x1, y1, x2, y2 = ann
            try:
                category = categories.get(category_id)
            except TypeError:
                return None
            if category is None or _xywh(x, y, w, h) is None:
                return None
            if type(raw_id) is str:
                object_id = raw_id
            else:
                object_id = str(raw_id) if type(raw_id) is int else str(index + 1)
            if object_id in used_ids:
                return None
            used_ids.add(object_id)
            if (
                type(x1) is float
                and type(y1) is float
                and type(x2) is float
                and type(y2) is float
                and -_INF < x1 < _INF
                and -_INF < y1 < _INF
                and -_INF < x2 < _INF
                and -_INF < y2 < _INF
            ):
                # what validation would keep as it is: built without it (trusted.py)
                objects.append(box_object(object_id, category.name, x1, y1, x2, y2))
            else:
                unchecked = True
                objects.append(
                    {
                        "id": object_id,
                        "class_name": category.name,
                        "geometry": {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2},
                        "attributes": _NO_ATTRIBUTES,
                        "track_id": None,
                        "entity_id": None,
                        "score": None,
                    }
                )
            if crowd == 1:
                crowds.append(object_id)
            origins.append(where + ".keypoints" if object_id.endswith(":keypoints") else where)
            continue
        get = ann.get
        if "caption" in ann and isinstance(ann["caption"], str) and not _has_shape(ann):
            captions.append(ann["caption"])  # a caption describes the whole image
            continue
        try:
            category = categories.get(get("category_id"))  # type: ignore[arg-type]
        except TypeError:  # unhashable
            return None
        if category is None or ("keypoints" in ann and ann["keypoints"]):
            return None
        geometry = _geometry(ann)
        attributes = get("attributes", _NO_ATTRIBUTES)
        if geometry is None or type(attributes) is not dict:
            return None
        raw_id = get(ID_KEY, _ABSENT)
        if raw_id is _ABSENT:
            raw_id = get("id")
        if type(raw_id) is str:
            object_id = raw_id
        else:
            object_id = str(raw_id) if type(raw_id) is int else str(index + 1)
        if object_id in used_ids:
            return None
        used_ids.add(object_id)
        track_id, entity_id, score = get("track_id"), get("entity_id"), get("score")
        unchecked = True
        objects.append(
            {
                "id": object_id,
                "class_name": category.name,
                "geometry": geometry,
                "attributes": attributes,
                "track_id": None if track_id is None else str(track_id),
                "entity_id": None if entity_id is None else str(entity_id),
                "score": score,
            }
        )
        if score is not None:
            scored = True
        if get("iscrowd") == 1:
            crowds.append(object_id)
        # (as the exact path: an id of ontolabel's own keypoints object names that part)
        origins.append(where + ".keypoints" if object_id.endswith(":keypoints") else where)
    if not objects:
        document = None
    elif not unchecked:
        document = trusted_document(objects)  # type: ignore[arg-type]
    else:
        try:
            # (the objects already built pass through as they are)
            document = _DOCUMENT.validate_python({"objects": objects})
        except ValidationError:
            return None
    return ImageObjects(document, tuple(origins), scored, captions, crowds, {})


def _origins(section: str, first: int, count: int) -> list[str]:
    """``section[i]`` for the ``count`` indices from ``first``."""
    if section == "annotations":  # nearly every one: an f-string of one value is quicker
        return [f"annotations[{i}]" for i in range(first, first + count)]
    return [f"{section}[{i}]" for i in range(first, first + count)]


# what a packed run's boxes need beside their corners: class names, ids, where each came
# from, iscrowd flags (none of it seen by the cyclic collector: only strings and numbers),
# whether any is a crowd, whether its ids are all different and none names a keypoints part
_Named = tuple[list[str], Sequence[str], list[str], Sequence[Any], bool, bool]
# one image's part of a run: its objects, origins, ids, crowds, and whether its ids are
# known good (see above)
_Part = tuple[list[AnnotationObject], list[str], Sequence[str], list[str], bool]


def _plain_ids(ids: Sequence[str]) -> bool:
    """Whether the ids are all different and none names a keypoints part (a NUL ends each:
    an id ending with ":keypoints" shows, and the rare id holding ":keypoints\\0" inside only
    sends its image the longer way)."""
    return len(set(ids)) == len(ids) and _KEYPOINTS_END not in "\0".join(ids) + "\0"


class PackedBoxes:
    """The objects of images whose annotations are all runs packed as columns (every box
    checked, as a whole run, when it was packed: see packing.py). A run spooled whole holds
    the boxes of a score of images: what their objects need is looked up for the whole run
    the first time one of its images is asked for, and each image's objects are built from
    its part. (Not the objects themselves for the whole run: held across the records of
    several images, they would outlive young collections and fill the oldest generation,
    whose full collections then cost more than building them.)"""

    def __init__(self, categories: Mapping[int, Named], sections: Sequence[str]):
        self._categories = categories
        self._sections = sections
        self._run: Columns | None = None  # the run looked up last, and what it gave
        self._named: _Named | None = None

    def _lookup(self, section: int, run: Columns) -> _Named | None:
        """Names, ids, origins and flags of the run's boxes, or None when a category of it
        is unknown."""
        if run is self._run:
            return self._named
        found = list(map(self._categories.get, run[COLUMN_CATEGORIES]))
        if not all(found):  # (a category is never false: no __bool__ nor __len__)
            named = None
        else:
            ids = run[COLUMN_OWN_IDS] if run[1] == 0 else list(map(str, run[COLUMN_IDS]))
            origins = _origins(self._sections[section], run[0], len(found))
            flags = run[COLUMN_CROWDS]
            named = list(map(_NAME, found)), ids, origins, flags, 1 in flags, _plain_ids(ids)
        self._run, self._named = run, named
        return named

    def _part(self, section: int, piece: Columns | RunPart) -> _Part | None:
        if type(piece) is RunPart:
            run, start, end = piece
        else:
            run, start, end = piece, 0, length(piece)
        named = self._lookup(section, run)
        if named is None:
            return None
        names, run_ids, origins, run_flags, crowded, plain = named
        ids = run_ids[start:end]
        x1s, y1s, x2s, y2s = (
            run[-4][start:end],
            run[-3][start:end],
            run[-2][start:end],
            run[-1][start:end],
        )
        objects = list(map(box_object, ids, names[start:end], x1s, y1s, x2s, y2s))
        crowds: list[str] = []
        if crowded:  # (as the dict path: iscrowd == 1)
            flags = run_flags[start:end]
            crowds = [oid for oid, crowd in zip(ids, flags, strict=True) if crowd == 1]
        return objects, origins[start:end], ids, crowds, plain

    def image(self, pieces: Sequence[tuple[int, Columns | RunPart]]) -> ImageObjects | None:
        """The image's objects, or None when a category is unknown, an object id repeats or
        names a keypoints part: then the image is read as any other, which finds the same
        objects where this finds them."""
        if len(pieces) == 1:  # the usual: a part of one run, whose ids are known good
            part = self._part(*pieces[0])
            if part is None:
                return None
            objects, origins, ids, crowds, plain = part
            if not plain and not _plain_ids(ids):
                return None
            return ImageObjects(trusted_document(objects), tuple(origins), False, [], crowds, {})
        objects, origins, ids, crowds = [], [], [], []
        for section, piece in pieces:
            part = self._part(section, piece)
            if part is None:
                return None
            objects += part[0]
            origins += part[1]
            ids += part[2]
            crowds += part[3]
        if not _plain_ids(ids):
            return None
        return ImageObjects(trusted_document(objects), tuple(origins), False, [], crowds, {})
