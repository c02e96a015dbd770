"""spaCy v3 documents (the shape of ``Doc.to_json()``) to and from text items.

```
{"text": "...", "ents": [{"start": 0, "end": 3, "label": "PERSON"}],
 "spans": {"sc": [{"start": 0, "end": 8, "label": "NAME", "kb_id": ""}]},
 "cats": {"baking": 0.0, "not_baking": 1.0},
 "tokens": [{"id": 0, "start": 0, "end": 3}, ...], "sents": [...], "_": {...}}
```

Offsets are Python ``str`` offsets, i.e. code points, as ontolabel keeps them. ``ents`` and
every span group become spans (the same class over the same range, in both, is one
object); a category of 0.5 or more becomes a document class (a tag) with its value as the
score. The tokens are kept in the item's meta, so an export gives them back; ``meta`` (as
spaCy's textcat JSONL has it) becomes the item's meta; ``_.external_id`` its external id
(our writers put it there). A document without one gets an id from its text and its
index in the file (``content_external_id``), so importing the same file again finds the
items it made, and identical documents at different places stay apart.
Linguistic attributes (tags, lemmas, parses, sentences) are not labels and are not read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span, Tag
from ontolabel.core.modality import Modality
from ontolabel.errors import Location
from ontolabel.formats.base import AnnotationRecord, ImportRecord, content_external_id
from ontolabel.formats.conll.tokens import TOKENS_KEY, Token

CATEGORY_THRESHOLD = 0.5
# where a document keeps its item's external id: spaCy's namespace of custom attributes
# (``Doc._``), in v3 documents and (beside spaCy's own integer "id") in v2 documents
EXTENSION = "_"
EXTERNAL_ID = "external_id"

Report = Callable[[str, str], None]  # (message, JSON path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_range(entry: object, text: str, path: str, report: Report) -> tuple[int, int] | None:
    """``entry``'s ``start``/``end`` when they are a non-empty range of ``text``."""
    if not isinstance(entry, dict):
        report("must be an object with start, end and label", path)
        return None
    start, end = entry.get("start"), entry.get("end")
    if not _is_int(start) or not _is_int(end):
        report("start and end must be integers (character offsets)", path)
        return None
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        report(f"[{start},{end}) is not a non-empty range of the text (length {len(text)})", path)
        return None
    return start, end


def _label(entry: dict[str, Any], path: str, report: Report) -> str | None:
    label = entry.get("label")
    if not isinstance(label, str) or not label:
        report("label must be a non-empty string", f"{path}.label")
        return None
    return label


class DocReader:
    """Objects of one document, each problem reported with its JSON path."""

    def __init__(self, text: str, report: Report) -> None:
        self.text = text
        self.report = report
        self.objects: list[AnnotationObject] = []
        self.origins: list[str] = []
        self._seen: set[tuple[int, int, str]] = set()

    def span(self, entry: object, path: str) -> None:
        found = read_range(entry, self.text, path, self.report)
        if found is None:
            return
        assert isinstance(entry, dict)
        label = _label(entry, path, self.report)
        if label is None or (*found, label) in self._seen:
            return
        self._seen.add((*found, label))
        start, end = found
        self.add(label, Span(start=start, end=end, text=self.text[start:end]), path)

    def add(self, label: str, geometry: Span | Tag, path: str, score: float | None = None) -> None:
        self.objects.append(
            AnnotationObject(
                id=f"{geometry.kind[0]}{len(self.objects) + 1}",
                class_name=label,
                geometry=geometry,
                score=score,
            )
        )
        self.origins.append(path)

    def category(self, label: str, value: object, path: str) -> None:
        if not _is_number(value) or not 0 <= float(value) <= 1:  # type: ignore[arg-type]
            self.report("a category's value must be a number from 0 to 1", path)
        elif float(value) >= CATEGORY_THRESHOLD:  # type: ignore[arg-type]
            self.add(label, Tag(), path, score=float(value))  # type: ignore[arg-type]


