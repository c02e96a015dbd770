"""Streaming Pascal VOC writer: a zip of ``Annotations/``, ``ImageSets/Main/``, ``labelmap.txt``
and (with include_media) ``JPEGImages/``.

Each item's XML is written as the item comes. The split lists name every image of a split,
so (split, id, class list values) wait in a spooled temporary file, one line per image, and
the lists are written from it at the end; the label map (classes, colours, the parts and
actions seen) is small and written last. Only axis-aligned boxes and tags have a VOC form:
everything else goes to ``WriteStats.skipped`` with the reason.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import IO, BinaryIO
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from ontolabel.core.annotation import AnnotationObject, AttributeValue, Relation
from ontolabel.core.geometry import Box, Mask, Tag
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.base import ExportRecord, WriteStats
from ontolabel.formats.media import MediaSource
from ontolabel.formats.voc import layout
from ontolabel.formats.voc.options import VocOptions
from ontolabel.formats.voc.palette import VOC_LABELS, VOID, voc_color
from ontolabel.formats.voc.pixels import box_to_voc, voc_number
from ontolabel.formats.voc.reader import FLAGS, PART_OF, UNSPECIFIED_POSE
from ontolabel.formats.voc.segmentation import (
    SEGMENTATION_CLASS,
    SEGMENTATION_OBJECT,
    LabelMap,
    write_masks,
)

SPOOL_IN_MEMORY = 8 << 20
# the VOC tasks besides detection whose ImageSets list the images that take part
TASKS = ("Segmentation", "Layout", "Action")
_OWN_ATTRIBUTES = frozenset({"pose", "actions", *FLAGS})
_WHITESPACE = re.compile(r"\s")


def _hex_color(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _attribute_text(value: AttributeValue) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return None  # lists and quantities have no VOC form


class VocWriter:
    def __init__(
        self,
        out: BinaryIO,
        ontology: Ontology,
        options: VocOptions,
        media: MediaSource | None,
    ):
        self.tree = ZipTree(out)
        self.ontology = ontology
        self.options = options
        self.media = media
        self.stats = WriteStats()
        self.ids: set[str] = set()
        self.tagged: list[str] = []  # classes with image-level tags: they get class lists
        self.parts: dict[str, list[str]] = {}
        self.actions: dict[str, list[str]] = {}
        self.labels = label_map(ontology)
        self.subsets: list[str] = []
        self.tasks: set[str] = set()  # the tasks the current image takes part in
        self.task_subsets: set[tuple[str, str]] = set()
        self.label_index = {name: i for i, name in enumerate(self.labels.names)}

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        with self.tree, tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY, "w+b") as spool:
            for record in records:
                self._record(record, spool)
            self._lists(spool)
            self._labelmap()
        return self.stats

    def _record(self, record: ExportRecord, spool: IO[bytes]) -> None:
        content = record.content
        if content.modality != Modality.IMAGE:
            self.stats.skip(f"VOC holds images; this item is {content.modality.value}", record)
            return
        if not content.media:
            self.stats.skip("the item has no image file", record)
            return
        media = content.media[0]
        # the split lists are whitespace-separated: an id has none (<filename> keeps the name)
        image_id = _WHITESPACE.sub("_", PurePosixPath(media.name).with_suffix("").as_posix())
        if image_id in self.ids:
            self.stats.skip(f"another item is already exported as image {image_id!r}", record)
            return
        self.ids.add(image_id)
        for index in range(1, len(content.media)):
            self.stats.skip(
                f"VOC holds one image per item; {content.media[index].name!r} is left out",
                record,
                f"media[{index}]",
            )
        self.tasks = set()
        annotation = self.options.latest(record.annotations)
        objects = annotation.document.objects if annotation else []
        relations = annotation.document.relations if annotation else []
        root = Element("annotation")
        SubElement(root, "folder").text = ""
        SubElement(root, "filename").text = media.name
        SubElement(SubElement(root, "source"), "database").text = "ontolabel"
        if media.width and media.height:
            size = SubElement(root, "size")
            SubElement(size, "width").text = str(media.width)
            SubElement(size, "height").text = str(media.height)
            SubElement(size, "depth").text = "3"
        segmented = SubElement(root, "segmented")
        tags, masks = self._objects(root, record, objects, relations)
        segmented.text = "1" if masks and self._masks(record, image_id, masks, media) else "0"
        indent(root)
        self.tree.write_bytes(
            f"{layout.ANNOTATIONS}/{image_id}.xml",
            tostring(root, encoding="utf-8", xml_declaration=True) + b"\n",
        )
        if self.options.include_media:
            self._copy_media(record, media.sha256, f"{layout.IMAGES}/{media.name}")
        subset = content.meta.get("subset")
        split = subset if isinstance(subset, str) and subset else layout.DEFAULT_SUBSET
        if split not in self.subsets:
            self.subsets.append(split)
        if segmented.text == "1":
            self.tasks.add("Segmentation")
        self.task_subsets.update((split, task) for task in self.tasks)
        line = [split, image_id, tags, sorted(self.tasks)]
        spool.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
        self.stats.items += 1

    def _copy_media(self, record: ExportRecord, sha256: str, name: str) -> None:
        problem = self.tree.bundle(name, sha256, self.media)
        if problem is not None:
            self.stats.skip(f"the images cannot be bundled here ({problem})", record, "media[0]")

    def _objects(
        self,
        root: Element,
        record: ExportRecord,
        objects: list[AnnotationObject],
        relations: list[Relation],
    ) -> tuple[dict[str, int], list[tuple[int, AnnotationObject]]]:
        """Write the boxes; return the image's class list values (from its tags) and its
        masks (with their places in ``objects``), which go to the segmentation PNGs."""
        by_id = {o.id: o for o in objects}
        parts: dict[str, list[AnnotationObject]] = {}
        is_part: set[str] = set()
        for index, relation in enumerate(relations):
            source, target = by_id.get(relation.source), by_id.get(relation.target)
            if (
                relation.name == PART_OF
                and source is not None
                and target is not None
                and isinstance(source.geometry, Box)
                and isinstance(target.geometry, Box)
            ):
                parts.setdefault(target.id, []).append(source)
                is_part.add(source.id)
            else:
                self.stats.skip(
                    f"VOC has no form for a relation {relation.name!r} other than a box's "
                    "part_of a box",
                    record,
                    f"relations[{index}]",
                )
        tags: dict[str, int] = {}
        masks: list[tuple[int, AnnotationObject]] = []
        for index, obj in enumerate(objects):
            path = f"objects[{index}]"
            if obj.id in is_part:
                continue
            if obj.media_index != 0:
                self.stats.skip("the object lies on a media file VOC does not hold", record, path)
            elif isinstance(obj.geometry, Tag):
                tags[obj.class_name] = 0 if obj.attributes.get("difficult") else 1
                if obj.class_name not in self.tagged:
                    self.tagged.append(obj.class_name)
                lost = sorted(set(obj.attributes) - {"difficult"})
                if lost:
                    self.stats.skip(
                        f"a VOC class list line carries no attributes but difficult: {lost}",
                        record,
                        f"{path}.attributes",
                    )
                self._lost_fields(obj, record, path)
                self.stats.objects += 1
            elif isinstance(obj.geometry, Box):
                self._object(root, record, obj, parts.get(obj.id, []), path)
            elif isinstance(obj.geometry, Mask):
                masks.append((index, obj))
            else:
                self.stats.skip(self._no_form(obj), record, path)
        return tags, masks

    def _masks(
        self,
        record: ExportRecord,
        image_id: str,
        masks: list[tuple[int, AnnotationObject]],
        media: MediaInfo,
    ) -> bool:
        """Write the image's segmentation PNGs; False when no mask could be written."""
        kept: list[tuple[int, AnnotationObject]] = []
        for index, obj in masks:
            assert isinstance(obj.geometry, Mask)
            size = (obj.geometry.width, obj.geometry.height)
            if media.width and media.height and size != (media.width, media.height):
                self.stats.skip(
                    f"the mask is {size[0]}x{size[1]}, the image {media.width}x{media.height}",
                    record,
                    f"objects[{index}]",
                )
            elif len(kept) >= VOID - 1:
                self.stats.skip(
                    "a VOC image holds at most 254 instances", record, f"objects[{index}]"
                )
            else:
                kept.append((index, obj))
        if not kept:
            return False
        first = kept[0][1].geometry
        assert isinstance(first, Mask)
        height, width = first.height, first.width
        class_png, object_png, lost = write_masks(
            [(obj, self.label_index[obj.class_name]) for _, obj in kept],
            height,
            width,
            self.labels,
        )
        self.tree.write_bytes(f"{SEGMENTATION_CLASS}/{image_id}.png", class_png)
        self.tree.write_bytes(f"{SEGMENTATION_OBJECT}/{image_id}.png", object_png)
        for position, message in lost:
            self.stats.skip(message, record, f"objects[{kept[position][0]}]")
        self.stats.objects += len(kept)
        return True

    @staticmethod
    def _no_form(obj: AnnotationObject) -> str:
        kind = obj.geometry.kind
        if kind == "polygon":
            return (
                "VOC holds shapes only as masks in its segmentation PNGs, and this export "
                f"does not rasterise polygons ({obj.class_name}: store it as a mask)"
            )
        if kind == "rotated_box":
            return (
                f"VOC boxes are axis-aligned; a rotated box would lose its angle ({obj.class_name})"
            )
        return f"VOC has no form for a {kind} ({obj.class_name})"

    def _object(
        self,
        root: Element,
        record: ExportRecord,
        obj: AnnotationObject,
        parts: list[AnnotationObject],
        path: str,
    ) -> None:
        element = SubElement(root, "object")
        SubElement(element, "name").text = obj.class_name
        pose = obj.attributes.get("pose")
        SubElement(element, "pose").text = pose if isinstance(pose, str) else UNSPECIFIED_POSE
        for flag in FLAGS:
            SubElement(element, flag).text = "1" if obj.attributes.get(flag) is True else "0"
        assert isinstance(obj.geometry, Box)
        _bndbox(element, obj.geometry)
        for part in parts:
            part_element = SubElement(element, "part")
            SubElement(part_element, "name").text = part.class_name
            assert isinstance(part.geometry, Box)
            _bndbox(part_element, part.geometry)
            self.tasks.add("Layout")
            known = self.parts.setdefault(obj.class_name, [])
            if part.class_name not in known:
                known.append(part.class_name)
            self.stats.objects += 1
            if part.attributes:
                self.stats.skip("a VOC part carries no attributes", record, f"{path}.parts")
            self._lost_fields(part, record, f"{path}.parts")
        actions = obj.attributes.get("actions")
        if isinstance(actions, list):
            self._actions(element, obj, actions)
        extra = [(k, v) for k, v in obj.attributes.items() if k not in _OWN_ATTRIBUTES]
        if extra:
            block = SubElement(element, "attributes")
            for key, value in extra:
                text = _attribute_text(value)
                if text is None:
                    self.stats.skip(
                        f"VOC has no form for the value of attribute {key!r}",
                        record,
                        f"{path}.attributes.{key}",
                    )
                    continue
                attribute = SubElement(block, "attribute")
                SubElement(attribute, "name").text = key
                SubElement(attribute, "value").text = text
        self._lost_fields(obj, record, path)
        self.stats.objects += 1

    def _lost_fields(self, obj: AnnotationObject, record: ExportRecord, path: str) -> None:
        """Report what of an object VOC has no place for: its score and identities."""
        for field, value in (
            ("score", obj.score),
            ("track_id", obj.track_id),
            ("entity_id", obj.entity_id),
        ):
            if value is not None:
                self.stats.skip(f"VOC objects carry no {field}", record, f"{path}.{field}")

    def _actions(self, element: Element, obj: AnnotationObject, chosen: list[str]) -> None:
        # the chosen actions first (so they read back in the same order), then the others
        # the ontology offers, marked 0
        spec = next(
            (a for a in self.ontology.resolved_attributes(obj.class_name) if a.name == "actions"),
            None,
        )
        offered = spec.options if spec is not None and spec.options else []
        block = SubElement(element, "actions")
        self.tasks.add("Action")
        known = self.actions.setdefault(obj.class_name, [])
        for action in [*chosen, *(a for a in offered if a not in chosen)]:
            SubElement(block, action).text = "1" if action in chosen else "0"
            if action not in known:
                known.append(action)

    def _lists(self, spool: IO[bytes]) -> None:
        """``ImageSets/Main/<split>.txt``, ``<class>_<split>.txt`` for classes with tags, and
        the lists of the other tasks (Segmentation, Layout, Action) that have images: one
        pass over the spool per list, so no list is ever held in memory."""
        for subset in self.subsets:
            self._list(spool, subset, layout.MAIN)
            for class_name in self.tagged:
                self._list(spool, subset, layout.MAIN, class_name)
            for task in TASKS:
                if (subset, task) in self.task_subsets:
                    self._list(spool, subset, layout.IMAGE_SETS / task)

    def _list(
        self, spool: IO[bytes], subset: str, folder: PurePosixPath, class_name: str | None = None
    ) -> None:
        name = f"{subset}.txt" if class_name is None else f"{class_name}_{subset}.txt"
        task = folder.name
        spool.seek(0)
        with self.tree.open(f"{folder}/{name}") as out:
            for line in spool:
                image_subset, image_id, tags, tasks = json.loads(line)
                if image_subset != subset or (folder != layout.MAIN and task not in tasks):
                    continue
                if class_name is None:
                    out.write(f"{image_id}\n".encode())
                else:
                    out.write(f"{image_id} {tags.get(class_name, -1):2d}\n".encode())

    def _labelmap(self) -> None:
        """``labelmap.txt``: a line per label, its parts and actions. A class seen only as a
        part (head, hand) is listed with its label, not on a line of its own: readers (the
        devkit, datumaro) add the parts as labels themselves."""
        parts = {p for names in self.parts.values() for p in names}
        lines = ["# label:color_rgb:parts:actions"]
        for name, (r, g, b) in zip(self.labels.names, self.labels.colors, strict=True):
            if name in parts and name not in self.parts:
                continue
            own_parts = ",".join(self.parts.get(name, []))
            actions = ",".join(self.actions.get(name, []))
            lines.append(f"{name}:{r},{g},{b}:{own_parts}:{actions}")
        self.tree.write_text("labelmap.txt", "\n".join(lines) + "\n")


def label_map(ontology: Ontology) -> LabelMap:
    """The export's labels: ``background`` first (index 0 of the segmentation PNGs), then
    every class; colours are the ontology's, else VOC's own for its labels, else the next
    free ones of VOC's palette."""
    names = ["background", *(c.name for c in ontology.classes if c.name != "background")]
    colors = []
    for index, name in enumerate(names):
        color = ontology.get_class(name).color if ontology.has_class(name) else None
        standard = VOC_LABELS.index(name) if name in VOC_LABELS else None
        palette = standard if standard is not None else len(VOC_LABELS) + index
        colors.append(_hex_color(color) if color else voc_color(palette % VOID))
    return LabelMap(names, colors)


def _bndbox(parent: Element, box: Box) -> None:
    element = SubElement(parent, "bndbox")
    for tag, value in zip(("xmin", "ymin", "xmax", "ymax"), box_to_voc(box), strict=True):
        SubElement(element, tag).text = voc_number(value)
