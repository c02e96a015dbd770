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
from ontolabel.formats.coco import document, packing, reader


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
    {"bbox": [0, 0, 1, 1], "category_id": [1]},  # reported, not a crash
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


def box_ann(**changes: Any) -> dict[str, Any]:
    """A box as ontolabel writes it (the layout that is spooled packed), with changes."""
    ann = {
        "id": 2,
        "image_id": 1,
        "category_id": 1,
        "bbox": [1, 2, 4, 5.5],
        "area": 22.0,
        "iscrowd": 0,
        "segmentation": SQUARE,
        "ontolabel_geometry": BOX,
        "ontolabel_id": "b",
    }
    ann.update(changes)
    return {k: v for k, v in ann.items() if v is not None}


# values the packed tuple keeps as they are, for the reader to judge as it judges a dict
PACKED = [
    box_ann(),
    box_ann(ontolabel_id=None),  # the layout without ontolabel's id
    box_ann(ontolabel_id=None, id="x:keypoints"),
    box_ann(ontolabel_id=None, id=1),  # repeats the plain one's
    box_ann(ontolabel_id=None, id=2.5),
    box_ann(ontolabel_id=7),
    box_ann(iscrowd=1),
    box_ann(iscrowd=True),
    box_ann(category_id=9),
    box_ann(category_id=[1]),
    box_ann(bbox=[1, 2, -4, 5]),
    box_ann(bbox=[1, 2, "4", 5]),
    box_ann(bbox=[1, 2, 4, float("inf")]),
    box_ann(ontolabel_geometry={"kind": "box", "x1": 1, "y1": 2, "x2": "a", "y2": 4}),
    box_ann(ontolabel_geometry={"kind": "box", "x1": 1, "y1": 2, "x2": 3, "y2": True}),
    box_ann(image_id=5),  # no image of the file
    box_ann(image_id=[1]),
]


@pytest.mark.parametrize("ann", PACKED, ids=[json.dumps(a)[:80] for a in PACKED])
def test_packed_boxes_read_as_their_dicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ann: dict[str, Any]
) -> None:
    assert packing.pack(ann) != ann  # this one is packed
    unpacked = packing.unpack(packing.pack(ann))
    assert unpacked == {k: v for k, v in ann.items() if k not in ("area", "segmentation")}
    data = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 60, "height": 40}],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 2, 2]}, ann],
    }
    path = tmp_path / "instances_val.json"
    path.write_text(json.dumps(data))
    packed = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(document, "pack", lambda ann: ann)
        plain = read(path)
    assert packed == plain
    assert objects(packed[0]) == objects(plain[0])
