"""YOLO golden files: one small project exported in every layout and task must give exactly
the files in tests/formats/golden/yolo/ (label files, data.yaml, obj.names, obj.data, lists)
and exactly the report of what was not carried. ONTOLABEL_UPDATE_GOLDEN=1 rewrites them
(then read the diff: it is the change of output)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from format_builders import image, obj, square
from test_yolo_support import export, members

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ExportRecord

GOLDEN = Path(__file__).parent / "golden" / "yolo"
ONTOLOGY = parse_ontology(
    {
        "name": "street",
        "classes": [
            {"name": "Vehicle", "geometry": {"image": ["box", "rotated_box", "polygon", "mask"]}},
            {"name": "Car", "parent": "Vehicle"},
            {"name": "Camión", "parent": "Vehicle"},
            {"name": "Person", "geometry": {"image": ["box", "keypoints", "tag"]}},
        ],
    }
)
CASES = [
    ("yolo", {}),
    ("ultralytics", {"task": "detect"}),
    ("ultralytics", {"task": "segment"}),
    ("ultralytics", {"task": "pose"}),
    ("ultralytics", {"task": "obb"}),
]


def _records() -> list[ExportRecord]:
    street = [
        obj("1", "Car", {"kind": "box", "x1": 6, "y1": 4, "x2": 18, "y2": 24}),
        obj(
            "2",
            "Camión",
            {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 20, "h": 10, "angle": 30},
        ),
        obj(
            "3",
            "Car",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square(40, 2, 58, 12), "holes": [square(44, 4, 48, 8)]},
                    {"exterior": [(40, 30), (58, 30), (49, 38)]},
                ],
            },
        ),
        obj("4", "Vehicle", {"kind": "box", "x1": 0, "y1": 0, "x2": 5, "y2": 5}),
        obj("5", "Person", {"kind": "box", "x1": 20, "y1": 10, "x2": 30, "y2": 38}),
        obj(
            "5:keypoints",
            "Person",
            {
                "kind": "keypoints",
                "points": [
                    {"name": "head", "x": 25, "y": 12},
                    {"name": "hip", "x": 24, "y": 26, "visibility": 1},
                ],
            },
        ),
        obj("6", "Person", {"kind": "tag"}),
    ]
    return [
        ExportRecord(
            item_id=1,
            external_id="train/東京 street.jpg",
            content=ItemContent(
                modality=Modality.IMAGE,
                media=[image("東京 street.jpg", 60, 40, sha="1")],
                meta={"subset": "train"},
            ),
            annotations=[AnnotationRecord(document=Annotation(objects=street))],
        ),
        ExportRecord(
            item_id=2,
            external_id="val/empty.png",
            content=ItemContent(
                modality=Modality.IMAGE,
                media=[image("empty.png", 32, 32, sha="2")],
                meta={"subset": "val"},
            ),
        ),
    ]


@pytest.mark.parametrize(("fmt", "options"), CASES)
def test_export_matches_the_golden_files(fmt: str, options: dict[str, str]) -> None:
    archive, stats = export(_records(), fmt, ONTOLOGY, **options)
    got = {
        "files": {name: data.decode() for name, data in sorted(members(archive).items())},
        "not_carried": [f"{v.location}: {v.message}" for v in stats.skipped],
        "items": stats.items,
        "objects": stats.objects,
    }
    golden = GOLDEN / f"{fmt}-{options.get('task', 'detect')}.json"
    if os.environ.get("ONTOLABEL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))
