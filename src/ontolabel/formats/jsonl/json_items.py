"""Items already in their JSON form, for exporters that read JSON from storage.

Writing canonical JSONL from core objects means building each item's models only to dump
them again; a store that keeps the same JSON can hand it over as ``JsonItem``s and the
writer puts it on the line as is (``JsonlFormat.write_json_items``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ontolabel.core.annotation import AnnotationSource
from ontolabel.formats.base import AnnotationRecord, AnnotationStatus, ExportRecord


@dataclass(frozen=True, slots=True)
class JsonAnnotation:
    """One annotator's current work; ``document`` is ``Annotation.model_dump(mode="json")``."""

    user: str | None
    status: AnnotationStatus
    revision: int
    source: AnnotationSource
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JsonItem:
    """One item; each of ``media`` is ``MediaInfo.model_dump(mode="json")``."""

    external_id: str | None
    modality: str  # a Modality value
    text: str | None
    meta: dict[str, Any]
    media: list[dict[str, Any]]
    annotations: list[JsonAnnotation]


def json_annotation(record: AnnotationRecord) -> JsonAnnotation:
    return JsonAnnotation(
        user=record.user,
        status=record.status,
        revision=record.revision,
        source=record.source,
        document=record.document.model_dump(mode="json"),
    )


def json_item(record: ExportRecord, annotations: list[AnnotationRecord]) -> JsonItem:
    """``record`` with the chosen ``annotations`` (of its own) in JSON form."""
    content = record.content
    return JsonItem(
        external_id=record.external_id,
        modality=content.modality.value,
        text=content.text,
        meta=content.meta,
        media=[m.model_dump(mode="json") for m in content.media],
        annotations=[json_annotation(a) for a in annotations],
    )
