"""The lines of a canonical JSONL file: one header, then one item per line.

```
{"format": "ontolabel.jsonl", "version": 1, "ontology": {...}}
{"external_id": "a", "modality": "image", "text": null, "meta": {}, "media": [MediaInfo],
 "annotations": [{"user": "ana", "status": "submitted", "revision": 2, "source": "human",
                  "document": Annotation}]}
```

A media entry written by ontolabel is a full ``MediaInfo`` (sha256 names the bytes exactly).
A hand-written file may give only ``name`` and/or ``path`` (relative to the JSONL file).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Required

from pydantic import BaseModel, ConfigDict, Field, model_validator, with_config
from typing_extensions import TypedDict

from ontolabel.core.annotation import Annotation, AnnotationSource
from ontolabel.core.item import MAX_EXTERNAL_ID, MAX_NAME, MediaInfo, MediaInfoFields
from ontolabel.core.modality import Modality

FORMAT_TAG = "ontolabel.jsonl"
VERSION = 1
SHA256_PATTERN = r"^[0-9a-f]{64}$"
# an item's external id: as long as the column that keeps it allows
ExternalId = Annotated[str, Field(max_length=MAX_EXTERNAL_ID)]


class HeaderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["ontolabel.jsonl"]
    version: int = Field(ge=1)
    ontology: dict[str, Any] | None = None


class MediaLine(BaseModel):
    """A media entry: a full ``MediaInfo`` (as ontolabel writes it), or a name and a path,
    with the image's size as a hint that the file's probed size must match."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(max_length=MAX_NAME)
    path: str | None = None
    sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)
    width: int | None = None
    height: int | None = None

    @model_validator(mode="after")
    def _probed_fields_form_a_media_info(self) -> MediaLine:
        # any other probed field (mime, size, ...) means the entry claims to be a MediaInfo:
        # check all of it now, so a typo is an error and not silently dropped information
        if self.model_extra:
            MediaInfo.model_validate(self._info_fields())
        return self

    def _info_fields(self) -> dict[str, Any]:
        sizes = {k: v for k, v in (("width", self.width), ("height", self.height)) if v is not None}
        return {"name": self.name, "sha256": self.sha256, **sizes, **(self.model_extra or {})}

    def info(self) -> MediaInfo | None:
        """The full ``MediaInfo`` when the entry carries one."""
        return MediaInfo.model_validate(self._info_fields()) if self.model_extra else None


class AnnotationLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str | None = None
    status: Literal["draft", "submitted"] = "submitted"
    revision: int = Field(default=1, ge=1)
    source: AnnotationSource = "human"
    document: Annotation


class ItemLine(BaseModel):
    """An item line in any allowed shape (media as references or as full ``MediaInfo``)."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId | None = None
    modality: Modality
    text: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    media: list[MediaLine] = Field(default_factory=list)
    annotations: list[AnnotationLine] = Field(default_factory=list)


class ProbedItemLine(BaseModel):
    """An item line whose media entries are all full ``MediaInfo`` (as ontolabel exports
    them): parsed in one pass, each entry validated once. Lines in other shapes fail here
    and are read as ``ItemLine``."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId | None = None
    modality: Modality
    text: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)
    media: list[MediaInfo] = Field(default_factory=list)
    annotations: list[AnnotationLine] = Field(default_factory=list)


@with_config(ConfigDict(extra="forbid"))
class BareItemLine(TypedDict, total=False):
    """An item line without annotations whose media entries are full ``MediaInfo``: the
    line of a large import of files the store has. Validated as ``ProbedItemLine`` would
    validate it, into plain dicts (no model per line and per file)."""

    external_id: ExternalId | None
    modality: Required[Modality]
    text: str | None
    meta: dict[str, Any]
    media: list[MediaInfoFields]
    annotations: Annotated[list[Any], Field(max_length=0)]
