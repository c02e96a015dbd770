"""YOLO label files written in batches: the same text as ``line`` writes box by box, the
same archive as the item by item way, in the items' order."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import PurePosixPath
from typing import Any

import pytest
from format_builders import image
from hypothesis import given
from hypothesis import strategies as st

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, get_format
from ontolabel.formats.archive import ZipTree
from ontolabel.formats.stored import StoredAnnotation, StoredRecord, StoredWriter
from ontolabel.formats.yolo.batch import BATCH_IMAGES, LabelBatch, box_files
from ontolabel.formats.yolo.lines import line
from ontolabel.formats.yolo.stored import plain_box_rows
from ontolabel.formats.yolo.writer import _stem_and_suffix

SIDES = st.sampled_from([1, 3, 7, 10, 640, 1000, 1920, 10_000, 1_000_000])
# values at the edges of the decades (the precision of %g changes there), tiny ones (%g would
# write an exponent), negative zero, the image's edges
SPECIAL = [0.0, -0.0, 1e-4, 1e-3, 1e-2, 0.1, 0.09999999999999999, 0.0001, 9.9999e-05, 1e-9]


def _expected(rows: list[Any], width: int, height: int) -> str:
    """The label file of ``line``, box by box (box_fields' arithmetic on Python numbers)."""
    text = []
    for i in range(0, len(rows), 5):
        class_id, x1, y1, x2, y2 = rows[i : i + 5]
        x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)  # as the model holds them
        fields = [(x1 + x2) / 2 / width, (y1 + y2) / 2 / height]
        fields += [(x2 - x1) / width, (y2 - y1) / height]
        text.append(line(class_id, fields) + "\n")
    return "".join(text)


@st.composite
def images(draw: st.DrawFn) -> tuple[list[Any], int, int]:
    """An image's size and plain boxes within it: random, at its edges, tiny, ints, -0.0."""
    width, height = draw(SIDES), draw(SIDES)

    def corner(side: int) -> Any:
        return draw(
            st.one_of(
                st.floats(0, side),
                st.sampled_from([*SPECIAL, side, side * 0.1, side * 1e-4, side / 3]),
                st.integers(0, side),
                st.integers(0, side * 10).map(lambda n: n / 10),
                st.booleans(),
            )
        )

    rows: list[Any] = []
    for _ in range(draw(st.integers(0, 6))):
        xs = sorted([corner(width), corner(width)])
        ys = sorted([corner(height), corner(height)])
        rows += (draw(st.integers(0, 120)), xs[0], ys[0], xs[1], ys[1])
    return rows, width, height


