"""An item to label: one or more media files (and, for text, the stored text itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Required

import orjson
from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

from ontolabel.core.modality import Modality

# the largest whole number a database integer column holds
MAX_INT64 = 2**63 - 1
# the longest file name and external id an item keeps (the columns' sizes)
MAX_NAME = 500
MAX_EXTERNAL_ID = 500
# an image's side in pixels, and a count of frames, samples, channels or points
Side = Annotated[int, Field(ge=1, le=MAX_INT64)]
Count = Annotated[int, Field(ge=0, le=MAX_INT64)]


class MediaInfo(BaseModel):
    """What probing a media file found; the fields that apply to its modality are set."""

    # no NaN or infinity (JSON has neither), sizes and counts a database column holds
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    modality: Modality
    mime: str
    sha256: str
    size: Annotated[int, Field(ge=0, le=MAX_INT64)]
    name: str = Field(max_length=MAX_NAME, description="original file name, as the user gave it")
    width: Side | None = Field(default=None, description="displayed width (EXIF applied)")
    height: Side | None = Field(default=None, description="displayed height (EXIF applied)")
    duration: float | None = Field(default=None, description="seconds (audio, video)")
    frame_rate: str | None = Field(default=None, description="exact rate as 'num/den' (video)")
    frame_count: Count | None = None
    sample_rate: Count | None = None
    channels: Count | None = None
    point_count: Count | None = None
    # camera calibration for an image that belongs to a point cloud, etc.
    extra: dict[str, Any] = Field(default_factory=dict)


@with_config(ConfigDict(extra="forbid", allow_inf_nan=False))
class MediaInfoFields(TypedDict, total=False):
    """``MediaInfo``'s fields as a typed dict: a media entry validated exactly as the model
    validates it, without building the model (a bulk import reads one per file; the model
    costs ~3 us more each). tests/core/test_item.py keeps the two in step."""

    modality: Required[Modality]
    mime: Required[str]
    sha256: Required[str]
    size: Required[Annotated[int, Field(ge=0, le=MAX_INT64)]]
    name: Required[Annotated[str, Field(max_length=MAX_NAME)]]
    width: Side | None
    height: Side | None
    duration: float | None
    frame_rate: str | None
    frame_count: Count | None
    sample_rate: Count | None
    channels: Count | None
    point_count: Count | None
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
