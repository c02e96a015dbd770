"""Pascal VOC export options."""

from __future__ import annotations

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class VocOptions(SelectionOptions):
    include_media: bool = Field(
        default=False, description="put the images into JPEGImages/ beside the annotations"
    )
