"""The objects table (CSV and Parquet): what each row holds, read by pandas, and read back.

pandas is the reader analysts use: it must find the same objects, measures and typed
attributes in both files; and reading our own table back must give the same annotations.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from format_builders import image, square

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, WriteStats, get_format

ONTOLOGY: dict[str, Any] = {
    "name": "table",
    "classes": [
        {
            "name": "Véhicule",
            "geometry": {"image": ["box", "rotated_box", "polygon", "mask"]},
            "attributes": [
                {"name": "occluded", "type": "bool"},
                {"name": "rating", "type": "enum", "options": ["1", "2", "true"]},
                {"name": "weight", "type": "float", "unit": "kg"},
                {"name": "tags", "type": "multi_enum", "options": ["a", "b,c"]},
            ],
        },
        {"name": "東京", "parent": "Véhicule"},
        {
            "name": "Person",
            "geometry": {"image": ["keypoints", "polyline"], "text": ["span"]},
            "attributes": [
                {"name": "note", "type": "text"},
                {"name": "seen", "type": "date"},
                {"name": "dose", "type": "float", "units": ["mg", "mL"]},
            ],
        },
        {
            "name": "Speech",
            "geometry": {"audio": ["interval"], "video": ["track"], "pointcloud": ["cuboid"]},
            "attributes": [{"name": "note", "type": "int"}],
        },
        {"name": "Topic", "geometry": {"text": ["tag"]}},
    ],
}
TEXT = 'Order "Blue Star XTC" today. Köln'


@pytest.fixture()
def table_ontology() -> Ontology:
    return parse_ontology(ONTOLOGY)


def o(oid: str, cls: str, geometry: dict[str, Any], **extra: Any) -> AnnotationObject:
    return AnnotationObject.model_validate(
        {"id": oid, "class_name": cls, "geometry": geometry, **extra}
    )


def record(
    item_id: int,
    content: ItemContent,
    objects: list[AnnotationObject],
    *,
    external_id: str | None = None,
    user: str | None = "ana",
    more: list[AnnotationRecord] = (),  # type: ignore[assignment]
    relations: list[Relation] = (),  # type: ignore[assignment]
) -> ExportRecord:
    document = Annotation(objects=objects, relations=list(relations))
    return ExportRecord(
        item_id=item_id,
        external_id=external_id if external_id is not None else f"item-{item_id}",
        content=content,
        annotations=[AnnotationRecord(document=document, user=user), *more],
    )


def media(modality: Modality, name: str, sha: str) -> MediaInfo:
    return MediaInfo(modality=modality, mime="x/y", sha256=sha * 64, size=10, name=name)


def records() -> list[ExportRecord]:
    photo = ItemContent(modality=Modality.IMAGE, media=[image("café 東京.jpg", 60, 40)])
    shapes = [
        o(
            "b",
            "東京",
            {"kind": "box", "x1": 2, "y1": 3, "x2": 12, "y2": 8},
            attributes={
                "occluded": True,
                "rating": "1",
                "weight": 2.5,
                "tags": ["a", "b,c"],
            },
            track_id="t1",
            entity_id="e1",
            score=0.75,
        ),
        o(
            "two",
            "Véhicule",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square(10, 10, 20, 20)},
                    {"exterior": square(40, 5, 50, 15)},
                ],
            },
            attributes={"rating": "true", "occluded": False},
        ),
        o(
            "holed",
            "Véhicule",
            {
                "kind": "polygon",
                "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
            },
        ),
        o(
            "r",
            "Véhicule",
            {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 20, "h": 10, "angle": 90},
        ),
        o("m", "Véhicule", {"kind": "mask", "height": 4, "width": 3, "counts": "525"}),
        o(
            "k",
            "Person",
            {
                "kind": "keypoints",
                "points": [{"name": "head", "x": 30, "y": 5}, {"name": "hip", "x": 34, "y": 20}],
            },
            attributes={"note": "", "seen": "2024-02-29", "dose": {"value": 500, "unit": "mg"}},
        ),
        o(
            "l",
            "Person",
            {"kind": "polyline", "points": [(0, 0), (3, 4)]},
            attributes={"note": "12"},
        ),
    ]
    bo = AnnotationRecord(
        document=Annotation(
            objects=[o("x", "東京", {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1})]
        ),
        user="bo",
        status="draft",
        revision=3,
        source="model",
    )
    text = ItemContent(modality=Modality.TEXT, text=TEXT)
    audio = ItemContent(modality=Modality.AUDIO, media=[media(Modality.AUDIO, "talk.wav", "c")])
    video = ItemContent(modality=Modality.VIDEO, media=[media(Modality.VIDEO, "clip.mp4", "d")])
    cloud = ItemContent(
        modality=Modality.POINTCLOUD, media=[media(Modality.POINTCLOUD, "s.pcd", "e")]
    )
    return [
        record(1, photo, shapes, more=[bo]),
        record(
            2,
            text,
            [
                o(
                    "s",
                    "Person",
                    {"kind": "span", "start": 7, "end": 16, "text": "Blue Star"},
                    attributes={"note": 'line\nbreak, "quoted"'},
                ),
                o("c", "Person", {"kind": "span", "start": 29, "end": 33, "text": "Köln"}),
                o("d", "Topic", {"kind": "tag"}),
            ],
            external_id="12",
            user=None,
        ),
        record(
            3,
            audio,
            [
                o(
                    "i",
                    "Speech",
                    {
                        "kind": "interval",
                        "start": 0.25,
                        "end": 1.5,
                        "transcript": "hé",
                        "speaker": "A",
                    },
                    attributes={"note": 3},
                )
            ],
        ),
        record(
            4,
            video,
            [
                o(
                    "t",
                    "Speech",
                    {
                        "kind": "track",
                        "keyframes": [
                            {
                                "frame": 2,
                                "shape": {"kind": "box", "x1": 0, "y1": 0, "x2": 5, "y2": 5},
                            },
                            {
                                "frame": 9,
                                "shape": {"kind": "box", "x1": 1, "y1": 1, "x2": 6, "y2": 6},
                                "outside": True,
                            },
                        ],
                    },
                    track_id="car-1",
                )
            ],
        ),
        record(
            5,
            cloud,
            [
                o(
                    "q",
                    "Speech",
                    {
                        "kind": "cuboid",
                        "x": 1,
                        "y": 2,
                        "z": 0.5,
                        "length": 4,
                        "width": 2,
                        "height": 1.5,
                        "yaw": 0.1,
                    },
                )
            ],
        ),
    ]


def export(
    fmt_name: str, ontology: Ontology, recs: list[ExportRecord], tmp_path: Path, **options: Any
) -> tuple[Path, WriteStats]:
    fmt = get_format(fmt_name)
    out = io.BytesIO()
    stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options(options))
    path = tmp_path / f"objects{fmt.extension}"
    path.write_bytes(out.getvalue())
    return path, stats


def read_frame(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"external_id": str})
    return pd.read_parquet(path)


FORMATS = ["csv", "parquet"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pandas_finds_every_object_and_its_measures(
    fmt: str, table_ontology: Ontology, tmp_path: Path
) -> None:
    path, stats = export(fmt, table_ontology, records(), tmp_path)
    df = read_frame(path)
    assert stats.items == 5 and stats.objects == len(df) == 14
    assert list(df["object_id"]) == [
        "b",
        "two",
        "holed",
        "r",
        "m",
        "k",
        "l",
        "x",
        "s",
        "c",
        "d",
        "i",
        "t",
        "q",
    ]
    rows = df.set_index(["item_id", "annotator", "object_id"], drop=False)
    rows = df.set_index("object_id")
    # one object of two squares: its box and area from every part, not the first
    two = rows.loc["two"]
    assert (two.x1, two.y1, two.x2, two.y2, two.area, two.points) == (10, 5, 50, 20, 200, 8)
    assert rows.loc["holed"].area == 300  # the hole is subtracted
    r = rows.loc["r"]  # rotated 90 degrees: the hull is 10 wide and 20 high
    assert (r.x1, r.y1, r.x2, r.y2, r.area, r.angle_deg) == pytest.approx((25, 10, 35, 30, 200, 90))
    m = rows.loc["m"]  # "525": 5 background pixels, then 2 foreground, in a 4x3 mask
    assert (m.area, m.x1, m.y1, m.x2, m.y2) == (2, 1, 1, 2, 3)
    assert (rows.loc["k"].points, rows.loc["l"].line_length) == (2, 5)
    # text in code points; the item's external id "12" stays text
    c = rows.loc["c"]
    assert (c.external_id, c.modality, c.span_start, c.span_end, c.span_text) == (
        "12",
        "text",
        29,
        33,
        "Köln",
    )
    assert TEXT[29:33] == "Köln"
    assert rows.loc["s"]["attr.note"] == 'line\nbreak, "quoted"'
    i = rows.loc["i"]
    assert (i.start_s, i.end_s, i.transcript, i.speaker) == (0.25, 1.5, "hé", "A")
    t = rows.loc["t"]
    assert (t.first_frame, t.last_frame, t.keyframes, t.track_id) == (2, 9, 2, "car-1")
    q = rows.loc["q"]
    assert (q.x_m, q.length_m, q.height_m, q.yaw_rad) == (1, 4, 1.5, 0.1)
    # identity, annotation and class hierarchy columns; non-ASCII names as they were
    b = rows.loc["b"]
    assert (b["class"], b.class_path, b.media_name) == ("東京", "Véhicule > 東京", "café 東京.jpg")
    assert (b.track_id, b.entity_id, b.score, b.media_width, b.media_height) == (
        "t1",
        "e1",
        0.75,
        60,
        40,
    )
    x = rows.loc["x"]
    assert (x.annotator, x.status, x.revision, x.source) == ("bo", "draft", 3, "model")
    assert pd.isna(rows.loc["s"].annotator)  # the importing user
    # the weight's unit is in its column's name; a dose's unit is a column of its own
    assert b["attr.weight[kg]"] == 2.5
    k = rows.loc["k"]
    assert (k["attr.dose"], k["attr.dose.unit"]) == (500, "mg")


def test_parquet_columns_are_typed_from_the_ontology(
    table_ontology: Ontology, tmp_path: Path
) -> None:
    path, _ = export("parquet", table_ontology, records(), tmp_path)
    schema = pq.read_schema(path)
    types = {f.name: str(f.type) for f in schema}
    assert types["attr.occluded"] == "bool"
    assert types["attr.weight[kg]"] == "double"
    assert types["attr.tags"] == "list<element: string>"
    assert types["attr.seen"] == "date32[day]"
    assert types["attr.rating"] == "string" and types["item_id"] == "int64"
    # 'note' is text for Person and a number for Speech: one column of JSON values
    assert types["attr.note"] == "string"
    assert schema.field("attr.note").metadata == {b"ontolabel.encoding": b"cell"}
    df = pd.read_parquet(path).set_index("object_id")
    assert df.loc["b"]["attr.occluded"] is True or df.loc["b"]["attr.occluded"] == True  # noqa: E712
    assert list(df.loc["b"]["attr.tags"]) == ["a", "b,c"]
    assert df.loc["k"]["attr.seen"] == date(2024, 2, 29)


def test_csv_cells_keep_text_that_looks_like_numbers_apart(
    table_ontology: Ontology, tmp_path: Path
) -> None:
    path, _ = export("csv", table_ontology, records(), tmp_path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("object_id")
    # a text "12" or an enum option "1" is written as a JSON string, a number as a number
    assert (df.loc["l"]["attr.note"], df.loc["i"]["attr.note"]) == ('"12"', "3")
    assert (df.loc["b"]["attr.rating"], df.loc["two"]["attr.rating"]) == ('"1"', '"true"')
    assert (df.loc["b"]["attr.occluded"], df.loc["k"]["attr.note"]) == ("true", '""')
    assert df.loc["b"]["attr.tags"] == '["a", "b,c"]'
    assert df.loc["k"]["attr.seen"] == "2024-02-29"
    assert path.read_bytes().decode("utf-8").startswith("item_id,external_id,")


def objects_of(recs: list[Any]) -> list[tuple[Any, ...]]:
    """What an annotation says, in a comparable form (item, annotator, fields, objects)."""
    found = []
    for r in recs:
        for a in r.annotations:
            found.append(
                (
                    r.external_id,
                    a.user,
                    a.status,
                    a.revision,
                    a.source,
                    [o.model_dump() for o in a.document.objects],
                )
            )
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_read_back_gives_the_same_annotations(
    fmt: str, table_ontology: Ontology, tmp_path: Path
) -> None:
    original = records()
    path, stats = export(fmt, table_ontology, original, tmp_path)
    policy = ErrorPolicy("fail")
    back = list(get_format(fmt).read(path, policy))
    assert policy.violations == [] and stats.skipped == []
    assert [r.external_id for r in back] == ["item-1", "12", "item-3", "item-4", "item-5"]
    assert [r.modality for r in back] == [r.content.modality for r in original]
    mine, theirs = objects_of(back), objects_of(original)
    # a date attribute comes back as its ISO text (which date attributes take), as in JSON
    assert mine == theirs
    photo = back[0].media[0]
    assert (photo.name, photo.sha256, photo.width, photo.height) == (
        "café 東京.jpg",
        "a" * 64,
        60,
        40,
    )
    assert back[1].media == [] and back[1].text is None
    # and the file it writes again is the same, byte for byte
    again = [
        ExportRecord(
            item_id=i + 1,
            external_id=r.external_id,
            content=original[i].content,
            annotations=r.annotations,
        )
        for i, r in enumerate(back)
    ]
    (tmp_path / "again").mkdir()
    second, _ = export(fmt, table_ontology, again, tmp_path / "again")
    if fmt == "csv":
        assert second.read_bytes() == path.read_bytes()
    else:
        assert pq.read_table(second).equals(pq.read_table(path))


def test_csv_and_parquet_hold_the_same_table(table_ontology: Ontology, tmp_path: Path) -> None:
    csv_path, _ = export("csv", table_ontology, records(), tmp_path)
    parquet_path, _ = export("parquet", table_ontology, records(), tmp_path)
    from_csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    from_parquet = pd.read_parquet(parquet_path)
    assert list(from_csv.columns) == list(from_parquet.columns)
    measures = ["x1", "y1", "x2", "y2", "area", "span_start", "span_end", "start_s", "x_m"]
    for column in ["object_id", "class", "class_path", "geometry_kind", "annotator", *measures]:
        as_text = [
            "" if pd.isna(v) else (repr(float(v)) if column in measures else str(v))
            for v in from_parquet[column]
        ]
        written = [repr(float(v)) if v and column in measures else v for v in from_csv[column]]
        assert written == as_text, column
    assert list(from_csv["geometry"]) == list(from_parquet["geometry"])


COCO_FILES = [
    "labelme/examples/instance_segmentation/data_dataset_coco/annotations.json",
    "datumaro/tests/assets/coco_dataset/coco_person_keypoints/annotations/person_keypoints_val.json",
    "datumaro/tests/assets/coco_dataset/coco_stuff/annotations/stuff_val.json",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("relative", COCO_FILES)
def test_other_projects_labels_go_through_the_table_unchanged(
    fmt: str, relative: str, tmp_path: Path
) -> None:
    # labelme's polygons, datumaro's keypoints and uncompressed RLE masks: read as COCO,
    # written as a table, read back
    source = corpus_path(relative)
    policy = ErrorPolicy("fail")
    imported = list(get_format("coco").read(source, policy))
    assert policy.violations == []
    # the ontology those files imply: their classes, and their attributes typed by value
    classes: dict[str, dict[str, str]] = {}
    for o in (o for r in imported for a in r.annotations for o in a.document.objects):
        attributes = classes.setdefault(o.class_name, {})
        for name, value in o.attributes.items():
            attributes[name] = {bool: "bool", int: "int", float: "float"}.get(type(value), "text")
    kinds = ["box", "polygon", "mask", "keypoints"]
    ontology = parse_ontology(
        {
            "name": "c",
            "classes": [
                {
                    "name": c,
                    "geometry": {"image": kinds},
                    "attributes": [{"name": n, "type": t} for n, t in attributes.items()],
                }
                for c, attributes in classes.items()
            ],
        }
    )
    as_records = [
        ExportRecord(
            item_id=i + 1,
            external_id=r.external_id,
            content=ItemContent(
                modality=r.modality,
                media=[image(m.name, m.width or 1, m.height or 1, sha=str(i)) for m in r.media],
            ),
            annotations=r.annotations,
        )
        for i, r in enumerate(imported)
    ]
    path, stats = export(fmt, ontology, as_records, tmp_path)
    back = list(get_format(fmt).read(path, policy))
    assert policy.violations == [] and stats.skipped == []
    objects = sum(len(a.document.objects) for r in imported for a in r.annotations)
    assert stats.objects == objects > 0
    assert [(r.external_id, r.media[0].name) for r in back] == [
        (r.external_id, r.media[0].name) for r in imported if r.annotations
    ]
    mine = [o for r in back for a in r.annotations for o in a.document.objects]
    theirs = [o for r in imported for a in r.annotations for o in a.document.objects]
    assert mine == theirs


FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-x", "@SUM(A1)", "\tx", "'=x", "''-1", "'a"]


def test_csv_text_a_spreadsheet_would_run_as_a_formula_is_marked_and_reads_back(
    table_ontology: Ontology, tmp_path: Path
) -> None:
    photo = ItemContent(modality=Modality.IMAGE, media=[image("=cmd|' /C calc'!A0.jpg", 60, 40)])
    text = ItemContent(modality=Modality.TEXT, text="-x and +1")
    box = {"kind": "box", "x1": -2.5, "y1": 3, "x2": 12, "y2": 8}
    recs = [
        record(
            1,
            photo,
            [o("=b", "東京", box, attributes={"weight": -2.5}, track_id="@t")],
            external_id="=1+1",
        ),
        record(
            2,
            text,
            [
                o(
                    f"n{i}",
                    "Person",
                    {"kind": "span", "start": 0, "end": 2, "text": "-x"},
                    attributes={"note": value},
                )
                for i, value in enumerate(FORMULAS)
            ],
            external_id="+2",
            user="@ana",
        ),
    ]
    path, stats = export("csv", table_ontology, recs, tmp_path)
    assert stats.skipped == []
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    first, notes = df.iloc[0], df.iloc[1:]
    assert (first["external_id"], first["media_name"], first["object_id"]) == (
        "'=1+1",
        "'=cmd|' /C calc'!A0.jpg",
        "'=b",
    )
    assert (first["track_id"], first["x1"], first["attr.weight[kg]"]) == ("'@t", "-2.5", "-2.5")
    assert list(notes["attr.note"]) == ["'" + v if v != "'a" else v for v in FORMULAS]
    assert set(notes["span_text"]) == {"'-x"} and set(notes["annotator"]) == {"'@ana"}
    # no text cell of the file starts like a formula
    assert not any(
        cell.startswith(("=", "+", "@", "\t")) for cell in df.to_numpy().ravel().tolist()
    )
    policy = ErrorPolicy("fail")
    back = list(get_format("csv").read(path, policy))
    assert policy.violations == []
    assert [r.external_id for r in back] == ["=1+1", "+2"]
    assert back[0].media[0].name == "=cmd|' /C calc'!A0.jpg"
    assert objects_of(back) == objects_of(recs)
