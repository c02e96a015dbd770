"""spaCy v2 training JSON (``spacy convert`` of v2, ``spacy train`` of v2) into text items.

```
[{"id": 0, "paragraphs": [{"raw": "...", "cats": [{"label": "baking", "value": 1.0}],
   "sentences": [{"tokens": [{"id": 0, "orth": "When", "tag": "WRB", "ner": "O"}, ...]}]}]}]
```

Each paragraph is an item (spaCy makes one ``Doc`` of each). Its text is ``raw`` when given;
the tokens are found in it in order (a token spaCy spelt differently, as ```` `` ```` for a
``"``, covers the punctuation of the raw text up to the next token). Without ``raw`` the
text is the tokens joined by spaces, sentence by sentence, one line each (as the CoNLL
reader does). ``ner``
is BILUO (IOB is read too; ``-``, a missing tag, as ``O``); ``cats`` of 0.5 or more become
document classes with their value as the score. The document's ``id`` (spaCy's integer,
not unique across files, often 0 for all) goes to the item's meta; parses and POS tags are
not labels and are not read.

The item's external id is the document's ``_.external_id`` when it has one (our writer
puts it there, one paragraph a document, as v3 documents keep it); a further paragraph of
such a document gets ``<id>#<paragraph>``. Otherwise it comes from the paragraph's text and
its place (``content_external_id``), so importing the same file again finds the items it
made, and identical paragraphs stay apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import Span
from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats.base import AnnotationRecord, ImportRecord, content_external_id
from ontolabel.formats.conll.tags import (
    OUTSIDE,
    Decoder,
    SchemeSniffer,
    Tag,
    parse_tag,
    tag_problem,
)
from ontolabel.formats.conll.tokens import TOKENS_KEY, Token
from ontolabel.formats.spacy.v3 import DocReader, explicit_id

Report = Callable[[str, Location], None]


def align(raw: str, orths: list[str]) -> list[Token] | int:
    """Where each of ``orths`` is in ``raw``, in order; the index of the first token that
    cannot be found otherwise."""
    out: list[Token] = []
    cursor = 0
    for k, orth in enumerate(orths):
        if not orth.strip():  # spaCy's whitespace token, after its token's trailing space
            at = cursor if raw.startswith(orth, cursor) else cursor + 1
            if not orth or not raw.startswith(orth, at):
                return k
            out.append((at, at + len(orth)))
            cursor = at + len(orth)
            continue
        while cursor < len(raw) and raw[cursor].isspace():
            cursor += 1
        if raw.startswith(orth, cursor):
            out.append((cursor, cursor + len(orth)))
            cursor += len(orth)
            continue
        following = next((o for o in orths[k + 1 :] if o.strip()), None)
        stop = len(raw) if following is None else raw.find(following, cursor + 1)
        region = raw[cursor:stop].rstrip() if stop >= 0 else ""
        # only punctuation is respelt (`` for ", -LRB- for ( ): a word must match
        if not region or any(c.isspace() or c.isalnum() for c in region):
            return k
        out.append((cursor, cursor + len(region)))
        cursor += len(region)
    return out


def _joined(sentences: list[list[str]]) -> tuple[str, list[Token]]:
    parts: list[str] = []
    tokens: list[Token] = []
    offset = 0
    for sentence in sentences:
        for k, orth in enumerate(sentence):
            if parts:
                sep = " " if k else "\n"
                parts.append(sep)
                offset += 1
            tokens.append((offset, offset + len(orth)))
            parts.append(orth)
            offset += len(orth)
    return "".join(parts), tokens


def read_document(
    obj: object, line: int, index: int, file: str, report: Report
) -> Iterator[ImportRecord]:
    def at(path: str) -> Location:
        return Location(file=file, line=line, path=path)

    if not isinstance(obj, dict) or not isinstance(obj.get("paragraphs"), list):
        report("a spaCy v2 document is an object with a 'paragraphs' list", at(f"[{index}]"))
        return
    bad_id = False

    def id_problem(message: str, where: str) -> None:
        nonlocal bad_id
        bad_id = True
        report(message, at(f"[{index}].{where}"))

    carried = explicit_id(obj, id_problem)
    if bad_id:
        return
    for p, paragraph in enumerate(obj["paragraphs"]):
        record = _paragraph(paragraph, f"[{index}].paragraphs[{p}]", at, report)
        if record is not None:
            assert record.text is not None
            if carried is None:
                record.external_id = content_external_id("spacy-v2", record.text, f"{index}.{p}")
            else:
                record.external_id = carried if p == 0 else f"{carried}#{p}"
            if "id" in obj:
                record.meta["id"] = obj["id"]
            yield record


def _paragraph(
    paragraph: Any, path: str, at: Callable[[str], Location], report: Report
) -> ImportRecord | None:
    bad = False

    def problem(message: str, where: str) -> None:
        nonlocal bad
        bad = True
        report(message, at(where))

    if not isinstance(paragraph, dict) or not isinstance(paragraph.get("sentences"), list):
        problem("a paragraph is an object with a 'sentences' list", path)
        return None
    orths: list[list[str]] = []
    tags: list[list[Tag]] = []
    for s, sentence in enumerate(paragraph["sentences"]):
        tokens = sentence.get("tokens") if isinstance(sentence, dict) else None
        if not isinstance(tokens, list):
            problem("a sentence is an object with a 'tokens' list", f"{path}.sentences[{s}]")
            continue
        orths.append([])
        tags.append([])
        for t, token in enumerate(tokens):
            where = f"{path}.sentences[{s}].tokens[{t}]"
            orth = token.get("orth") if isinstance(token, dict) else None
            if not isinstance(orth, str):
                problem("a token needs its orth (a string)", where)
                continue
            raw_tag = token.get("ner", "O")
            tag = OUTSIDE if raw_tag in ("-", "", None) else parse_tag(str(raw_tag))
            if tag is None:
                problem(tag_problem(str(raw_tag)), f"{where}.ner")
                continue
            orths[-1].append(orth)
            tags[-1].append(tag)
    if bad:
        return None
    raw = paragraph.get("raw")
    flat = [o for sentence in orths for o in sentence]
    if isinstance(raw, str):
        text = raw
        found = align(raw, flat)
        if isinstance(found, int):
            k = found
            problem(f"token {flat[k]!r} (token {k} of the paragraph) is not in its raw text", path)
            return None
        offsets = found
    else:
        text, offsets = _joined(orths)
    reader = DocReader(text, lambda message, where: problem(message, where))
    sniffer = SchemeSniffer()
    for sentence_tags in tags:
        for tag in sentence_tags:
            sniffer.feed(tag)
        sniffer.end_sentence()
    scheme = sniffer.scheme()
    base = 0
    for s, sentence_tags in enumerate(tags):
        decoder = Decoder(scheme)
        for k, tag in enumerate(sentence_tags):
            decoder.feed(tag, k, k)
        decoder.end()
        for k, message in decoder.problems:
            problem(message, f"{path}.sentences[{s}].tokens[{k}].ner")
        for e in decoder.entities:
            start, end = offsets[base + e.first][0], offsets[base + e.last][1]
            span = Span(start=start, end=end, text=text[start:end])
            reader.add(e.label, span, f"{path}.sentences[{s}].tokens[{e.first}]")
        base += len(sentence_tags)
    cats = paragraph.get("cats", [])
    entries: list[tuple[object, object]] | None = None
    if isinstance(cats, dict):
        entries = list(cats.items())
    elif isinstance(cats, list):
        entries = [
            (c.get("label"), c.get("value")) if isinstance(c, dict) else (None, None) for c in cats
        ]
    if entries is None:
        problem("must be a list of {label, value}", f"{path}.cats")
    else:
        for k, (label, value) in enumerate(entries):
            if not isinstance(label, str) or not label:
                problem("a category needs its label (a string)", f"{path}.cats[{k}]")
            else:
                reader.category(label, value, f"{path}.cats[{k}]")
    if bad:
        return None
    return ImportRecord(
        location=at(path),
        modality=Modality.TEXT,
        text=text,
        meta={TOKENS_KEY: [[s, e] for s, e in offsets if text[s:e].strip()]},
        annotations=[
            AnnotationRecord(
                document=Annotation(objects=reader.objects), origins=tuple(reader.origins)
            )
        ],
    )
