"""Text spans: half-open [start, end) in Unicode code points of the stored text."""

from __future__ import annotations

from typing import Literal

from ontolabel.core.geometry.base import GeometryModel


class Span(GeometryModel):
    kind: Literal["span"] = "span"
    start: int
    end: int
    # text[start:end] of the stored text, kept with the span and checked against it
    text: str
