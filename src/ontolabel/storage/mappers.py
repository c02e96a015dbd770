"""Rows <-> core types. JSON columns hold the core models' own JSON form, nothing else."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from pydantic_core import from_json

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent, MediaInfo, MediaInfoJson
from ontolabel.core.modality import Modality
from ontolabel.storage.tables import ItemMediaRow, ItemRow


def media_info_to_json(info: MediaInfo) -> dict[str, Any]:
    return info.model_dump(mode="json", exclude_defaults=True)


def media_info_json_text(info: MediaInfo | MediaInfoJson) -> str:
    """``media_info_to_json`` as the JSON text a JSON column stores, in one serialiser call
    (what a bulk insert hands the driver)."""
    if isinstance(info, MediaInfoJson):
        return info.text
    return _MEDIA_INFO_SERIALIZER.to_json(info, exclude_defaults=True).decode()


_MEDIA_INFO_SERIALIZER = MediaInfo.__pydantic_serializer__


def media_info_from_json(data: dict[str, Any]) -> MediaInfo:
    return MediaInfo.model_validate(data)


_MEDIA_INFOS = TypeAdapter(list[MediaInfo])
_ANNOTATIONS = TypeAdapter(list[Annotation])


def media_infos_from_json(stored: list[str]) -> list[MediaInfo]:
    """``media_info_from_json`` for many stored infos, given as their JSON text, in one
    call (no Python dict in between)."""
    return _MEDIA_INFOS.validate_json("[" + ",".join(stored) + "]")


def annotations_from_json(stored: list[dict[str, Any]]) -> list[Annotation]:
    """``annotation_from_json`` for many stored documents in one call."""
    return _ANNOTATIONS.validate_python(stored)


def documents_from_json_text(stored: Sequence[str]) -> list[Any]:
    """Stored JSON documents, given as their text, decoded as ``json.loads`` decodes them,
    by pydantic's JSON parser (a third faster than ``json.loads`` on annotation documents,
    and exact like it on long integers, NaN and infinities, which orjson is not); a text it
    refuses (a lone surrogate escape) goes to ``json.loads``."""
    decoded: list[Any] = []
    for text in stored:
        try:
            decoded.append(from_json(text))
        except ValueError:
            decoded.append(json.loads(text))
    return decoded


def media_infos_as_json(stored: list[str]) -> list[dict[str, Any]]:
    """``media_info_from_json(d).model_dump(mode="json")`` for each stored JSON text, with
    one call into pydantic's core for all of them (an export reads thousands at a time)."""
    return _MEDIA_INFOS.dump_python(media_infos_from_json(stored), mode="json")  # type: ignore[no-any-return]


def annotations_as_json(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``annotation_from_json(d).model_dump(mode="json")`` for each stored ``d``, in one call."""
    return _ANNOTATIONS.dump_python(_ANNOTATIONS.validate_python(stored), mode="json")  # type: ignore[no-any-return]


def annotation_to_json(annotation: Annotation) -> dict[str, Any]:
    # exclude_none keeps stored documents small; every omitted field has a None default
    return annotation.model_dump(mode="json", exclude_none=True)


def annotation_from_json(data: dict[str, Any]) -> Annotation:
    return Annotation.model_validate(data)


def item_content(item: ItemRow, media: Sequence[ItemMediaRow]) -> ItemContent:
    """The core view of an item; ``media`` in any order (sorted by position here)."""
    return ItemContent(
        modality=Modality(item.modality),
        media=[media_info_from_json(m.info) for m in sorted(media, key=lambda m: m.position)],
        text=item.text,
        meta=dict(item.meta or {}),
    )
