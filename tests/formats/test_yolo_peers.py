"""Our YOLO exports read by datumaro's own importer (a test-only dependency: skipped where it
is not installed): the same images, splits, classes and boxes, in both layouts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_yolo_support import FileMedia, as_export, export, flat_ontology, read_tree, unpack_to

from corpus import corpus_path

LABEL_STUDIO = "label-studio-converter/tests/data/test_import_yolo_data"
CLASSES = ["closed_door", "opened_door", "bus", "number"]


def _ours(records: list[Any]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    return {
        (r.meta.get("subset", "train"), r.media[0].name.rsplit(".", 1)[0]): [
            (o.class_name, o.geometry.x1, o.geometry.y1, o.geometry.x2, o.geometry.y2)
            for a in r.annotations
            for o in a.document.objects
        ]
        for r in records
    }


@pytest.mark.parametrize("fmt", ["yolo", "ultralytics"])
def test_datumaro_reads_our_export(fmt: str, tmp_path: Path) -> None:
    datumaro = pytest.importorskip("datumaro")
    from datumaro.components.annotation import AnnotationType

    records, _ = read_tree(corpus_path(LABEL_STUDIO), "yolo", "fail")
    for record in records[:2]:
        record.meta = {"subset": "val"}
    media = FileMedia()
    archive, stats = export(as_export(records, media), fmt, flat_ontology(CLASSES), media)
    assert stats.skipped == []
    root = unpack_to(archive, tmp_path / fmt)
    dataset = datumaro.Dataset.import_from(str(root), "yolo")
    labels = dataset.categories()[AnnotationType.label]
    theirs = {
        (item.subset, item.id.split("/")[-1]): [
            (labels[a.label].name, a.x, a.y, a.x + a.w, a.y + a.h) for a in item.annotations
        ]
        for item in dataset
    }
    ours = _ours(records)
    assert sorted(theirs) == sorted(ours)
    for key, boxes in ours.items():
        assert [b[0] for b in theirs[key]] == [b[0] for b in boxes]
        for got, want in zip(theirs[key], boxes, strict=True):
            assert got[1:] == pytest.approx(want[1:], abs=1e-6)
