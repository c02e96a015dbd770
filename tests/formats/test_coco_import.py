"""COCO import: what each COCO shape becomes, and precise errors for what is wrong."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from format_builders import image_record, obj, square

from corpus import corpus_path
from ontolabel.core.geometry import Box, Keypoints, Mask, Polygon, PolygonPart, Tag
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format

DATUMARO = "datumaro/tests/assets/coco_dataset/"


def read(path: Path, mode: str = "collect") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format("coco").read(path, policy)), policy


def write_json(tmp_path: Path, data: Any, name: str = "instances_val.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def dataset(*anns: dict[str, Any]) -> dict[str, Any]:
    return {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 60, "height": 40},
            {"id": 2, "file_name": "b.jpg", "width": 60, "height": 40},
        ],
        "categories": [
            {"id": 1, "name": "Car"},
            {"id": 2, "name": "Person", "keypoints": ["head", "hip"]},
        ],
        "annotations": [
            {"id": i + 1, "category_id": 1, "image_id": 1, **a} for i, a in enumerate(anns)
        ],
    }


def test_export_then_import_gives_the_same_shapes(ontology: Ontology, tmp_path: Path) -> None:
    objects = [
        obj("1", "Car", {"kind": "box", "x1": 2, "y1": 3, "x2": 12, "y2": 8}),
        obj(
            "2",
            "Vehicle",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square(10, 10, 20, 20)},
                    {"exterior": square(40, 5, 50, 15)},
                ],
            },
        ),
        obj(
            "3",
            "Vehicle",
            {
                "kind": "mask",
                "height": 40,
                "width": 60,
                "counts": "Y35S10QP15joN000000000000000000000000000^b0",
            },
        ),
        obj("5", "Car", {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 9, "h": 4, "angle": 33}),
        obj(
            "6",
            "Vehicle",
            {
                "kind": "polygon",
                "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
            },
        ),
        obj("7", "Vehicle", {"kind": "polygon", "parts": [{"exterior": square(1, 1, 4, 4)}]}),
        obj(
            "4",
            "Person",
            {"kind": "keypoints", "points": [{"name": "head", "x": 3, "y": 4, "visibility": 1}]},
            attributes={"occluded": False},
            score=0.75,
        ),
    ]
    fmt = get_format("coco")
    out = io.BytesIO()
    fmt.write([image_record(1, objects)], out, ontology=ontology, options=fmt.parse_options(None))
    path = tmp_path / "export.json"
    path.write_bytes(out.getvalue())
    (record,), policy = read(path)
    assert policy.violations == []
    assert record.external_id == "img1.jpg" and record.media[0].name == "img1.jpg"
    assert (record.media[0].width, record.media[0].height) == (60, 40)
    got = record.annotations[0].document.objects
    assert [o.geometry for o in got] == [o.geometry for o in objects]
    # boxes, rotated boxes and holes come back exactly (kept beside COCO's lossy forms)
    assert [o.geometry.kind for o in got] == [
        "box",
        "polygon",
        "mask",
        "rotated_box",
        "polygon",
        "polygon",
        "keypoints",
    ]
    assert got[-1].attributes == {"occluded": False} and got[-1].score == 0.75
    assert record.annotations[0].source == "model"  # scores mean machine output


def test_each_coco_shape_becomes_its_core_geometry(tmp_path: Path) -> None:
    path = write_json(
        tmp_path,
        dataset(
            {"bbox": [1, 2, 3, 4]},
            {"bbox": [1, 2, 3, 4], "segmentation": []},
            {"bbox": [0, 0, 5, 5], "segmentation": [[0, 0, 5, 0, 5, 5, 0, 5]]},
            {"bbox": [0, 0, 5, 5], "segmentation": [[0, 0, 5, 0, 2, 5]]},
            {"segmentation": {"size": [40, 60], "counts": [5, 10, 2385]}, "iscrowd": 1},
            {"category_id": 2, "keypoints": [1, 2, 2, 0, 0, 0], "num_keypoints": 1},
            {},
        ),
    )
    (first, second), policy = read(path)
    assert policy.violations == [] and second.annotations == []
    geoms = [o.geometry for o in first.annotations[0].document.objects]
    assert geoms[0] == Box(x1=1, y1=2, x2=4, y2=6) == geoms[1]
    # a rectangle drawn as a polygon is read as written: a polygon
    assert geoms[2] == Polygon(parts=[PolygonPart(exterior=[(0, 0), (5, 0), (5, 5), (0, 5)])])
    assert isinstance(geoms[3], Polygon) and geoms[3].parts[0].exterior == [(0, 0), (5, 0), (2, 5)]
    assert isinstance(geoms[4], Mask) and (geoms[4].height, geoms[4].width) == (40, 60)
    assert isinstance(geoms[5], Keypoints) and [(p.name, p.x, p.y) for p in geoms[5].points] == [
        ("head", 1, 2)
    ]
    assert geoms[6] == Tag()  # no shape: an image-level label


@pytest.mark.parametrize(
    ("ann", "path", "message"),
    [
        (
            {"bbox": [0, 0, 5, 5], "segmentation": [[1, 2, 3, 4]]},
            "annotations[0].segmentation[0]",
            "invalid ring",
        ),
        ({"segmentation": [[1, 2, 3, 4, 5, 6, 7]]}, "annotations[0].segmentation[0]", "odd count"),
        ({"bbox": [0, 0, -1, 5]}, "annotations[0].bbox", "must not be negative"),
        ({"bbox": [0, 0, 5]}, "annotations[0].bbox", "[x, y, width, height]"),
        ({"bbox": [0, "a", 1, 1]}, "annotations[0].bbox", "list of numbers"),
        (
            {"segmentation": {"size": [4, 4], "counts": [3, 4]}},
            "annotations[0].segmentation.counts",
            "sum to",
        ),
        (
            {"segmentation": {"size": [4, 4], "counts": "\x7f"}},
            "annotations[0].segmentation.counts",
            "malformed",
        ),
        (
            {"segmentation": {"size": [4], "counts": [16]}},
            "annotations[0].segmentation.size",
            "[height, width]",
        ),
        ({"category_id": 2, "keypoints": [1, 2, 2]}, "annotations[0].keypoints", "expected 6"),
        (
            {"category_id": 2, "keypoints": [1, 2, 7, 0, 0, 0]},
            "annotations[0].keypoints[2]",
            "0, 1 or 2",
        ),
        ({"category_id": 9, "bbox": [0, 0, 1, 1]}, "annotations[0]", "category_id 9"),
        (
            {"bbox": [0, 0, 1, 1], "ontolabel_geometry": {"kind": "span", "start": 0, "end": 1}},
            "annotations[0].ontolabel_geometry",
            "not a box, rotated box or polygon",
        ),
        ({"image_id": 5, "bbox": [0, 0, 1, 1]}, "annotations[0]", "image_id 5"),
    ],
)
def test_bad_annotations_are_reported_precisely(
    tmp_path: Path, ann: dict[str, Any], path: str, message: str
) -> None:
    data = dataset(ann, {"bbox": [0, 0, 1, 1]})
    records, policy = read(write_json(tmp_path, data))
    (violation,) = policy.violations
    assert violation.location.path == path
    assert message in violation.message
    assert violation.location.file == "instances_val.json"
    # the image with the bad annotation is skipped whole; the other image goes on
    assert [r.external_id for r in records] == (
        ["a.jpg", "b.jpg"] if "image_id" in ann else ["b.jpg"]
    )
    if "image_id" not in ann:
        assert violation.location.item == "a.jpg"


def test_a_four_number_polygon_is_never_read_as_a_box(tmp_path: Path) -> None:
    records, policy = read(write_json(tmp_path, dataset({"segmentation": [[10, 10, 20, 20]]})))
    assert [r.external_id for r in records] == ["b.jpg"]
    assert "2 points" in policy.violations[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "a JSON list, not a COCO dataset"),
        ('[{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]', "COCO results list"),
        ('{"images": 3}', "'images' list"),
        ('{"images": [], "annotations": {}}', "'annotations' must be a list"),
        ('{"images": [\n1,', "not valid JSON"),
    ],
)
def test_files_that_are_not_coco_datasets_are_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=message):
        read(path)


@pytest.mark.parametrize(
    ("content", "confident"),
    [
        ('{"info": {}, "images": [], "annotations": [], "categories": []}', True),
        ('{"images": [ ], "categories": []}', True),
        ('[{"image_id": 1, "bbox": [0, 0, 1, 1], "score": 0.5}]', False),
        ('{"format": "ontolabel.jsonl", "version": 1}\n{"modality": "text"}\n', False),
        ("not json", False),
    ],
)
def test_detection(tmp_path: Path, content: str, confident: bool) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    assert (get_format("coco").detect(path).confidence >= 0.5) is confident


def test_corpus_instances_with_polygon_and_uncompressed_rle() -> None:
    (record,), policy = read(
        corpus_path(DATUMARO + "coco_instances/annotations/instances_val.json")
    )
    assert policy.violations == []
    assert record.external_id == "b.jpg" and (record.media[0].width, record.media[0].height) == (
        5,
        10,
    )
    # the images sit in ../images/<subset>/ beside the annotations folder
    assert any(p.is_file() for p in record.media[0].paths())
    first, second = record.annotations[0].document.objects
    assert first.class_name == "a" and isinstance(first.geometry, Polygon)
    assert first.geometry.parts[0].exterior == [(0, 0), (1, 0), (1, 2), (0, 2)]
    assert first.attributes == {"x": 1, "y": "hello"}
    assert second.class_name == "b" and isinstance(second.geometry, Mask)
    assert (second.geometry.height, second.geometry.width) == (10, 5)
    from pycocotools import mask as rle

    assert rle.area({"size": [10, 5], "counts": second.geometry.counts}) == 20


def test_corpus_keypoints_without_names_are_numbered() -> None:
    (record,), policy = read(
        corpus_path(DATUMARO + "coco_person_keypoints/annotations/person_keypoints_val.json")
    )
    assert policy.violations == []
    objects = record.annotations[0].document.objects
    # each annotation has an outline and keypoints: both are kept, as two objects
    assert [(o.id, o.geometry.kind) for o in objects] == [
        ("1", "polygon"),
        ("1:keypoints", "keypoints"),
        ("2", "mask"),
        ("2:keypoints", "keypoints"),
    ]
    kp = objects[1].geometry
    assert isinstance(kp, Keypoints)
    assert [(p.name, p.x, p.y, p.visibility) for p in kp.points] == [
        ("1", 1, 2, 2),
        ("2", 3, 4, 2),
        ("3", 2, 3, 2),
    ]


@pytest.mark.parametrize(
    "relative",
    [
        "coco/annotations/instances_train.json",
        "coco_instances/annotations/instances_train.json",
        "coco_person_keypoints/annotations/person_keypoints_train.json",
        "coco_stuff/annotations/stuff_train.json",
        "coco_image_info/annotations/image_info_train.json",
        "coco_labels/annotations/labels_train.json",
    ],
)
def test_corpus_files_are_detected_and_read_without_problems(relative: str) -> None:
    path = corpus_path(DATUMARO + relative)
    assert get_format("coco").detect(path).confidence >= 0.5
    records, policy = read(path, "fail")
    assert policy.violations == [] and records


def test_corpus_results_files_are_refused_with_the_reason() -> None:
    results = corpus_path("cocoapi/results/instances_val2014_fakebbox100_results.json")
    with pytest.raises(FormatError, match="results list"):
        read(results)


def test_captions_become_the_items_meta_data(tmp_path: Path) -> None:
    data = dataset()
    data["annotations"] = [
        {"id": 1, "image_id": 1, "caption": "a red car"},
        {"id": 2, "image_id": 1, "category_id": 0, "caption": "parked"},
    ]
    (first, second), policy = read(write_json(tmp_path, data, "captions_val.json"))
    assert policy.violations == [] and first.annotations == []
    assert first.meta == {"captions": ["a red car", "parked"]} and second.meta == {}


def test_string_image_ids_are_accepted(tmp_path: Path) -> None:
    data = dataset({"bbox": [1, 1, 2, 2]})
    data["images"][0]["id"] = "token-a"
    data["annotations"][0]["image_id"] = "token-a"
    (first, _), policy = read(write_json(tmp_path, data))
    assert policy.violations == [] and len(first.annotations[0].document.objects) == 1


def test_panoptic_files_are_refused_with_the_reason(tmp_path: Path) -> None:
    data = dataset()
    data["annotations"] = [{"image_id": 1, "file_name": "a.png", "segments_info": []}]
    with pytest.raises(FormatError, match="panoptic"):
        read(write_json(tmp_path, data, "panoptic_val.json"))
