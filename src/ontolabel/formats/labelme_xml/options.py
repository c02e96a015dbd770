"""MIT LabelMe XML export options."""

from __future__ import annotations

from pydantic import Field

from ontolabel.formats.selection import SelectionOptions


class LabelmeXmlOptions(SelectionOptions):
    include_media: bool = Field(
        default=True, description="put each image into the archive under Images/"
    )
