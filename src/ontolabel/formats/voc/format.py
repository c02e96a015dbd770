"""Pascal VOC (detection, person layout, actions, class lists), for image items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.archive import walk
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.voc import layout
from ontolabel.formats.voc.options import VocOptions
from ontolabel.formats.voc.reader import VocReader
from ontolabel.formats.voc.writer import VocWriter

HEAD_BYTES = 4096
# files looked at by detection
PEEK_FILES = 5
_ROOT = re.compile(rb"<annotation[\s>]")
_VOC_CHILD = re.compile(rb"<(bndbox|filename|segmented)[\s>]")
_POLYGON = re.compile(rb"<polygon[\s>]")
_BNDBOX = re.compile(rb"<bndbox[\s>]")


def _looks_like_voc(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    # MIT LabelMe XML shares <annotation> and <filename>, but outlines objects with
    # <polygon> where VOC has <bndbox>: that is the other format (labelme_xml)
    if _POLYGON.search(head) and not _BNDBOX.search(head):
        return False
    return bool(_ROOT.search(head)) and bool(_VOC_CHILD.search(head))


@register
class VocFormat(Format[VocOptions]):
    name = "voc"
    title = "Pascal VOC (boxes, parts, actions)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset({GeometryKind.BOX, GeometryKind.TAG})
    options_model = VocOptions
    inputs = frozenset({"folder"})

    def detect(self, path: Path) -> Detection:
        annotations = path / layout.ANNOTATIONS
        if annotations.is_dir():
            files = list(islice(walk(annotations, (".xml",)), PEEK_FILES))
            if not files:
                if (path / layout.MAIN).is_dir():
                    return Detection(0.7, "ImageSets/Main and an empty Annotations folder")
                return Detection(0.3, "an Annotations folder without XML files")
            if any(_looks_like_voc(f) for f in files):
                return Detection(0.95, "Annotations/*.xml with <annotation> roots")
            return Detection(0.1, "the XML files in Annotations are not VOC <annotation>s")
        if (path / layout.MAIN).is_dir():
            return Detection(0.6, "ImageSets/Main split lists without Annotations")
        files = list(islice(layout.relaxed_files(path), PEEK_FILES))
        if files and all(_looks_like_voc(f) for f in files):
            return Detection(0.75, "VOC <annotation> XML files (a relaxed layout, no Annotations)")
        return Detection(0.0, "no Annotations folder and no VOC <annotation> XML files")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        return VocReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: VocOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return VocWriter(out, ontology, options, media).write(records)
