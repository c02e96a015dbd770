"""The COCO faults reported against other tools, pinned (issue 4): each as its own test."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from format_builders import image, image_record, obj, square
from pycocotools import mask as rle
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from ontolabel.core.geometry import Box, Keypoints, Polygon
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ExportRecord, ImportRecord, get_format


def export(ontology: Ontology, records: list[ExportRecord], tmp_path: Path) -> Path:
    fmt = get_format("coco")
    out = io.BytesIO()
    stats = fmt.write(records, out, ontology=ontology, options=fmt.parse_options(None))
    assert stats.skipped == []
    path = tmp_path / "export.json"
    path.write_bytes(out.getvalue())
    return path


def read(path: Path) -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy("collect")
    return list(get_format("coco").read(path, policy)), policy


def load(path: Path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def as_export(records: list[ImportRecord], width: int, height: int) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i + 1,
            external_id=r.external_id,
            content=image_record(
                i + 1, [], media=image(r.media[0].name, width, height)
            ).content.model_copy(update={"meta": r.meta}),
            annotations=r.annotations,
        )
        for i, r in enumerate(records)
    ]


def test_a_two_part_object_has_the_box_and_area_of_all_its_parts(
    ontology: Ontology, tmp_path: Path
) -> None:
    two_squares = {
        "kind": "polygon",
        "parts": [{"exterior": square(10, 10, 20, 20)}, {"exterior": square(40, 5, 50, 15)}],
    }
    path = export(ontology, [image_record(1, [obj("a", "Vehicle", two_squares)])], tmp_path)
    (ann,) = json.loads(path.read_bytes())["annotations"]
    assert ann["bbox"] == [10, 5, 40, 15] and ann["area"] == 200
    assert len(ann["segmentation"]) == 2  # both parts, each a COCO polygon
    coco = load(path)
    assert coco.annToMask(coco.anns[1]).sum() == 200
    assert list(rle.toBbox(coco.annToRLE(coco.anns[1]))) == [10, 5, 40, 15]


@pytest.mark.parametrize("size", [(60, 40), None])
def test_a_square_with_a_hole_is_an_rle_of_area_300(
    ontology: Ontology, tmp_path: Path, size: tuple[int, int] | None
) -> None:
    holed = {
        "kind": "polygon",
        "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
    }
    media = (
        image("a.jpg", *size)
        if size
        else image("a.jpg").model_copy(update={"width": None, "height": None})
    )
    record = image_record(1, [obj("h", "Vehicle", holed)], media=media)
    path = export(ontology, [record], tmp_path)
    (ann,) = json.loads(path.read_bytes())["annotations"]
    # never two filled polygons (area 400): one RLE mask with the hole in it
    assert isinstance(ann["segmentation"], dict)
    assert ann["area"] == 300 and ann["bbox"] == [0, 0, 20, 20]
    encoded = {"size": ann["segmentation"]["size"], "counts": ann["segmentation"]["counts"]}
    assert rle.area(encoded) == 300  # pycocotools' own count of our RLE
    mask = rle.decode(encoded)
    assert mask[:20, :20].sum() == 300 and not mask[5:15, 5:15].any()
    # and it comes back as the polygon with its hole
    (back,), policy = read(path)
    assert policy.violations == []
    assert back.annotations[0].document.objects[0].geometry == Polygon.model_validate(holed)


def test_a_polygon_of_four_numbers_is_an_invalid_ring_never_a_box(tmp_path: Path) -> None:
    data: dict[str, Any] = {
        "images": [{"id": 7, "file_name": "a.jpg", "width": 60, "height": 40}],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]},
            {"id": 2, "image_id": 7, "category_id": 1, "segmentation": [[10, 10, 20, 20]]},
        ],
    }
    path = tmp_path / "instances_val.json"
    path.write_text(json.dumps(data))
    records, policy = read(path)
    (violation,) = policy.violations
    where = violation.location
    assert (where.file, where.item, where.path) == (
        "instances_val.json",
        "a.jpg",
        "annotations[1].segmentation[0]",
    )
    assert violation.message.startswith("invalid ring: 4 numbers make 2 points")
    assert records == []  # the image is not imported half-labelled, and nothing is a box
    with pytest.raises(FormatError, match="1 problem, nothing was imported"):
        policy.mode = "fail"
        policy.raise_if_failed("instances_val.json")


PERSON_KEYPOINTS: dict[str, Any] = {
    "images": [{"id": 3, "file_name": "p.jpg", "width": 100, "height": 80}],
    "categories": [
        {
            "id": 1,
            "name": "person",
            "supercategory": "person",
            "keypoints": ["nose", "left_eye", "right_eye", "left_hip", "right_hip"],
            "skeleton": [[1, 2], [1, 3], [4, 5]],  # COCO numbers the names from 1
        }
    ],
    "annotations": [
        {
            "id": 11,
            "image_id": 3,
            "category_id": 1,
            "iscrowd": 0,
            "segmentation": [[10, 10, 50, 10, 50, 70, 10, 70]],
            "area": 2400,
            "bbox": [10, 10, 40, 60],
            # nose visible, left eye hidden, right eye not labelled, both hips visible
            "keypoints": [30, 15, 2, 25, 12, 1, 0, 0, 0, 20, 50, 2, 40, 50, 2],
            "num_keypoints": 4,
        },
        {
            "id": 12,
            "image_id": 3,
            "category_id": 1,
            "iscrowd": 0,
            "area": 100,
            "bbox": [60, 20, 20, 30],  # a box and keypoints, no outline
            "keypoints": [70, 25, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "num_keypoints": 1,
        },
    ],
}


def test_person_keypoints_round_trip_with_skeleton_and_visibility(tmp_path: Path) -> None:
    source = tmp_path / "person_keypoints_val.json"
    source.write_text(json.dumps(PERSON_KEYPOINTS))
    first, policy = read(source)
    assert policy.violations == []
    objects = first[0].annotations[0].document.objects
    assert [(o.id, o.geometry.kind) for o in objects] == [
        ("11", "polygon"),
        ("11:keypoints", "keypoints"),
        ("12", "box"),
        ("12:keypoints", "keypoints"),
    ]
    kp = objects[1].geometry
    assert isinstance(kp, Keypoints)
    assert [(p.name, p.visibility) for p in kp.points] == [
        ("nose", 2),
        ("left_eye", 1),
        ("left_hip", 2),
        ("right_hip", 2),
    ]
    assert objects[2].geometry == Box(x1=60, y1=20, x2=80, y2=50)
    ontology = parse_ontology(
        {
            "name": "people",
            "classes": [{"name": "person", "geometry": {"image": ["polygon", "box", "keypoints"]}}],
        }
    )
    exported = export(ontology, as_export(first, 100, 80), tmp_path)
    data = json.loads(exported.read_bytes())
    (category,) = data["categories"]
    assert category["keypoints"] == PERSON_KEYPOINTS["categories"][0]["keypoints"]
    assert category["skeleton"] == [[1, 2], [1, 3], [4, 5]]
    points = [a for a in data["annotations"] if "keypoints" in a]
    assert [a["keypoints"] for a in points] == [
        PERSON_KEYPOINTS["annotations"][0]["keypoints"],
        PERSON_KEYPOINTS["annotations"][1]["keypoints"],
    ]
    assert [a["num_keypoints"] for a in points] == [4, 1]
    # pycocotools reads the skeleton and the keypoints back as the original has them
    coco = load(exported)
    assert coco.loadCats(1)[0]["skeleton"] == [[1, 2], [1, 3], [4, 5]]
    second, policy = read(exported)
    assert policy.violations == []
    assert [o.geometry for o in second[0].annotations[0].document.objects] == [
        o.geometry for o in objects
    ]
    assert second[0].meta == first[0].meta


def test_non_ascii_file_and_class_names_round_trip_byte_for_byte(tmp_path: Path) -> None:
    names = ["Café", "Köln", "東京"]
    ontology = parse_ontology(
        {"name": "名前", "classes": [{"name": n, "geometry": {"image": ["box"]}} for n in names]}
    )
    files = ["é.jpg", "straße ö.png", "東京/駅.jpg"]
    records = [
        image_record(
            i + 1,
            [obj("a", names[i], {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5})],
            media=image(f, sha=str(i)),
        )
        for i, f in enumerate(files)
    ]
    path = export(ontology, records, tmp_path)
    raw = path.read_bytes()
    for text in [*names, *files]:
        assert text.encode("utf-8") in raw  # written as UTF-8, not as \\u escapes
    coco = load(path)
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == names
    assert [coco.imgs[i]["file_name"] for i in sorted(coco.imgs)] == files
    back, policy = read(path)
    assert policy.violations == []
    assert [r.media[0].name for r in back] == files
    assert [r.external_id for r in back] == files
    assert [r.annotations[0].document.objects[0].class_name for r in back] == names
    assert [r.media[0].name.encode() for r in back] == [f.encode() for f in files]


def test_image_labels_neither_stop_cocoeval_nor_get_lost(tmp_path: Path) -> None:
    ontology = parse_ontology(
        {"name": "x", "classes": [{"name": "Car", "geometry": {"image": ["box", "tag"]}}]}
    )
    objects = [
        obj("t", "Car", {"kind": "tag"}),
        obj("a", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 5, "y2": 5}),
    ]
    path = export(ontology, [image_record(1, objects)], tmp_path)
    data = json.loads(path.read_bytes())
    # a label has no shape: COCOeval would fail on it among the annotations (no bbox)
    assert [a["id"] for a in data["annotations"]] == [2]
    assert data["ontolabel_image_labels"] == [
        {"id": 1, "image_id": 1, "category_id": 1, "ontolabel_id": "t"}
    ]
    gt = load(path)
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes([dict(a, score=1.0) for a in data["annotations"]])
        ev = COCOeval(gt, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)
    (back,), policy = read(path)
    assert policy.violations == []
    assert back.annotations[0].document.objects == objects  # ids too
