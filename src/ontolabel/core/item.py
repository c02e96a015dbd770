"""An item to label: one or more media files (and, for text, the stored text itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Required

import orjson
from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

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


@with_config(ConfigDict(extra="forbid"))
class MediaInfoFields(TypedDict, total=False):
    """``MediaInfo``'s fields as a typed dict: a media entry validated exactly as the model
    validates it, without building the model (a bulk import reads one per file; the model
    costs ~3 us more each). tests/core/test_item.py keeps the two in step."""

    modality: Required[Modality]
    mime: Required[str]
    sha256: Required[str]
    size: Required[int]
    name: Required[str]
    width: int | None
    height: int | None
    duration: float | None
    frame_rate: str | None
    frame_count: int | None
    sample_rate: int | None
    channels: int | None
    point_count: int | None
    extra: dict[str, Any]


@dataclass(slots=True)
class MediaInfoJson:
    """A validated ``MediaInfo`` kept as the JSON text storage holds, with the fields a new
    item's rows and checks read (treat it as immutable; see ``media_info_json``)."""

    modality: Modality
    mime: str
    sha256: str
    size: int
    name: str
    width: int | None
    height: int | None
    text: str  # the entry as stored: MediaInfo's JSON without its defaults

    def model(self) -> MediaInfo:
        return MediaInfo.model_validate_json(self.text)


def media_info_json(fields: MediaInfoFields) -> MediaInfoJson:
    """``fields`` (validated as ``MediaInfoFields``) ready to store, defaults left out as
    the model's own serialiser leaves them out."""
    if None in fields.values() or fields.get("extra") == {}:
        fields = {k: v for k, v in fields.items() if v is not None and v != {}}  # type: ignore[assignment]
    return MediaInfoJson(
        fields["modality"],
        fields["mime"],
        fields["sha256"],
        fields["size"],
        fields["name"],
        fields.get("width"),
        fields.get("height"),
        orjson.dumps(fields).decode(),
    )


def as_media_info(media: MediaInfo | MediaInfoJson) -> MediaInfo:
    return media.model() if isinstance(media, MediaInfoJson) else media


class ItemContent(BaseModel):
    """What an item is made of, independent of where it is stored."""

    model_config = ConfigDict(extra="forbid")

    modality: Modality
    media: list[MediaInfo] = Field(default_factory=list)
    # for text items: exactly the text the annotator sees (newlines as stored, never normalised)
    text: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
