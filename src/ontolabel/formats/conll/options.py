"""CoNLL/BIO export options."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.conll.flat import OverlapRule
from ontolabel.formats.selection import SelectionOptions


class ConllOptions(SelectionOptions):
    scheme: Literal["iob2", "iobes"] = Field(
        default="iob2",
        description="iob2: B- starts every entity; iobes: S- for one token, B- I- E- otherwise",
    )
    layout: Literal["two_column", "conll2003", "kept"] = Field(
        default="two_column",
        description="two_column: token and tag; conll2003: token, POS, chunk, tag (as an "
        "imported file had them, else _); kept: token, the columns the item was imported "
        "with, tag",
    )
    separator: Literal["space", "tab"] = Field(default="space", description="between columns")
    docstart: bool = Field(
        default=True,
        description="start each item with a -DOCSTART- line (without it, every sentence of "
        "an item reads back as an item of its own)",
    )
    nested: OverlapRule = Field(
        default="longest",
        description="of overlapping spans (one tag per token), write the longest, the "
        "first, or none of them (skip); each span left out is reported",
    )
