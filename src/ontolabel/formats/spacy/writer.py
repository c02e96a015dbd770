"""Writing text items as spaCy documents: v3 ``Doc.to_json()`` lines, or v2 training JSON.

Both cut the tokens at every span edge (spaCy needs entities on token boundaries). ``ents``
hold one entity per token, so of overlapping spans the ``nested`` rule keeps some there; in
v3 the others go to a span group (``span_key``), in v2, which has none, each is reported.
Categories list every document class of the ontology (0.0 when not given), a given one
with its score (1.0 when it has none). Both keep the item's external id in the document's
``_.external_id`` (v2 beside spaCy's integer ``id``), so an import of the export finds the
items it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from ontolabel.core.geometry import Tag
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats.base import ExportRecord, WriteStats
from ontolabel.formats.conll.flat import PlacedSpan, flatten, overlap_message
from ontolabel.formats.conll.tags import encode
from ontolabel.formats.conll.tokens import TOKENS_KEY, Token, tokens_of
from ontolabel.formats.conll.writer import (
    ItemSkips,
    entity_tokens,
    sentences,
    writable_spans,
)
from ontolabel.formats.spacy.options import SpacyOptions, SpacyV2Options, SpanGroupRule
from ontolabel.formats.spacy.v3 import EXTENSION, EXTERNAL_ID, spacy_tokens


def document_classes(ontology: Ontology) -> list[str]:
    """The classes that may be a document class of a text (each a category of spaCy)."""
    return [
        name
        for name in ontology.classes_for(Modality.TEXT)
        if GeometryKind.TAG in ontology.allowed_kinds(name, Modality.TEXT)
    ]


_BILUO = {"E-": "L-", "S-": "U-"}


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


@dataclass
class _Doc:
    text: str
    tokens: list[Token]
    ents: list[PlacedSpan]
    groups: list[PlacedSpan]
    cats: dict[str, float]


class _Writer:
    def __init__(
        self, options: SpacyOptions | SpacyV2Options, ontology: Ontology, fmt: str
    ) -> None:
        self.options = options
        self.fmt = fmt
        self.categories = document_classes(ontology)
        self.stats = WriteStats()

    def prepare(self, record: ExportRecord, group: SpanGroupRule) -> _Doc | None:
        """What to write of ``record``; ``group`` says which spans go to a span group."""
        skip = ItemSkips(self.stats, record)
        content = record.content
        if content.modality != Modality.TEXT or content.text is None:
            skip(f"{self.fmt} holds text; this item is {content.modality.value}")
            return None
        text = content.text
        chosen = self.options.one_label_set(record, self.stats, self.fmt)
        objects = chosen.document.objects if chosen else []
        found = (
            writable_spans(chosen.document, text, skip, self.fmt, tags_elsewhere=True)
            if chosen
            else []
        )
        ents, left_out = flatten(found, self.options.nested)
        grouped: list[PlacedSpan] = []
        if group == "all":
            grouped = sorted(found, key=lambda p: (p.span.start, p.span.end, p.index))
        elif group == "overlapping":
            grouped = sorted((p for p, _ in left_out), key=lambda p: (p.span.start, p.index))
        else:
            why = f"an entity of {self.fmt} has tokens of its own"
            for p, clash in left_out:
                skip(overlap_message(p, clash, self.options.nested, why), f"objects[{p.index}]")
        cats = dict.fromkeys(self.categories, 0.0)
        for index, obj in enumerate(objects):
            if isinstance(obj.geometry, Tag):
                cats[obj.class_name] = 1.0 if obj.score is None else obj.score
                if obj.attributes:
                    names = ", ".join(repr(n) for n in obj.attributes)
                    skip(
                        f"{self.fmt} does not carry the attributes {names} of {obj.class_name}",
                        f"objects[{index}]",
                    )
        written = {p.index for p in (*ents, *grouped)}
        self.stats.items += 1
        self.stats.objects += len(written) + sum(isinstance(o.geometry, Tag) for o in objects)
        cuts = {e for p in (*ents, *grouped) for e in (p.span.start, p.span.end)}
        return _Doc(text, tokens_of(text, content.meta, cuts), ents, grouped, cats)


class V3Writer(_Writer):
    def __init__(self, out: BinaryIO, options: SpacyOptions, ontology: Ontology) -> None:
        super().__init__(options, ontology, "spaCy")
        self.out = out
        self.v3 = options

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        for record in records:
            doc = self.prepare(record, self.v3.span_group)
            if doc is not None:
                self.out.write(_dumps(self._json(record, doc)) + b"\n")
        return self.stats

    def _json(self, record: ExportRecord, doc: _Doc) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": doc.text,
            "ents": [
                {"start": p.span.start, "end": p.span.end, "label": p.obj.class_name}
                for p in doc.ents
            ],
        }
        if doc.cats:
            data["cats"] = doc.cats
        data["tokens"] = [
            {"id": k, "start": s, "end": e}
            for k, (s, e) in enumerate(spacy_tokens(doc.text, doc.tokens))
        ]
        if doc.groups:
            data["spans"] = {
                self.v3.span_key: [
                    {
                        "start": p.span.start,
                        "end": p.span.end,
                        "label": p.obj.class_name,
                        "kb_id": "",
                    }
                    for p in doc.groups
                ]
            }
        meta = {k: v for k, v in record.content.meta.items() if k != TOKENS_KEY}
        if meta:
            data["meta"] = meta
        if record.external_id is not None:
            data[EXTENSION] = {EXTERNAL_ID: record.external_id}
        return data


class V2Writer(_Writer):
    def __init__(self, out: BinaryIO, options: SpacyV2Options, ontology: Ontology) -> None:
        super().__init__(options, ontology, "spaCy v2")
        self.out = out

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        self.out.write(b"[")
        first = True
        for number, record in enumerate(records):
            doc = self.prepare(record, "none")  # v2 has no span groups
            if doc is None:
                continue
            self.out.write((b"\n" if first else b",\n") + _dumps(self._json(record, doc, number)))
            first = False
        self.out.write(b"\n]\n")
        return self.stats

    def _json(self, record: ExportRecord, doc: _Doc, number: int) -> dict[str, Any]:
        entities = entity_tokens(doc.tokens, doc.ents)
        # BILUO: IOBES with L- for E- and U- for S-
        tags = [
            _BILUO.get(t[:2], t[:2]) + t[2:] for t in encode(len(doc.tokens), entities, "iobes")
        ]
        starts = sentences(doc.text, doc.tokens, entities) + [len(doc.tokens)]
        paragraph: dict[str, Any] = {
            "raw": doc.text,
            "sentences": [
                {
                    "tokens": [
                        {"id": k, "orth": doc.text[s:e], "ner": tags[k]}
                        for k, (s, e) in enumerate(doc.tokens[a:b], start=a)
                    ]
                }
                for a, b in zip(starts, starts[1:], strict=False)
                if b > a
            ],
        }
        if doc.cats:
            paragraph["cats"] = [{"label": k, "value": v} for k, v in doc.cats.items()]
        doc_id = record.content.meta.get("id")
        data: dict[str, Any] = {
            "id": doc_id if isinstance(doc_id, int) else number,
            "paragraphs": [paragraph],
        }
        # spaCy's "id" is an integer of its own (kept in meta): the item's id goes beside it
        if record.external_id is not None:
            data[EXTENSION] = {EXTERNAL_ID: record.external_id}
        return data
