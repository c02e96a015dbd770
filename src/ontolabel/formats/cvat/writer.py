"""Streaming CVAT for images 1.1 writer: a zip of ``annotations.xml`` (and ``images/``).

``<meta>`` comes first in the file but lists the skeletons' points, which are learnt from
the data, so the ``<image>`` elements wait in a spooled temporary file (in memory while
small, on disk beyond that) and ``annotations.xml`` is written at the end: header, meta,
then the spool copied through. Images (with include_media) are copied into the zip as the
items come. Items with a subset make it a project export (as CVAT writes them: a task per
subset, ``images/<subset>/``, every image naming its subset, ``default`` for none).

Groups: a polygon of several parts is written as one ``<polygon>`` per part sharing a
``group_id``; objects sharing an ``entity_id`` share a ``group_id`` too (``group:<n>`` keeps
its number ``n``). A polygon with holes is written as a ``<mask>`` (CVAT polygons have no
holes); what CVAT cannot hold at all goes to ``WriteStats.skipped`` with the reason.
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Iterable
from typing import IO, BinaryIO
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import (
    Box,
    Keypoints,
    Mask,
    Polygon,
    Polyline,
    RotatedBox,
    Tag,
)
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.base import ExportRecord, WriteStats
from ontolabel.formats.cvat.labels import SHAPE_ATTRIBUTES, value_text, write_labels
from ontolabel.formats.cvat.options import CvatOptions
from ontolabel.formats.cvat.reader import DEFAULT_SUBSET
from ontolabel.formats.cvat.shapes import format_points, mask_runs, number, rasterize
from ontolabel.formats.media import MediaSource

SPOOL_IN_MEMORY = 16 << 20
ANNOTATIONS_XML = "annotations.xml"
DEFAULT_SUBSET_ATTRIBUTE = f'<image subset="{DEFAULT_SUBSET}" '.encode()
_GROUP = re.compile(r"^group:(\d+)$")


def _points_names(keypoints: Keypoints) -> bool:
    """Whether keypoints are a plain CVAT ``<points>`` shape: named 1..n, all visible."""
    return all(p.name == str(i + 1) and p.visibility == 2 for i, p in enumerate(keypoints.points))


class CvatWriter:
    def __init__(
        self, out: BinaryIO, ontology: Ontology, options: CvatOptions, media: MediaSource | None
    ):
        self.tree = ZipTree(out)
        self.ontology = ontology
        self.options = options
        self.media = media
        self.stats = WriteStats()
        self.skeletons: dict[str, list[str]] = {}
        self.frame = 0
        self.names: set[str] = set()
        self.subsets: dict[str, int] = {}  # images per subset

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        with self.tree, tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY, "w+b") as spool:
            for record in records:
                self._record(record, spool)
            with self.tree.open(ANNOTATIONS_XML) as out:
                out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n')
                out.write(b"  <version>1.1</version>\n")
                out.write(self._meta())
                spool.seek(0)
                while header := spool.readline():
                    size, has_subset = (int(v) for v in header.split())
                    image = spool.read(size)
                    if self.subsets and not has_subset:
                        # a project export names every image's subset (datumaro reads an
                        # image only for the subset it names)
                        image = image.replace(b"<image ", DEFAULT_SUBSET_ATTRIBUTE, 1)
                    out.write(image)
                out.write(b"</annotations>\n")
        return self.stats

    def _meta(self) -> bytes:
        """A task's meta, or with subsets a project's: one task per subset, as CVAT's
        project exports have them."""
        meta = Element("meta")
        if self.subsets:
            owner = SubElement(meta, "project")
            SubElement(owner, "name").text = self.ontology.name
            write_labels(owner, self.ontology, self.skeletons)
            tasks = SubElement(owner, "tasks")
            for subset, size in self.subsets.items():
                task = SubElement(tasks, "task")
                SubElement(task, "name").text = subset
                SubElement(task, "size").text = str(size)
                SubElement(task, "mode").text = "annotation"
                SubElement(task, "subset").text = subset
            SubElement(owner, "subsets").text = "\n".join(self.subsets)
        else:
            task = SubElement(meta, "task")
            SubElement(task, "name").text = self.ontology.name
            SubElement(task, "size").text = str(self.frame)
            SubElement(task, "mode").text = "annotation"
            SubElement(task, "z_order").text = "True"
            write_labels(task, self.ontology, self.skeletons)
        indent(meta, level=1)
        xml: bytes = tostring(meta, encoding="utf-8")
        return b"  " + xml + b"\n"

    def _record(self, record: ExportRecord, spool: IO[bytes]) -> None:
        content = record.content
        if content.modality != Modality.IMAGE:
            self.stats.skip(
                f"CVAT for images holds images; this item is {content.modality.value}", record
            )
            return
        if not content.media:
            self.stats.skip("the item has no image file", record)
            return
        media = content.media[0]
        subset = content.meta.get("subset")
        subset = subset if isinstance(subset, str) and subset else None
        path = f"images/{subset}/{media.name}" if subset else f"images/{media.name}"
        if path in self.names:
            self.stats.skip(f"another item is already exported as {path!r}", record)
            return
        self.names.add(path)
        for index in range(1, len(content.media)):
            self.stats.skip(
                f"CVAT for images holds one image per item; {content.media[index].name!r} is "
                "left out",
                record,
                f"media[{index}]",
            )
        image = Element("image", {"id": str(self.frame), "name": media.name})
        if media.width and media.height:
            image.set("width", str(media.width))
            image.set("height", str(media.height))
        if subset:
            image.set("subset", subset)
            self.subsets[subset] = self.subsets.get(subset, 0) + 1
        annotation = self.options.latest(record.annotations)
        if annotation is not None:
            self._shapes(image, record, annotation.document.objects, media)
            for index, relation in enumerate(annotation.document.relations):
                self.stats.skip(
                    f"CVAT for images has no relations ({relation.name!r} is left out)",
                    record,
                    f"relations[{index}]",
                )
        indent(image, level=1)
        xml = b"  " + tostring(image, encoding="utf-8") + b"\n"
        spool.write(b"%d %d\n" % (len(xml), 1 if subset else 0) + xml)
        if self.options.include_media:
            problem = self.tree.bundle(path, media.sha256, self.media)
            if problem is not None:
                self.stats.skip(f"the images cannot be bundled here ({problem})", record)
        self.frame += 1
        self.stats.items += 1

    def _shapes(
        self,
        image: Element,
        record: ExportRecord,
        objects: list[AnnotationObject],
        media: MediaInfo,
    ) -> None:
        groups: dict[str, int] = {}
        taken = {int(m[1]) for o in objects if o.entity_id and (m := _GROUP.match(o.entity_id))}
        counts = Counter(o.entity_id for o in objects if o.entity_id)
        fresh = max(taken, default=0)

        def new_group() -> int:
            nonlocal fresh
            fresh += 1
            return fresh

        for index, obj in enumerate(objects):
            path = f"objects[{index}]"
            if obj.media_index != 0:
                self.stats.skip(
                    "the object lies on a media file CVAT for images does not hold", record, path
                )
                continue
            group = 0
            if obj.entity_id and counts[obj.entity_id] > 1:
                if obj.entity_id not in groups:
                    found = _GROUP.match(obj.entity_id)
                    groups[obj.entity_id] = int(found[1]) if found else new_group()
                group = groups[obj.entity_id]
            elements = self._elements(obj, media, record, path)
            if elements is None:
                continue
            if len(elements) > 1 and not group:
                group = new_group()
            if obj.entity_id and not group:
                self.stats.skip(
                    "CVAT keeps an entity_id only as the group of several shapes",
                    record,
                    f"{path}.entity_id",
                )
            for position, element in enumerate(elements):
                # what is lost is reported once per object, not once per polygon part
                self._common(element, obj, record, path, group, report=position == 0)
                image.append(element)
            self.stats.objects += 1

    def _elements(
        self, obj: AnnotationObject, media: MediaInfo, record: ExportRecord, path: str
    ) -> list[Element] | None:
        g = obj.geometry
        label = {"label": obj.class_name, "source": "manual"}
        if isinstance(g, Box):
            corners = {"xtl": g.x1, "ytl": g.y1, "xbr": g.x2, "ybr": g.y2}
            return [Element("box", {**label, **{k: number(v) for k, v in corners.items()}})]
        if isinstance(g, RotatedBox):
            corners = {
                "xtl": g.cx - g.w / 2,
                "ytl": g.cy - g.h / 2,
                "xbr": g.cx + g.w / 2,
                "ybr": g.cy + g.h / 2,
            }
            attributes = {k: number(v) for k, v in corners.items()}
            return [Element("box", {**label, **attributes, "rotation": number(g.angle % 360)})]
        if isinstance(g, Polygon):
            if any(part.holes for part in g.parts):
                if not (media.width and media.height):
                    self.stats.skip(
                        "a polygon with holes becomes a CVAT mask, which needs the image's size",
                        record,
                        path,
                    )
                    return None
                return self._mask(rle_encode(rasterize(g, media.width, media.height)), label)
            return [
                Element("polygon", {**label, "points": format_points(p.exterior)}) for p in g.parts
            ]
        if isinstance(g, Polyline):
            return [Element("polyline", {**label, "points": format_points(g.points)})]
        if isinstance(g, Keypoints):
            return [self._keypoints(obj, g, label)]
        if isinstance(g, Mask):
            elements = self._mask(g, label)
            if elements is None:
                self.stats.skip(f"the mask of {obj.class_name!r} is empty", record, path)
            return elements
        if isinstance(g, Tag):
            return [Element("tag", label)]
        self.stats.skip(
            f"CVAT for images has no form for a {g.kind} ({obj.class_name})", record, path
        )
        return None

    def _keypoints(self, obj: AnnotationObject, g: Keypoints, label: dict[str, str]) -> Element:
        if _points_names(g) and obj.class_name not in self.skeletons:
            return Element(
                "points", {**label, "points": format_points([(p.x, p.y) for p in g.points])}
            )
        known = self.skeletons.setdefault(obj.class_name, [])
        skeleton = Element("skeleton", {**label, "points": ""})
        for point in g.points:
            if point.name not in known:
                known.append(point.name)
            SubElement(
                skeleton,
                "points",
                {
                    "label": point.name,
                    "source": "manual",
                    "outside": "1" if point.visibility == 0 else "0",
                    "occluded": "1" if point.visibility == 1 else "0",
                    "points": format_points([(point.x, point.y)]),
                },
            )
        return skeleton

    @staticmethod
    def _mask(mask: Mask, label: dict[str, str]) -> list[Element] | None:
        found = mask_runs(mask)
        if found is None:
            return None
        runs, left, top, width, height = found
        return [
            Element(
                "mask",
                {
                    **label,
                    "rle": ",".join(map(str, runs)),
                    "left": str(left),
                    "top": str(top),
                    "width": str(width),
                    "height": str(height),
                },
            )
        ]

    def _common(
        self,
        element: Element,
        obj: AnnotationObject,
        record: ExportRecord,
        path: str,
        group: int,
        *,
        report: bool,
    ) -> None:
        if element.tag != "tag":
            element.set("occluded", "1" if obj.attributes.get("occluded") is True else "0")
            z_order = obj.attributes.get("z_order")
            element.set("z_order", str(z_order) if isinstance(z_order, int) else "0")
        if group:
            element.set("group_id", str(group))
        for key, value in obj.attributes.items():
            if key in SHAPE_ATTRIBUTES and element.tag != "tag":
                continue
            text = value_text(value)
            if text is None:
                if report:
                    self.stats.skip(
                        f"CVAT has no form for the value of attribute {key!r}",
                        record,
                        f"{path}.attributes.{key}",
                    )
                continue
            SubElement(element, "attribute", {"name": key}).text = text
        if report and obj.score is not None:
            self.stats.skip("CVAT shapes carry no score", record, f"{path}.score")
        if report and obj.track_id is not None:
            self.stats.skip("CVAT for images carries no track_id", record, f"{path}.track_id")
