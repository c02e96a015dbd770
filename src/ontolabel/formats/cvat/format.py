"""CVAT for images XML 1.1, for image items (CVAT for video is refused: tracks come later)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.cvat.options import CvatOptions
from ontolabel.formats.cvat.reader import VIDEO_REFUSAL, CvatReader
from ontolabel.formats.cvat.writer import ANNOTATIONS_XML, CvatWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register

# detection reads this much of the file's head: a project's meta can be long
HEAD_BYTES = 1 << 20
_ROOT = re.compile(rb"<annotations[\s>]")
_VERSION = re.compile(rb"<version>\s*1\.1\s*</version>")


def annotations_file(folder: Path) -> Path | None:
    """The XML file of a CVAT export folder: ``annotations.xml``, else its one XML file."""
    if (folder / ANNOTATIONS_XML).is_file():
        return folder / ANNOTATIONS_XML
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    return found[0] if len(found) == 1 else None


@register
class CvatFormat(Format[CvatOptions]):
    name = "cvat"
    title = "CVAT for images 1.1 (XML)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.POLYLINE,
            GeometryKind.KEYPOINTS,
            GeometryKind.MASK,
            GeometryKind.TAG,
        }
    )
    options_model = CvatOptions
    inputs = frozenset({"file", "folder"})

    def detect(self, path: Path) -> Detection:
        if path.is_dir():
            xml = annotations_file(path)
            if xml is None:
                return Detection(0.0, "no annotations.xml (nor one XML file) in the folder")
            path = xml
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
        if not _ROOT.search(head):
            return Detection(0.0, "no <annotations> root element")
        if not _VERSION.search(head):
            return Detection(0.1, "an <annotations> root, but no <version>1.1</version>")
        if b"<track" in head:
            return Detection(0.0, VIDEO_REFUSAL)
        if b"<image" in head:
            return Detection(0.95, "<annotations> version 1.1 with <image> elements")
        return Detection(0.6, "<annotations> version 1.1 (no <image> in the file's head)")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        if path.is_dir():
            xml = annotations_file(path)
            if xml is None:
                raise FormatError(
                    "a CVAT export folder holds annotations.xml (or one XML file)",
                    location=Location(file=path.name),
                )
            return CvatReader(xml, policy, xml.relative_to(path).as_posix()).records()
        return CvatReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: CvatOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return CvatWriter(out, ontology, options, media).write(records)
