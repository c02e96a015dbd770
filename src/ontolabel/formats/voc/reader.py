"""Reading a Pascal VOC tree into import records, one per image, file by file.

Each ``<object>`` becomes a box object. VOC's flags become attributes: ``truncated``,
``difficult`` and ``occluded`` (booleans, set only when 1: 0 is VOC's default, so an
unflagged object carries no attribute) and ``pose`` (text, unless ``Unspecified``).
``<actions>`` (person actions) become the multi-choice attribute ``actions`` (the actions
marked 1); ``<attributes>`` (datumaro's extension) become attributes of the same names. A
``<part>`` (person layout: head, hand, foot) is an object of its own, of the class it names,
with a ``part_of`` relation to its person. The project's ontology must declare what the file
uses; what it lacks is reported by the import, object by object. A class list line
(``cat_train.txt``: ``<id> 1``) for an image without an object of that class becomes a tag
(``0``: a tag with ``difficult``); where objects already show the class it says nothing new.
A bad object is reported and left out, the rest of its image imports (errors=collect).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import parse as parse_xml  # type: ignore[import-untyped]

from ontolabel.core.annotation import Annotation, AnnotationObject, AttributeValue, Relation
from ontolabel.core.geometry import Box, Tag
from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.voc import layout
from ontolabel.formats.voc.pixels import voc_to_box
from ontolabel.formats.voc.segmentation import LabelMap, SegmentationError, read_masks

FLAGS = ("truncated", "difficult", "occluded")
PART_OF = "part_of"
UNSPECIFIED_POSE = "Unspecified"


class BadObject(ValueError):
    """An ``<object>`` (or part of one) cannot be read; ``path`` says where in the file."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


