"""CoNLL/BIO (IOB1, IOB2, IOBES/BILOU on import; IOB2 or IOBES on export), for text items."""

from __future__ import annotations

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
    ImportRecord,
    WriteStats,
)
from ontolabel.formats.conll.options import ConllOptions
from ontolabel.formats.conll.reader import DOCSTART, ConllReader, is_sentence_per_line
from ontolabel.formats.conll.tags import parse_tag
from ontolabel.formats.conll.writer import ConllWriter
from ontolabel.formats.media import MediaSource
from ontolabel.formats.registry import register

HEAD_BYTES = 64 << 10


def sniff(head: bytes) -> Detection:
    """How much the first lines of a file look like CoNLL/BIO."""
    if head.lstrip()[:1] in (b"{", b"[", b"<"):
        return Detection(0.0, "JSON or XML, not token lines")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the head
            return Detection(0.0, "not UTF-8 text")
        text = head[: exc.start].decode("utf-8-sig")
    lines = text.splitlines()
    if len(head) == HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    docstart = tagged = other = 0
    for line in lines:
        fields = line.split()
        if not fields:
            continue
        if fields[0] == DOCSTART or fields[0].startswith(DOCSTART + "|"):
            docstart += 1
        elif is_sentence_per_line(line):
            tagged += len(fields)  # a sentence per line: count its tokens
        elif len(fields) >= 2 and parse_tag(fields[-1]):
            tagged += 1
        else:
            other += 1
    if not tagged:
        return Detection(0.0, "no line ends in a BIO tag (O, B-X, I-X, ...)")
    share = tagged / (tagged + other)  # tokens with tags among the lines with text
    if share < 0.8:
        return Detection(0.0, f"only {tagged} of {tagged + other} lines end in a BIO tag")
    if docstart or (share == 1.0 and tagged >= 3):
        why = "a -DOCSTART- line and " if docstart else ""
        return Detection(0.9, f"{why}{tagged} lines of tokens with BIO tags")
    return Detection(0.6, f"{tagged} of {tagged + other} lines end in a BIO tag")


@register
class ConllFormat(Format[ConllOptions]):
    name = "conll"
    title = "CoNLL / BIO (IOB2, IOBES)"
    extension = ".conll"
    media_type = "text/plain"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({GeometryKind.SPAN})
    options_model = ConllOptions

    def detect(self, path: Path) -> Detection:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
        if not head.strip():
            return Detection(0.0, "the file is empty")
        return sniff(head)

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        return ConllReader(path, policy).records()

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: ConllOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return ConllWriter(out, options).write(records)
