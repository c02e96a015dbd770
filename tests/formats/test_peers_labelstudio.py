"""The Label Studio JSON we write, read by Label Studio's own converter (label-studio-sdk).

The converter takes our tasks with a labelling config (ours, from the ontology) and converts
them to COCO (image regions) and CoNLL 2003 (text spans); its output is compared with ours.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from peer_runner import found, read_with, summarize
from test_peers_coco import ONTOLOGY, image_info
from test_peers_voc import box, document

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, get_format
from ontolabel.formats.labelstudio.config import label_config

TURNED = {
    "class_name": "Car",
    "geometry": {"kind": "rotated_box", "cx": 120, "cy": 140, "w": 200, "h": 80, "angle": 90},
}
IMAGES: list[tuple[str, int, int, list[dict[str, Any]]]] = [
    (
        "straße/東京.jpg",
        640,
        480,
        [
            box("Car", 0, 0, 640, 480),
            box("東京タワー", 10, 20, 30.5, 40),
            {
                "class_name": "Fußgänger",
                "geometry": {"kind": "polygon", "parts": [{"exterior": [[1, 1], [9, 1], [5, 9]]}]},
            },
        ],
    ),
    ("café.jpg", 80, 50, [box("Vehicle", 1, 2, 3, 4)]),
]


def records(images: list[tuple[str, int, int, list[dict[str, Any]]]]) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[image_info(name, w, h)]),
            annotations=[AnnotationRecord(document=document(objs), user="ana")],
        )
        for i, (name, w, h, objs) in enumerate(images, start=1)
    ]


def write(recs: list[ExportRecord], ontology: Ontology, path: Path) -> Path:
    fmt = get_format("labelstudio")
    out = io.BytesIO()
    stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options({}))
    assert stats.skipped == []
    path.write_bytes(out.getvalue())
    return path


def image_config(ontology: Ontology) -> str:
    # Without the KeyPointLabels control (ONTOLOGY's Fußgänger takes keypoints): with one, the
    # converter's COCO export makes every class of that control, its polygons and boxes too, a
    # keypoint name of a single "default" category (its keypoint mode)
    config = label_config(ontology, Modality.IMAGE)
    return "\n".join(line for line in config.splitlines() if "KeyPointLabels" not in line)


def in_task_order(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of a summary in order (the converter renames images: see below)."""
    return list(summary["items"].values())


