"""The objects table: what it cannot carry is reported, bad rows are located precisely,
tables made by hand import, and the writers stream."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from format_builders import image, image_record, obj

from ontolabel.core.annotation import Annotation, Relation
from ontolabel.core.geometry import Box, Span
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ExportRecord, ImportRecord, get_format

BOX = {"kind": "box", "x1": 0, "y1": 0, "x2": 4, "y2": 2}


def export(fmt_name: str, ontology: Ontology, recs: Any, **options: Any) -> tuple[bytes, Any]:
    fmt = get_format(fmt_name)
    out = io.BytesIO()
    stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options(options))
    return out.getvalue(), stats


def read(fmt: str, path: Path, mode: str = "collect") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format(fmt).read(path, policy)), policy


def csv_table(tmp_path: Path, ontology: Ontology) -> tuple[Path, list[str]]:
    """Our export of three images (two objects on the first), as CSV lines."""
    recs = [
        image_record(1, [obj("a", "Car", BOX), obj("b", "Person", BOX)]),
        image_record(2, [obj("c", "Car", BOX)]),
        image_record(3, [obj("d", "Car", BOX)]),
    ]
    data, _ = export("csv", ontology, recs)
    path = tmp_path / "objects.csv"
    path.write_bytes(data)
    return path, data.decode().splitlines()


def test_what_a_table_cannot_carry_is_reported(ontology: Ontology) -> None:
    record = image_record(
        1,
        [
            obj("a", "Car", BOX, attributes={"colour": "red"}),
            obj("b", "Person", BOX, attributes={"occluded": "yes"}),
        ],
    )
    document = Annotation(
        objects=record.annotations[0].document.objects,
        relations=[Relation(id="r", name="drives", source="b", target="a")],
    )
    empty = image_record(2, [], user="bo")
    with_relation = ExportRecord(
        item_id=1,
        external_id="img-1",
        content=record.content,
        annotations=[record.annotations[0].__class__(document=document, user="ana")],
    )
    _, stats = export("csv", ontology, [with_relation, empty])
    found = [(v.location.item, v.location.path, v.message) for v in stats.skipped]
    assert found == [
        (
            "img-1",
            "annotations[0].relations[0]",
            "relation 'drives' (b -> a): a table of objects cannot hold relations",
        ),
        (
            "img-1",
            "annotations[0].objects[0].attributes.colour",
            "attribute 'colour' of Car is not in the ontology: the table has no column for it",
        ),
        (
            "img-1",
            "annotations[0].objects[1].attributes.occluded",
            "attribute 'occluded' = 'yes' does not fit its column 'attr.occluded' (bool)",
        ),
        ("img-2", None, "bo's annotation has no objects: the table has no row for it"),
    ]
    assert stats.objects == 2  # the objects themselves are written


def test_bad_cells_are_reported_with_line_and_column(tmp_path: Path, ontology: Ontology) -> None:
    path, lines = csv_table(tmp_path, ontology)
    header = lines[0].split(",")
    rows = [line.split(",", len(header) - 1) for line in lines[1:]]
    x1 = header.index("x1")
    rows[1][x1] = "four"  # line 3: item img-1, its second object
    rows[2][x1] = "1.5"  # line 4: disagrees with the geometry JSON
    path.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    records, policy = read("csv", path)
    assert [str(v.location) + ": " + v.message for v in policy.violations] == [
        "objects.csv:3, item img-1, x1: x1 must be a number, got 'four'",
        "objects.csv:4, item img-2, x1: x1 is 1.5 but the geometry gives 0.0: edit the geometry "
        "JSON, or clear the geometry cell to build it from the columns",
    ]
    # the items with a bad row are skipped whole; the good one goes on
    assert [r.external_id for r in records] == ["img-3"]
    with pytest.raises(FormatError, match="2 problems, nothing was imported"):
        read("csv", path, "fail")[1].raise_if_failed("objects.csv")


def test_rows_of_an_item_must_be_together(tmp_path: Path, ontology: Ontology) -> None:
    path, lines = csv_table(tmp_path, ontology)
    # img-1's second row moved after img-2
    path.write_text("\n".join([lines[0], lines[1], lines[3], lines[2], lines[4]]) + "\n")
    records, policy = read("csv", path)
    (violation,) = policy.violations
    assert str(violation.location) == "objects.csv:4, item img-1"
    assert "the rows of item 'img-1' are not together (it also has rows at objects.csv:2)" in (
        violation.message
    )
    assert [r.external_id for r in records] == ["img-1", "img-2", "img-3"]
    assert len(records[0].annotations[0].document.objects) == 1


@pytest.mark.parametrize(
    ("edit", "column", "message"),
    [
        (
            {"geometry": '{"kind": "box", "x1": 0}'},
            "geometry",
            "not a geometry: Field required at box.y1",
        ),
        ({"geometry": "{nope"}, "geometry", "geometry is not valid JSON"),
        ({"status": "done"}, "status", "status must be draft or submitted, got 'done'"),
        ({"modality": "smell"}, "modality", "modality must be one of"),
        (
            {"geometry_kind": "polygon"},
            "geometry_kind",
            "geometry_kind says 'polygon', the geometry is a box",
        ),
        ({"class": ""}, "class", "the class is empty"),
        ({"attr.occluded": "maybe"}, "attr.occluded", ""),
    ],
)
def test_each_bad_cell_says_why(
    tmp_path: Path, ontology: Ontology, edit: dict[str, str], column: str, message: str
) -> None:
    path, _ = csv_table(tmp_path, ontology)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for key, value in edit.items():
        df.loc[2, key] = value  # line 4 (img-2)
    df.to_csv(path, index=False)
    records, policy = read("csv", path)
    if column == "attr.occluded":
        # a value of the wrong type is the ontology's to refuse (it knows the type): read as text
        assert policy.violations == []
        assert records[1].annotations[0].document.objects[0].attributes == {"occluded": "maybe"}
        return
    (violation,) = policy.violations
    assert (violation.location.line, violation.location.item, violation.location.path) == (
        4,
        "img-2",
        column,
    )
    assert message in violation.message
    assert [r.external_id for r in records] == ["img-1", "img-3"]


def test_tables_that_are_not_objects_tables_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,score\na,1\n")
    with pytest.raises(FormatError, match="no class, no geometry or geometry_kind, no external_id"):
        read("csv", path)
    assert get_format("csv").detect(path).confidence < 0.5
    path.write_text("")
    with pytest.raises(FormatError, match="the file is empty"):
        read("csv", path)
    path.write_bytes(b"external_id,class,geometry_kind\n\xff\xfe,Car,tag\n")
    with pytest.raises(FormatError, match="not UTF-8") as err:
        read("csv", path)
    assert err.value.location is not None and err.value.location.line == 2


def test_a_column_the_table_does_not_have_is_reported(tmp_path: Path, ontology: Ontology) -> None:
    path, _ = csv_table(tmp_path, ontology)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["notes"] = "check"
    df.to_csv(path, index=False)
    records, policy = read("csv", path)
    (violation,) = policy.violations
    assert (violation.location.line, violation.location.path) == (1, "notes")
    assert "column 'notes' is not a column of the objects table" in violation.message
    assert len(records) == 3


def test_a_table_made_by_hand_imports(tmp_path: Path) -> None:
    # no geometry JSON, no ids: boxes and spans from their columns, Excel's byte-order mark
    path = tmp_path / "hand.csv"
    path.write_bytes(
        "\ufeffexternal_id,media_name,class,geometry_kind,x1,y1,x2,y2,span_start,span_end,span_text\n"
        "p1,東京.jpg,Car,box,1,2,3,4,,,\n"
        "p1,東京.jpg,Car,box,5,6,7,8,,,\n"
        'd1,,Person,span,,,,,0,3,"Ana"\n'.encode()
    )
    assert get_format("csv").detect(path).confidence == 0.7  # no object_id: less sure
    records, policy = read("csv", path)
    assert policy.violations == []
    (photo, doc) = records
    assert [o.geometry for o in photo.annotations[0].document.objects] == [
        Box(x1=1, y1=2, x2=3, y2=4),
        Box(x1=5, y1=6, x2=7, y2=8),
    ]
    assert [o.id for o in photo.annotations[0].document.objects] == ["1", "2"]
    assert (
        photo.media[0].name == "東京.jpg" and next(photo.media[0].paths()) == tmp_path / "東京.jpg"
    )
    assert doc.annotations[0].document.objects[0].geometry == Span(start=0, end=3, text="Ana")
    # no modality column: the geometry kind tells it
    assert (photo.modality, doc.modality) == ("image", "text")


def test_parquet_problems_name_the_row_index_and_column(tmp_path: Path, ontology: Ontology) -> None:
    recs = [image_record(i, [obj("a", "Car", BOX)]) for i in range(1, 4)]
    data, _ = export("parquet", ontology, recs)
    path = tmp_path / "objects.parquet"
    path.write_bytes(data)
    df = pd.read_parquet(path)
    df.loc[1, "geometry"] = '{"kind": "box"'
    df.loc[2, "x2"] = 9.0
    df.to_parquet(path)  # as an analyst would write it back: pandas' own schema
    records, policy = read("parquet", path)
    assert [str(v.location) + ": " + v.message.split(":")[0] for v in policy.violations] == [
        "objects.parquet, item img-2, row 1, column geometry: not valid JSON",
        "objects.parquet, item img-3, row 2, column x2: x2 is 9.0 but the geometry gives 4.0",
    ]
    assert [r.external_id for r in records] == ["img-1"]
    assert records[0].annotations[0].document.objects[0].geometry == Box(
        **{k: v for k, v in BOX.items() if k != "kind"}
    )


def test_parquet_with_a_column_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "objects.parquet"
    pd.DataFrame(
        {
            "external_id": ["a"],
            "class": ["Car"],
            "geometry_kind": ["tag"],
            "x1": ["left"],
            "object_id": ["1"],
        }
    ).to_parquet(path)
    assert get_format("parquet").detect(path).confidence >= 0.5
    with pytest.raises(
        FormatError, match="column 'x1' is string; the objects table has float there"
    ):
        read("parquet", path)
    path.write_bytes(b"PAR1 not really")
    assert get_format("parquet").detect(path).confidence == 0
    with pytest.raises(FormatError, match="not a readable Parquet file"):
        read("parquet", path)


def test_parquet_is_written_in_row_groups(ontology: Ontology, tmp_path: Path) -> None:
    recs = [image_record(i, [obj(str(k), "Car", BOX) for k in range(3)]) for i in range(1, 11)]
    data, stats = export("parquet", ontology, recs, row_group_rows=7)
    path = tmp_path / "objects.parquet"
    path.write_bytes(data)
    meta = pq.ParquetFile(path).metadata
    assert stats.objects == meta.num_rows == 30
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [7, 7, 7, 7, 2]
    records, policy = read("parquet", path, "fail")
    assert policy.violations == [] and len(records) == 10


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_writers_stream(fmt: str, ontology: Ontology) -> None:
    # the CSV has each item's rows before the next item is produced; the Parquet writer
    # holds one row group at most
    out = io.BytesIO()
    sizes: list[int] = []

    def produce() -> Iterator[ExportRecord]:
        for i in range(1, 5):
            sizes.append(len(out.getvalue()))
            yield image_record(i, [obj("a", "Car", BOX)])

    f = get_format(fmt)
    options = f.parse_options({"row_group_rows": 2} if fmt == "parquet" else None)
    f.write(produce(), out, ontology=ontology, options=options)
    if fmt == "csv":
        assert sizes[0] < sizes[1] < sizes[2] < sizes[3]
    else:
        assert sizes[0] == sizes[1] < sizes[2] == sizes[3]  # a group is out every two items


def test_detection(tmp_path: Path, ontology: Ontology) -> None:
    data, _ = export("csv", ontology, [image_record(1, [obj("a", "Car", BOX)])])
    (tmp_path / "t.csv").write_bytes(data)
    pdata, _ = export("parquet", ontology, [image_record(1, [obj("a", "Car", BOX)])])
    (tmp_path / "t.parquet").write_bytes(pdata)
    from ontolabel.formats import detect_format

    assert detect_format(tmp_path / "t.csv").name == "csv"
    assert detect_format(tmp_path / "t.parquet").name == "parquet"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_large_mask_goes_through_whole(fmt: str, ontology: Ontology, tmp_path: Path) -> None:
    # a noisy 700x700 mask: its RLE string is longer than the csv module's 128 KiB cell limit
    pixels = np.random.default_rng(4).random((700, 700)) > 0.5
    mask = rle_encode(pixels)
    assert len(mask.counts) > 131072
    record = image_record(
        1, [obj("m", "Vehicle", mask.model_dump())], media=image("big.png", 700, 700)
    )
    data, stats = export(fmt, ontology, [record])
    path = tmp_path / f"objects.{fmt}"
    path.write_bytes(data)
    (back,), policy = read(fmt, path, "fail")
    assert policy.violations == []
    assert back.annotations[0].document.objects[0].geometry == mask
    assert read_frame_area(path) == int(pixels.sum())


def read_frame_area(path: Path) -> float:
    df = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    return float(df.loc[0, "area"])
