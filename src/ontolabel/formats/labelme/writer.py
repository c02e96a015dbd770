"""Writing items as LabelMe JSON files (one per image) into a zip, item by item.

Each item gives ``<external id>.json`` (its file stem when it has none) with its image
beside it (``include_media``), ``imagePath`` naming it, ``imageData`` null unless
``image_data``. What LabelMe's fields lose is kept under each shape's ``ontolabel`` key
(object id, the exact rotated box, keypoint names, non-bool attributes, track/entity id,
score), which LabelMe preserves when it saves the file again and our import reads back.
Whole-image Tag objects become the image ``flags`` (every tag class of the ontology is
listed, true where the item has it). Everything LabelMe cannot carry is in
``WriteStats.skipped`` with its reason.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from pydantic import BaseModel

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Polygon, Tag
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import OntolabelError
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.base import ExportRecord, WriteStats
from ontolabel.formats.labelme.options import LabelmeOptions
from ontolabel.formats.labelme.reader import KEPT_KEY, META_KEY
from ontolabel.formats.labelme.shapes import WrittenShape, is_circle, write_geometry
from ontolabel.formats.media import MediaSource

# the LabelMe file version whose fields we write (mask shapes and descriptions came in 5.x)
LABELME_VERSION = "5.7.0"


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def _free(stem: str, taken: Callable[[str], bool], item_id: int) -> str:
    """``stem``, or ``stem-<item id>`` (then ``-2``, ``-3``, ...) when that name is taken."""
    if not taken(stem):
        return stem
    candidate, n = f"{stem}-{item_id}", 1
    while taken(candidate):
        n += 1
        candidate = f"{stem}-{item_id}-{n}"
    return candidate


def _safe_stem(name: str) -> str:
    """A relative POSIX path for member names: no root, no '..', no empty parts."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("/", "..", ".")]
    return "/".join(p for p in parts if p and ":" not in p)


