"""Choosing the spans a flat (one label per token) layer can hold, and naming the rest.

BIO tags and spaCy's ``ents`` give each token at most one entity, so of overlapping or
nested spans only some can be written. ``longest`` keeps the longest first (then the
earliest), ``first`` keeps the earliest first (then the longest), ``skip`` keeps none of
the spans that overlap another; every span left out is returned with a span it collides
with, for the writer to report.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Span

OverlapRule = Literal["longest", "first", "skip"]


@dataclass(frozen=True, slots=True)
class PlacedSpan:
    index: int  # of the object in its annotation
    obj: AnnotationObject
    span: Span


def spans_of(objects: Sequence[AnnotationObject]) -> list[PlacedSpan]:
    return [
        PlacedSpan(i, o, o.geometry) for i, o in enumerate(objects) if isinstance(o.geometry, Span)
    ]


def flatten(
    spans: Sequence[PlacedSpan], rule: OverlapRule
) -> tuple[list[PlacedSpan], list[tuple[PlacedSpan, PlacedSpan]]]:
    """The spans kept (in text order) and each left out with a span it overlaps (a kept
    one, except with ``skip``)."""
    if rule == "skip":
        return _without_overlaps(spans)

    def longest(p: PlacedSpan) -> tuple[int, int, int]:
        return (p.span.start - p.span.end, p.span.start, p.index)

    def first(p: PlacedSpan) -> tuple[int, int, int]:
        return (p.span.start, p.span.start - p.span.end, p.index)

    kept: list[PlacedSpan] = []  # sorted by start, never overlapping
    starts: list[int] = []
    left_out: list[tuple[PlacedSpan, PlacedSpan]] = []
    for p in sorted(spans, key=longest if rule == "longest" else first):
        at = bisect_left(starts, p.span.start)
        clash = None
        if at > 0 and kept[at - 1].span.end > p.span.start:
            clash = kept[at - 1]
        elif at < len(kept) and kept[at].span.start < p.span.end:
            clash = kept[at]
        if clash is not None:
            left_out.append((p, clash))
            continue
        kept.insert(at, p)
        starts.insert(at, p.span.start)
    left_out.sort(key=lambda pair: pair[0].index)
    return kept, left_out


def _without_overlaps(
    spans: Sequence[PlacedSpan],
) -> tuple[list[PlacedSpan], list[tuple[PlacedSpan, PlacedSpan]]]:
    ordered = sorted(spans, key=lambda p: (p.span.start, p.span.end, p.index))
    clash: dict[int, PlacedSpan] = {}
    reach: PlacedSpan | None = None  # the span reaching furthest right so far
    for p in ordered:
        if reach is not None and reach.span.end > p.span.start:
            clash.setdefault(p.index, reach)
            clash.setdefault(reach.index, p)
        if reach is None or p.span.end > reach.span.end:
            reach = p
    kept = [p for p in ordered if p.index not in clash]
    left_out = sorted(
        ((p, clash[p.index]) for p in ordered if p.index in clash), key=lambda x: x[0].index
    )
    return kept, left_out


def describe(p: PlacedSpan) -> str:
    return f"{p.obj.class_name} [{p.span.start},{p.span.end}) {p.span.text!r}"


def overlap_message(p: PlacedSpan, clash: PlacedSpan, rule: OverlapRule, why: str) -> str:
    """Why ``p`` was left out for ``clash``, in the words of the rule that chose."""
    if rule == "skip":
        return f"{describe(p)} overlaps {describe(clash)}; nested=skip writes neither: {why}"
    return f"{describe(p)} overlaps {describe(clash)}, which is written: {why}"
