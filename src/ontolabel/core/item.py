"""An item to label: one or more media files (and, for text, the stored text itself)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ontolabel.core.modality import Modality


class MediaInfo(BaseModel):
    """What probing a media file found; the fields that apply to its modality are set."""

    model_config = ConfigDict(extra="forbid")

    modality: Modality
    mime: str
    sha256: str
    size: int
    name: str = Field(description="original file name, as the user gave it")
    width: int | None = Field(default=None, description="displayed width (EXIF applied)")
    height: int | None = Field(default=None, description="displayed height (EXIF applied)")
    duration: float | None = Field(default=None, description="seconds (audio, video)")
    frame_rate: str | None = Field(default=None, description="exact rate as 'num/den' (video)")
    frame_count: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    point_count: int | None = None
    # camera calibration for an image that belongs to a point cloud, etc.
    extra: dict[str, Any] = Field(default_factory=dict)


class ItemContent(BaseModel):
    """What an item is made of, independent of where it is stored."""

    model_config = ConfigDict(extra="forbid")

    modality: Modality
    media: list[MediaInfo] = Field(default_factory=list)
    # for text items: exactly the text the annotator sees (newlines as stored, never normalised)
    text: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
