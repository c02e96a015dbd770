"""CVAT for images export options."""

from __future__ import annotations

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class CvatOptions(SelectionOptions):
    include_media: bool = Field(
        default=False, description="put the images into images/ beside annotations.xml"
    )
