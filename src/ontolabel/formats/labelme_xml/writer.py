"""Writing items as MIT LabelMe XML into a zip: the MIT tree, item by item.

``Annotations/<external id>.xml``, its image in ``Images/<folder>/`` (``include_media``) and
one PNG per mask in ``Masks/<folder>/`` (the folder is the external id's parent). Boxes are
4-point polygons typed ``bounding_box``; a polygon of one part without holes is a polygon;
a polygon with holes or several parts, which the format's polygons cannot hold, is written
as a mask of its pixels; masks as PNGs of the whole image. ``part_of`` relations become
``<parts>``; the bool attribute ``occluded`` becomes ``<occluded>``, other attributes the
``<attributes>`` text. Everything else (rotated boxes, keypoints, polylines, tags, other
relations, list or unit values) is in ``WriteStats.skipped`` with its reason.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import PurePosixPath
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]
from PIL import Image

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Mask, Polygon
from ontolabel.core.geometry.mask import rle_decode
from ontolabel.core.item import MediaInfo
from ontolabel.core.matching.masks import rasterise
from ontolabel.core.modality import Modality
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.base import AnnotationRecord, ExportRecord, WriteStats
from ontolabel.formats.labelme_xml.attributes import format_attributes
from ontolabel.formats.labelme_xml.options import LabelmeXmlOptions
from ontolabel.formats.labelme_xml.reader import META_KEY, PART_OF
from ontolabel.formats.media import MediaSource


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _safe(name: str) -> str:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return "/".join(p for p in parts if p not in ("/", "..", ".") and ":" not in p)


def _free(stem: str, taken: Callable[[str], bool], item_id: int) -> str:
    """``stem``, or ``stem-<item id>`` (then ``-2``, ``-3``, ...) when that name is taken."""
    if not taken(stem):
        return stem
    candidate, n = f"{stem}-{item_id}", 1
    while taken(candidate):
        n += 1
        candidate = f"{stem}-{item_id}-{n}"
    return candidate


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    elem = ET.SubElement(parent, tag)
    if text is not None:
        elem.text = text
    return elem


class LabelmeXmlWriter:
    def __init__(self, out: BinaryIO, options: LabelmeXmlOptions, media: MediaSource | None):
        self.out = out
        self.options = options
        self.media = media
        self.stats = WriteStats()
        self.images: dict[str, str] = {}

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        with ZipTree(self.out) as tree:
            for record in records:
                self._record(tree, record)
        return self.stats

    def _record(self, tree: ZipTree, record: ExportRecord) -> None:
        content = record.content
        if content.modality != Modality.IMAGE:
            self.stats.skip(
                f"LabelMe XML holds images; this item is {content.modality.value}", record
            )
            return
        if not content.media:
            self.stats.skip("the item has no image file", record)
            return
        image = content.media[0]
        name = _safe(record.external_id or PurePosixPath(image.name).stem)
        name = name or f"item-{record.item_id}"
        name = _free(name, lambda n: f"Annotations/{n}.xml" in tree, record.item_id)
        parent = str(PurePosixPath(name).parent)
        folder = "" if parent == "." else parent
        filename = self._image(tree, record, image, folder)
        root = ET.Element("annotation")
        _sub(root, "filename", filename)
        _sub(root, "folder", folder)
        source = _sub(root, "source")
        _sub(source, "sourceImage", "")
        _sub(source, "sourceAnnotation", "ontolabel")
        if image.width and image.height:
            imagesize = _sub(root, "imagesize")
            _sub(imagesize, "nrows", str(image.height))
            _sub(imagesize, "ncols", str(image.width))
        annotation = self.options.latest(record.annotations)
        if annotation is not None:
            self._objects(tree, root, record, annotation, image, folder, PurePosixPath(name).name)
        buffer = io.BytesIO()
        ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=False)
        tree.write_bytes(f"Annotations/{name}.xml", buffer.getvalue())
        self.stats.items += 1

    def _image(self, tree: ZipTree, record: ExportRecord, image: MediaInfo, folder: str) -> str:
        path = PurePosixPath(image.name.replace("\\", "/") or f"{record.item_id}.jpg")

        def member_of(stem: str) -> str:
            return "/".join(p for p in ("Images", folder, f"{stem}{path.suffix}") if p)

        def taken(stem: str) -> bool:
            return self.images.get(member_of(stem), image.sha256) != image.sha256

        stem = _free(path.stem, taken, record.item_id)
        filename, member = f"{stem}{path.suffix}", member_of(stem)
        if not self.options.include_media or member in self.images:
            # the name is taken all the same: another image must not be called so
            self.images.setdefault(member, image.sha256)
            return filename
        problem = tree.bundle(member, image.sha256, self.media)
        if problem is not None:
            self.stats.skip(
                f"the image {image.name!r} was not put in the archive: {problem}", record
            )
            return filename
        self.images[member] = image.sha256
        return filename

    def _objects(
        self,
        tree: ZipTree,
        root: ET.Element,
        record: ExportRecord,
        annotation: AnnotationRecord,
        image: MediaInfo,
        folder: str,
        stem: str,
    ) -> None:
        document = annotation.document
        written: dict[str, ET.Element] = {}
        facts = record.content.meta.get(META_KEY, {}).get("objects", {})
        size = (image.height, image.width) if image.height and image.width else None
        for index, obj in enumerate(document.objects):
            path = f"objects[{index}]"
            if obj.media_index != 0:
                self.stats.skip(
                    f"LabelMe XML labels one image; object {obj.id!r} is not on it", record, path
                )
                continue
            geometry = self._geometry(obj, size)
            if isinstance(geometry, str):
                self.stats.skip(f"{geometry} ({obj.class_name}, object {obj.id!r})", record, path)
                continue
            attributes = self._attributes(obj, record, path)
            if attributes is None:
                continue
            elem = _sub(root, "object")
            known = facts.get(obj.id, {}) if isinstance(facts, dict) else {}
            _sub(elem, "name", obj.class_name)
            _sub(elem, "deleted", "0")
            _sub(elem, "verified", str(known.get("verified", "0")))
            occluded, text = attributes
            if occluded is not None:
                _sub(elem, "occluded", "yes" if occluded else "no")
            _sub(elem, "attributes", text)
            parts = _sub(elem, "parts")
            _sub(parts, "hasparts", "")
            _sub(parts, "ispartof", "")
            _sub(elem, "date", str(known.get("date", "")))
            _sub(elem, "id", obj.id)
            user = str(known.get("username", ""))
            if isinstance(geometry, list):
                if isinstance(obj.geometry, Box):
                    _sub(elem, "type", "bounding_box")
                polygon = _sub(elem, "polygon")
                _sub(polygon, "username", user)
                for x, y in geometry:
                    pt = _sub(polygon, "pt")
                    _sub(pt, "x", _number(x))
                    _sub(pt, "y", _number(y))
            else:
                self._segm(tree, elem, geometry, user, folder, f"{stem}_mask_{obj.id}.png")
            written[obj.id] = elem
        self._parts(record, document.relations, written)
        self.stats.objects += len(written)

    def _geometry(
        self, obj: AnnotationObject, size: tuple[int, int] | None
    ) -> list[tuple[float, float]] | npt.NDArray[np.uint8] | str:
        """The polygon points, or the mask pixels, of an object; or why it has neither."""
        g = obj.geometry
        if isinstance(g, Box):
            return [(g.x1, g.y1), (g.x2, g.y1), (g.x2, g.y2), (g.x1, g.y2)]
        if isinstance(g, Polygon) and len(g.parts) == 1 and not g.parts[0].holes:
            return list(g.parts[0].exterior)
        if isinstance(g, Polygon):
            if size is None:
                return (
                    "a polygon with holes or parts is written as a mask; the image size is unknown"
                )
            shapes = [shapely.Polygon(p.exterior, p.holes) for p in g.parts]
            geometry = shapely.make_valid(shapely.MultiPolygon(shapes))
            rle = rasterise(geometry, *size)
            counts = rle["counts"]
            text = counts.decode("ascii") if isinstance(counts, bytes) else counts
            return rle_decode(Mask(height=size[0], width=size[1], counts=text))
        if isinstance(g, Mask):
            return rle_decode(g)
        return f"LabelMe XML has no shape for a {g.kind}"

    def _attributes(
        self, obj: AnnotationObject, record: ExportRecord, path: str
    ) -> tuple[bool | None, str] | None:
        occluded: bool | None = None
        plain: dict[str, bool | int | float | str] = {}
        for name, value in obj.attributes.items():
            if value is None:
                continue
            if name == "occluded" and isinstance(value, bool):
                occluded = value
            elif isinstance(value, date):
                plain[name] = value.isoformat()
            elif isinstance(value, bool | int | float | str):
                plain[name] = value
            else:
                self.stats.skip(
                    f"LabelMe XML attributes are single values; {name!r} of object {obj.id!r} "
                    f"is {_describe(value)}",
                    record,
                    path,
                )
                return None
        return occluded, format_attributes(plain)

    def _segm(
        self,
        tree: ZipTree,
        elem: ET.Element,
        pixels: npt.NDArray[np.uint8],
        user: str,
        folder: str,
        mask_name: str,
    ) -> None:
        segm = _sub(elem, "segm")
        _sub(segm, "username", user)
        rows, cols = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
        if rows.size:
            box = _sub(segm, "box")
            for tag, value in zip(
                ("xmin", "ymin", "xmax", "ymax"),
                (cols[0], rows[0], cols[-1], rows[-1]),
                strict=True,
            ):
                _sub(box, tag, str(int(value)))
        _sub(segm, "mask", mask_name)
        buffer = io.BytesIO()
        # a colour PNG, as the web tool writes them (datumaro's reader wants three channels)
        grey = np.where(pixels != 0, 255, 0).astype(np.uint8)
        Image.fromarray(np.stack([grey] * 3, axis=2), mode="RGB").save(buffer, format="PNG")
        tree.write_bytes("/".join(p for p in ("Masks", folder, mask_name) if p), buffer.getvalue())

    def _parts(
        self, record: ExportRecord, relations: list[Any], written: dict[str, ET.Element]
    ) -> None:
        has: dict[str, list[str]] = {}
        of: dict[str, list[str]] = {}
        for index, relation in enumerate(relations):
            path = f"relations[{index}]"
            if relation.name != PART_OF:
                self.stats.skip(
                    f"LabelMe XML has only part_of relations, not {relation.name!r}", record, path
                )
            elif "," in relation.source + relation.target:
                self.stats.skip(
                    f"part_of {relation.source} -> {relation.target}: <parts> lists ids "
                    "by commas, and an id holds one",
                    record,
                    path,
                )
            elif relation.source not in written or relation.target not in written:
                self.stats.skip(
                    f"part_of {relation.source} -> {relation.target}: an object is not written",
                    record,
                    path,
                )
            else:
                has.setdefault(relation.target, []).append(relation.source)
                of.setdefault(relation.source, []).append(relation.target)
        for object_id, elem in written.items():
            parts = elem.find("parts")
            assert parts is not None
            parts.find("hasparts").text = ",".join(has.get(object_id, []))  # type: ignore[union-attr]
            parts.find("ispartof").text = ",".join(of.get(object_id, []))  # type: ignore[union-attr]


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
