"""MIT LabelMe XML, for image items: boxes, polygons and masks with part-of relations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.labelme_xml.options import LabelmeXmlOptions
from ontolabel.formats.labelme_xml.reader import LabelmeXmlReader
from ontolabel.formats.labelme_xml.writer import LabelmeXmlWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register

PEEK_BYTES = 64 << 10
PEEK_FILES = 5
ROOT = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?<annotation[\s>]")
# what tells it from Pascal VOC (also <annotation><object>): LabelMe's shapes and points
SHAPE = re.compile(rb"<object[\s>].*?<(polygon|segm)[\s>]", re.S)
EMPTY = re.compile(rb"<filename>.*</filename>", re.S)


def _judge(path: Path) -> Detection:
    with path.open("rb") as f:
        head = f.read(PEEK_BYTES)
    if not ROOT.search(head):
        return Detection(0.0, "no <annotation> root element")
    if SHAPE.search(head) and b"<bndbox" not in head:
        # Pascal VOC shares the <annotation><object> frame, but its objects have a <bndbox>
        return Detection(
            0.97, "an <annotation> whose objects have <polygon> or <segm>, no <bndbox>"
        )
    if SHAPE.search(head):
        return Detection(0.9, "an <annotation> whose objects have <polygon> or <segm>")
    if b"<object" not in head and EMPTY.search(head) and b"<bndbox" not in head:
        return Detection(0.5, "an <annotation> without objects (LabelMe or Pascal VOC)")
    return Detection(0.0, "an <annotation> without LabelMe's <polygon>/<segm> (Pascal VOC?)")


@register
class LabelmeXmlFormat(Format[LabelmeXmlOptions]):
    name = "labelme_xml"
    title = "LabelMe XML (MIT/CSAIL, legacy)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset({GeometryKind.BOX, GeometryKind.POLYGON, GeometryKind.MASK})
    options_model = LabelmeXmlOptions
    inputs = frozenset({"file", "folder"})

    def detect(self, path: Path) -> Detection:
        if not path.is_dir():
            if path.suffix.lower() != ".xml":
                return Detection(0.0, "not an .xml file")
            return _judge(path)
        verdicts = [_judge(p) for p in islice(sorted(path.rglob("*.xml")), PEEK_FILES)]
        if not verdicts:
            return Detection(0.0, "no XML files in the folder")
        best = max(verdicts, key=lambda v: v.confidence)
        if all(v.confidence >= 0.5 for v in verdicts) and best.confidence >= 0.9:
            reason = f"a folder of LabelMe XML files ({len(verdicts)} looked at: {best.reason})"
            return Detection(best.confidence, reason)
        return Detection(0.0, f"not a folder of LabelMe XML files ({best.reason})")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        return LabelmeXmlReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: LabelmeXmlOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return LabelmeXmlWriter(out, options, media).write(records)
