"""Label Studio JSON (the export of tasks with annotations), for image and text items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.core.ontology.spec import OPTION_TYPES
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.labelstudio.reader import LabelStudioReader
from ontolabel.formats.labelstudio.writer import LabelStudioOptions, LabelStudioWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register

HEAD_BYTES = 1 << 16
_DATA = re.compile(rb'"data"\s*:\s*\{')
_RESULTS = re.compile(rb'"(annotations|completions|predictions)"\s*:\s*\[')
_MIN_ROW = re.compile(rb'"annotation_id"\s*:')
_TYPE = re.compile(rb'"type"\s*:\s*"[a-z]*labels"|"from_name"\s*:')


@register
class LabelStudioFormat(Format[LabelStudioOptions]):
    name = "labelstudio"
    title = "Label Studio JSON (image regions, text spans, relations, choices)"
    extension = ".json"
    media_type = "application/json"
    modalities = frozenset({Modality.IMAGE, Modality.TEXT})
    kinds = frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.MASK,
            GeometryKind.KEYPOINTS,
            GeometryKind.SPAN,
            GeometryKind.TAG,
        }
    )
    options_model = LabelStudioOptions

    def detect(self, path: Path) -> Detection:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
            if size > 2 * HEAD_BYTES:
                f.seek(size - HEAD_BYTES)
            # keys may come in any order: a large annotation list can push 'data' to the end
            text = head + f.read(HEAD_BYTES)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start not in (b"[", b"{"):
            return Detection(0.0, "not a JSON array or object")
        if not _DATA.search(text):
            if start == b"[" and _MIN_ROW.search(text):
                return Detection(0.8, "rows with 'annotation_id' (Label Studio JSON-MIN)")
            return Detection(0.0, "no task with a 'data' object")
        if _RESULTS.search(text) and _TYPE.search(text):
            return Detection(0.9, "tasks with 'data' and annotation results")
        if start == b"[":
            return Detection(0.6, "a list of tasks with 'data', but no results seen")
        return Detection(0.3, "an object with 'data', but no results")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        return LabelStudioReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: LabelStudioOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        choices = frozenset(
            a.name for c in ontology.classes for a in c.attributes if a.type in OPTION_TYPES
        )
        return LabelStudioWriter(out, options, choices).write(records)
