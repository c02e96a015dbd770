"""Label Studio JSON written by ontolabel: golden bytes, what it cannot carry, and the corpus's
files through import -> export -> import unchanged."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from format_builders import image, obj

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    ImportRecord,
    WriteStats,
    get_format,
)
from ontolabel.formats.labelstudio import label_config

FORMAT = get_format("labelstudio")
GOLDEN = Path(__file__).parent / "golden" / "labelstudio"
CONVERTER = "label-studio-converter/"
SDK = "label-studio-sdk/tests/custom/converter/data/"
FRONTEND = "label-studio-frontend/examples/"

ONTOLOGY: dict[str, Any] = {
    "name": "Straßen",
    "classes": [
        {
            "name": "Fahrzeug",
            "geometry": {"image": ["box", "rotated_box", "polygon", "mask"]},
            "attributes": [
                {"name": "colour", "type": "enum", "options": ["red", "blue"]},
                {"name": "plate", "type": "text"},
                {"name": "occluded", "type": "bool"},
            ],
        },
        {"name": "東京", "geometry": {"image": ["keypoints", "polygon"], "text": ["span"]}},
        {"name": "Lane", "geometry": {"image": ["polyline"]}},
        {"name": "Night", "geometry": {"image": ["tag"], "text": ["tag"]}},
        {
            "name": "caption",
            "geometry": {"image": ["tag"]},
            "attributes": [{"name": "text", "type": "text"}],
        },
        {
            "name": "count",
            "geometry": {"image": ["tag"]},
            "attributes": [{"name": "number", "type": "int"}],
        },
    ],
    "relations": [{"name": "next to"}],
}


def _write(
    records: list[ExportRecord], ontology: Ontology, **options: Any
) -> tuple[bytes, WriteStats]:
    out = io.BytesIO()
    stats = FORMAT.write(records, out, ontology=ontology, options=FORMAT.parse_options(options))
    return out.getvalue(), stats


def _read(data: bytes, tmp_path: Path, name: str = "again.json") -> list[ImportRecord]:
    path = tmp_path / name
    path.write_bytes(data)
    policy = ErrorPolicy("collect")
    records = list(FORMAT.read(path, policy))
    assert policy.violations == [], [str(v) for v in policy.violations]
    return records


def _sample_records() -> list[ExportRecord]:
    pixels = np.zeros((40, 60), dtype=np.uint8)
    pixels[5:25, 10:30] = 1
    pixels[10:20, 15:25] = 0  # a 20x20 square with a 10x10 hole: 300 pixels
    car = [
        obj(
            "b1",
            "Fahrzeug",
            {"kind": "box", "x1": 6, "y1": 4, "x2": 30, "y2": 20},
            attributes={"colour": "red", "plate": "K-ÖL 1"},
        ),
        obj(
            "r1",
            "Fahrzeug",
            {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 20, "h": 8, "angle": 30},
        ),
        obj("p1", "東京", {"kind": "polygon", "parts": [{"exterior": [[1, 1], [9, 1], [5, 7]]}]}),
        obj("m1", "Fahrzeug", rle_encode(pixels).model_dump()),
        obj("k1", "東京", {"kind": "keypoints", "points": [{"name": "東京", "x": 12, "y": 30}]}),
        obj("t1", "Night", {"kind": "tag"}),
        obj("c1", "caption", {"kind": "tag"}, attributes={"text": "zwei Autos"}),
        obj("n1", "count", {"kind": "tag"}, attributes={"number": 2}),
    ]
    relation = Relation(id="b1>r1", name="next to", source="b1", target="r1")
    text = "Ok 👍🏽 meet Ana in 東京"
    span = obj("s1", "東京", {"kind": "span", "start": 18, "end": 20, "text": "東京"})
    return [
        ExportRecord(
            item_id=1,
            external_id="straße-1",
            content=ItemContent(
                modality=Modality.IMAGE,
                media=[image("Straße é.jpg", 60, 40)],
                meta={"source": "Köln"},
            ),
            annotations=[
                AnnotationRecord(
                    document=Annotation(objects=car, relations=[relation]), user="zoë"
                ),
                AnnotationRecord(document=Annotation(objects=car[:1]), user="bo", status="draft"),
                AnnotationRecord(
                    document=Annotation(objects=[car[0].model_copy(update={"score": 0.75})]),
                    user=None,
                    source="model",
                    status="draft",
                ),
            ],
        ),
        ExportRecord(
            item_id=2,
            external_id="2",
            content=ItemContent(modality=Modality.TEXT, text=text),
            annotations=[AnnotationRecord(document=Annotation(objects=[span]), user="zoë")],
        ),
    ]


def test_export_matches_the_golden_file_and_reads_back_equal(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    records = _sample_records()
    data, stats = _write(records, ontology, image_prefix="/data/local-files/?d=images/")
    assert stats.skipped == []
    assert (stats.items, stats.objects) == (2, 11)
    count = next(r for r in tasks_of(data)[0]["annotations"][0]["result"] if r["id"] == "n1")
    assert (count["type"], count["from_name"], count["value"]) == ("number", "count", {"number": 2})
    golden = GOLDEN / "export.json"
    assert data == golden.read_bytes()
    tasks = json.loads(data)
    assert tasks[0]["data"] == {
        "source": "Köln",
        "image": "/data/local-files/?d=images/Stra%C3%9Fe%20%C3%A9.jpg",
    }
    # the pinned rotated box goes back to Label Studio's corner convention
    rotated = next(r for r in tasks[0]["annotations"][0]["result"] if r["id"] == "r1")
    assert rotated["value"]["rotation"] == 30
    # the span is written in code points, as Label Studio's editor counts them
    span = tasks[1]["annotations"][0]["result"][0]["value"]
    assert (span["start"], span["end"], span["text"]) == (18, 20, "東京")
    again = _read(data, tmp_path)
    _assert_same(again, records)


def tasks_of(data: bytes) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = json.loads(data)
    return tasks


def _assert_same(found: list[ImportRecord], expected: list[ExportRecord]) -> None:
    assert len(found) == len(expected)
    for record, want in zip(found, expected, strict=True):
        assert record.external_id == want.external_id
        assert record.modality is want.content.modality
        assert record.text == want.content.text
        assert record.meta == want.content.meta
        assert [(m.name, m.width, m.height) for m in record.media] == [
            (m.name, m.width, m.height) for m in want.content.media
        ]
        assert [(a.user, a.status, a.source) for a in record.annotations] == [
            (a.user, a.status, a.source) for a in want.annotations
        ]
        for got, ann in zip(record.annotations, want.annotations, strict=True):
            _close(got.document.model_dump(), ann.document.model_dump())


def _close(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats to 1e-9 (percent and back is not bit-exact)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), path
    else:
        assert a == b, path


def test_what_label_studio_cannot_carry_is_reported_one_by_one(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    square = [[0, 0], [20, 0], [20, 20], [0, 20]]
    objects: list[AnnotationObject] = [
        obj(
            "h",
            "Fahrzeug",
            {
                "kind": "polygon",
                "parts": [{"exterior": square, "holes": [[[5, 5], [10, 5], [10, 10]]]}],
            },
        ),
        obj(
            "two",
            "東京",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": [[1, 1], [4, 1], [4, 4]]},
                    {"exterior": [[7, 7], [9, 7], [9, 9]]},
                ],
            },
        ),
        obj("l", "Lane", {"kind": "polyline", "points": [[0, 0], [5, 5]]}),
        obj("bad", "Fahrzeug", {"kind": "mask", "height": 40, "width": 60, "counts": "5"}),
        obj("small", "Fahrzeug", rle_encode(np.zeros((4, 6), dtype=np.uint8)).model_dump()),
        obj(
            "o",
            "Fahrzeug",
            {"kind": "box", "x1": 1, "y1": 1, "x2": 2, "y2": 2},
            attributes={"occluded": True},
        ),
        obj(
            "s",
            "東京",
            {
                "kind": "keypoints",
                "points": [
                    {"name": "nose", "x": 1, "y": 1},
                    {"name": "ear", "x": 2, "y": 2, "visibility": 1},
                ],
            },
        ),
    ]
    relation = Relation(id="x", name="next to", source="l", target="o")
    record = ExportRecord(
        item_id=5,
        external_id="five",
        content=ItemContent(modality=Modality.IMAGE, media=[image("a.jpg", 60, 40)]),
        annotations=[
            AnnotationRecord(document=Annotation(objects=objects, relations=[relation]), user="zoë")
        ],
    )
    video = ExportRecord(
        item_id=6, external_id=None, content=ItemContent(modality=Modality.VIDEO, media=[])
    )
    data, stats = _write([record, video], ontology)
    said = [(v.location.item, v.location.path, v.message) for v in stats.skipped]
    assert said == [
        (
            "five",
            "annotations[0].objects[0]",
            "a polygon with holes: Label Studio polygons have none (Fahrzeug, object h)",
        ),
        (
            "five",
            "annotations[0].objects[1]",
            "a polygon of 2 parts is written as 2 regions (two, two:part2, ...) (東京, object two)",
        ),
        (
            "five",
            "annotations[0].objects[2]",
            "Label Studio has no form for a polyline here (Lane, object l)",
        ),
        (
            "five",
            "annotations[0].objects[3]",
            "the mask cannot be decoded: RLE counts cover 5 pixels, the mask has 2400 "
            "(Fahrzeug, object bad)",
        ),
        (
            "five",
            "annotations[0].objects[4]",
            "a 6x4 mask on a 60x40 image (Fahrzeug, object small)",
        ),
        (
            "five",
            "annotations[0].objects[5]",
            "attribute 'occluded' = True: Label Studio has no per-region control that gives it "
            "back as the same value (Fahrzeug, object o)",
        ),
        (
            "five",
            "annotations[0].objects[6]",
            "keypoints nose, ear are written as separate points of class '東京' (their names are "
            "not carried) (東京, object s)",
        ),
        (
            "five",
            "annotations[0].relations[0]",
            "relation 'next to' links an object that was not written",
        ),
        ("6", None, "Label Studio JSON holds image and text items; this one is video"),
    ]
    [again] = _read(data, tmp_path)
    ids = [o.id for o in again.annotations[0].document.objects]
    assert ids == ["two", "two:part2", "o", "s", "s:ear"]


def test_selection_options_pick_the_annotations(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    records = _sample_records()
    data, _ = _write(records, ontology, status="submitted", annotator="zoë")
    tasks = json.loads(data)
    assert [
        sorted(k for k in t if k in ("annotations", "drafts", "predictions")) for t in tasks
    ] == [["annotations"], ["annotations"]]
    assert tasks[0]["annotations"][0]["completed_by"] == {"email": "zoë"}


def test_the_label_config_names_every_control_the_export_uses() -> None:
    ontology = parse_ontology(ONTOLOGY)
    config = label_config(ontology, Modality.IMAGE)
    data, _ = _write(_sample_records()[:1], ontology)
    used = {
        (r["from_name"], r["type"])
        for t in json.loads(data)
        for key in ("annotations", "drafts", "predictions")
        for a in t.get(key, [])
        for r in a["result"]
        if r["type"] != "relation"
    }
    tags = {
        "rectanglelabels": "RectangleLabels",
        "polygonlabels": "PolygonLabels",
        "keypointlabels": "KeyPointLabels",
        "brushlabels": "BrushLabels",
        "choices": "Choices",
        "textarea": "TextArea",
        "number": "Number",
    }
    for name, kind in used:
        assert f'<{tags[kind]} name="{name}"' in config, (name, kind)
    assert '<Label value="東京"/>' in config
    # whole-item classes: choices, except the free-value ones, which are controls of their own
    assert (
        '<Choices name="choice" toName="image" choice="multiple"><Choice value="Night"/>'
        "</Choices>" in config
    )
    assert '<TextArea name="caption" toName="image"/>' in config
    text_config = label_config(ontology, Modality.TEXT)
    assert "colour" not in text_config  # an image class's attribute has no place on text
    assert '<Relation value="next to"/>' in config
    assert '<Labels name="label" toName="text">' in label_config(ontology, Modality.TEXT)


ROUND_TRIP = [
    CONVERTER + "test/fixtures/completions/348.json",
    CONVERTER + "tests/data/test_export_csv/csv_test.json",
    CONVERTER + "tests/data/test_export_csv/csv_test_history.json",
    CONVERTER + "tests/data/test_export_json_min/data.json",
    CONVERTER + "tests/data/test_export_yolo/data.json",
    CONVERTER + "tests/data/test_export_yolo/data_obb.json",
    CONVERTER + "tests/data/test_export_yolo/data_polygons.json",
    SDK + "test_export_coco/data.json",
    SDK + "test_export_yolo/data_keypoints.json",
    SDK + "test_export_csv/csv_test_colliding_keys.json",
    SDK + "test_export_csv/csv_test_colliding_keys_mixed.json",
    FRONTEND + "image_bbox_large/annotations/1.json",
    FRONTEND + "image_magic_wand/annotations/1.json",
    FRONTEND + "named_entity/tasks.json",
    FRONTEND + "references/tasks.json",
    FRONTEND + "required/tasks.json",
    FRONTEND + "image_segmentation/tasks.json",
]


def _as_export(records: list[ImportRecord]) -> list[ExportRecord]:
    out: list[ExportRecord] = []
    for n, record in enumerate(records, start=1):
        media = [
            MediaInfo(
                modality=Modality.IMAGE,
                mime="image/jpeg",
                sha256=f"{n:064x}",
                size=1,
                name=m.name,
                width=m.width,
                height=m.height,
            )
            for m in record.media
        ]
        out.append(
            ExportRecord(
                item_id=n,
                external_id=record.external_id,
                content=record.content(media),
                annotations=record.annotations,
            )
        )
    return out


def _ontology_of(records: list[ImportRecord]) -> Ontology:
    names = sorted(
        {o.class_name for r in records for a in r.annotations for o in a.document.objects}
    )
    return parse_ontology({"name": "corpus", "classes": [{"name": n} for n in names or ["x"]]})


@pytest.mark.parametrize("file", ROUND_TRIP, ids=[f.split("/", 1)[1] for f in ROUND_TRIP])
def test_corpus_files_come_back_equal_after_export(file: str, tmp_path: Path) -> None:
    policy = ErrorPolicy("collect")
    first = list(FORMAT.read(corpus_path(file), policy))
    assert first and policy.violations == []
    exported = _as_export(first)
    data, stats = _write(exported, _ontology_of(first))
    assert stats.skipped == []
    assert stats.items == len(first)
    _assert_same(_read(data, tmp_path), exported)


def test_a_coco_person_goes_out_as_a_skeleton_and_comes_back_as_one_pose(
    tmp_path: Path,
) -> None:
    ontology = parse_ontology(
        {
            "name": "people",
            "classes": [{"name": "Person", "geometry": {"image": ["box", "keypoints"]}}],
        }
    )
    points = [
        {"name": "nose", "x": 30, "y": 10},
        {"name": "left_eye", "x": 28, "y": 8, "visibility": 1},
        {"name": "right_eye", "x": 0, "y": 0, "visibility": 0},
    ]
    objects = [
        obj("7", "Person", {"kind": "box", "x1": 20, "y1": 2, "x2": 40, "y2": 38}),
        obj(
            "7:keypoints",
            "Person",
            {"kind": "keypoints", "points": points},
            attributes={"pose": "sitting"},
        ),
    ]
    record = ExportRecord(
        item_id=1,
        external_id="p",
        content=ItemContent(modality=Modality.IMAGE, media=[image("p.jpg", 60, 40)]),
        annotations=[AnnotationRecord(document=Annotation(objects=objects), user="zoë")],
    )
    data, stats = _write([record], ontology)
    notes = [v.message for v in stats.skipped]
    assert notes == [
        "attributes pose of a pose: Label Studio's skeleton points carry none "
        "(Person, object 7:keypoints)",
        "keypoints left_eye are hidden (visibility 1); Label Studio points have no "
        "visibility, so they are written as visible (Person, object 7:keypoints)",
    ]
    result = json.loads(data)[0]["annotations"][0]["result"]
    assert [(r["id"], r.get("parentID"), r["value"].get("keypointlabels")) for r in result] == [
        ("7", None, None),
        ("7:keypoints:nose", "7", ["nose"]),
        ("7:keypoints:left_eye", "7", ["left_eye"]),
    ]
    assert (result[1]["value"]["x"], result[1]["value"]["y"]) == pytest.approx((50, 25))
    [again] = _read(data, tmp_path)
    pose = again.annotations[0].document.objects[1]
    assert pose.id == "7:keypoints" and pose.class_name == "Person"
    assert pose.geometry.model_dump()["points"] == [
        {"name": "nose", "x": pytest.approx(30), "y": pytest.approx(10), "visibility": 2},
        {"name": "left_eye", "x": pytest.approx(28), "y": pytest.approx(8), "visibility": 2},
    ]


@pytest.mark.parametrize("prefix", ["", "/data/local-files/?d=images/", "https://x.org/i/"])
@pytest.mark.parametrize("name", ["a+b%41 é.jpg", "東京 (1).png", "Straße?.jpg"])
def test_image_names_read_back_byte_for_byte(prefix: str, name: str, tmp_path: Path) -> None:
    record = ExportRecord(
        item_id=1,
        external_id="1",
        content=ItemContent(modality=Modality.IMAGE, media=[image(name, 60, 40)]),
    )
    data, _ = _write([record], parse_ontology(ONTOLOGY), image_prefix=prefix)
    [again] = _read(data, tmp_path)
    assert again.media[0].name.encode() == name.encode()


def test_objects_that_do_not_fit_their_item_are_skipped_with_the_reason() -> None:
    ontology = parse_ontology(ONTOLOGY)
    on_image = ExportRecord(
        item_id=1,
        external_id="i",
        content=ItemContent(modality=Modality.IMAGE, media=[image("a.jpg", 60, 40)]),
        annotations=[
            AnnotationRecord(
                document=Annotation(
                    objects=[
                        obj("t", "Night", {"kind": "tag"}, media_index=3),
                        obj(
                            "b",
                            "Fahrzeug",
                            {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1},
                            media_index=2,
                        ),
                        obj("s", "東京", {"kind": "span", "start": 0, "end": 2, "text": "東京"}),
                    ]
                ),
                user="zoë",
            )
        ],
    )
    on_text = ExportRecord(
        item_id=2,
        external_id="t",
        content=ItemContent(modality=Modality.TEXT, text="東京"),
        annotations=[
            AnnotationRecord(
                document=Annotation(
                    objects=[
                        obj("far", "東京", {"kind": "span", "start": 5, "end": 5, "text": ""}),
                        obj("other", "東京", {"kind": "span", "start": 0, "end": 1, "text": "x"}),
                        obj("box", "Fahrzeug", {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1}),
                    ]
                ),
                user="zoë",
            )
        ],
    )
    _, stats = _write([on_image, on_text], ontology)
    assert [(v.location.item, v.message) for v in stats.skipped] == [
        ("i", "media_index 3 is not an image of the item (Night, object t)"),
        ("i", "media_index 2 is not an image of the item (Fahrzeug, object b)"),
        ("i", "a text span on an item without text (東京, object s)"),
        ("t", "span [5, 5) does not quote '' in the item's text (東京, object far)"),
        ("t", "span [0, 1) does not quote 'x' in the item's text (東京, object other)"),
        ("t", "a box on a text item (Fahrzeug, object box)"),
    ]
    assert stats.objects == 0
