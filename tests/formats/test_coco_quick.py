"""The quick path of the COCO reader (one validation per image, objects.py) and its exact
path (each annotation checked step by step) give the same records and the same reports,
for every kind of annotation, good or bad, and every COCO file of the corpus."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from test_coco_corpus import IMPORTED

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format, trusted
from ontolabel.formats.coco import document, packing, reader, stream


def read(path: Path) -> tuple[list[ImportRecord], list[Any]]:
    policy = ErrorPolicy("collect")
    return list(get_format("coco").read(path, policy)), policy.violations


def both_paths(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[list[ImportRecord], list[Any]], tuple[list[ImportRecord], list[Any]]]:
    quick = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(reader, "quick_objects", lambda *args: None)
        patch.setattr(reader.PackedBoxes, "image", lambda *args: None)
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


def given(records: list[ImportRecord]) -> list[Any]:
    """Every model's fields as given (``exclude_unset``), beside its values: what a model
    built from checked values must have exactly as validation makes it."""
    return [
        [
            (
                a.document.model_fields_set,
                a.document.model_dump(exclude_unset=True),
                [(o.model_fields_set, o.geometry.model_fields_set) for o in a.document.objects],
                [(o.__pydantic_extra__, o.__pydantic_private__) for o in a.document.objects],
            )
            for a in r.annotations
        ]
        for r in records
    ]


# corners a packed box may hold: the floats validation keeps as they are are built without
# it, the rest (ints, bools, strings, inf, NaN) go through validation as before
CORNERS: list[Any] = [0.0, -0.0, 1.5, -3.25, 1e308, -1e308, 5e-324, 7, True, "2.5"]
CORNERS += [float("inf"), float("-inf"), float("nan")]


def random_packed_file(path: Path, seed: int) -> Path:
    rng = random.Random(seed)
    anns: list[dict[str, Any]] = []
    for image in range(1, 6):
        for _ in range(rng.randint(0, 6)):
            corners = [rng.choice(CORNERS) if rng.random() < 0.2 else 1.5 for _ in range(4)]
            ann = box_ann(
                id=len(anns) + 1,
                image_id=image,
                category_id=rng.choice([1, 1, 1, 2, 9]),
                iscrowd=rng.choice([0, 0, 1]),
                ontolabel_id=rng.choice([None, "b", "c", str(len(anns)), 4]),
                ontolabel_geometry={
                    "kind": "box",
                    **dict(zip(("x1", "y1", "x2", "y2"), corners, strict=True)),
                },
            )
            if rng.random() < 0.1:  # beside one that is read as a dict
                ann = {**ann, "score": 0.5}
            anns.append(ann)
    data = {
        "images": [{"id": i, "file_name": f"{i}.jpg"} for i in range(1, 6)],
        "categories": [{"id": 1, "name": "Car"}, {"id": 2, "name": "東京"}],
        "annotations": anns,
    }
    path.write_text(json.dumps(data))  # (inf and NaN as json writes them)
    return path


@pytest.mark.parametrize("seed", range(40))
def test_boxes_built_without_validation_equal_the_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    path = random_packed_file(tmp_path / "instances_val.json", seed)
    quick, exact = both_paths(path, monkeypatch)
    assert quick == exact
    assert objects(quick[0]) == objects(exact[0])
    assert given(quick[0]) == given(exact[0])


def test_a_model_built_without_validation_is_one_of_its_own() -> None:
    built = [trusted.box_object(str(i), "Car", 1.0, 2.0, 3.0, 4.0) for i in range(2)]
    validated = AnnotationObject.model_validate(
        {
            "id": "0",
            "class_name": "Car",
            "geometry": {"kind": "box", "x1": 1.0, "y1": 2.0, "x2": 3.0, "y2": 4.0},
            "attributes": {},
            "track_id": None,
            "entity_id": None,
            "score": None,
        }
    )
    assert built[0] == validated and built[0].model_fields_set == validated.model_fields_set
    built[0].media_index = 1  # its fields as given, its attributes: never shared with another
    built[0].attributes["a"] = 1
    assert "media_index" not in built[1].model_fields_set and built[1].attributes == {}
    assert trusted.document(built) == Annotation.model_validate({"objects": built})
    with pytest.raises(ValidationError):
        built[0].geometry.x1 = 5.0  # type: ignore[misc]  # frozen, as validated
    # (the boxes share their set of fields given: nothing may add to it)
    moved = built[0].geometry.model_copy(update={"x2": 9.0})
    assert moved.x2 == 9.0 and built[1].geometry.model_fields_set == {
        "kind",
        "x1",
        "y1",
        "x2",
        "y2",
    }
    assert built[1].geometry.model_fields_set == validated.geometry.model_fields_set


# what a packed run cannot hold, or the quick path gives up on (None: the key left out)
ODD_CHANGES: list[dict[str, Any]] = [
    {"category_id": 9},
    {"category_id": True},
    {"category_id": 1.0},
    {"id": 1, "ontolabel_id": "o1"},  # a repeated id
    {"ontolabel_id": "a:keypoints"},
    {"ontolabel_id": 5},
    {"ontolabel_id": None, "id": "s1"},
    {"ontolabel_id": None, "id": True},
    {"iscrowd": True},
    {"iscrowd": 1.0},
    {"image_id": 99},  # no image of the file
    {"image_id": 2.0},
    {"image_id": [1]},
    {"bbox": [1.0, 2.0, -1.0, 2.0]},
    {"bbox": [1.0, 2.0, 3.0, -0.5]},
    {"bbox": [1.0, True, 3.0, 4.0]},
    {"bbox": [1.0, 2.0, 3.0]},
    {"bbox": [1e308, 2.0, 1e308, 4.0]},
    {"bbox": [1.0, 2.0, 3.0, 4.0], "ontolabel_geometry": {"kind": "box"}},
    {"ontolabel_geometry": {"kind": "box", "x1": 1, "y1": 2.0, "x2": 3.0, "y2": 4.0}},
    {"ontolabel_geometry": {"kind": "rotated_box", "x1": 1.0, "y1": 2.0, "x2": 3.0, "y2": 4.0}},
    {"ontolabel_geometry": {"kind": "box", "x1": 1.0, "y1": 2.0, "x2": 3.0, "y3": 4.0}},
    {"ontolabel_geometry": [1.0, 2.0, 3.0, 4.0]},
    {"score": 0.5},
    {"area": None},
    {"area": None, "caption": "a car"},
    {"segmentation": None},
]


def random_box_file(path: Path, seed: int, odd: float | None = None) -> Path:
    """Images whose boxes are mostly as ontolabel writes them (so that whole runs are packed
    as columns), now and then with something the columns cannot hold or the quick path
    gives up on: another layout, a corner that is no float, a repeated or keypoints id, an
    unknown category, a crowd, an image out of order or of no image, a label list."""
    rng = random.Random(seed)
    own = rng.random() < 0.7  # layout 0 (ontolabel's ids) or 1 (COCO's only)
    odd = rng.choice([0.0, 0.005, 0.05]) if odd is None else odd
    anns: list[dict[str, Any]] = []
    images = list(range(1, 41))
    order = images[:]
    if rng.random() < 0.2:
        rng.shuffle(order)  # annotations out of the images' order: the table's path
    for image in order:
        for _ in range(rng.randint(0, 12)):
            x1, y1 = rng.randint(0, 400) / 4, rng.randint(0, 300) / 4
            x2, y2 = x1 + rng.randint(0, 80) / 8, y1 + rng.randint(0, 80) / 8
            k = len(anns) + 1
            ann = box_ann(
                id=k,
                image_id=image,
                category_id=1 if rng.random() < 0.6 else 2,
                iscrowd=1 if rng.random() < 0.05 else 0,
                bbox=[x1, y1, x2 - x1, y2 - y1],
                ontolabel_geometry={"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2},
                ontolabel_id=f"o{k}" if own else None,
            )
            if rng.random() < odd:
                ann.update(rng.choice(ODD_CHANGES))
                ann = {k: v for k, v in ann.items() if v is not None}
            anns.append(ann)
    if rng.random() < 0.3:  # some images' annotations in two places of the file
        cut = rng.randrange(len(anns) + 1)
        anns = anns[:cut] + anns[cut + 7 :] + anns[cut : cut + 7]
    data: dict[str, Any] = {
        "images": [{"id": i, "file_name": f"{i}.jpg", "width": 640, "height": 480} for i in images],
        "categories": [{"id": 1, "name": "Car"}, {"id": 2, "name": "東京"}],
        "annotations": anns,
    }
    if rng.random() < 0.1:
        data["images"][3]["width"] = -1
    if rng.random() < 0.1:
        data["ontolabel_image_labels"] = [{"id": 10**6, "image_id": 2, "category_id": 1}]
    path.write_text(json.dumps(data).replace(", {", ",\n{"))  # an element a line
    return path


@pytest.mark.parametrize("seed", range(60))
def test_runs_packed_as_columns_read_as_their_annotations_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    if seed % 2:  # short runs: images whose boxes lie in two runs or more
        monkeypatch.setattr(stream, "RUN", random.Random(seed).choice([300, 1000, 3000]))
    path = random_box_file(tmp_path / "instances_val.json", seed)
    packed = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(document, "pack_run", lambda anns: None)
        plain = read(path)
    assert packed == plain
    assert objects(packed[0]) == objects(plain[0])
    assert given(packed[0]) == given(plain[0])
    quick, exact = both_paths(path, monkeypatch)
    assert quick == exact and objects(quick[0]) == objects(exact[0])


@pytest.mark.parametrize("change", ODD_CHANGES, ids=[json.dumps(c)[:60] for c in ODD_CHANGES])
@pytest.mark.parametrize("own", [True, False])
def test_one_odd_annotation_among_usual_boxes_reads_as_it_always_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, Any], own: bool
) -> None:
    anns = [
        box_ann(id=k, image_id=1 + k // 7, ontolabel_id=f"o{k}" if own else None)
        for k in range(1, 30)
    ]
    anns[12] = {k: v for k, v in {**anns[12], **change}.items() if v is not None}
    data = {
        "images": [{"id": i, "file_name": f"{i}.jpg"} for i in range(1, 6)],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": anns,
    }
    path = tmp_path / "instances_val.json"
    path.write_text(json.dumps(data).replace(", {", ",\n{"))
    packed = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(document, "pack_run", lambda anns: None)
        plain = read(path)
    assert packed == plain
    assert objects(packed[0]) == objects(plain[0])
    assert given(packed[0]) == given(plain[0])


@pytest.mark.parametrize("seed", range(30))
def test_a_packed_run_holds_what_packing_each_annotation_holds(seed: int) -> None:
    path = random_box_file(Path(tempfile.mkdtemp()) / "a.json", seed)
    anns = json.loads(path.read_text())["annotations"]
    path.unlink()
    rng = random.Random(seed)
    start = rng.randrange(max(1, len(anns) - 1))
    run = anns[start : start + rng.randint(2, 60)]
    found = packing.pack_run(run)
    if found is None:
        return
    layout, columns = found
    assert all(packing.pack(a)[0] == layout for a in run)  # type: ignore[index]
    cut = rng.randint(0, len(run))
    parts = [
        packing.whole(packing.RunPart((7, layout, *columns), 0, cut)),
        packing.whole(packing.RunPart((7, layout, *columns), cut, len(run))),
    ]
    got = [e for part in parts for e in packing.entries(part)]
    assert got == [(7 + k, packing.pack(a)) for k, a in enumerate(run)]
    assert [packing.first_index(p) for p in parts] == [7, 7 + cut]


def test_runs_of_usual_boxes_are_packed_as_columns(tmp_path: Path) -> None:
    runs: list[int] = []
    real = document.pack_run

    def counted(anns: list[Any]) -> Any:
        found = real(anns)
        runs.append(0 if found is None else len(anns))
        return found

    path = tmp_path / "instances_val.json"
    random_box_file(path, 0, odd=0.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document, "pack_run", counted)
        records, violations = read(path)
    assert not violations and sum(runs) > 0.9 * len(json.loads(path.read_text())["annotations"])
