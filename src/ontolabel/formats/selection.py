"""Export options shared by formats: which annotations of an item to export."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.base import AnnotationRecord, ExportRecord, FormatOptions, WriteStats


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

    def one_label_set(
        self, record: ExportRecord, stats: WriteStats, fmt: str
    ) -> AnnotationRecord | None:
        """``latest`` for a format that holds one label set per item, reporting each other
        selected annotation it leaves out (an export must never drop work in silence)."""
        chosen = self.latest(record.annotations)
        for other in self.select(record.annotations):
            if other is not chosen:
                who = other.user or "an unnamed user"
                stats.skip(
                    f"the annotation of {who} is not written: {fmt} holds one label set per "
                    "item (choose whose with annotator=NAME)",
                    record,
                )
        return chosen
