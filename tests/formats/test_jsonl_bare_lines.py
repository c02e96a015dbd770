"""The bare-line path of the JSONL reader (lines without annotations, validated into dicts)
accepts exactly what the model path accepts and stores what the model would store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from ontolabel.core.item import MediaInfo, MediaInfoFields, media_info_json
from ontolabel.formats.jsonl.format import _BARE, _PROBED
from ontolabel.storage.mappers import media_info_json_text

SHA = "ab" * 32


def _schema_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema without what differs between a model and a TypedDict of the same
    fields and says nothing about what is valid (titles, descriptions, defaults)."""
    if isinstance(schema, dict):
        return {
            k: _schema_shape(v)
            for k, v in schema.items()
            if k not in ("title", "description", "default")
        }
    if isinstance(schema, list):
        return [_schema_shape(v) for v in schema]  # type: ignore[return-value]
    return schema


def test_media_info_fields_mirror_the_model_field_for_field() -> None:
    # a field added to MediaInfo and not to MediaInfoFields (or typed differently) would
    # make the bare-line path refuse or mis-type what the model accepts
    ours = _schema_shape(TypeAdapter(MediaInfoFields).json_schema())
    model = _schema_shape(MediaInfo.model_json_schema())
    assert ours["properties"] == model["properties"]
    assert sorted(ours["required"]) == sorted(model["required"])
    assert ours.get("additionalProperties") is model.get("additionalProperties") is False
    assert ours["$defs"] == model["$defs"]


def _media(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "modality": "image",
        "mime": "image/jpeg",
        "sha256": SHA,
        "size": 46,
        "name": "Köln 東京.jpg",
        "width": 640,
        "height": 480,
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not ...}


LINES: list[dict[str, Any]] = [
    {"external_id": "a", "modality": "image", "media": [_media()]},
    {"modality": "image", "media": [_media(width=None, height=None, extra={})]},
    {"modality": "image", "media": [_media(extra={"camera": {"fx": 1.5}}, duration=None)]},
    {"modality": "video", "media": [_media(modality="video", duration=2.5, frame_rate="30/1")]},
    {"modality": "image", "media": [_media()], "annotations": [], "meta": {"k": [1, None]}},
    {"modality": "text", "text": "Ok 👍🏽 Ana", "media": []},
    {"modality": "image", "media": [_media(width=640.0)]},  # a whole float is an int
    {"modality": "image", "media": [_media(width=640.5)]},
    {"modality": "image", "media": [_media(width="640")]},
    {"modality": "image", "media": [_media(size=True)]},
    {"modality": "image", "media": [_media(size=...)]},
    {"modality": "image", "media": [_media(colour="red")]},
    {"modality": "image", "media": [_media(modality="smell")]},
    {"modality": "image", "media": [_media()], "extra_key": 1},
    {"modality": "image", "media": [_media(extra=None)]},
    {"modality": "image", "media": [_media(name=None)]},
]


@pytest.mark.parametrize("line", LINES, ids=range(len(LINES)))
def test_a_bare_line_is_accepted_exactly_when_the_model_accepts_it_and_stores_the_same(
    line: dict[str, Any],
) -> None:
    raw = json.dumps(line).encode()
    try:
        probed = _PROBED.validate_json(raw)
    except ValidationError:
        probed = None
    try:
        bare = _BARE.validate_json(raw)
    except ValidationError:
        bare = None
    assert (bare is None) == (probed is None)
    if bare is None or probed is None:
        return
    assert bare.get("external_id") == probed.external_id
    assert bare["modality"] is probed.modality
    assert bare.get("text") == probed.text
    assert (bare.get("meta") or {}) == probed.meta
    stored = [media_info_json(m) for m in bare.get("media", [])]
    assert [s.model() for s in stored] == probed.media
    # the JSON text stored is the model's own (no defaults), up to key order
    assert [json.loads(s.text) for s in stored] == [
        json.loads(media_info_json_text(m)) for m in probed.media
    ]
    assert [(s.sha256, s.size, s.mime, s.name, s.modality) for s in stored] == [
        (m.sha256, m.size, m.mime, m.name, m.modality) for m in probed.media
    ]


def test_a_line_with_annotations_is_not_bare() -> None:
    line = {
        "modality": "image",
        "media": [_media()],
        "annotations": [{"document": {"objects": []}}],
    }
    with pytest.raises(ValidationError):
        _BARE.validate_json(json.dumps(line))
