"""Writing text items as CoNLL/BIO: one token per line, a blank line after each sentence.

The stored text is tokenized (its kept tokens, or ``tokens.tokenize``) and every token is
cut where a written span starts or ends inside it, so no label is lost to a token boundary.
A sentence ends at a line break of the text, never inside an entity. What a flat tag
sequence cannot hold (overlapping spans, document classes, relations, attributes) is named
in ``WriteStats.skipped``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any, BinaryIO

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import Span, Tag
from ontolabel.core.modality import Modality
from ontolabel.errors import Location, Violation
from ontolabel.formats.base import ExportRecord, WriteStats
from ontolabel.formats.conll.flat import (
    PlacedSpan,
    flatten,
    overlap_message,
)
from ontolabel.formats.conll.options import ConllOptions
from ontolabel.formats.conll.reader import COLUMNS_KEY, DOCSTART
from ontolabel.formats.conll.tags import encode
from ontolabel.formats.conll.tokens import Token, breaks_line, stored_tokens, tokens_of


class ItemSkips:
    """Reports what an item loses to ``stats.skipped``."""

    def __init__(self, stats: WriteStats, record: ExportRecord) -> None:
        self.stats = stats
        self.item = record.external_id if record.external_id is not None else str(record.item_id)

    def __call__(self, message: str, path: str | None = None) -> None:
        self.stats.skipped.append(Violation(message, Location(item=self.item, path=path)))


def writable_spans(
    document: Annotation, text: str, skip: ItemSkips, fmt: str, *, tags_elsewhere: bool = False
) -> list[PlacedSpan]:
    """The spans of ``document`` a token-based file can hold; the rest reported to ``skip``
    (document classes too, unless the caller writes them: ``tags_elsewhere``). Overlaps are
    left to the caller (a flat layer, or spaCy's span groups)."""
    found: list[PlacedSpan] = []
    for index, obj in enumerate(document.objects):
        path = f"objects[{index}]"
        geometry = obj.geometry
        if isinstance(geometry, Tag) and tags_elsewhere:
            continue
        if not isinstance(geometry, Span):
            what = "document class" if geometry.kind == "tag" else geometry.kind
            skip(f"{fmt} has no form for a {what} ({obj.class_name})", path)
            continue
        if any(c.isspace() for c in obj.class_name):
            skip(f"class {obj.class_name!r} has whitespace: it cannot be a {fmt} label", path)
            continue
        start, end = geometry.start, geometry.end
        if not 0 <= start < end <= len(text) or not text[start:end].strip():
            skip(f"the span {obj.class_name} [{start},{end}) holds no token of the text", path)
            continue
        lost = [f"attribute {name!r}" for name in obj.attributes]
        if obj.score is not None:
            lost.append("score")
        if lost:
            skip(f"{fmt} does not carry the {', '.join(lost)} of {obj.class_name}", path)
        found.append(PlacedSpan(index, obj, geometry))
    for index, relation in enumerate(document.relations):
        skip(f"{fmt} has no form for a relation ({relation.name})", f"relations[{index}]")
    return found


def entity_tokens(tokens: list[Token], kept: list[PlacedSpan]) -> list[tuple[int, int, str]]:
    """Each kept span as the (first, last) tokens it covers (tokens are cut at its edges)."""
    starts = [t[0] for t in tokens]
    out: list[tuple[int, int, str]] = []
    for p in kept:
        first = bisect_left(starts, p.span.start)
        last = bisect_left(starts, p.span.end) - 1
        out.append((first, last, p.obj.class_name))
    return out


def sentences(text: str, tokens: list[Token], entities: list[tuple[int, int, str]]) -> list[int]:
    """The token indexes that start a sentence: after a line break, outside any entity."""
    inside = {k for first, last, _ in entities for k in range(first + 1, last + 1)}
    return [0] + [
        k
        for k in range(1, len(tokens))
        if k not in inside and breaks_line(text[tokens[k - 1][1] : tokens[k][0]])
    ]


class ConllWriter:
    def __init__(self, out: BinaryIO, options: ConllOptions) -> None:
        self.out = out
        self.options = options
        self.stats = WriteStats()
        self.sep = " " if options.separator == "space" else "\t"
        # what a token without kept columns gets between it and its tag
        self.middle = f"_{self.sep}_{self.sep}" if options.layout == "conll2003" else ""

    def write(self, records: Iterable[ExportRecord]) -> WriteStats:
        for record in records:
            self._record(record)
        return self.stats

    def _record(self, record: ExportRecord) -> None:
        skip = ItemSkips(self.stats, record)
        content = record.content
        if content.modality != Modality.TEXT or content.text is None:
            skip(f"CoNLL holds text; this item is {content.modality.value}")
            return
        text = content.text
        chosen = self.options.one_label_set(record, self.stats, "CoNLL")
        found = writable_spans(chosen.document, text, skip, "CoNLL") if chosen else []
        kept, left_out = flatten(found, self.options.nested)
        for p, clash in left_out:
            why = "a token has one BIO tag"
            skip(overlap_message(p, clash, self.options.nested, why), f"objects[{p.index}]")
        cuts = {edge for p in kept for edge in (p.span.start, p.span.end)}
        tokens = tokens_of(text, content.meta, cuts)
        if not tokens:
            skip("the text has no tokens: nothing to write")
            return
        entities = entity_tokens(tokens, kept)
        tags = encode(len(tokens), entities, self.options.scheme)
        starts = set(sentences(text, tokens, entities))
        middles, placeholder = self._middles(text, content.meta)
        lines: list[str] = []
        if self.options.docstart:
            filler = f"-X-{self.sep}-X-{self.sep}" if self.middle else ""
            lines.append(f"{DOCSTART}{self.sep}{filler}O")
            lines.append("")
        for k, ((start, end), tag) in enumerate(zip(tokens, tags, strict=True)):
            if k and k in starts:
                lines.append("")
            middle = middles.get((start, end), placeholder)
            lines.append(f"{text[start:end]}{self.sep}{middle}{tag}")
        lines.append("")
        self.out.write(("\n".join(lines) + "\n").encode())
        self.stats.items += 1
        self.stats.objects += len(kept)

    def _middles(self, text: str, meta: dict[str, Any]) -> tuple[dict[Token, str], str]:
        """The columns between token and tag that an imported item kept, by token, and what
        a token without them gets (one cut since): the layout's own for ``two_column`` and
        ``conll2003`` (which takes kept columns only when there are two, POS and chunk),
        as many ``_`` as the item has columns for ``kept``."""
        kept, columns = stored_tokens(meta, text), meta.get(COLUMNS_KEY)
        layout = self.options.layout
        if layout == "two_column" or kept is None or not isinstance(columns, list):
            return {}, self.middle
        if len(columns) != len(kept) or not all(_is_column_list(c) for c in columns):
            return {}, self.middle
        width = len(columns[0]) if columns else 0
        if layout == "conll2003" and width != 2:
            return {}, self.middle
        found = {
            token: "".join(v + self.sep for v in values)
            for token, values in zip(kept, columns, strict=True)
            if len(values) == width
        }
        return found, "".join("_" + self.sep for _ in range(width))


def _is_column_list(values: object) -> bool:
    return isinstance(values, list) and all(
        isinstance(v, str) and v and not any(c.isspace() for c in v) for v in values
    )
