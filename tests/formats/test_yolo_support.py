"""Helpers of the YOLO tests: read a tree, export records as a zip and read it back.

(Named ``test_yolo_*`` to stay within the YOLO tests' files; it holds no tests itself.)
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import NotFound
from ontolabel.formats import ErrorPolicy, ExportRecord, ImportRecord, WriteStats, get_format
from ontolabel.formats.archive import unpack


def read_tree(
    path: Path, fmt: str, mode: str = "collect"
) -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format(fmt).read(path, policy)), policy


class FileMedia:
    """A MediaSource over files on disk, by the sha256 of their bytes."""

    def __init__(self) -> None:
        self.paths: dict[str, Path] = {}

    def add(self, path: Path) -> str:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        self.paths[sha] = path
        return sha

    def open(self, sha256: str) -> BinaryIO:
        if sha256 not in self.paths:
            raise NotFound(f"no media {sha256}")
        return self.paths[sha256].open("rb")


def as_export(records: list[ImportRecord], media: FileMedia) -> list[ExportRecord]:
    """What the store would hand the exporter after importing ``records``."""
    out: list[ExportRecord] = []
    for index, record in enumerate(records, start=1):
        infos = []
        for ref in record.media:
            path = next(p for p in ref.paths() if p.is_file())
            infos.append(
                MediaInfo(
                    modality=Modality.IMAGE,
                    mime="image/jpeg",
                    sha256=media.add(path),
                    size=path.stat().st_size,
                    name=ref.name,
                    width=ref.width,
                    height=ref.height,
                )
            )
        out.append(
            ExportRecord(
                item_id=index,
                external_id=record.external_id,
                content=ItemContent(modality=Modality.IMAGE, media=infos, meta=record.meta),
                annotations=record.annotations,
            )
        )
    return out


def export(
    records: list[ExportRecord],
    fmt: str,
    ontology: Ontology,
    media: FileMedia | None = None,
    **options: Any,
) -> tuple[bytes, WriteStats]:
    f = get_format(fmt)
    buffer = io.BytesIO()
    stats = f.write(
        records, buffer, ontology=ontology, options=f.parse_options(options), media=media
    )
    return buffer.getvalue(), stats


def members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name) for name in z.namelist()}


def unpack_to(archive: bytes, folder: Path) -> Path:
    zipped = folder.with_suffix(".zip")
    zipped.write_bytes(archive)
    return unpack(zipped, folder)


def flat_ontology(names: list[str]) -> Ontology:
    """An ontology whose leaf classes are ``names`` in order (a YOLO file's class list)."""
    kinds = ["box", "rotated_box", "polygon", "mask", "keypoints", "tag"]
    return parse_ontology(
        {"name": "yolo", "classes": [{"name": n, "geometry": {"image": kinds}} for n in names]}
    )


def rounded(value: Any, places: int = 6) -> Any:
    """A geometry dump with floats rounded to ``places`` decimals (of a pixel)."""
    if isinstance(value, float):
        return round(value, places) + 0.0
    if isinstance(value, list | tuple):
        return [rounded(v, places) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v, places) for k, v in value.items()}
    return value


def objects_of(record: ImportRecord) -> list[dict[str, Any]]:
    found: list[AnnotationObject] = [o for a in record.annotations for o in a.document.objects]
    return [rounded(o.model_dump(mode="json")) for o in found]


def summary(records: list[ImportRecord]) -> list[tuple[Any, ...]]:
    """What a round trip must keep: ids, split, image name and size, every object."""
    return [
        (
            r.external_id,
            r.meta,
            [(m.name, m.width, m.height) for m in r.media],
            objects_of(r),
        )
        for r in records
    ]
