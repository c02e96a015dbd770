"""Export options shared by formats: which annotations of an item to export."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.base import AnnotationRecord, FormatOptions


class SelectionOptions(FormatOptions):
    status: Literal["any", "submitted"] = Field(
        default="any", description="export drafts too (any), or submitted work only"
    )
    annotator: str | None = Field(
        default=None, description="export only this user's annotations (user name)"
    )

    def select(self, annotations: list[AnnotationRecord]) -> list[AnnotationRecord]:
        return [
            a
            for a in annotations
            if (self.status == "any" or a.status == "submitted")
            and (self.annotator is None or a.user == self.annotator)
        ]

    def latest(self, annotations: list[AnnotationRecord]) -> AnnotationRecord | None:
        """The one label set for formats that hold one per item: of the selected
        annotations, the last submitted one, else the last draft."""
        selected = self.select(annotations)
        submitted = [a for a in selected if a.status == "submitted"]
        chosen = submitted or selected
        return chosen[-1] if chosen else None
