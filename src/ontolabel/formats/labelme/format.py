"""LabelMe JSON (wkentaro/labelme): one JSON file per image, for image items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
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
from ontolabel.formats.labelme.options import LabelmeOptions
from ontolabel.formats.labelme.reader import LabelmeReader
from ontolabel.formats.labelme.writer import LabelmeWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register

# a LabelMe file starts with its small keys; a large embedded imageData comes after shapes
PEEK_BYTES = 64 << 10
# a folder is judged by this many of its JSON files
PEEK_FILES = 5
SHAPES = re.compile(rb'"shapes"\s*:\s*\[')
IMAGE_PATH = re.compile(rb'"imagePath"\s*:')
# the old MIT/CSAIL LabelMe XML: <annotation> ... <object> ... <polygon> ... <pt>
MIT_XML = re.compile(rb"<annotation[\s>].*<object[\s>].*<(polygon|segm)[\s>]", re.S)
MIT_REASON = (
    "MIT LabelMe XML (the old CSAIL format with <polygon><pt>), not LabelMe JSON "
    "(wkentaro/labelme): import it as format 'labelme_xml'"
)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(PEEK_BYTES)


def _looks_like_labelme(head: bytes) -> bool:
    return head.lstrip().startswith(b"{") and bool(SHAPES.search(head) or IMAGE_PATH.search(head))


def _judge_file(path: Path) -> Detection:
    head = _head(path)
    if path.suffix.lower() == ".xml" or head.lstrip().startswith(b"<"):
        if MIT_XML.search(head):
            return Detection(0.0, MIT_REASON)
        return Detection(0.0, "an XML file, not LabelMe JSON")
    if not head.lstrip().startswith(b"{"):
        return Detection(0.0, "not a JSON object")
    shapes, image_path = bool(SHAPES.search(head)), bool(IMAGE_PATH.search(head))
    if shapes and image_path:
        return Detection(0.95, "a JSON object with 'shapes' and 'imagePath'")
    if shapes or image_path:
        # a file whose imageData pushes one of the keys past the head
        found = "'shapes'" if shapes else "'imagePath'"
        return Detection(0.6, f"a JSON object with {found} (the other key not in its head)")
    return Detection(0.0, "a JSON object without LabelMe's 'shapes' and 'imagePath'")


@register
class LabelmeFormat(Format[LabelmeOptions]):
    name = "labelme"
    title = "LabelMe JSON (one file per image)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.MASK,
            GeometryKind.KEYPOINTS,
            GeometryKind.POLYLINE,
            GeometryKind.TAG,
        }
    )
    options_model = LabelmeOptions
    inputs = frozenset({"file", "folder"})

    def detect(self, path: Path) -> Detection:
        if not path.is_dir():
            return _judge_file(path)
        jsons = list(islice(sorted(path.rglob("*.json")), PEEK_FILES))
        verdicts = [_judge_file(p) for p in jsons if p.is_file()]
        good = sum(1 for v in verdicts if v.confidence >= 0.5)
        if verdicts and good == len(verdicts):
            return Detection(0.9, f"a folder of LabelMe JSON files ({good} looked at)")
        if good:
            return Detection(
                0.6, f"a folder where {good} of {len(verdicts)} JSON files looked at are LabelMe"
            )
        xml = next(islice(sorted(path.rglob("*.xml")), 1), None)
        if xml is not None and MIT_XML.search(_head(xml)):
            return Detection(0.0, MIT_REASON)
        if verdicts:
            return Detection(
                0.0, f"no LabelMe JSON among the folder's files ({verdicts[0].reason})"
            )
        return Detection(0.0, "no JSON files in the folder")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        if self.detect(path).reason == MIT_REASON:
            raise FormatError(MIT_REASON, location=Location(file=path.name))
        return LabelmeReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: LabelmeOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return LabelmeWriter(out, ontology, options, media).write(records)
