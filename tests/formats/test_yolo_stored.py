"""YOLO written from stored JSON documents (what the exporter hands it) is the archive written
from the core objects, byte for byte, with the same reports; what the models refuse is
refused."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from format_builders import image, image_record, obj, square
from pydantic import ValidationError
from pydantic_core import to_json

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, get_format
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, StoredWriter
from ontolabel.storage.mappers import annotation_to_json, documents_from_json_text

BOX = {"kind": "box", "x1": 6.0, "y1": 4.0, "x2": 18.0, "y2": 24.0}


def stored(record: ExportRecord) -> StoredRecord:
    """``record`` as the exporter reads it back: each document stored as the bulk insert
    stores it (JSON text) and decoded by the exporter's function."""
    texts = [to_json(annotation_to_json(a.document)).decode() for a in record.annotations]
    return StoredRecord(
        item_id=record.item_id,
        external_id=record.external_id,
        content=record.content,
        annotations=[
            StoredAnnotation(document=document, user=a.user, status=a.status, revision=a.revision)
            for a, document in zip(record.annotations, documents_from_json_text(texts), strict=True)
        ],
    )


def assert_same(ontology: Ontology, records: list[ExportRecord], fmt: str, **options: Any) -> None:
    writer = get_format(fmt)
    assert isinstance(writer, StoredWriter)
    parsed = writer.parse_options(options)
    core, from_json = io.BytesIO(), io.BytesIO()
    core_stats = writer.write(records, core, ontology=ontology, options=parsed)
    json_stats = writer.write_stored(
        [stored(r) for r in records], from_json, ontology=ontology, options=parsed
    )
    assert from_json.getvalue() == core.getvalue()
    assert json_stats == core_stats


def every_case() -> list[ExportRecord]:
    pixels = np.zeros((40, 60), dtype=np.uint8)
    pixels[20:35, 10:30] = 1
    mask = rle_encode(pixels)
    two_images = ExportRecord(
        item_id=5,
        external_id="pair",
        content=ItemContent(
            modality=Modality.IMAGE, media=[image("l.jpg"), image("r.jpg", 120, 80)]
        ),
        annotations=[
            AnnotationRecord(
                document=Annotation(
                    objects=[obj("a", "Car", BOX), obj("b", "Car", BOX, media_index=1)]
                )
            )
        ],
    )
    return [
        image_record(
            1,
            [
                obj("1", "Car", BOX),
                obj("2", "Car", {"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": 4}),
                obj("3", "Car", {"kind": "box", "x1": -5.0, "y1": 4.0, "x2": 18.0, "y2": 50.0}),
                obj("4", "Vehicle", BOX),  # an inner class: reported
                obj("5", "Bicycle", BOX),  # not in the ontology: reported
                obj("6", "Car", BOX, track_id="t1"),  # reported, the box written
                obj("7", "Person", BOX, score=0.5, entity_id="e", attributes={"occluded": True}),
                obj("8", "Car", BOX, media_index=2),  # no such image: reported
                obj("9", "Car", {"kind": "polygon", "parts": [{"exterior": square(1, 1, 5, 9)}]}),
                obj(
                    "10",
                    "Car",
                    {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 8, "h": 4, "angle": 30},
                ),
                obj("11", "Car", mask.model_dump()),
                obj(
                    "12", "Person", {"kind": "keypoints", "points": [{"name": "1", "x": 3, "y": 4}]}
                ),
                obj("13", "Car", {"kind": "box", "x1": 0.0, "y1": 0.0, "x2": 60.0, "y2": 40.0}),
            ],
        ),
        image_record(2, [obj(str(k), "Person", BOX) for k in range(12)]),
        image_record(3, []),
        two_images,
    ]


@pytest.mark.parametrize(
    ("fmt", "task"),
    [
        ("yolo", None),
        ("ultralytics", "detect"),
        ("ultralytics", "segment"),
        ("ultralytics", "obb"),
        ("ultralytics", "pose"),
    ],
)
def test_every_case_gives_the_same_archive(ontology: Ontology, fmt: str, task: str | None) -> None:
    options = {} if task is None else {"task": task}
    assert_same(ontology, every_case(), fmt, **options)
    assert_same(ontology, every_case(), fmt, clip=False, **options)


@pytest.mark.parametrize("merge", ["latest", "all"])
def test_several_annotators_give_the_same_archive(ontology: Ontology, merge: str) -> None:
    record = image_record(1, [obj("a", "Car", BOX)])
    later = AnnotationRecord(document=Annotation(objects=[obj("b", "Person", BOX)]), user="bo")
    draft = AnnotationRecord(document=Annotation(), user="cy", status="draft")
    record = ExportRecord(
        item_id=1,
        external_id="img-1",
        content=record.content,
        annotations=[*record.annotations, later, draft],
    )
    assert_same(ontology, [record], "yolo", merge=merge)
    assert_same(ontology, [record], "yolo", merge=merge, status="submitted", annotator="ana")


@pytest.mark.parametrize(
    "document",
    [
        {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX, "colour": "red"}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": {**BOX, "z": 1.0}}]},
        {"objects": [{"id": 1, "class_name": "Car", "geometry": BOX}]},
        {"objects": [{"class_name": "Car", "geometry": BOX}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX, "attributes": None}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": {**BOX, "x1": float("inf")}}]},
        {"objects": [], "relations": [{"id": "r"}]},
        {"objects": [], "comment": "?"},
    ],
)
def test_stored_json_the_model_refuses_is_refused(
    ontology: Ontology, document: dict[str, Any]
) -> None:
    writer = get_format("yolo")
    assert isinstance(writer, StoredWriter)
    record = StoredRecord(
        item_id=1,
        external_id="img-1",
        content=ItemContent(modality=Modality.IMAGE, media=[image()]),
        annotations=[StoredAnnotation(document=document)],
    )
    with pytest.raises(ValidationError):
        writer.write_stored(
            [record], io.BytesIO(), ontology=ontology, options=writer.parse_options({})
        )
