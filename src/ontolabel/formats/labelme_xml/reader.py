"""Reading MIT LabelMe XML (the CSAIL web tool's format): one ``<annotation>`` file per image.

Layout: ``Annotations/<folder>/<name>.xml`` with ``Images/<folder>/<filename>`` and
``Masks/<folder>/<mask>`` (the MIT tree), or the XML beside its image with ``Masks/`` beside
it. Per ``<object>``:
- ``<polygon>`` of ``<pt>``s -> Polygon; with ``<type>bounding_box</type>`` -> Box;
- ``<segm>`` with a ``<mask>`` PNG of the whole image -> Mask (any non-zero channel);
- ``<occluded>yes|no</occluded>`` -> bool attribute ``occluded``; ``<attributes>`` text ->
  attributes (see ``attributes.py``);
- ``<parts>``: ``hasparts``/``ispartof`` ids -> relations ``part_of`` (part -> whole);
- who drew it, when and whether it was verified go to the item's meta data.
Objects marked ``<deleted>1</deleted>`` were deleted in the tool and are not imported.
A file with any bad object is reported (file, ``object[i]…``, cause) and skipped whole.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # the types only: parsing goes through defusedxml
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import numpy.typing as npt
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml import ElementTree as SafeET
from PIL import Image, UnidentifiedImageError

from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.geometry import Box, Mask, Polygon, PolygonPart
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import AnnotationRecord, ErrorPolicy, ImportRecord, MediaRef
from ontolabel.formats.labelme_xml.attributes import parse_attributes

META_KEY = "labelme_xml"
PART_OF = "part_of"


class _Bad(Exception):
    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


def _text(elem: ET.Element | None) -> str:
    return (elem.text or "").strip() if elem is not None else ""


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _facts(elem: ET.Element) -> dict[str, str]:
    """Who drew an object, when, and whether it was verified (when not the default 0)."""
    shape = elem.find("polygon")
    shape = shape if shape is not None else elem.find("segm")
    facts = {
        "username": _text(shape.find("username")) if shape is not None else "",
        "date": _text(elem.find("date")),
        "verified": _text(elem.find("verified")),
    }
    if facts["verified"] == "0":
        del facts["verified"]
    return {k: v for k, v in facts.items() if v}


def _number(elem: ET.Element | None, path: str) -> float:
    try:
        value = float(_text(elem))
    except ValueError:
        raise _Bad(f"a coordinate must be a number, got {_text(elem)!r}", path) from None
    if not math.isfinite(value):
        raise _Bad("a coordinate must be finite", path)
    return value


class LabelmeXmlReader:
    def __init__(self, path: Path, policy: ErrorPolicy):
        self.root = path if path.is_dir() else path.parent
        self.files = sorted(path.rglob("*.xml")) if path.is_dir() else [path]
        self.policy = policy

    def records(self) -> Iterator[ImportRecord]:
        if not self.files:
            raise FormatError(
                "no LabelMe XML files (*.xml) in the folder", location=Location(file=self.root.name)
            )
        for file in self.files:
            shown = file.relative_to(self.root).as_posix()
            parts = PurePosixPath(shown).with_suffix("").parts
            # the MIT tree's Annotations/ is no part of an item's name
            external_id = "/".join(parts[1:] if parts[0] == "Annotations" and parts[1:] else parts)
            try:
                yield self._read(file, shown, external_id)
            except _Bad as exc:
                at = Location(file=shown, item=external_id, path=exc.path)
                self.policy.report(str(exc), at)

    def _read(self, file: Path, shown: str, external_id: str) -> ImportRecord:
        try:
            root = SafeET.parse(file).getroot()
        except ET.ParseError as exc:
            raise _Bad(f"not well-formed XML: {exc}") from exc
        except DefusedXmlException as exc:
            raise _Bad(f"the XML is refused (entities or a DTD): {exc}") from exc
        if root.tag != "annotation":
            raise _Bad(f"not a LabelMe annotation: the root element is <{root.tag}>")
        filename = _text(root.find("filename"))
        if not filename:
            raise _Bad("the annotation names no image: <filename> is empty", "filename")
        folder = _text(root.find("folder"))
        size = self._size(root)
        objects, relations, meta = self._objects(root, file, folder, size)
        name = PurePosixPath(filename.replace("\\", "/")).name
        return ImportRecord(
            location=Location(file=shown, item=external_id),
            modality=Modality.IMAGE,
            external_id=external_id,
            media=[
                MediaRef(
                    name=name,
                    candidates=self._places(file, folder, "Images", name),
                    height=size[0] if size else None,
                    width=size[1] if size else None,
                )
            ],
            meta={META_KEY: {"objects": meta}} if meta else {},
            annotations=[
                AnnotationRecord(
                    document=Annotation(objects=objects, relations=relations), status="submitted"
                )
            ]
            if objects
            else [],
        )

    def _places(self, file: Path, folder: str, kind: str, name: str) -> tuple[Path, ...]:
        """Where the MIT tree and flat copies of it keep an image (kind Images) or mask."""
        found = [self.root / kind / folder / name] if folder else []
        found += [self.root / kind / name, file.parent / kind / name]
        found += [file.parent / name] if kind == "Images" else []
        return tuple(dict.fromkeys(found))

    def _size(self, root: ET.Element) -> tuple[int, int] | None:
        elem = root.find("imagesize")
        if elem is None:
            return None
        rows, cols = _text(elem.find("nrows")), _text(elem.find("ncols"))
        if not rows and not cols:
            return None
        if not (rows.isdigit() and cols.isdigit() and int(rows) > 0 and int(cols) > 0):
            raise _Bad(f"imagesize must be positive integers, got {rows!r} x {cols!r}", "imagesize")
        return int(rows), int(cols)

    def _objects(
        self, root: ET.Element, file: Path, folder: str, size: tuple[int, int] | None
    ) -> tuple[list[AnnotationObject], list[Relation], dict[str, Any]]:
        objects: list[AnnotationObject] = []
        wholes: dict[str, set[str]] = {}  # part id -> the ids of the objects it is part of
        meta: dict[str, Any] = {}
        deleted: set[str] = set()
        known: set[str] = set()
        for index, elem in enumerate(root.findall("object")):
            where = f"object[{index}]"
            object_id = _text(elem.find("id")) or str(index)
            if _text(elem.find("deleted")) == "1":
                deleted.add(object_id)
                continue
            if object_id in known:
                raise _Bad(f"object id {object_id} is used twice", f"{where}.id")
            objects.append(self._object(elem, where, object_id, file, folder, size))
            known.add(object_id)
            parts = elem.find("parts")
            if parts is not None:
                for part in _ids(_text(parts.find("hasparts"))):
                    wholes.setdefault(part, set()).add(object_id)
                for whole in _ids(_text(parts.find("ispartof"))):
                    wholes.setdefault(object_id, set()).add(whole)
            facts = _facts(elem)
            if facts:
                meta[object_id] = facts
        relations: list[Relation] = []
        for part, of in wholes.items():
            for whole in sorted(of, key=lambda i: (len(i), i)):  # numeric ids in order
                if part in deleted or whole in deleted:
                    continue  # a part of (or made of) a deleted object
                for ref in (part, whole):
                    if ref not in known:
                        raise _Bad(f"<parts> names object {ref}, which this file does not have")
                relations.append(
                    Relation(
                        id=f"{part}-{PART_OF}-{whole}", name=PART_OF, source=part, target=whole
                    )
                )
        return objects, relations, meta

    def _object(
        self,
        elem: ET.Element,
        where: str,
        object_id: str,
        file: Path,
        folder: str,
        size: tuple[int, int] | None,
    ) -> AnnotationObject:
        name = _text(elem.find("name"))
        if not name:
            raise _Bad("an object needs a <name> (its class)", f"{where}.name")
        attributes: dict[str, Any] = parse_attributes(elem.findtext("attributes"))
        occluded = _text(elem.find("occluded"))
        if occluded:
            if occluded not in ("yes", "no"):
                raise _Bad(f"occluded is yes or no, got {occluded!r}", f"{where}.occluded")
            attributes["occluded"] = occluded == "yes"
        polygon, segm = elem.find("polygon"), elem.find("segm")
        geometry: Box | Polygon | Mask
        if polygon is not None:
            points = [
                (
                    _number(pt.find("x"), f"{where}.polygon.pt[{i}].x"),
                    _number(pt.find("y"), f"{where}.polygon.pt[{i}].y"),
                )
                for i, pt in enumerate(polygon.iter("pt"))
            ]
            if _text(elem.find("type")) == "bounding_box" and points:
                xs, ys = [x for x, _ in points], [y for _, y in points]
                geometry = Box(x1=min(xs), y1=min(ys), x2=max(xs), y2=max(ys))
            elif len(points) < 3:
                raise _Bad(
                    f"a polygon needs at least 3 points, got {len(points)}", f"{where}.polygon"
                )
            else:
                geometry = Polygon(parts=[PolygonPart(exterior=points)])
        elif segm is not None:
            geometry = self._mask(_text(segm.find("mask")), file, folder, f"{where}.segm.mask")
        else:
            raise _Bad("an object has neither a <polygon> nor a <segm> mask", where)
        try:
            return AnnotationObject(
                id=object_id, class_name=name, geometry=geometry, attributes=attributes
            )
        except ValueError as exc:
            raise _Bad(f"cannot read the object: {exc}", where) from exc

    def _mask(self, name: str, file: Path, folder: str, where: str) -> Mask:
        if not name:
            raise _Bad("a <segm> names no <mask> file", where)
        path = next((p for p in self._places(file, folder, "Masks", name) if p.is_file()), None)
        if path is None:
            raise _Bad(f"the mask file {name!r} is not in Masks/", where)
        try:
            with Image.open(path) as img:
                pixels: npt.NDArray[Any] = np.asarray(img)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise _Bad(f"the mask {name!r} is not a readable image: {exc}", where) from exc
        if pixels.ndim == 3:
            pixels = np.asarray(pixels.any(axis=2))  # colour masks: any non-zero channel is inside
        return rle_encode(np.asarray(pixels != 0, dtype=np.uint8))
