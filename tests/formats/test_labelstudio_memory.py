"""Label Studio import and export stream: memory follows one task, not the file."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from format_builders import image

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, get_format

FORMAT = get_format("labelstudio")
TASKS = 800
BOXES = 25


def _result(n: int, k: int) -> dict[str, object]:
    return {
        "id": f"r{n}-{k}",
        "type": "rectanglelabels",
        "from_name": "box",
        "to_name": "image",
        "original_width": 640,
        "original_height": 480,
        "value": {
            "x": k % 90,
            "y": 5,
            "width": 5,
            "height": 5,
            "rotation": 0,
            "rectanglelabels": ["Car"],
        },
    }


def test_reading_a_large_export_holds_one_task_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("w") as f:
        f.write("[")
        for n in range(TASKS):
            task = {
                "id": n,
                "data": {"image": f"img{n}.jpg"},
                "annotations": [{"id": n, "result": [_result(n, k) for k in range(BOXES)]}],
            }
            f.write(("," if n else "") + json.dumps(task, indent=1))
        f.write("]")
    size = path.stat().st_size
    assert size > 6_000_000
    tracemalloc.start()
    try:
        count = objects = 0
        for record in FORMAT.read(path, ErrorPolicy()):
            count += 1
            objects += len(record.annotations[0].document.objects)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (count, objects) == (TASKS, TASKS * BOXES)
    assert peak < size / 8, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def _records() -> Iterator[ExportRecord]:
    for n in range(TASKS):
        boxes = [
            AnnotationObject(id=str(k), class_name="Car", geometry=Box(x1=k, y1=1, x2=k + 5, y2=9))
            for k in range(BOXES)
        ]
        yield ExportRecord(
            item_id=n + 1,
            external_id=str(n + 1),
            content=ItemContent(modality=Modality.IMAGE, media=[image(f"i{n}.jpg", 640, 480)]),
            annotations=[AnnotationRecord(document=Annotation(objects=boxes), user="ana")],
        )


class _Counter(io.RawIOBase):
    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        n = len(data)  # type: ignore[arg-type]
        self.size += n
        return n


def test_writing_a_large_export_goes_out_task_by_task() -> None:
    ontology = parse_ontology({"name": "n", "classes": [{"name": "Car"}]})
    out = _Counter()
    tracemalloc.start()
    try:
        stats = FORMAT.write(
            _records(),
            out,
            ontology=ontology,  # type: ignore[arg-type]
            options=FORMAT.parse_options({}),
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (stats.items, stats.objects) == (TASKS, TASKS * BOXES)
    assert out.size > 3_000_000
    assert peak < out.size / 8, f"peak {peak / 1e6:.1f} MB for {out.size / 1e6:.0f} MB written"