class LabelmeWriter:
    def __init__(
        self,
        out: BinaryIO,
        ontology: Ontology,
        options: LabelmeOptions,
        media: MediaSource | None,
    ):
        self.out = out
        self.options = options
        self.media = media
        self.flag_classes = [
            name
            for name in ontology.class_names()
            if GeometryKind.TAG in ontology.allowed_kinds(name, Modality.IMAGE)
        ]
        self.stats = WriteStats()
        # image members written so far -> the sha256 of their bytes (items may share a file)
        self.images: dict[str, str] = {}

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        with ZipTree(self.out) as tree:
            for record in records:
                self._record(tree, record)
        return self.stats

    def _record(self, tree: ZipTree, record: ExportRecord) -> None:
        content = record.content
        if content.modality != Modality.IMAGE:
            self.stats.skip(f"LabelMe holds images; this item is {content.modality.value}", record)
            return
        if not content.media:
            self.stats.skip("the item has no image file", record)
            return
        image = content.media[0]
        stem = _safe_stem(record.external_id or PurePosixPath(image.name).stem)
        stem = stem or f"item-{record.item_id}"
        stem = _free(stem, lambda n: f"{n}.json" in tree, record.item_id)
        json_name = f"{stem}.json"
        folder = PurePosixPath(stem).parent
        image_name = self._image_member(tree, record, image, folder)
        document = self._document(record, image, PurePosixPath(image_name).name)
        if self.options.image_data:
            document["imageData"] = self._embedded(record, image)
        # one line: json's C encoder only runs without indent (LabelMe reads either)
        tree.write_text(json_name, json.dumps(document, ensure_ascii=False) + "\n")
        self.stats.items += 1

    def _image_member(
        self, tree: ZipTree, record: ExportRecord, image: MediaInfo, folder: PurePosixPath
    ) -> str:
        """Where the item's image is (or would be) in the archive, written there once."""
        name = PurePosixPath(image.name.replace("\\", "/")).name or f"{record.item_id}.jpg"
        path = PurePosixPath(name)

        def member_of(stem: str) -> str:
            return str(folder / f"{stem}{path.suffix}")

        def taken(stem: str) -> bool:
            return self.images.get(member_of(stem), image.sha256) != image.sha256

        # another image by that name is told apart by the item id
        member = member_of(_free(path.stem, taken, record.item_id))
        if not self.options.include_media or member in self.images:
            # the name is taken all the same: another image must not be called so
            self.images.setdefault(member, image.sha256)
            return member
        problem = tree.bundle(member, image.sha256, self.media)
        if problem is not None:
            self.stats.skip(
                f"the image {image.name!r} was not put in the archive: {problem}", record
            )
            return member
        self.images[member] = image.sha256
        return member

    def _embedded(self, record: ExportRecord, image: MediaInfo) -> str | None:
        if self.media is None:
            self.stats.skip("imageData was not embedded: no media store to copy from", record)
            return None
        try:
            with self.media.open(image.sha256) as src:
                return base64.b64encode(src.read()).decode("ascii")
        except (OntolabelError, OSError) as exc:
            self.stats.skip(f"imageData was not embedded: {exc}", record)
            return None

    def _document(self, record: ExportRecord, image: MediaInfo, image_path: str) -> dict[str, Any]:
        flags = dict.fromkeys(self.flag_classes, False)
        tag_ids: dict[str, str] = {}
        shapes: list[dict[str, Any]] = []
        annotation = self.options.latest(record.annotations)
        if annotation is not None:
            for index, relation in enumerate(annotation.document.relations):
                self.stats.skip(
                    f"LabelMe has no relations ({relation.name} {relation.source} -> "
                    f"{relation.target})",
                    record,
                    f"relations[{index}]",
                )
            shapes = self._shapes(record, annotation.document.objects, image, flags, tag_ids)
        document: dict[str, Any] = {
            "version": LABELME_VERSION,
            "flags": flags,
            "shapes": shapes,
            "imagePath": image_path,
            "imageData": None,
            "imageHeight": image.height,
            "imageWidth": image.width,
        }
        if tag_ids:
            # the ids of the tag objects (LabelMe keeps unknown top-level keys when it saves)
            document[KEPT_KEY] = {"flags": tag_ids}
        return document

    def _shapes(
        self,
        record: ExportRecord,
        objects: list[AnnotationObject],
        image: MediaInfo,
        flags: dict[str, bool],
        tag_ids: dict[str, str],
    ) -> list[dict[str, Any]]:
        meta = record.content.meta.get(META_KEY)
        meta = meta if isinstance(meta, dict) else {}
        circles, types = meta.get("circles") or {}, meta.get("types") or {}
        groups = _Groups(objects, meta.get("groups") or {})
        size = (image.height, image.width) if image.height and image.width else None
        shapes: list[dict[str, Any]] = []
        for index, obj in enumerate(objects):
            path = f"objects[{index}]"
            if obj.media_index != 0:
                self.stats.skip(
                    f"LabelMe labels one image; object {obj.id!r} lies on media {obj.media_index}",
                    record,
                    path,
                )
                continue
            if isinstance(obj.geometry, Tag):
                if obj.class_name in tag_ids:
                    self.stats.skip(
                        f"LabelMe flags hold one {obj.class_name!r} tag; object {obj.id!r} "
                        f"repeats {tag_ids[obj.class_name]!r}",
                        record,
                        path,
                    )
                    continue
                flags[obj.class_name] = True
                tag_ids[obj.class_name] = obj.id
                self.stats.objects += 1
                continue
            written = self._geometry(obj, circles.get(obj.id), types.get(obj.id), size)
            if isinstance(written, str):
                self.stats.skip(f"{written} ({obj.class_name}, object {obj.id!r})", record, path)
                continue
            shapes.extend(self._shape(obj, w, groups.of(obj)) for w in written)
            self.stats.objects += 1
        return shapes

    def _geometry(
        self, obj: AnnotationObject, circle: object, hint: object, size: tuple[int, int] | None
    ) -> list[WrittenShape] | str:
        geometry = obj.geometry
        if (
            isinstance(geometry, Polygon)
            and isinstance(circle, list)
            and len(circle) == 4
            and all(isinstance(v, int | float) for v in circle)
        ):
            cx, cy, px, py = (float(v) for v in circle)
            if is_circle(geometry, (cx, cy), (px, py)):
                return [WrittenShape("circle", [[cx, cy], [px, py]])]
        written = write_geometry(geometry, size)
        if isinstance(written, list) and len(written) == 1:
            shape = written[0]
            # a 2-point linestrip, a 1-point "points": written as they were read
            if (shape.shape_type, hint) in (("line", "linestrip"), ("point", "points")):
                shape.shape_type = str(hint)
        return written

    def _shape(
        self, obj: AnnotationObject, written: WrittenShape, group_id: int | None
    ) -> dict[str, Any]:
        shape_flags: dict[str, bool] = {}
        description = ""
        extra: dict[str, Any] = {}
        for name, value in obj.attributes.items():
            if value is None:
                continue
            if isinstance(value, bool):
                shape_flags[name] = value
            elif name == "description" and isinstance(value, str):
                description = value
            else:
                extra[name] = _jsonable(value)
        kept: dict[str, Any] = {"id": obj.id, **written.kept}
        if extra:
            kept["attributes"] = extra
        for key in ("track_id", "entity_id", "score"):
            if getattr(obj, key) is not None:
                kept[key] = getattr(obj, key)
        return {
            "label": obj.class_name,
            "points": written.points,
            "group_id": group_id,
            "description": description,
            "shape_type": written.shape_type,
            "flags": shape_flags,
            "mask": written.mask,
            KEPT_KEY: kept,
        }


class _Groups:
    """The group_id of each object: the one it was imported with, and for a polygon of
    several parts a group of its own (LabelMe joins polygons by label and group_id, so two
    polygon objects never share one)."""

    def __init__(self, objects: list[AnnotationObject], known: dict[str, Any]):
        self.ids: dict[str, int | None] = {}
        used = {v for v in known.values() if isinstance(v, int) and not isinstance(v, bool)}
        fresh = max(used, default=-1) + 1
        taken: set[tuple[str, int]] = set()
        for obj in objects:
            value = known.get(obj.id)
            group = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(obj.geometry, Polygon):
                if group is not None and (obj.class_name, group) in taken:
                    group = None
                if group is None and len(obj.geometry.parts) > 1:
                    group, fresh = fresh, fresh + 1
                if group is not None:
                    taken.add((obj.class_name, group))
            self.ids[obj.id] = group

    def of(self, obj: AnnotationObject) -> int | None:
        return self.ids.get(obj.id)
