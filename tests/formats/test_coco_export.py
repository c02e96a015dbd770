"""COCO export, checked by loading it with pycocotools (the reference reader)."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from format_builders import image, image_record, obj, square
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import ExportRecord, WriteStats, get_format

TWO_SQUARES = {
    "kind": "polygon",
    "parts": [{"exterior": square(10, 10, 20, 20)}, {"exterior": square(40, 5, 50, 15)}],
}
HOLED = {
    "kind": "polygon",
    "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
}
KEYPOINTS = {
    "kind": "keypoints",
    "points": [
        {"name": "head", "x": 30, "y": 5},
        {"name": "hip", "x": 34, "y": 20, "visibility": 1},
    ],
}


def records() -> list[ExportRecord]:
    return [
        image_record(
            1,
            [
                obj("a", "Car", {"kind": "box", "x1": 2, "y1": 3, "x2": 12, "y2": 8}),
                obj("b", "Vehicle", TWO_SQUARES),
                obj("c", "Vehicle", HOLED),
                obj("d", "Person", KEYPOINTS, attributes={"occluded": True}),
            ],
        ),
        image_record(
            2,
            [
                obj(
                    "r",
                    "Car",
                    {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 20, "h": 10, "angle": 90},
                ),
                obj("l", "Lane", {"kind": "polyline", "points": [(0, 0), (5, 5)]}),
                obj(
                    "k",
                    "Person",
                    {"kind": "keypoints", "points": [{"name": "knee", "x": 1, "y": 2}]},
                ),
            ],
            media=image("portrait.jpg", width=300, height=400, sha="e"),
        ),
    ]


def export(
    ontology: Ontology, recs: Any, tmp_path: Path, **options: Any
) -> tuple[dict[str, Any], Path, WriteStats]:
    fmt = get_format("coco")
    out = io.BytesIO()
    stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options(options))
    path = tmp_path / "coco.json"
    path.write_bytes(out.getvalue())
    return json.loads(out.getvalue()), path, stats


def load(path: Path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def by_id(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {a["id"]: a for a in data["annotations"]}


def test_geometry_of_every_kind(ontology: Ontology, tmp_path: Path) -> None:
    data, path, stats = export(ontology, records(), tmp_path)
    coco = load(path)
    anns = by_id(data)
    box, squares, holed, person, rotated, knee = (anns[i] for i in range(1, 7))
    assert box["bbox"] == [2, 3, 10, 5] and box["area"] == 50
    assert coco.annToMask(coco.anns[1]).sum() == 50
    # bbox and area from all parts; one COCO polygon per part
    assert squares["bbox"] == [10, 5, 40, 15] and squares["area"] == 200
    assert len(squares["segmentation"]) == 2
    assert coco.annToMask(coco.anns[2]).sum() == 200
    # holes cannot be COCO polygons: an RLE mask of the image's size
    assert isinstance(holed["segmentation"], dict) and holed["segmentation"]["size"] == [40, 60]
    assert holed["area"] == 300 and holed["bbox"] == [0, 0, 20, 20] and holed["iscrowd"] == 0
    mask = coco.annToMask(coco.anns[3])
    assert mask.sum() == 300 and not mask[5:15, 5:15].any() and mask[:20, :20].sum() == 300
    # rotated by 90 degrees: the hull is 10 wide and 20 high about (30, 20)
    assert rotated["bbox"] == pytest.approx([25, 10, 10, 20])
    assert rotated["area"] == pytest.approx(200)
    assert coco.annToMask(coco.anns[5]).sum() == 200
    # keypoints in the order of the category's names; hidden (1) and unlabeled (0) kept apart
    category = {c["name"]: c for c in data["categories"]}["Person"]
    assert category["keypoints"] == ["head", "hip", "knee"]
    assert person["keypoints"] == [30, 5, 2, 34, 20, 1, 0, 0, 0] and person["num_keypoints"] == 2
    assert person["bbox"] == [30, 5, 4, 15] and person["attributes"] == {"occluded": True}
    assert knee["keypoints"] == [0, 0, 0, 0, 0, 0, 1, 2, 2] and knee["num_keypoints"] == 1
    # what COCO cannot hold is reported, not dropped silently
    assert stats.items == 2 and stats.objects == 6
    assert [(v.location.item, v.location.path) for v in stats.skipped] == [("img-2", "objects[1]")]
    assert "polyline" in stats.skipped[0].message


def test_images_are_displayed_size_and_media_name(ontology: Ontology, tmp_path: Path) -> None:
    data, path, _ = export(ontology, records(), tmp_path)
    assert data["images"] == [
        {"id": 1, "file_name": "img1.jpg", "width": 60, "height": 40},
        {"id": 2, "file_name": "portrait.jpg", "width": 300, "height": 400},
    ]
    assert load(path).imgs[2]["height"] == 400


def test_categories_follow_the_class_hierarchy(ontology: Ontology, tmp_path: Path) -> None:
    data, _, _ = export(ontology, [], tmp_path)
    assert [(c["id"], c["name"], c["supercategory"]) for c in data["categories"]] == [
        (1, "Vehicle", "Vehicle"),
        (2, "Car", "Vehicle"),
        (3, "Person", "Person"),
        (4, "Lane", "Lane"),
    ]
    assert data["images"] == [] and data["annotations"] == []


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_cocoeval_of_the_export_against_itself_is_perfect(
    ontology: Ontology, tmp_path: Path, iou_type: str
) -> None:
    _, path, _ = export(ontology, records(), tmp_path)
    gt = load(path)
    results = [dict(a, score=1.0) for a in gt.dataset["annotations"] if "keypoints" not in a]
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, iou_type)
        ev.params.catIds = [1, 2]  # the shapes; keypoints are evaluated below
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)


def test_cocoeval_keypoints_of_the_export_against_itself(
    ontology: Ontology, tmp_path: Path
) -> None:
    many = [
        image_record(
            i,
            [
                obj(
                    "p",
                    "Person",
                    {
                        "kind": "keypoints",
                        "points": [
                            {"name": "head", "x": 10 + i, "y": 5},
                            {"name": "hip", "x": 12 + i, "y": 30},
                        ],
                    },
                )
            ],
        )
        for i in range(1, 6)
    ]
    _, path, _ = export(ontology, many, tmp_path)
    gt = load(path)
    for ann in gt.dataset["annotations"]:
        ann["area"] = 100.0  # OKS scales by the object's area; any positive value will do
    results = [dict(a, score=1.0) for a in gt.dataset["annotations"]]
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, "keypoints")
        ev.params.kpt_oks_sigmas = np.array([0.1, 0.1])
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)


def test_selection_picks_one_label_set_per_image_unless_asked_for_all(
    ontology: Ontology, tmp_path: Path
) -> None:
    base = image_record(
        1, [obj("a", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1})], user="ana"
    )
    other = image_record(
        1, [obj("b", "Car", {"kind": "box", "x1": 5, "y1": 5, "x2": 6, "y2": 6})], user="bo"
    )
    draft = image_record(
        1,
        [obj("c", "Car", {"kind": "box", "x1": 9, "y1": 9, "x2": 10, "y2": 10})],
        user="cy",
        status="draft",
    )
    record = ExportRecord(
        item_id=1,
        external_id="x",
        content=base.content,
        annotations=base.annotations + other.annotations + draft.annotations,
    )
    latest, _, _ = export(ontology, [record], tmp_path)
    assert [a["bbox"][0] for a in latest["annotations"]] == [5]  # the last submitted one
    everyone, _, _ = export(ontology, [record], tmp_path, merge="all")
    assert [(a["bbox"][0], a["annotator"]) for a in everyone["annotations"]] == [
        (0, "ana"),
        (5, "bo"),
        (9, "cy"),
    ]
    mine, _, _ = export(ontology, [record], tmp_path, merge="all", annotator="cy", status="any")
    assert [a["bbox"][0] for a in mine["annotations"]] == [9]
    submitted, _, _ = export(ontology, [record], tmp_path, merge="all", status="submitted")
    assert len(submitted["annotations"]) == 2


def test_non_image_items_are_reported_and_left_out(ontology: Ontology, tmp_path: Path) -> None:
    text = ExportRecord(
        item_id=5, external_id="t", content=ItemContent(modality=Modality.TEXT, text="hi")
    )
    data, _, stats = export(ontology, [text], tmp_path)
    assert data["images"] == [] and stats.items == 0
    assert "this item is text" in stats.skipped[0].message


def test_the_writer_streams(ontology: Ontology) -> None:
    # each image is in the output before the next item is even produced
    out = io.BytesIO()
    seen: list[bytes] = []

    def produce() -> Iterator[ExportRecord]:
        for i in range(1, 4):
            seen.append(out.getvalue())
            yield image_record(
                i, [obj("a", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1})]
            )

    fmt = get_format("coco")
    fmt.write(produce(), out, ontology=ontology, options=fmt.parse_options(None))
    assert b"img1.jpg" not in seen[0]
    assert b"img1.jpg" in seen[1] and b"img2.jpg" in seen[2] and b"img2.jpg" not in seen[1]


def test_formats_offer_coco_for_image_projects_only(ontology: Ontology) -> None:
    fmt = get_format("coco")
    assert fmt.lost_kinds(Modality.IMAGE, ontology_kinds()) == frozenset({"polyline"})
    assert fmt.lost_kinds(Modality.TEXT, {"span"}) == frozenset({"span"})


def ontology_kinds() -> set[str]:
    return {"box", "rotated_box", "polygon", "mask", "keypoints", "polyline"}


def test_export_has_no_nan_and_is_one_json_document(ontology: Ontology, tmp_path: Path) -> None:
    _, path, _ = export(ontology, records(), tmp_path)
    raw = path.read_bytes()
    assert raw.count(b"\n") > 5  # one entry per line, for diffs and grep
    json.loads(raw)  # strict: NaN or a trailing comma would fail here
