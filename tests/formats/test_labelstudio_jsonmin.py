"""Label Studio JSON-MIN rows read as the full export they came from.

The JSON-MIN files under golden/labelstudio/json_min were written by Label Studio's own
converter (label-studio-sdk, ``Converter.convert(..., "JSON_MIN")``) from the corpus files
named below, so each must give the objects the full export gives (JSON-MIN has no region ids
and no relations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import corpus_path
from ontolabel.core.geometry import Keypoints
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format

FORMAT = get_format("labelstudio")
MIN = Path(__file__).parent / "golden" / "labelstudio" / "json_min"

PAIRS = [
    (
        "test_export_json_min.json",
        "label-studio-converter/tests/data/test_export_json_min/data.json",
    ),
    ("data_obb.json", "label-studio-converter/tests/data/test_export_yolo/data_obb.json"),
    ("named_entity.json", "label-studio-frontend/examples/named_entity/annotations/1.json"),
    (
        "data_keypoints.json",
        "label-studio-sdk/tests/custom/converter/data/test_export_yolo/data_keypoints.json",
    ),
]


def points(record: ImportRecord) -> list[tuple[str, float, float]]:
    return sorted(
        (p.name, p.x, p.y)
        for a in record.annotations
        for o in a.document.objects
        if isinstance(o.geometry, Keypoints)
        for p in o.geometry.points
    )


def read(path: Path) -> list[ImportRecord]:
    policy = ErrorPolicy("collect")
    records = list(FORMAT.read(path, policy))
    assert policy.violations == []
    return records


def shapes(record: ImportRecord) -> list[tuple[str | None, list[tuple[str, object]]]]:
    return [
        (a.user, [(o.class_name, o.geometry) for o in a.document.objects])
        for a in record.annotations
    ]


@pytest.mark.parametrize(("json_min", "full"), PAIRS, ids=[p[0] for p in PAIRS])
def test_json_min_rows_give_the_objects_of_the_full_export(json_min: str, full: str) -> None:
    path = MIN / json_min
    detected = FORMAT.detect(path)
    assert detected.confidence >= 0.8 and "JSON-MIN" in detected.reason
    rows, tasks = read(path), read(corpus_path(full))
    assert len(rows) == len(tasks)
    for row, task in zip(rows, tasks, strict=True):
        assert row.external_id == task.external_id
        assert row.modality is task.modality and row.text == task.text
        assert [(m.name, m.width, m.height) for m in row.media] == [
            (m.name, m.width, m.height) for m in task.media
        ]
        if json_min == "data_keypoints.json":
            # JSON-MIN leaves out parentID: the points come without the pose that joins them
            assert points(row) == points(task) and len(points(row)) == 3
            assert [o.class_name for o in row.annotations[0].document.objects] == [
                "nose",
                "left_eye",
                "right_eye",
                "person",
            ]
            continue
        assert shapes(row) == shapes(task)
        assert row.annotations and all(a.document.relations == [] for a in row.annotations)
