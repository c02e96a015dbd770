"""Streaming COCO writer: images go straight to the output, annotations through a disk spool.

COCO is one JSON object holding an ``images`` array and an ``annotations`` array. To write it
in one pass over the items without holding either array in memory, images are written to the
output as they come, while annotations wait in a spooled temporary file (in memory while
small, on disk beyond that). Keypoint arrays are ordered by their category's keypoint names,
which may only be complete at the end (names the ontology does not declare are learnt in
order of first appearance), so the keypoint arrays are laid out when the spool is replayed.
Image-level labels wait in a second spool and go to their own list (``LABELS_KEY``);
captions an import kept in an item's meta are written back as caption annotations.

The writer takes items with core documents (``write``) or with the stored JSON of their
documents (``write_stored``, what the exporter hands it): a stored box whose JSON is plainly
valid goes straight to its COCO annotation, anything else through its core model, so both
give the same file. JSON is written by orjson (about 14x faster than ``json.dumps`` here).
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, Any, BinaryIO

import orjson
from pydantic import BaseModel

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Tag
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import Location, Violation
from ontolabel.formats.base import AnnotationRecord, ExportRecord, WriteStats
from ontolabel.formats.coco.categories import Category
from ontolabel.formats.coco.options import CocoOptions
from ontolabel.formats.coco.shapes import (
    CROWD_META,
    EXACT_KEY,
    ID_KEY,
    KEYPOINTS_META,
    LABELS_KEY,
    box_fields,
    shape_of,
)
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, selected

SPOOL_IN_MEMORY = 16 << 20
KEYPOINTS_MARK = b'"_keypoints":'
COPY_BLOCK = 1 << 20
DOCUMENT_KEYS = frozenset({"objects", "relations"})
# the keys of a stored object (AnnotationObject's fields): one with any other key is left
# to the model, which refuses it
OBJECT_KEYS = frozenset(
    {"id", "class_name", "geometry", "attributes", "media_index", "track_id", "entity_id", "score"}
)
# attribute values the model keeps as they are (a Quantity or a list of anything but
# strings is left to the model)
PLAIN_VALUES = (str, bool, int, float, type(None))
NO_ATTRIBUTES: dict[str, Any] = {}

Record = ExportRecord | StoredRecord
Work = AnnotationRecord | StoredAnnotation


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):  # a Quantity attribute: {"value": ..., "unit": ...}
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json_dumps(obj: Any) -> bytes:
    # ValueError on NaN or an infinity: COCO files are strict JSON
    return json.dumps(
        obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_value
    ).encode()


def _dumps(obj: Any) -> bytes:
    """``obj`` as JSON, by orjson, except what orjson writes otherwise than ``json``: it
    refuses integers past 64 bits (``json`` writes them) and writes NaN and infinities as
    null (``json`` refuses them, as the file must be strict JSON: checked where a null is)."""
    try:
        text = orjson.dumps(obj, default=_json_value)
    except orjson.JSONEncodeError:
        return _json_dumps(obj)
    if b"null" in text:
        _json_dumps(obj)  # raises if a null is a NaN or an infinity
    return text


def _line(obj: Any) -> bytes:
    """``_dumps(obj)`` and a newline: one line of a spool."""
    return _dumps(obj) + b"\n"


def _finite_line(obj: Any) -> bytes:
    """``_line`` of an annotation known to hold no NaN or infinity (a stored box's, checked
    before: looking for a null in each line cost a tenth of the export)."""
    try:
        return orjson.dumps(obj, default=_json_value, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return _json_dumps(obj) + b"\n"


def _stored_objects(document: object) -> list[Any] | None:
    """A stored document's objects, if the rest of it is plainly valid; None if only its
    model can tell (which then refuses what the model refuses)."""
    if type(document) is not dict:
        return None
    objects = document.get("objects", [])
    if (
        type(objects) is list
        and document.get("relations", []) == []
        and DOCUMENT_KEYS.issuperset(document)
    ):
        return objects
    return None


def _plain_attributes(attributes: object) -> bool:
    """Whether stored attributes are what the model would keep unchanged."""
    if type(attributes) is not dict:
        return False
    for value in attributes.values():
        if type(value) is float and not math.isfinite(value):
            return False
        if not isinstance(value, PLAIN_VALUES) and not (
            type(value) is list and all(type(v) is str for v in value)
        ):
            return False
    return True


class CocoWriter:
    def __init__(
        self, out: BinaryIO, categories: list[Category], options: CocoOptions, info: dict[str, Any]
    ):
        self.out = out
        self.options = options
        self.info = info
        self.categories = categories
        self.by_name = {c.name: c for c in categories}
        self.by_id = {c.id: c for c in categories}
        self.stats = WriteStats()
        self.image_id = 0
        self.ann_id = 0
        self.skeleton_clash: set[str] = set()
        self.crowd: frozenset[str] = frozenset()  # the current item's crowd objects
        self.labels: IO[bytes] = io.BytesIO()  # the spool of image-level labels, in write
        self.has_keypoints = False  # whether the spool holds keypoint annotations

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        return self._write(records)

    def write_stored(self, records: Iterable[StoredRecord]) -> WriteStats:
        return self._write(records)

    def _write(self, records: Iterable[Record]) -> WriteStats:
        out = self.out
        out.write(b'{"info":' + _dumps(self.info) + b',"licenses":[],"images":[')
        with (
            tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b") as spool,
            tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b") as labels,
        ):
            self.labels = labels
            for record in records:
                self._record(record, spool)
            out.write(b'\n],"annotations":[')
            self._replay(spool, self.has_keypoints)
            if labels.tell():
                out.write(b'\n],"' + LABELS_KEY.encode() + b'":[')
                self._replay(labels, False)
        out.write(b'\n],"categories":[')
        out.write(b",".join(b"\n" + _dumps(c.to_coco()) for c in self.categories))
        out.write(b"\n]}\n")
        return self.stats

    def _replay(self, spool: IO[bytes], has_keypoints: bool) -> None:
        """The spool's lines (one annotation each) as the array's entries, one a line."""
        spool.seek(0)
        if not has_keypoints:
            self._copy(spool)
            return
        first = True
        for line in spool:
            # only keypoint annotations wait for their category's final name order
            ready = self._finish(json.loads(line)) if KEYPOINTS_MARK in line else line[:-1]
            self.out.write((b"\n" if first else b",\n") + ready)
            first = False

    def _copy(self, spool: IO[bytes]) -> None:
        # JSON text holds no raw newline, so each newline but the last becomes ",\n"
        block = spool.read(COPY_BLOCK)
        if not block:
            return
        self.out.write(b"\n")
        while True:
            following = spool.read(COPY_BLOCK)
            ready = block.replace(b"\n", b",\n")
            if not following:
                self.out.write(ready[:-2])  # the last newline ends the last entry
                return
            self.out.write(ready)
            block = following

    def _skip(self, message: str, record: Record, path: str | None = None) -> None:
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.stats.skipped.append(Violation(message, Location(item=item, path=path)))

    def _chosen(self, annotations: Sequence[Work]) -> list[Work]:
        chosen = selected(self.options, annotations)
        if self.options.merge == "all" or not chosen:
            return chosen
        # one label set per image: the last submitted annotation, else the last draft
        submitted = [a for a in chosen if a.status == "submitted"]
        return [(submitted or chosen)[-1]]

    def _record(self, record: Record, spool: IO[bytes]) -> None:
        content = record.content
        if content.modality != Modality.IMAGE:
            self._skip(f"COCO holds images; this item is {content.modality.value}", record)
            return
        if not content.media:
            self._skip("the item has no image file", record)
            return
        image_ids: list[int] = []
        for media in content.media:
            self.image_id += 1
            image_ids.append(self.image_id)
            self.out.write(
                (b"\n" if self.image_id == 1 else b",\n")
                + _dumps(
                    {
                        "id": self.image_id,
                        "file_name": media.name,
                        "width": media.width,
                        "height": media.height,
                    }
                )
            )
        self.stats.items += 1
        crowd = record.content.meta.get(CROWD_META)
        self.crowd = frozenset(crowd) if isinstance(crowd, list) else frozenset()
        self._declared_keypoints(record)
        self._captions(record, image_ids[0], spool)
        lines: list[bytes] = []  # the item's spool lines, written at once
        for annotation in self._chosen(record.annotations):
            user = annotation.user if self.options.merge == "all" else None
            if isinstance(annotation, AnnotationRecord):
                objects = annotation.document.objects
            else:
                stored = _stored_objects(annotation.document)
                if stored is not None:
                    self._stored_objects(stored, record, image_ids, user, lines)
                    continue
                objects = Annotation.model_validate(annotation.document).objects
            for index, obj in enumerate(objects):
                self._object(obj, index, record, image_ids, user, lines)
        spool.write(b"".join(lines))

    def _object(
        self,
        obj: AnnotationObject,
        index: int,
        record: Record,
        image_ids: list[int],
        user: str | None,
        lines: list[bytes],
    ) -> None:
        """``obj``'s annotation line (an image-level label's to its own spool), or the
        report of why it has none."""
        if not 0 <= obj.media_index < len(image_ids):
            self._skip(
                f"media_index {obj.media_index} is not an image of the item",
                record,
                f"objects[{index}]",
            )
            return
        media = record.content.media[obj.media_index]
        ann = self._annotation(obj, media, image_ids[obj.media_index], user)
        if isinstance(ann, str):
            self._skip(ann, record, f"objects[{index}]")
        elif isinstance(obj.geometry, Tag):
            self.labels.write(_line(ann))
        else:
            lines.append(_line(ann))

    def _stored_objects(
        self,
        objects: list[Any],
        record: Record,
        image_ids: list[int],
        user: str | None,
        lines: list[bytes],
    ) -> None:
        """The annotation lines of stored objects. A box whose JSON is what its model would
        hold (most of what is exported) gives here the line ``_object`` gives for its model;
        anything else goes through its model to ``_object`` (the names are local: this loop
        runs once a box)."""
        by_name, crowd, count, ann_id = self.by_name, self.crowd, len(image_ids), self.ann_id
        plain_boxes = 0
        for index, obj in enumerate(objects):
            try:
                geometry = obj["geometry"]
                kind, obj_id, class_name = geometry["kind"], obj["id"], obj["class_name"]
                x1, y1, x2, y2 = geometry["x1"], geometry["y1"], geometry["x2"], geometry["y2"]
            except (KeyError, TypeError):  # a key missing, or not a mapping at all
                kind = None
            if kind == "box":
                if len(obj) == 5 and "media_index" in obj and "attributes" in obj:
                    # what storage holds for most objects: these five keys and no other
                    media_index, attributes = obj["media_index"], obj["attributes"]
                    score = track_id = entity_id = None
                    known_keys = True
                else:
                    get = obj.get
                    media_index = get("media_index", 0)
                    attributes = get("attributes", NO_ATTRIBUTES)
                    score, track_id, entity_id = get("score"), get("track_id"), get("entity_id")
                    known_keys = OBJECT_KEYS.issuperset(obj)
                category = by_name.get(class_name) if type(class_name) is str else None
                plain = (
                    category is not None
                    and type(x1) is float
                    and type(y1) is float
                    and type(x2) is float
                    and type(y2) is float
                    # finite coordinates, width, height and area
                    and math.isfinite((x2 - x1) * (y2 - y1))
                    and type(obj_id) is str
                    and type(media_index) is int
                    and 0 <= media_index < count
                    and type(attributes) is dict
                    and (score is None or (type(score) is float and math.isfinite(score)))
                    and (track_id is None or type(track_id) is str)
                    and (entity_id is None or type(entity_id) is str)
                    and len(geometry) == 5
                    and known_keys
                    and (not attributes or _plain_attributes(attributes))
                )
                if plain:
                    assert category is not None
                    bbox, area, segmentation, exact = box_fields(x1, y1, x2, y2)
                    ann_id += 1
                    ann: dict[str, Any] = {
                        "id": ann_id,
                        "image_id": image_ids[media_index],
                        "category_id": category.id,
                        "bbox": bbox,
                        "area": area,
                        "iscrowd": 1 if obj_id in crowd else 0,
                        "segmentation": segmentation,
                        EXACT_KEY: exact,
                    }
                    if (
                        attributes
                        or user is not None
                        or score is not None
                        or track_id is not None
                        or entity_id is not None
                    ):
                        self._extras(ann, obj_id, score, attributes, track_id, entity_id, user)
                    else:  # most boxes: what _extras does for them, without the call
                        ann[ID_KEY] = obj_id
                        plain_boxes += 1
                    lines.append(_finite_line(ann))
                    continue
            self.ann_id = ann_id
            self._object(
                AnnotationObject.model_validate(obj), index, record, image_ids, user, lines
            )
            ann_id = self.ann_id
        self.ann_id = ann_id
        self.stats.objects += plain_boxes

    def _captions(self, record: Record, image_id: int, spool: IO[bytes]) -> None:
        """An imported captions file's captions (the item's meta) as caption annotations,
        in the form datumaro writes them (category 0, which no category has), which
        pycocotools loads and its evaluation leaves out."""
        captions = record.content.meta.get("captions")
        if not isinstance(captions, list):
            return
        for caption in captions:
            if isinstance(caption, str):
                self.ann_id += 1
                ann = {"id": self.ann_id, "image_id": image_id, "category_id": 0}
                spool.write(_dumps(ann | {"caption": caption}) + b"\n")

    def _declared_keypoints(self, record: Record) -> None:
        declared = record.content.meta.get(KEYPOINTS_META)
        if not isinstance(declared, dict):
            return
        for name, spec in declared.items():
            category = self.by_name.get(name)
            if category is None or not isinstance(spec, dict):
                continue
            names, skeleton = spec.get("keypoints", []), spec.get("skeleton", [])
            agrees = category.declare(list(names), [list(edge) for edge in skeleton])
            if not agrees and name not in self.skeleton_clash:
                self.skeleton_clash.add(name)
                self._skip(
                    f"items give category {name!r} different skeletons: the first is written",
                    record,
                    f"meta.{KEYPOINTS_META}",
                )

    def _annotation(
        self, obj: AnnotationObject, media: MediaInfo, image_id: int, user: str | None
    ) -> dict[str, Any] | str:
        """The COCO annotation of ``obj``, or why it has none."""
        category = self.by_name.get(obj.class_name)
        if category is None:
            return f"class {obj.class_name!r} is not in the ontology"
        if isinstance(obj.geometry, Tag):
            # an image-level label: no shape at all (written apart, see LABELS_KEY)
            self.ann_id += 1
            tag: dict[str, Any] = {
                "id": self.ann_id,
                "image_id": image_id,
                "category_id": category.id,
            }
            return self._object_extras(tag, obj, user)
        size = (media.height, media.width) if media.height and media.width else None
        shape = shape_of(obj.geometry, size)
        if shape is None:
            return f"COCO has no form for a {obj.geometry.kind} ({obj.class_name})"
        self.ann_id += 1
        ann: dict[str, Any] = {
            "id": self.ann_id,
            "image_id": image_id,
            "category_id": category.id,
            "bbox": shape.bbox,
            "area": shape.area,
            "iscrowd": 1 if obj.id in self.crowd else 0,
            "segmentation": shape.segmentation,
        }
        if shape.exact is not None:
            ann[EXACT_KEY] = shape.exact
        if shape.is_keypoints:
            category.learn_keypoints(name for name, *_ in shape.keypoints)
            ann["_keypoints"] = shape.keypoints
            self.has_keypoints = True
        return self._object_extras(ann, obj, user)

    def _object_extras(
        self, ann: dict[str, Any], obj: AnnotationObject, user: str | None
    ) -> dict[str, Any]:
        self._extras(ann, obj.id, obj.score, obj.attributes, obj.track_id, obj.entity_id, user)
        return ann

    def _extras(
        self,
        ann: dict[str, Any],
        obj_id: str,
        score: float | None,
        attributes: dict[str, Any],
        track_id: str | None,
        entity_id: str | None,
        user: str | None,
    ) -> None:
        """What every annotation of an object ends with; ``user`` only when it is written."""
        ann[ID_KEY] = obj_id
        if score is not None:
            ann["score"] = score
        if attributes:
            ann["attributes"] = attributes
        if track_id is not None:
            ann["track_id"] = track_id
        if entity_id is not None:
            ann["entity_id"] = entity_id
        if user is not None:
            ann["annotator"] = user
        self.stats.objects += 1

    def _finish(self, ann: dict[str, Any]) -> bytes:
        points = ann.pop("_keypoints", None)
        if points is not None:
            category = self.by_id[ann["category_id"]]
            by_name = {name: (x, y, v) for name, x, y, v in points}
            flat: list[float] = []
            for name in category.keypoint_names:
                x, y, v = by_name.get(name, (0.0, 0.0, 0))
                flat.extend((x, y, v) if v else (0, 0, 0))
            ann["keypoints"] = flat
            ann["num_keypoints"] = sum(1 for _, _, _, v in points if v > 0)
        return _dumps(ann)
