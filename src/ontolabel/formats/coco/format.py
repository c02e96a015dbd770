"""COCO object detection / segmentation / keypoints, for image items."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.base import (
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    FormatOptions,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.coco.categories import categories_of
from ontolabel.formats.coco.options import CocoOptions
from ontolabel.formats.coco.reader import CocoReader
from ontolabel.formats.coco.writer import CocoWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.stored import StoredRecord

# detection looks at this much of the file's head and tail: COCO's top-level keys may come
# in any order, and a large 'annotations' array can push 'images' to the end
PEEK_BYTES = 1 << 20
# JSON files of a folder looked at by detection (a LabelMe folder may hold thousands)
MAX_FOLDER_FILES = 20


def _key(name: str) -> re.Pattern[bytes]:
    return re.compile(rb'"' + name.encode() + rb'"\s*:\s*\[')


IMAGES, ANNOTATIONS, CATEGORIES = _key("images"), _key("annotations"), _key("categories")


@register
class CocoFormat(Format[CocoOptions]):
    name = "coco"
    title = "COCO (instances, keypoints)"
    extension = ".json"
    media_type = "application/json"
    modalities = frozenset({Modality.IMAGE})
    kinds = frozenset(
        {
            GeometryKind.BOX,
            GeometryKind.ROTATED_BOX,
            GeometryKind.POLYGON,
            GeometryKind.MASK,
            GeometryKind.KEYPOINTS,
            GeometryKind.TAG,
        }
    )
    options_model = CocoOptions
    # a folder (an uploaded zip) holding COCO files and their images is read file by file
    inputs = frozenset({"file", "folder"})

    def detect(self, path: Path) -> Detection:
        if path.is_dir():
            found = self._files(path)
            if not found:
                return Detection(0.0, "no COCO JSON file at the top or in annotations/")
            names = ", ".join(f.relative_to(path).as_posix() for f, _ in found[:3])
            return Detection(min(d.confidence for _, d in found), f"COCO files: {names}")
        return self._detect_file(path)

    def _files(self, folder: Path) -> list[tuple[Path, Detection]]:
        """The COCO files of a dataset folder: JSON files at its top or in annotations/.
        Where COCO's own layout names its subsets (instances_train.json, instances_val.json
        beside captions_*, person_keypoints_* of the same images), the instances files are
        the dataset; reading the others too would give each image twice."""
        candidates = sorted(folder.glob("*.json")) + sorted(folder.glob("annotations/*.json"))
        instances = [c for c in candidates if c.name.startswith("instances")]
        if instances:
            candidates = instances
        found = []
        for candidate in candidates[:MAX_FOLDER_FILES]:
            verdict = self._detect_file(candidate)
            if verdict.confidence >= 0.5:
                found.append((candidate, verdict))
        return found

    def _detect_file(self, path: Path) -> Detection:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(PEEK_BYTES)
            if size > 2 * PEEK_BYTES:
                f.seek(size - PEEK_BYTES)
            text = head + f.read(PEEK_BYTES)
        start = head.lstrip()[:1]
        if start == b"[":
            return Detection(0.0, "a JSON list (COCO results?), not a COCO dataset object")
        if start != b"{":
            return Detection(0.0, "not a JSON object")
        if b"\n{" in head.strip() and head.lstrip().startswith(b'{"format"'):
            return Detection(0.0, "a JSON-lines file, not one JSON object")
        has = {
            k
            for k, pattern in (
                ("images", IMAGES),
                ("annotations", ANNOTATIONS),
                ("categories", CATEGORIES),
            )
            if pattern.search(text)
        }
        if "images" not in has:
            return Detection(0.0, "no 'images' list")
        if has == {"images", "annotations", "categories"}:
            return Detection(0.95, "'images', 'annotations' and 'categories' lists")
        missing = " and ".join(sorted({"annotations", "categories"} - has))
        return Detection(0.6, f"an 'images' list, but no {missing}")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        if not path.is_dir():
            return CocoReader(path, policy).records()
        return (r for file, _ in self._files(path) for r in CocoReader(file, policy).records())

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: CocoOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return self._writer(out, ontology, options).write(records)

    def write_stored(
        self,
        records: Iterable[StoredRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: FormatOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        """``write`` for items whose documents are in their stored JSON form (the
        exporter's, see formats/stored.py): the same file, without a model per box."""
        return self._writer(out, ontology, self.parse_options(options)).write_stored(records)

    @staticmethod
    def _writer(out: BinaryIO, ontology: Ontology, options: CocoOptions) -> CocoWriter:
        info = {
            "description": ontology.name,
            "version": ontology.version,
            "contributor": "ontolabel",
        }
        return CocoWriter(out, categories_of(ontology), options, info)
