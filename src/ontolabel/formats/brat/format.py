"""brat standoff: a folder (or zip) of ``NAME.txt`` + ``NAME.ann`` pairs, and annotation.conf."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pydantic import Field

from ontolabel.core.annotation import Annotation
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import Location, Violation
from ontolabel.formats.archive import ZipTree, walk
from ontolabel.formats.base import (
    AnnotationRecord,
    Detection,
    ErrorPolicy,
    ExportRecord,
    Format,
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.brat.conf import Usage, conf_from_ontology
from ontolabel.formats.brat.standoff import AnnReader
from ontolabel.formats.brat.writer import AnnWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register
from ontolabel.formats.selection import SelectionOptions

CONF = "annotation.conf"
# what a first annotation line looks like (detection only: the reader says what is wrong)
_LINE = re.compile(r"^(T\d+\t\S+ \d+ \d+|[REAMN]\d+\t\S+ |#\d*\t\S+ |\*\t\S+ )")
DETECT_FILES = 3


class BratOptions(SelectionOptions):
    conf: bool = Field(
        default=True, description="write annotation.conf, generated from the ontology"
    )


def _decode(data: bytes, file: str, policy: ErrorPolicy, item: str) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        policy.report(
            f"not UTF-8 text (byte {exc.start}): brat reads its files as UTF-8",
            Location(file=file, item=item),
        )
        return None


@register
class BratFormat(Format[BratOptions]):
    name = "brat"
    title = "brat standoff (.txt + .ann; spans, relations, events, attributes)"
    extension = ".zip"
    media_type = "application/zip"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({GeometryKind.SPAN})
    options_model = BratOptions
    inputs = frozenset({"folder"})

    def detect(self, path: Path) -> Detection:
        pairs = [a for a in walk(path, (".ann",)) if a.with_suffix(".txt").is_file()]
        if not pairs:
            return Detection(0.0, "no NAME.ann beside a NAME.txt")
        conf = " and annotation.conf" if any(p.name == CONF for p in walk(path, (".conf",))) else ""
        for ann in pairs[:DETECT_FILES]:
            with ann.open("rb") as f:
                head = f.read(4096).decode("utf-8", "replace")
            first = next((ln for ln in head.split("\n") if ln.strip()), "")
            if first and not _LINE.match(first):
                return Detection(0.2, f"{ann.name} does not begin with a brat annotation line")
        return Detection(0.95, f"{len(pairs)} .txt/.ann pair{'s' * (len(pairs) != 1)}{conf}")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        for file in walk(path, (".txt", ".ann")):
            relative = file.relative_to(path).as_posix()
            if file.suffix.lower() == ".ann":
                if not file.with_suffix(".txt").is_file():
                    policy.report(
                        "no .txt beside this .ann (brat pairs NAME.txt with NAME.ann)",
                        Location(file=relative),
                    )
                continue
            record = self._document(path, file, policy)
            if record is not None:
                yield record

    def _document(self, root: Path, txt: Path, policy: ErrorPolicy) -> ImportRecord | None:
        item = txt.relative_to(root).with_suffix("").as_posix()
        text = _decode(txt.read_bytes(), f"{item}.txt", policy, item)
        ann = txt.with_suffix(".ann")
        ann_name = f"{item}{ann.suffix}"
        if text is None:
            return None
        annotations: list[AnnotationRecord] = []
        if ann.is_file():  # brat shows a text without .ann as a document with no annotations
            content = _decode(ann.read_bytes(), ann_name, policy, item)
            if content is None:
                return None
            reader = AnnReader(text)
            document = reader.read(content.split("\n"))
            for line, message in reader.problems:
                policy.report(message, Location(file=ann_name, line=line or None, item=item))
            if document is None:
                return None
            if document.objects or document.relations:
                annotations.append(AnnotationRecord(document=document))
        return ImportRecord(
            location=Location(file=f"{item}.txt", item=item),
            modality=Modality.TEXT,
            external_id=item,
            text=text,
            annotations=annotations,
        )

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: BratOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        stats = WriteStats()
        usage = Usage()
        with ZipTree(out) as tree:
            for record in records:
                _write_item(record, tree, options, usage, stats)
            if options.conf:
                tree.write_text(CONF, conf_from_ontology(ontology, usage))
        return stats


def _file_name(record: ExportRecord, tree: ZipTree) -> tuple[str, str | None]:
    """The item's path in the archive, without suffix: its external id where that is a
    safe relative path (folders kept), else ``item-<id>``; and why it is not the external id
    (None: it is, or the item has none)."""
    name = record.external_id
    why = None
    if name is not None:
        parts = PurePosixPath(name).parts
        if (
            "\\" in name
            or not parts
            or name.startswith("/")
            or any(p in ("..", ".") for p in parts)
            or ":" in parts[0]
        ):
            name, why = None, "the external id is not a safe file name"
    name = name or f"item-{record.item_id}"
    if f"{name}.txt" in tree or f"{name}.ann" in tree:
        name = f"{name}-{record.item_id}"
        why = why or "an item before it has that file name"
    return name, why if record.external_id is not None else None


def _write_item(
    record: ExportRecord, tree: ZipTree, options: BratOptions, usage: Usage, stats: WriteStats
) -> None:
    item = record.external_id if record.external_id is not None else str(record.item_id)

    def skip(message: str, path: str | None = None) -> None:
        stats.skipped.append(Violation(message, Location(item=item, path=path)))

    content = record.content
    if content.modality != Modality.TEXT or content.text is None:
        skip(f"brat holds texts; this item is {content.modality.value}")
        return
    selected = options.select(record.annotations)
    document = Annotation()
    if selected:
        # one .ann per text: the last submitted annotation, else the last draft
        submitted = [a for a in selected if a.status == "submitted"]
        chosen = (submitted or selected)[-1]
        document = chosen.document
        for other in selected:
            if other is not chosen:
                skip(
                    f"the annotation of {other.user or 'an unnamed user'} is not written: a "
                    ".ann holds one label set (choose one with annotator=NAME)"
                )
    name, renamed = _file_name(record, tree)
    if renamed is not None:
        # the item is exported whole, under another name: a change, not a loss
        stats.changed.append(Violation(f"written as {name}.txt: {renamed}", Location(item=item)))
    writer = AnnWriter(content.text, usage, skip)
    ann = writer.write(document)
    tree.write_text(f"{name}.txt", content.text)
    tree.write_text(f"{name}.ann", ann)
    stats.items += 1
    stats.objects += writer.objects
