"""COCO export options."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class CocoOptions(SelectionOptions):
    merge: Literal["latest", "all"] = Field(
        default="latest",
        description=(
            "latest: one label set per image (the last submitted annotation, else the last "
            "draft); all: every selected annotator's objects, each tagged with its annotator"
        ),
    )
