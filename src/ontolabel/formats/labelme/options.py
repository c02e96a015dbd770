"""LabelMe export options."""

from __future__ import annotations

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class LabelmeOptions(SelectionOptions):
    include_media: bool = Field(
        default=True,
        description="put each image file into the archive beside its JSON (imagePath names it)",
    )
    image_data: bool = Field(
        default=False,
        description="embed each image in its JSON as base64 imageData (LabelMe's own option)",
    )
