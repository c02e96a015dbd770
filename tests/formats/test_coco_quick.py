"""The quick path of the COCO reader (one validation per image, objects.py) and its exact
path (each annotation checked step by step) give the same records and the same reports,
for every kind of annotation, good or bad, and every COCO file of the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_coco_corpus import IMPORTED

from corpus import corpus_path
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format
from ontolabel.formats.coco import reader


def read(path: Path) -> tuple[list[ImportRecord], list[Any]]:
    policy = ErrorPolicy("collect")
    return list(get_format("coco").read(path, policy)), policy.violations


def both_paths(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[list[ImportRecord], list[Any]], tuple[list[ImportRecord], list[Any]]]:
    quick = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(reader, "quick_objects", lambda *args: None)
        exact = read(path)
    return quick, exact


def objects(records: list[ImportRecord]) -> list[Any]:
    """Every object's fields and where it came from (a record's equality leaves that out)."""
    return [
        [(a.origins, [o.model_dump() for o in a.document.objects]) for a in r.annotations]
        for r in records
    ]


BOX = {"kind": "box", "x1": 1.0, "y1": 2.0, "x2": 5.0, "y2": 7.5}
SQUARE = [[0, 0, 4, 0, 4, 4, 0, 4]]
# one annotation each (beside a plain one on the same image), as files have them
ANNOTATIONS: list[dict[str, Any]] = [
    {"bbox": [1, 2, 4, 5.5], "segmentation": SQUARE, "ontolabel_geometry": BOX},
    {"bbox": [1, 2, 4, 5.5]},
    {"bbox": [1, 2, 4, 5.5], "segmentation": []},
    {"bbox": [1, 2, 4, 5.5], "segmentation": SQUARE},
    {"segmentation": [[0, 0, 4, 0, 4, 4, 0, 4], [10, 10, 12, 10, 12, 12]]},
    {"segmentation": {"size": [4, 4], "counts": [3, 4, 9]}},
    {"segmentation": {"size": [4, 4], "counts": "52203"}},
    {"ontolabel_geometry": {"kind": "rotated_box", "cx": 5, "cy": 5, "w": 2, "h": 1, "angle": 30}},
    {"ontolabel_geometry": {"kind": "polygon", "parts": [{"exterior": [[0, 0], [1, 0], [1, 1]]}]}},
    {"ontolabel_geometry": {"x1": 1, "y1": 2, "x2": 3, "y2": 4}},  # no kind: a box still
    {"ontolabel_geometry": {"kind": "box", "x1": 1, "y1": 2, "x2": 3}},
    {"ontolabel_geometry": {"kind": "span", "start": 0, "end": 1}},
    {"ontolabel_geometry": "box"},
    {},  # an image-level label
    {"caption": "a cat"},
    {"caption": "a cat", "bbox": [0, 0, 1, 1]},
    {"bbox": [0, 0, 1, 1], "score": 0.5},
    {"bbox": [0, 0, 1, 1], "score": "high"},
    {"bbox": [0, 0, 1, 1], "attributes": {"occluded": True, "count": 3}},
    {"bbox": [0, 0, 1, 1], "attributes": {"bad": {"nested": 1}}},
    {"bbox": [0, 0, 1, 1], "attributes": [1]},
    {"bbox": [0, 0, 1, 1], "track_id": 7, "entity_id": "e1"},
    {"bbox": [0, 0, 1, 1], "iscrowd": 1},
    {"bbox": [0, 0, 1, 1], "id": "ab:keypoints"},
    {"bbox": [0, 0, 1, 1], "ontolabel_id": "kept"},
    {"bbox": [0, 0, 1, 1], "id": 1},  # the plain one's id: repeats
    {"bbox": [0, 0, 1, 1], "id": True},
    {"bbox": [0, 0, 1, 1], "category_id": 9},
    {"bbox": [0, 0, 1, 1], "category_id": None},
    {"bbox": [0, 0, -1, 1]},
    {"bbox": [0, 0, 1]},
    {"bbox": [0, True, 1, 1]},
    {"bbox": [0, 0, 1e308, 1e308], "segmentation": SQUARE},
    {"bbox": [0, 0, 1, 1], "segmentation": [[1, 2, 3, 4]]},  # an invalid ring, never a box
    {"bbox": [0, 0, 1, 1], "segmentation": {"size": [4, 4], "counts": [3]}},
    {"bbox": [0, 0, 1, 1], "segmentation": 5},
    {"category_id": 2, "keypoints": [1, 2, 2, 0, 0, 0]},
    {"category_id": 2, "keypoints": [1, 2, 2, 3, 4, 1], "bbox": [0, 0, 9, 9]},
]


@pytest.mark.parametrize("ann", ANNOTATIONS, ids=[json.dumps(a)[:60] for a in ANNOTATIONS])
def test_each_kind_of_annotation_reads_alike_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ann: dict[str, Any]
) -> None:
    data = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 60, "height": 40}],
        "categories": [
            {"id": 1, "name": "Car"},
            {"id": 2, "name": "Person", "keypoints": ["head", "hip"], "skeleton": [[1, 2]]},
        ],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2]},
            {"id": 2, "image_id": 1, "category_id": 1, **ann},
        ],
    }
    path = tmp_path / "instances_val.json"
    path.write_text(json.dumps(data))
    quick, exact = both_paths(path, monkeypatch)
    assert quick == exact
    assert objects(quick[0]) == objects(exact[0])


def test_the_usual_annotations_take_the_quick_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usual = [a for a in ANNOTATIONS[:9] if "caption" not in a] + [{}, {"caption": "a cat"}]
    data = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 60, "height": 40}],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": [
            {"id": i, "image_id": 1, "category_id": 1, "iscrowd": i % 2, "score": 0.5, **a}
            for i, a in enumerate(usual)
        ],
    }
    path = tmp_path / "instances_val.json"
    path.write_text(json.dumps(data))

    def refuse(*args: object) -> None:
        raise AssertionError("the exact path was taken")

    monkeypatch.setattr(reader.CocoReader, "_exact_objects", refuse)
    (record,), violations = read(path)
    assert violations == [] and len(record.annotations[0].document.objects) == len(usual) - 1


@pytest.mark.parametrize("relative", sorted(IMPORTED))
def test_every_corpus_file_reads_alike_on_both_paths(
    relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick, exact = both_paths(corpus_path(relative), monkeypatch)
    assert quick == exact
    assert objects(quick[0]) == objects(exact[0])
