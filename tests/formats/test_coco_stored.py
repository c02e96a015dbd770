"""COCO written from stored JSON documents (what the exporter hands it) is the file written
from the core objects, byte for byte; what the models refuse is refused."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from format_builders import image, image_record, obj, square
from pydantic import ValidationError
from pydantic_core import to_json
from test_coco_export import records as every_kind

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, WriteStats, get_format
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, StoredWriter
from ontolabel.storage.mappers import annotation_to_json, documents_from_json_text


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


def both(
    ontology: Ontology, records: list[ExportRecord], **options: Any
) -> tuple[bytes, WriteStats, bytes, WriteStats]:
    fmt = get_format("coco")
    assert isinstance(fmt, StoredWriter)
    parsed = fmt.parse_options(options)
    core, from_json = io.BytesIO(), io.BytesIO()
    core_stats = fmt.write(records, core, ontology=ontology, options=parsed)
    json_stats = fmt.write_stored(
        [stored(r) for r in records], from_json, ontology=ontology, options=parsed
    )
    return core.getvalue(), core_stats, from_json.getvalue(), json_stats


def assert_same(ontology: Ontology, records: list[ExportRecord], **options: Any) -> bytes:
    core, core_stats, from_json, json_stats = both(ontology, records, **options)
    assert from_json == core
    assert json_stats == core_stats
    return core


def many_boxes() -> list[ExportRecord]:
    box = {"kind": "box", "x1": 0.5, "y1": 1e-05, "x2": 30.25, "y2": 12.0}
    return [
        image_record(
            1,
            [
                obj("a", "Car", box),
                obj("b", "Car", box, score=0.75, track_id="t1", entity_id="e1"),
                obj("c", "Person", box, attributes={"occluded": False}),
                obj("d", "Person", box, attributes={"n": 2**70, "when": date(2024, 5, 1)}),
                obj("e", "Person", box, attributes={"dose": {"value": 5, "unit": "mg"}}),
                obj("f", "Person", box, attributes={"tags": ["x", "y"], "none": None}),
                obj("g", "Truck", box),  # not in the ontology: reported
                obj("h", "Car", box, media_index=3),  # no such image: reported
                obj("i", "Vehicle", {"kind": "tag"}),
                obj("j", "Car", box, track_id=""),
                obj("k", "Car", box, score=0.0, entity_id=""),
            ],
        ),
        image_record(2, [obj(str(k), "Car", box) for k in range(20)]),
        image_record(3, []),
    ]


def test_every_kind_of_geometry_gives_the_same_file(ontology: Ontology) -> None:
    raw = assert_same(ontology, every_kind())
    assert b'"keypoints":[30' in raw  # the keypoint annotations were laid out on replay


def test_boxes_with_extras_skips_and_labels_give_the_same_file(ontology: Ontology) -> None:
    raw = assert_same(ontology, many_boxes())
    data = json.loads(raw)
    assert len(data["annotations"]) == 28 and len(data["ontolabel_image_labels"]) == 1
    assert data["annotations"][3]["attributes"]["n"] == 2**70  # past orjson's 64 bits
    assert data["annotations"][7]["score"] == 0.0 and data["annotations"][7]["entity_id"] == ""


@pytest.mark.parametrize("merge", ["latest", "all"])
def test_several_annotators_give_the_same_file(ontology: Ontology, merge: str) -> None:
    record = image_record(1, [obj("a", "Car", {"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": 4})])
    later = AnnotationRecord(
        document=Annotation(objects=[obj("b", "Car", square_polygon())]), user="bo"
    )
    draft = AnnotationRecord(document=Annotation(), user="cy", status="draft")
    record = ExportRecord(
        item_id=1,
        external_id="img-1",
        content=ItemContent(
            modality=Modality.IMAGE,
            media=[image()],
            meta={"coco_crowd": ["a"], "captions": ["a car"]},
        ),
        annotations=[*record.annotations, later, draft],
    )
    assert_same(ontology, [record], merge=merge)
    assert_same(ontology, [record], merge=merge, status="submitted", annotator="ana")


def square_polygon() -> dict[str, Any]:
    return {"kind": "polygon", "parts": [{"exterior": square(1, 1, 5, 5)}]}


def test_items_coco_cannot_hold_are_reported_alike(ontology: Ontology) -> None:
    text = ExportRecord(
        item_id=7,
        external_id=None,
        content=ItemContent(modality=Modality.TEXT, text="hello"),
    )
    no_media = ExportRecord(
        item_id=8, external_id="x", content=ItemContent(modality=Modality.IMAGE)
    )
    assert_same(ontology, [text, no_media])


def stored_record(document: dict[str, Any]) -> StoredRecord:
    return StoredRecord(
        item_id=1,
        external_id="img-1",
        content=ItemContent(modality=Modality.IMAGE, media=[image()]),
        annotations=[StoredAnnotation(document=document)],
    )


def write_stored(ontology: Ontology, document: dict[str, Any]) -> dict[str, Any]:
    fmt = get_format("coco")
    assert isinstance(fmt, StoredWriter)
    out = io.BytesIO()
    fmt.write_stored(
        [stored_record(document)], out, ontology=ontology, options=fmt.parse_options({})
    )
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def core_document(document: dict[str, Any]) -> dict[str, Any]:
    return annotation_to_json(Annotation.model_validate(document))


BOX = {"kind": "box", "x1": 1.0, "y1": 2.0, "x2": 3.0, "y2": 4.0}


@pytest.mark.parametrize(
    "geometry",
    [
        {"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": 4},  # integers: the model's floats
        {"kind": "box", "x1": 1.0, "y1": 2.0, "x2": 3.0, "y2": 4},
        {"kind": "rotated_box", "cx": 3.0, "cy": 3.0, "w": 2.0, "h": 2.0, "angle": 30.0},
    ],
)
def test_stored_json_the_model_reads_differently_goes_through_the_model(
    ontology: Ontology, geometry: dict[str, Any]
) -> None:
    document = {"objects": [{"id": "a", "class_name": "Car", "geometry": geometry}]}
    written = write_stored(ontology, document)
    expected = write_stored(ontology, core_document(document))
    assert written == expected
    assert all(type(v) is float for v in written["annotations"][0]["bbox"])


@pytest.mark.parametrize(
    "document",
    [
        {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX, "colour": "red"}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": {**BOX, "z": 1.0}}]},
        {"objects": [{"id": 1, "class_name": "Car", "geometry": BOX}]},
        {"objects": [{"class_name": "Car", "geometry": BOX}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX, "attributes": None}]},
        {"objects": [{"id": "a", "class_name": "Car", "geometry": [1, 2, 3, 4]}]},
        {"objects": [], "relations": [{"id": "r"}]},
        {"objects": [], "comment": "?"},
    ],
)
def test_stored_json_the_model_refuses_is_refused(
    ontology: Ontology, document: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        write_stored(ontology, document)


def test_a_stored_box_keeps_its_exact_geometry(ontology: Ontology) -> None:
    document = {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX}]}
    (ann,) = write_stored(ontology, document)["annotations"]
    assert ann["bbox"] == [1.0, 2.0, 2.0, 2.0] and ann["area"] == 4.0
    assert ann["segmentation"] == [[1.0, 2.0, 3.0, 2.0, 3.0, 4.0, 1.0, 4.0]]
    assert ann["ontolabel_geometry"] == BOX and ann["ontolabel_id"] == "a"
    assert AnnotationObject.model_validate(document["objects"][0]).geometry.kind == "box"


@pytest.mark.parametrize(
    "extra",
    [
        {"score": float("nan")},
        {"attributes": {"length": float("inf")}},
        {"geometry": {"kind": "box", "x1": -1e308, "y1": 0.0, "x2": 1e308, "y2": 1.0}},
    ],
)
def test_nan_or_infinity_is_refused_as_strict_json_refuses_it(
    ontology: Ontology, extra: dict[str, Any]
) -> None:
    """orjson would write null; the file is strict JSON, so the export stops as
    ``json.dumps(allow_nan=False)`` stops it, from either form of the document."""
    document = {"objects": [{"id": "a", "class_name": "Car", "geometry": BOX, **extra}]}
    with pytest.raises(ValueError, match="JSON compliant"):
        write_stored(ontology, document)
    record = image_record(1, [AnnotationObject.model_validate(document["objects"][0])])
    fmt = get_format("coco")
    with pytest.raises(ValueError, match="JSON compliant"):
        fmt.write([record], io.BytesIO(), ontology=ontology, options=fmt.parse_options({}))