def read_tokens(raw: object, text: str, report: Report) -> list[Token] | None:
    """The document's tokens without spaCy's whitespace tokens (None: none given)."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        report("must be a list of tokens", "tokens")
        return None
    tokens: list[Token] = []
    last = 0
    for k, entry in enumerate(raw):
        found = read_range(entry, text, f"tokens[{k}]", report)
        if found is None:
            return None
        if found[0] < last:
            report(
                f"starts at {found[0]}, inside the token before (ends at {last})", f"tokens[{k}]"
            )
            return None
        last = found[1]
        if text[found[0] : found[1]].strip():
            tokens.append(found)
    return tokens


def explicit_id(obj: dict[str, Any], report: Report) -> str | None:
    """The external id a document carries in ``_.external_id`` (None: none, or reported)."""
    extension = obj.get(EXTENSION, {})
    external_id = extension.get(EXTERNAL_ID) if isinstance(extension, dict) else None
    if external_id is not None and not isinstance(external_id, str):
        report("must be a string", f"{EXTENSION}.{EXTERNAL_ID}")
        return None
    return external_id


def read_doc(
    obj: object, at: Location, report: Callable[[str, Location], None], index: int
) -> ImportRecord | None:
    """The record of one v3 document (the ``index``-th of its file), or None when anything
    in it is wrong (reported)."""
    bad = False

    def problem(message: str, path: str) -> None:
        nonlocal bad
        bad = True
        report(message, Location(file=at.file, line=at.line, item=at.item, path=path))

    if not isinstance(obj, dict):
        problem(f"a spaCy document is a JSON object, not a {type(obj).__name__}", "")
        return None
    text = obj.get("text")
    if not isinstance(text, str):
        problem("a spaCy document needs its text (a string)", "text")
        return None
    reader = DocReader(text, problem)
    ents = obj.get("ents", [])
    if not isinstance(ents, list):
        problem("must be a list", "ents")
    else:
        for k, entry in enumerate(ents):
            reader.span(entry, f"ents[{k}]")
    groups = obj.get("spans", {})
    if not isinstance(groups, dict):
        problem("must be an object of span groups", "spans")
    else:
        for key, group in groups.items():
            if not isinstance(group, list):
                problem("a span group must be a list", f"spans.{key}")
                continue
            for k, entry in enumerate(group):
                reader.span(entry, f"spans.{key}[{k}]")
    cats = obj.get("cats", {})
    if not isinstance(cats, dict):
        problem("must be an object of category: value", "cats")
    else:
        for label, value in cats.items():
            reader.category(label, value, f"cats.{label}")
    tokens = read_tokens(obj.get("tokens"), text, problem)
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        problem("must be an object", "meta")
    external_id = explicit_id(obj, problem)
    if bad:
        return None
    kept = dict(meta)
    if tokens:
        kept[TOKENS_KEY] = [[s, e] for s, e in tokens]
    return ImportRecord(
        location=Location(file=at.file, line=at.line, item=external_id),
        modality=Modality.TEXT,
        external_id=(
            content_external_id("spacy", text, index) if external_id is None else external_id
        ),
        text=text,
        meta=kept,
        annotations=[
            AnnotationRecord(
                document=Annotation(objects=reader.objects), origins=tuple(reader.origins)
            )
        ],
    )


def spacy_tokens(text: str, tokens: list[Token]) -> list[Token]:
    """``tokens`` as a spaCy ``Doc`` holds them: one space after a token is its trailing
    whitespace; any other whitespace between (or before) tokens is a token of its own."""
    out: list[Token] = []
    last = 0
    for start, end in tokens:
        gap = start - last
        if gap and not (out and gap == 1 and text[last] == " "):
            begin = last + 1 if out and text[last] == " " else last
            out.append((begin, start))
        out.append((start, end))
        last = end
    if last < len(text) and not (out and len(text) - last == 1 and text[last] == " "):
        out.append((last + 1 if out and text[last] == " " else last, len(text)))
    return out
