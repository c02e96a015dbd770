"""Builders for the format tests: one small ontology, image items, annotation objects."""

from __future__ import annotations

from typing import Any

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.formats import AnnotationRecord, ExportRecord

ONTOLOGY: dict[str, Any] = {
    "name": "street",
    "version": "3",
    "classes": [
        {"name": "Vehicle", "geometry": {"image": ["box", "rotated_box", "polygon", "mask"]}},
        {"name": "Car", "parent": "Vehicle"},
        {
            "name": "Person",
            "geometry": {"image": ["box", "polygon", "keypoints"], "text": ["span"]},
            "attributes": [{"name": "occluded", "type": "bool"}],
        },
        {"name": "Lane", "geometry": {"image": ["polyline"]}},
    ],
}


def image(name: str = "a.jpg", width: int = 60, height: int = 40, sha: str = "a") -> MediaInfo:
    return MediaInfo(
        modality=Modality.IMAGE,
        mime="image/jpeg",
        sha256=(sha * 64)[:64],
        size=1234,
        name=name,
        width=width,
        height=height,
    )


def obj(oid: str, cls: str, geometry: dict[str, Any], **extra: Any) -> AnnotationObject:
    return AnnotationObject.model_validate(
        {"id": oid, "class_name": cls, "geometry": geometry, **extra}
    )


def image_record(
    item_id: int,
    objects: list[AnnotationObject],
    *,
    media: MediaInfo | None = None,
    user: str = "ana",
    status: str = "submitted",
) -> ExportRecord:
    m = media or image(f"img{item_id}.jpg", sha=str(item_id % 10))
    return ExportRecord(
        item_id=item_id,
        external_id=f"img-{item_id}",
        content=ItemContent(modality=Modality.IMAGE, media=[m]),
        annotations=[
            AnnotationRecord(document=Annotation(objects=objects), user=user, status=status)  # type: ignore[arg-type]
        ],
    )


def square(x1: float, y1: float, x2: float, y2: float) -> list[tuple[float, float]]:
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