@given(st.lists(images(), max_size=8))
def test_batched_texts_are_the_lines_of_line(batch: list[tuple[list[Any], int, int]]) -> None:
    rows = [v for r, _, _ in batch for v in r]
    counts = [len(r) // 5 for r, _, _ in batch]
    sizes = [(w, h) for _, w, h in batch]
    expected = [_expected(r, w, h).encode() for r, w, h in batch]
    assert (box_files(rows, counts, sizes) if batch else []) == expected


def test_every_decade_and_the_values_between() -> None:
    generator = random.Random(7)
    values = [0.0, -0.0, 1.0] + [10.0**-k for k in range(1, 14)]
    values += [generator.uniform(0, 10.0**-k) for k in range(0, 8) for _ in range(50)]
    for width in (1, 3, 1920):
        rows: list[Any] = []
        for v in values:
            x = min(v * width, width)
            rows += (1, 0.0, 0.0, x, x)  # w and h are v (or as near as x / width gets)
        [text] = box_files(rows, [len(rows) // 5], [(width, width)])
        assert text == _expected(rows, width, width).encode()


def test_label_files_go_in_the_order_they_came() -> None:
    out = io.BytesIO()
    with ZipTree(out) as tree:
        batch = LabelBatch(tree, size=3)
        batch.add_boxes("a.txt", [0, 1.0, 1.0, 2.0, 3.0], 4, 4)
        batch.add_text("b.txt", "7 0.5 0.5 1 1\n")
        batch.add_boxes("c.txt", [], 4, 4)
        batch.add_boxes("d.txt", [2, 0.0, 0.0, 4.0, 4.0, 1, 0, 0, 1, 1], 4, 4)
        batch.flush()
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["a.txt", "b.txt", "c.txt", "d.txt"]
        assert archive.read("a.txt") == b"0 0.375 0.5 0.25 0.5\n"
        assert archive.read("b.txt") == b"7 0.5 0.5 1 1\n"
        assert archive.read("c.txt") == b""
        assert archive.read("d.txt") == b"2 0.5 0.5 1 1\n1 0.125 0.125 0.25 0.25\n"


BOX = {"kind": "box", "x1": 6.0, "y1": 4.0, "x2": 18.0, "y2": 24.0}
IDS = {"Car": 0, "Person": 1}


def _stored(**changes: Any) -> dict[str, Any]:
    found = {"id": "a", "class_name": "Car", "geometry": BOX, "attributes": {}, "media_index": 0}
    return {**found, **changes}


@pytest.mark.parametrize(
    ("objects", "rows"),
    [
        ([], []),
        ([_stored()], [0, 6.0, 4.0, 18.0, 24.0]),
        ([_stored(media_index=0.0), _stored(media_index=False)], [0, 6.0, 4.0, 18.0, 24.0] * 2),
        (
            [_stored(geometry={"kind": "box", "x1": 0, "y1": True, "x2": 60, "y2": 40.0})],
            [0, 0, True, 60, 40.0],
        ),
        ([_stored(class_name="Vehicle")], None),  # an inner class: reported
        ([_stored(class_name=["Car"])], None),
        ([_stored(id=1)], None),
        ([_stored(media_index=1)], None),
        ([_stored(attributes={"occluded": True})], None),
        ([_stored(track_id="t")], None),
        ([{k: v for k, v in _stored().items() if k != "attributes"}], None),
        ([_stored(geometry={**BOX, "kind": "rotated_box"})], None),
        ([_stored(geometry={**BOX, "angle": 0.0})], None),
        ([_stored(geometry={**BOX, "x1": "6"})], None),
        ([_stored(geometry={**BOX, "x1": None})], None),
        ([_stored(geometry={**BOX, "x1": float("nan")})], None),
        ([_stored(geometry={**BOX, "x2": float("inf")})], None),
        ([_stored(geometry={**BOX, "x1": -0.5})], None),  # reaches outside: clipped, reported
        ([_stored(geometry={**BOX, "x2": 60.5})], None),
        ([_stored(geometry={**BOX, "y2": 3.0})], None),  # upside down
        ([_stored(), "a box"], None),
        ([_stored(), None], None),
    ],
)
def test_plain_box_rows(objects: list[Any], rows: list[Any] | None) -> None:
    found = ["before"]
    assert plain_box_rows(objects, IDS, 60, 40, found) == (rows is not None)
    assert found == ["before", *(rows or [])]


def _raw_records(count: int, seed: int) -> list[dict[str, Any]]:
    """Stored documents of ``count`` items as storage might hold them: mostly plain boxes,
    some at or past the edges, upside down, with ints, inner or unknown classes, tracks."""
    generator = random.Random(seed)

    def corner(side: int) -> Any:
        return generator.choice(
            [
                round(generator.uniform(0, side), 1),
                generator.uniform(-2, side + 2),
                generator.randint(0, side),
                0.0,
                -0.0,
                float(side),
            ]
        )

    documents = []
    for _ in range(count):
        objects = []
        for k in range(generator.randint(0, 5)):
            x1, x2 = sorted([corner(60), corner(60)])
            y1, y2 = sorted([corner(40), corner(40)])
            if generator.random() < 0.05:
                x1, x2 = x2, x1
            found = _stored(
                id=str(k),
                class_name=generator.choice(["Car", "Car", "Person", "Vehicle", "Bus"]),
                geometry={"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2},
            )
            if generator.random() < 0.03:
                found["track_id"] = "t"
            objects.append(found)
        documents.append({"objects": objects, "relations": []})
    return documents


@pytest.mark.parametrize("clip", [True, False])
def test_stored_boxes_give_the_archive_of_their_models(ontology: Ontology, clip: bool) -> None:
    # more items than a batch holds, so that batches end between them
    documents = _raw_records(BATCH_IMAGES + 40, seed=3)
    media = [image(f"{i}.jpg", 60, 40) for i in range(len(documents))]
    content = [ItemContent(modality=Modality.IMAGE, media=[m]) for m in media]
    models = [
        ExportRecord(
            item_id=i,
            external_id=str(i),
            content=content[i],
            annotations=[AnnotationRecord(document=Annotation.model_validate(d))],
        )
        for i, d in enumerate(documents)
    ]
    stored = [
        StoredRecord(
            item_id=i,
            external_id=str(i),
            content=content[i],
            annotations=[StoredAnnotation(document=d)],
        )
        for i, d in enumerate(documents)
    ]
    writer = get_format("yolo")
    assert isinstance(writer, StoredWriter)
    options = writer.parse_options({"clip": clip})
    core, from_json = io.BytesIO(), io.BytesIO()
    core_stats = writer.write(models, core, ontology=ontology, options=options)
    json_stats = writer.write_stored(stored, from_json, ontology=ontology, options=options)
    assert from_json.getvalue() == core.getvalue()
    assert json_stats == core_stats
    assert json_stats.skipped  # the reports are there, in the same order


@pytest.mark.parametrize(
    "rows",
    [
        [1, -0.0, 0.0, -0.0, 0.0],  # cx and w are -0.0: "0", not "-0"
        [2, 0.0, 0.0, 0.001, 0.001],  # w = 1e-6: no exponent
        [3, 0.0, 0.0, 10.0, 10.0, 1, 0.0, 0.0, 1e-3, 5.0],
    ],
)
def test_negative_zero_and_tiny_values_are_written_as_line_writes_them(rows: list[Any]) -> None:
    counts = [len(rows) // 5, 1]
    assert box_files([*rows, 0, 1.0, 1.0, 2.0, 2.0], counts, [(10, 10), (10, 10)]) == [
        _expected(rows, 10, 10).encode(),
        b"0 0.15 0.15 0.1 0.1\n",
    ]


def test_values_a_half_from_the_twelfth_decimal_round_as_twelve_decimals_do() -> None:
    # 2^-k * 10^12 ends in .5 exactly for k >= 13: these take %.12f's own rounding
    generator = random.Random(11)
    values = [2.0**-k for k in range(1, 60)]
    values += [generator.randrange(1, 2**k, 2) / 2**k for k in range(13, 50) for _ in range(20)]
    values += [(n + 0.5) / 1e12 for n in range(0, 10**12, 10**12 // 997)]
    rows: list[Any] = []
    for v in values:
        rows += (0, 0.0, 0.0, v, v)  # w and h are v / 1: the value itself
    [text] = box_files(rows, [len(values)], [(1, 1)])
    assert text == _expected(rows, 1, 1).encode()


@pytest.mark.parametrize("class_id", [0, 9, 10, 99_999_999, 100_000_000, 12_345_678_901])
def test_class_ids_of_any_size(class_id: int) -> None:
    rows = [class_id, 1.0, 1.0, 2.0, 3.0, 10, 0.0, 0.0, 4.0, 4.0]
    assert box_files(rows, [2], [(4, 4)]) == [_expected(rows, 4, 4).encode()]


@given(st.text(alphabet="ab./東", max_size=12))
def test_stem_and_suffix_are_the_paths(name: str) -> None:
    path = PurePosixPath(name)
    if path.parts and not path.is_absolute() and path.name not in ("", ".", ".."):
        assert _stem_and_suffix(name) == (path.with_suffix("").as_posix(), path.suffix)


class _Store:
    def __init__(self, blobs: dict[str, bytes]):
        self.blobs = blobs

    def open(self, sha256: str) -> io.BytesIO:
        return io.BytesIO(self.blobs[sha256])


def test_images_and_their_label_files_keep_their_order(ontology: Ontology) -> None:
    media = [image(f"{i}.jpg", 60, 40, sha=str(i)) for i in range(3)]
    stored = [
        StoredRecord(
            item_id=i,
            external_id=str(i),
            content=ItemContent(modality=Modality.IMAGE, media=[m]),
            annotations=[StoredAnnotation(document={"objects": [_stored()], "relations": []})],
        )
        for i, m in enumerate(media)
    ]
    writer = get_format("yolo")
    assert isinstance(writer, StoredWriter)
    out = io.BytesIO()
    store = _Store({m.sha256: f"pixels {i}".encode() for i, m in enumerate(media)})
    stats = writer.write_stored(
        stored, out, ontology=ontology, options=writer.parse_options({}), media=store
    )
    assert stats.skipped == []
    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.startswith("obj_train_data/")]
        expected = [f"{i}.{suffix}" for i in range(3) for suffix in ("jpg", "txt")]
        assert names == [f"obj_train_data/{name}" for name in expected]
        assert archive.read("obj_train_data/2.txt") == b"0 0.2 0.35 0.2 0.5\n"
