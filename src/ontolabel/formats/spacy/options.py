"""spaCy export options."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.conll.flat import OverlapRule
from ontolabel.formats.selection import SelectionOptions

SpanGroupRule = Literal["overlapping", "all", "none"]

_NESTED = (
    "of overlapping spans (ents give a token one entity), put the longest, the first or none "
    "of them (skip) in ents"
)


class SpacyV2Options(SelectionOptions):
    nested: OverlapRule = Field(
        default="longest", description=_NESTED + "; each span left out is reported"
    )


class SpacyOptions(SelectionOptions):
    nested: OverlapRule = Field(default="longest", description=_NESTED)
    span_group: SpanGroupRule = Field(
        default="overlapping",
        description="which spans also go to the span group span_key: those that overlap the "
        "ents (so every span is written once), all of them (for spancat), or none (the "
        "overlapping ones are reported)",
    )
    span_key: str = Field(default="sc", min_length=1, description="the span group's name")
