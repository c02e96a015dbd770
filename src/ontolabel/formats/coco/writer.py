"""Streaming COCO writer: images go straight to the output, annotations through a disk spool.

COCO is one JSON object holding an ``images`` array and an ``annotations`` array. To write it
in one pass over the items without holding either array in memory, images are written to the
output as they come, while annotations wait in a spooled temporary file (in memory while
small, on disk beyond that). Keypoint arrays are ordered by their category's keypoint names,
which may only be complete at the end (names the ontology does not declare are learnt in
order of first appearance), so the keypoint arrays are laid out when the spool is replayed.
Image-level labels wait in a second spool and go to their own list (``LABELS_KEY``);
captions an import kept in an item's meta are written back as caption annotations.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable
from datetime import date
from typing import IO, Any, BinaryIO

from pydantic import BaseModel

from ontolabel.core.annotation import AnnotationObject
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
    shape_of,
)

SPOOL_IN_MEMORY = 16 << 20
KEYPOINTS_MARK = b'"_keypoints":'


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):  # a Quantity attribute: {"value": ..., "unit": ...}
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(obj: Any) -> bytes:
    return json.dumps(
        obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_value
    ).encode()


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

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
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
            self._replay(spool)
            if labels.tell():
                out.write(b'\n],"' + LABELS_KEY.encode() + b'":[')
                self._replay(labels)
        out.write(b'\n],"categories":[')
        out.write(b",".join(b"\n" + _dumps(c.to_coco()) for c in self.categories))
        out.write(b"\n]}\n")
        return self.stats

    def _replay(self, spool: IO[bytes]) -> None:
        spool.seek(0)
        first = True
        for line in spool:
            # only keypoint annotations wait for their category's final name order
            ready = self._finish(json.loads(line)) if KEYPOINTS_MARK in line else line[:-1]
            self.out.write((b"\n" if first else b",\n") + ready)
            first = False

    def _skip(self, message: str, record: ExportRecord, path: str | None = None) -> None:
        item = record.external_id if record.external_id is not None else str(record.item_id)
        self.stats.skipped.append(Violation(message, Location(item=item, path=path)))

    def _chosen(self, record: ExportRecord) -> list[AnnotationRecord]:
        selected = self.options.select(record.annotations)
        if self.options.merge == "all" or not selected:
            return selected
        # one label set per image: the last submitted annotation, else the last draft
        submitted = [a for a in selected if a.status == "submitted"]
        return [(submitted or selected)[-1]]

    def _record(self, record: ExportRecord, spool: IO[bytes]) -> None:
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
        for annotation in self._chosen(record):
            for index, obj in enumerate(annotation.document.objects):
                path = f"objects[{index}]"
                if not 0 <= obj.media_index < len(image_ids):
                    self._skip(
                        f"media_index {obj.media_index} is not an image of the item", record, path
                    )
                    continue
                ann = self._annotation(
                    obj,
                    content.media[obj.media_index],
                    image_ids[obj.media_index],
                    annotation,
                    record,
                    path,
                )
                if ann is not None:
                    target = self.labels if isinstance(obj.geometry, Tag) else spool
                    target.write(_dumps(ann) + b"\n")

    def _captions(self, record: ExportRecord, image_id: int, spool: IO[bytes]) -> None:
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

    def _declared_keypoints(self, record: ExportRecord) -> None:
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
        self,
        obj: AnnotationObject,
        media: MediaInfo,
        image_id: int,
        annotation: AnnotationRecord,
        record: ExportRecord,
        path: str,
    ) -> dict[str, Any] | None:
        category = self.by_name.get(obj.class_name)
        if category is None:
            self._skip(f"class {obj.class_name!r} is not in the ontology", record, path)
            return None
        if isinstance(obj.geometry, Tag):
            # an image-level label: no shape at all (written apart, see LABELS_KEY)
            self.ann_id += 1
            tag: dict[str, Any] = {
                "id": self.ann_id,
                "image_id": image_id,
                "category_id": category.id,
            }
            return self._extras(tag, obj, annotation)
        size = (media.height, media.width) if media.height and media.width else None
        shape = shape_of(obj.geometry, size)
        if shape is None:
            self._skip(
                f"COCO has no form for a {obj.geometry.kind} ({obj.class_name})", record, path
            )
            return None
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
        return self._extras(ann, obj, annotation)

    def _extras(
        self, ann: dict[str, Any], obj: AnnotationObject, annotation: AnnotationRecord
    ) -> dict[str, Any]:
        ann[ID_KEY] = obj.id
        if obj.score is not None:
            ann["score"] = obj.score
        if obj.attributes:
            ann["attributes"] = obj.attributes
        if obj.track_id is not None:
            ann["track_id"] = obj.track_id
        if obj.entity_id is not None:
            ann["entity_id"] = obj.entity_id
        if self.options.merge == "all" and annotation.user is not None:
            ann["annotator"] = annotation.user
        self.stats.objects += 1
        return ann

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
