"""The YOLO reader's bulk path (a label file of plain box lines read in one go) gives exactly
what the line-by-line path gives: the same objects (values, ids, the fields they were given;
a geometry's ``kind``, which is always written, aside), origins and reports, on random label
files with every kind of doubtful line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image
from test_yolo_support import read_tree

from ontolabel.formats import ImportRecord
from ontolabel.formats.yolo import reader

NAMES = ["car", "Fußgänger", "東京"]
DOUBTFUL = [
    "0 0.5 0.5 0.1",  # 4 fields
    "3 0.5 0.5 0.1 0.1",  # no such class
    "01 0.5 0.5 0.1 0.1",  # a class id the bulk path leaves to the line path
    "1.0 0.5 0.5 0.1 0.1",
    "1 0.5 0.5 -0.1 0.1",  # negative width
    "1 0.5 nan 0.1 0.1",
    "1 inf 0.5 0.1 0.1",
    "1 1e308 0.5 0.1 0.1",  # overflows once scaled to pixels
    "1 0.5 0.5 0.1 abc",
    "2 0.1 0.1 0.4 0.1 0.4 0.4",  # a polygon
    "",
    "   ",
]


def _box_line(rng: random.Random) -> str:
    values = [
        rng.choice([rng.random(), round(rng.random(), 3), 0, 1, 1.5, -0.25]) for _ in range(4)
    ]
    values[2], values[3] = abs(values[2]), abs(values[3])
    return " ".join([str(rng.randrange(len(NAMES))), *(str(v) for v in values)])


def _dataset(root: Path, rng: random.Random, files: int) -> None:
    data = root / "obj_train_data"
    data.mkdir(parents=True)
    (root / "obj.names").write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    sizes = [(64, 48), (33, 17)]
    for size in sizes:
        Image.new("RGB", size).save(root / f"{size[0]}.png")
    for i in range(files):
        (data / f"{i}.png").hardlink_to(root / f"{rng.choice(sizes)[0]}.png")
        lines = [_box_line(rng) for _ in range(rng.randrange(6))]
        if rng.random() < 0.3:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(DOUBTFUL))
        newline = rng.choice(["\n", "\r\n"])
        text = newline.join(lines) + rng.choice(["", newline])
        (data / f"{i}.txt").write_bytes(
            ("\ufeff" if rng.random() < 0.1 else "").encode() + text.encode()
        )


def _seen(records: list[ImportRecord]) -> list[object]:
    return [
        (
            r.external_id,
            [
                (
                    a.origins,
                    [
                        (
                            o.model_dump(),
                            sorted(o.model_fields_set),
                            sorted(o.geometry.model_fields_set - {"kind"}),
                        )
                        for o in a.document.objects
                    ],
                    sorted(a.document.model_fields_set),
                )
                for a in r.annotations
            ],
        )
        for r in records
    ]


@pytest.mark.parametrize("seed", range(4))
def test_the_bulk_path_reads_what_the_line_path_reads(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dataset(tmp_path, random.Random(seed), 150)
    bulk, bulk_policy = read_tree(tmp_path, "yolo")
    monkeypatch.setattr(reader, "_bulk_boxes", lambda *args: None)
    line, line_policy = read_tree(tmp_path, "yolo")
    assert _seen(bulk) == _seen(line)
    assert [str(v) for v in bulk_policy.violations] == [str(v) for v in line_policy.violations]
    objects = sum(len(a.document.objects) for r in line for a in r.annotations)
    assert len(line_policy.violations) > 10 and objects > 200