def _text(element: Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _number(element: Element, tag: str, where: str) -> float:
    text = _text(element.find(tag))
    if not text:
        raise BadObject(f"bndbox has no {tag}", f"{where}.{tag}")
    try:
        value = float(text)
    except ValueError:
        raise BadObject(f"{tag} must be a number, got {text!r}", f"{where}.{tag}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadObject(f"{tag} must be a finite number, got {text!r}", f"{where}.{tag}")
    return value


def _flag(text: str, where: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    raise BadObject(f"must be 0 or 1, got {text!r}", where)


def _size(value: str, what: str, where: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadObject(f"image {what} must be a whole number, got {value!r}", where) from None
    if not number.is_integer() or number < 0:
        raise BadObject(f"image {what} must be a whole number, got {value!r}", where)
    return int(number) or None  # 0: the tool did not know


def read_bndbox(element: Element, where: str, width: int | None, height: int | None) -> Box:
    box = element.find("bndbox")
    if box is None:
        raise BadObject("has no bndbox", f"{where}.bndbox")
    at = f"{where}.bndbox"
    xmin, ymin, xmax, ymax = (_number(box, t, at) for t in ("xmin", "ymin", "xmax", "ymax"))
    # VOC is inclusive: xmax == xmin is a box one pixel wide, xmax < xmin is no box at all
    if xmax < xmin or ymax < ymin:
        raise BadObject(
            f"the box ends before it starts (xmin {xmin:g}, xmax {xmax:g}, ymin {ymin:g}, "
            f"ymax {ymax:g})",
            at,
        )
    return voc_to_box(xmin, ymin, xmax, ymax, width, height)


def _value(text: str) -> AttributeValue:
    """A datumaro ``<attribute>`` value: true/false, a number, else the text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_attributes(element: Element, where: str) -> dict[str, AttributeValue]:
    found: dict[str, AttributeValue] = {}
    pose = _text(element.find("pose"))
    if pose and pose != UNSPECIFIED_POSE:
        found["pose"] = pose
    for flag in FLAGS:
        text = _text(element.find(flag))
        if text and _flag(text, f"{where}.{flag}"):
            found[flag] = True
    actions = element.find("actions")
    if actions is not None:
        chosen = [a.tag for a in actions if _flag(_text(a), f"{where}.actions.{a.tag}")]
        if chosen:
            found["actions"] = chosen
    extra = element.find("attributes")
    for index, attribute in enumerate(extra if extra is not None else []):
        name = _text(attribute.find("name"))
        if not name:
            raise BadObject("an attribute needs a name", f"{where}.attributes[{index}]")
        found[name] = _value(_text(attribute.find("value")))
    return found


def _meta(subset: str | None) -> dict[str, Any]:
    return {"subset": subset} if subset and subset != layout.DEFAULT_SUBSET else {}


class VocReader:
    def __init__(self, root: Path, policy: ErrorPolicy):
        self.root = root
        self.policy = policy
        self.labels: LabelMap | None = LabelMap.default()

    def _report(self, message: str, file: str, item: str | None, path: str | None = None) -> None:
        self.policy.report(message, Location(file=file, item=item, path=path))

    def records(self) -> Iterator[ImportRecord]:
        if layout.is_voc_proper(self.root):
            yield from self._proper()
        else:
            yield from self._relaxed()

    def _proper(self) -> Iterator[ImportRecord]:
        lists = layout.read_split_lists(self.root)
        for file, line, message in lists.problems:
            self.policy.report(message, Location(file=file, line=line))
        labelmap = self.root / "labelmap.txt"
        if labelmap.is_file():
            try:
                self.labels = LabelMap.read(labelmap)
            except (ValueError, UnicodeDecodeError) as exc:
                # without the label map the masks' classes are unknown: they are left out
                self.labels = None
                self.policy.report(f"{exc}; no masks are imported", Location(file=labelmap.name))
        seen: set[str] = set()
        for image_id, xml in layout.annotation_files(self.root):
            seen.add(image_id)
            record = self._file(xml, image_id, lists.subset.get(image_id), lists)
            if record is not None:
                yield record
        # images a split list names but no annotation file describes: unlabelled items
        for image_id in sorted(set(lists.subset) - seen):
            name = layout.image_of(self.root, image_id) or f"{image_id}.jpg"
            record = ImportRecord(
                location=Location(file=str(layout.MAIN / f"{lists.subset[image_id]}.txt")),
                modality=Modality.IMAGE,
                external_id=image_id,
                media=[self._media(name, None, image_id, None, None)],
                meta=_meta(lists.subset[image_id]),
            )
            self._add_tags(record, self._masks(image_id), lists, image_id)
            yield record

    def _relaxed(self) -> Iterator[ImportRecord]:
        for xml in layout.relaxed_files(self.root):
            relative = xml.relative_to(self.root).with_suffix("")
            subset = layout.relaxed_subset(self.root, xml)
            record = self._file(xml, relative.name, subset, None, relaxed=True)
            if record is not None:
                yield record

    def _media(
        self, name: str, xml: Path | None, image_id: str, width: int | None, height: int | None
    ) -> MediaRef:
        return MediaRef(
            name=name,
            folder=self.root,
            relative=layout.media_places(self.root, xml, name, image_id),
            width=width,
            height=height,
        )

    def _file(
        self,
        xml: Path,
        image_id: str,
        subset: str | None,
        lists: layout.SplitLists | None,
        *,
        relaxed: bool = False,
    ) -> ImportRecord | None:
        shown = xml.relative_to(self.root).as_posix()
        try:
            root = parse_xml(xml).getroot()
        except ParseError as exc:
            line = exc.position[0] if exc.position else None
            self.policy.report(f"not well-formed XML: {exc}", Location(file=shown, line=line))
            return None
        except DefusedXmlException as exc:
            self._report(f"refused: {exc}", shown, image_id)
            return None
        if root.tag != "annotation":
            if not relaxed:
                self._report(f"the root element is <{root.tag}>, not <annotation>", shown, image_id)
            return None
        size = root.find("size")
        try:
            width = _size(_text(size.find("width")) if size is not None else "", "width", "size")
            height = _size(_text(size.find("height")) if size is not None else "", "height", "size")
        except BadObject as exc:
            self._report(str(exc), shown, image_id, exc.path)
            return None
        name = _text(root.find("filename")) or layout.image_of(self.root, image_id)
        objects, relations = self._objects(root, shown, image_id, width, height)
        record = ImportRecord(
            location=Location(file=shown, item=image_id),
            modality=Modality.IMAGE,
            external_id=image_id,
            media=[self._media(name or f"{image_id}.jpg", xml, image_id, width, height)],
            meta=_meta(subset),
        )
        if lists is not None:
            objects += self._masks(image_id)
            self._add_tags(record, objects, lists, image_id, relations)
        elif objects:
            self._annotate(record, objects, relations)
        return record

    def _masks(self, image_id: str) -> list[AnnotationObject]:
        """The mask objects of the image's segmentation PNGs (VOC-proper trees only)."""
        if self.labels is None:
            return []
        try:
            return read_masks(self.root, image_id, self.labels)
        except SegmentationError as exc:
            self._report(str(exc), f"SegmentationClass/{image_id}.png", image_id)
            return []

    def _objects(
        self, root: Element, shown: str, image_id: str, width: int | None, height: int | None
    ) -> tuple[list[AnnotationObject], list[Relation]]:
        objects: list[AnnotationObject] = []
        relations: list[Relation] = []
        for index, element in enumerate(root.findall("object")):
            where = f"object[{index}]"
            try:
                found = self._object(element, where, len(objects), width, height)
            except BadObject as exc:
                self._report(str(exc), shown, image_id, exc.path)
                continue
            except ValueError as exc:  # pydantic: a value the model refuses
                self._report(f"cannot read the object: {exc}", shown, image_id, where)
                continue
            whole, parts = found
            objects.append(whole)
            for part in parts:
                objects.append(part)
                relations.append(
                    Relation(
                        id=f"r{len(relations) + 1}", name=PART_OF, source=part.id, target=whole.id
                    )
                )
        return objects, relations

    def _object(
        self, element: Element, where: str, count: int, width: int | None, height: int | None
    ) -> tuple[AnnotationObject, list[AnnotationObject]]:
        name = _text(element.find("name"))
        if not name:
            raise BadObject("an object needs a <name> (its class)", f"{where}.name")
        whole = AnnotationObject(
            id=str(count + 1),
            class_name=name,
            geometry=read_bndbox(element, where, width, height),
            attributes=read_attributes(element, where),
        )
        parts: list[AnnotationObject] = []
        for index, part in enumerate(element.findall("part")):
            at = f"{where}.part[{index}]"
            part_name = _text(part.find("name"))
            if not part_name:
                raise BadObject("a part needs a <name> (its class)", f"{at}.name")
            parts.append(
                AnnotationObject(
                    id=f"{count + 1}.{index + 1}",
                    class_name=part_name,
                    geometry=read_bndbox(part, at, width, height),
                )
            )
        return whole, parts

    def _add_tags(
        self,
        record: ImportRecord,
        objects: list[AnnotationObject],
        lists: layout.SplitLists,
        image_id: str,
        relations: list[Relation] | None = None,
    ) -> None:
        shown_classes = {o.class_name for o in objects}
        tags: list[AnnotationObject] = []
        for class_name, value, _, _ in lists.classes.get(image_id, []):
            if value == -1 or class_name in shown_classes:
                continue  # the objects say it already (or the class is absent)
            attributes: dict[str, Any] = {"difficult": True} if value == 0 else {}
            shown_classes.add(class_name)
            tags.append(
                AnnotationObject(
                    id=f"tag:{class_name}",
                    class_name=class_name,
                    geometry=Tag(),
                    attributes=attributes,
                )
            )
        if objects or tags:
            self._annotate(record, objects + tags, relations or [])

    @staticmethod
    def _annotate(
        record: ImportRecord, objects: list[AnnotationObject], relations: list[Relation]
    ) -> None:
        record.annotations.append(
            AnnotationRecord(document=Annotation(objects=objects, relations=relations))
        )
