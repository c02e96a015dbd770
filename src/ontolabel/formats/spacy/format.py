"""spaCy's JSON formats for text items: v3 ``Doc.to_json()`` documents (JSON lines, or one
JSON list) and v2 training JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import Location
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
from ontolabel.formats.spacy.jsonstream import documents, first_char
from ontolabel.formats.spacy.options import SpacyOptions, SpacyV2Options
from ontolabel.formats.spacy.v2 import read_document
from ontolabel.formats.spacy.v3 import read_doc
from ontolabel.formats.spacy.writer import V2Writer, V3Writer

HEAD_BYTES = 1 << 20
# keys of a v3 document beside "text" (other JSONL formats with a "text" have none of them)
_V3_KEYS = frozenset({"ents", "spans", "tokens", "cats", "sents"})
_V2_HINT = re.compile(rb'"paragraphs"\s*:\s*\[\s*\{.*?"(sentences|raw)"\s*:', re.DOTALL)


def _first_document(head: bytes) -> tuple[str, object]:
    """The layout (jsonl, list) and the first document of a file's head (None: cut off)."""
    text = head.decode("utf-8-sig", errors="ignore").lstrip()
    decoder = json.JSONDecoder()
    if text.startswith("["):
        rest = text[1:].lstrip()
        try:
            return "list", decoder.raw_decode(rest)[0]
        except json.JSONDecodeError:
            return "list", None
    try:
        return "jsonl", json.loads(text.split("\n", 1)[0])
    except json.JSONDecodeError:
        return "jsonl", None


def _peek(path: Path) -> tuple[str, object, bytes]:
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if first_char(head) not in ("{", "["):
        return "", None, head
    layout, doc = _first_document(head)
    return layout, doc, head


def _is_v2(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("paragraphs"), list)


# the shape each key has in Doc.to_json(): a doccano line also has 'text' and 'cats', but
# its cats are a list of names, not a dict of scores
_V3_SHAPES: dict[str, type] = {"ents": list, "spans": dict, "tokens": list, "cats": dict}


def _is_v3(doc: object) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
        return False
    present = _V3_KEYS & doc.keys()
    return bool(present) and all(
        isinstance(doc[key], _V3_SHAPES.get(key, object)) for key in present
    )


@register
class SpacyFormat(Format[SpacyOptions]):
    name = "spacy"
    title = "spaCy v3 JSON (Doc.to_json, one document per line)"
    extension = ".jsonl"
    media_type = "application/x-ndjson"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({GeometryKind.SPAN, GeometryKind.TAG})
    options_model = SpacyOptions

    def detect(self, path: Path) -> Detection:
        layout, doc, head = _peek(path)
        if not layout:
            return Detection(0.0, "not JSON")
        if _is_v3(doc):
            assert isinstance(doc, dict)
            keys = ", ".join(sorted(_V3_KEYS & doc.keys()))
            how = "lines" if layout == "jsonl" else "a list"
            return Detection(0.85, f"spaCy documents in {how}: 'text' with {keys}")
        if _is_v2(doc) or (doc is None and _V2_HINT.search(head)):
            return Detection(0.0, "spaCy v2 training JSON: read it as spacy-v2")
        if doc is None:
            return Detection(0.0, "the first document is cut off or not valid JSON")
        return Detection(0.0, "no spaCy document: 'text' with ents, spans, tokens or cats")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        for line, index, obj in documents(path, policy):
            at = Location(file=path.name, line=line)
            record = read_doc(obj, at, policy.report, index)
            if record is not None:
                yield record

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: SpacyOptions,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return V3Writer(out, options, ontology).write(records)


@register
class SpacyV2Format(Format[SpacyV2Options]):
    name = "spacy-v2"
    title = "spaCy v2 training JSON"
    extension = ".json"
    media_type = "application/json"
    modalities = frozenset({Modality.TEXT})
    kinds = frozenset({GeometryKind.SPAN, GeometryKind.TAG})
    options_model = SpacyV2Options

    def detect(self, path: Path) -> Detection:
        layout, doc, head = _peek(path)
        if layout != "list":
            return Detection(0.0, "not a JSON list")
        if _is_v2(doc):
            return Detection(0.95, "a list of documents with 'paragraphs'")
        if doc is None and _V2_HINT.search(head):
            return Detection(0.8, "'paragraphs' with 'sentences' (the first document is large)")
        return Detection(0.0, "no spaCy v2 document (an object with 'paragraphs')")

    def read(self, path: Path, policy: ErrorPolicy) -> Iterator[ImportRecord]:
        for line, index, obj in documents(path, policy):
            yield from read_document(obj, line, index, path.name, policy.report)

    def write(
        self,
        records: Iterable[ExportRecord],
        out: BinaryIO,
        *,
        ontology: Ontology,
        options: SpacyV2Options,
        media: MediaSource | None = None,
    ) -> WriteStats:
        return V2Writer(out, options, ontology).write(records)