def test_label_studio_s_converter_reads_our_image_regions(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    recs = records(IMAGES)
    path = write(recs, ontology, tmp_path / "tasks.json")
    peer = read_with("labelstudio", "coco", path, config=image_config(ontology))
    assert in_task_order(found(peer)) == in_task_order(summarize(recs))
    assert peer["classes"] == summarize(recs)["classes"]
    # the converter names an image by its cache path (images/<hash>__<name>): the name is kept
    assert [key.split("__", 1)[1] for key in peer["items"]] == ["東京", "café"]


BOXES_AND_POLYGONS: dict[str, Any] = {
    "name": "streets",
    "classes": [
        {"name": "Car", "geometry": {"image": ["box"]}},
        {"name": "東京タワー", "geometry": {"image": ["box", "rotated_box"]}},
        {"name": "Fußgänger", "geometry": {"image": ["polygon"]}},
    ],
}
TRIANGLE = {"kind": "polygon", "parts": [{"exterior": [[1, 1], [9, 1], [5, 9]]}]}
STREET: list[tuple[str, int, int, list[dict[str, Any]]]] = [
    (
        "straße/東京.jpg",
        640,
        480,
        [
            box("Car", 0, 0, 640, 480),
            box("Car", 100, 50, 300, 250),
            box("東京タワー", 10, 20, 30.5, 40),
            {"class_name": "Fußgänger", "geometry": TRIANGLE},
        ],
    ),
    ("café.jpg", 80, 50, [box("東京タワー", 1, 2, 3, 4)]),
]


def test_the_converter_gives_each_class_its_own_category_from_our_config(tmp_path: Path) -> None:
    """Our config as it is (no line taken out): boxes of two classes and a polygon class
    come out of the converter's COCO as categories named after our classes, never one
    ``default`` category, with the objects we exported."""
    ontology = parse_ontology(BOXES_AND_POLYGONS)
    config = label_config(ontology, Modality.IMAGE)
    assert "KeyPointLabels" not in config and "BrushLabels" not in config
    recs = records(STREET)
    path = write(recs, ontology, tmp_path / "tasks.json")
    peer = read_with("labelstudio", "coco", path, config=config)
    assert peer["classes"] == {"Car": 2, "Fußgänger": 1, "東京タワー": 2}
    assert peer["classes"] == summarize(recs)["classes"]
    assert in_task_order(found(peer)) == in_task_order(summarize(recs))
    kinds = {o["label"]: o["kind"] for item in peer["items"].values() for o in item["objects"]}
    assert kinds == {"Car": "box", "東京タワー": "box", "Fußgänger": "polygon"}


def test_the_converter_turns_a_rotated_box_in_percent_space(tmp_path: Path) -> None:
    """Our rotated box is Label Studio's x=20, y=10, w=25, h=20 (percent), rotation 90, on an
    800x400 image, as the issue pins it. Turned in pixels its hull is 80..160 x 40..240 (what
    our COCO and YOLO exports say). Label Studio's converter turns the corners in percent
    units and scales afterwards, so on a non-square image its COCO box is 0..160 x 40..140:
    the converter is wrong there, not our file (its reading of the region is right: the
    unturned rectangle 160..360 x 40..120 has the same x, y, width, height)."""
    ontology = parse_ontology(ONTOLOGY)
    recs = records([("wide.jpg", 800, 400, [TURNED])])
    path = write(recs, ontology, tmp_path / "tasks.json")
    region = json.loads(path.read_text(encoding="utf-8"))[0]["annotations"][0]
    value = region["result"][0]["value"]
    assert (value["x"], value["y"], value["width"], value["height"], value["rotation"]) == (
        20.0,
        10.0,
        25.0,
        20.0,
        90.0,
    )
    peer = read_with("labelstudio", "coco", path, config=image_config(ontology))
    (item,) = peer["items"].values()
    assert [o["bbox"] for o in item["objects"]] == [[0.0, 40.0, 160.0, 140.0]]
    assert summarize(recs)["items"]["wide"]["objects"][0]["bbox"] == [80.0, 40.0, 160.0, 240.0]


TEXT_ONTOLOGY: dict[str, Any] = {
    "name": "drugs",
    "classes": [
        {"name": "Brand", "geometry": {"text": ["span"]}},
        {"name": "Drug", "geometry": {"text": ["span"]}},
        {"name": "Straße", "geometry": {"text": ["span"]}},
    ],
}
TEXTS = [
    ('Order "Blue Star XTC" today.', [("Brand", 7, 16), ("Drug", 17, 20)]),
    # code points 18..22 are UTF-16 units 20..24: the emoji with its skin tone is 4 units
    ("Ok 👍🏽 meet Ana in Köln", [("Straße", 18, 22)]),
]


def test_label_studio_s_converter_tags_our_spans_on_the_right_tokens(tmp_path: Path) -> None:
    ontology = parse_ontology(TEXT_ONTOLOGY)
    recs = [
        ExportRecord(
            item_id=i,
            external_id=f"t{i}",
            content=ItemContent(modality=Modality.TEXT, text=text),
            annotations=[
                AnnotationRecord(
                    document=Annotation(
                        objects=[
                            AnnotationObject(
                                id=str(k),
                                class_name=c,
                                geometry=Span(start=s, end=e, text=text[s:e]),
                            )
                            for k, (c, s, e) in enumerate(spans)
                        ]
                    )
                )
            ],
        )
        for i, (text, spans) in enumerate(TEXTS, start=1)
    ]
    path = write(recs, ontology, tmp_path / "tasks.json")
    peer = read_with("labelstudio", "conll", path, config=label_config(ontology, Modality.TEXT))
    rows = [
        line.split(" ") for line in peer["conll"].splitlines() if line and "DOCSTART" not in line
    ]
    assert [(r[0], r[-1]) for r in rows] == [
        ("Order", "O"),
        ('"', "O"),
        ("Blue", "B-Brand"),
        ("Star", "I-Brand"),
        ("XTC", "B-Drug"),
        ('"', "O"),
        ("today", "O"),
        (".", "O"),
        ("Ok", "O"),
        ("👍🏽", "O"),
        ("meet", "O"),
        ("Ana", "O"),
        ("in", "O"),
        ("Köln", "B-Straße"),
    ]
