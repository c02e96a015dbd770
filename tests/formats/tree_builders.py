"""Helpers of the tests of formats that export a tree (a zip): records as the exporter would
hand them over after an import, what an import keeps of a record, an in-memory media store,
and an export unpacked as the importer unpacks an upload."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import ExportRecord, ImportRecord, WriteStats, get_format
from ontolabel.formats.archive import unpack


def media_info(name: str, width: int | None, height: int | None) -> MediaInfo:
    """An image's info, its sha256 made from its name (as ``Store`` keeps its bytes)."""
    return MediaInfo(
        modality=Modality.IMAGE,
        mime="image/jpeg",
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        size=1,
        name=name,
        width=width,
        height=height,
    )


def as_export(records: Iterable[ImportRecord]) -> list[ExportRecord]:
    """What the exporter would hand the writer after importing ``records``."""
    return [
        ExportRecord(
            item_id=i,
            external_id=r.external_id,
            content=ItemContent(
                modality=r.modality,
                media=[media_info(m.name, m.width, m.height) for m in r.media],
                meta=r.meta,
            ),
            annotations=r.annotations,
        )
        for i, r in enumerate(records, start=1)
    ]


def view(records: Iterable[ImportRecord]) -> list[tuple[Any, ...]]:
    """What an import keeps of a record: ids, split, media names and sizes, the documents."""
    return [
        (
            r.external_id,
            r.meta,
            [(m.name, m.width, m.height) for m in r.media],
            [a.document for a in r.annotations],
        )
        for r in records
    ]


class Store:
    """A MediaSource over bytes kept by the sha256 of their file name."""

    def __init__(self, files: dict[str, bytes]):
        self.files = {hashlib.sha256(n.encode()).hexdigest(): b for n, b in files.items()}

    def open(self, sha256: str) -> io.BytesIO:
        return io.BytesIO(self.files[sha256])


def export_tree(
    fmt_name: str,
    ontology: Ontology,
    records: list[ExportRecord],
    tmp_path: Path,
    media: Store | None = None,
    **options: Any,
) -> tuple[Path, WriteStats, zipfile.ZipFile]:
    """Export ``records`` in ``fmt_name``; the zip unpacked, its stats, the zip itself."""
    fmt = get_format(fmt_name)
    out = io.BytesIO()
    stats = fmt.write(
        records, out, ontology=ontology, options=fmt.parse_options(options), media=media
    )
    tmp_path.mkdir(parents=True, exist_ok=True)
    archive = tmp_path / f"{fmt_name}.zip"
    archive.write_bytes(out.getvalue())
    root = unpack(archive, tmp_path / "unpacked")
    return root, stats, zipfile.ZipFile(archive)
