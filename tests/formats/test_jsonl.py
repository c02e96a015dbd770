"""Canonical JSONL: lossless, byte-stable, and precise about bad lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from format_builders import image, image_record, obj, square

from ontolabel.core.annotation import Annotation
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, ImportRecord, get_format

GOLDEN = Path(__file__).parent / "golden"

TEXT = "Ok 👍🏽 meet Ana in Köln"


def sample_records() -> list[ExportRecord]:
    text_item = ExportRecord(
        item_id=7,
        external_id="news-1",
        content=ItemContent(modality=Modality.TEXT, text=TEXT, meta={"source": "wire", "n": 2}),
        annotations=[
            AnnotationRecord(
                document=Annotation.model_validate(
                    {
                        "objects": [
                            {
                                "id": "p1",
                                "class_name": "Person",
                                "attributes": {"occluded": False},
                                "geometry": {"kind": "span", "start": 11, "end": 14, "text": "Ana"},
                            },
                        ]
                    }
                ),
                user="ana",
                status="draft",
                revision=3,
            ),
            AnnotationRecord(
                document=Annotation(), user="bo", status="submitted", revision=1, source="model"
            ),
        ],
    )
    picture = image_record(
        8,
        [
            obj("1", "Car", {"kind": "box", "x1": 1.5, "y1": 2, "x2": 10.25, "y2": 20}),
            obj(
                "2",
                "Vehicle",
                {
                    "kind": "polygon",
                    "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
                },
            ),
            obj(
                "3",
                "Person",
                {"kind": "keypoints", "points": [{"name": "nose", "x": 3, "y": 4}]},
                score=0.5,
            ),
        ],
        media=image("crossing.jpg", 60, 40, sha="c"),
    )
    bare = ExportRecord(
        item_id=9, external_id=None, content=ItemContent(modality=Modality.IMAGE, media=[image()])
    )
    return [text_item, picture, bare]


def export(records: list[ExportRecord], ontology: Ontology) -> bytes:
    fmt = get_format("jsonl")
    out = io.BytesIO()
    fmt.write(records, out, ontology=ontology, options=fmt.parse_options(None))
    return out.getvalue()


def read(path: Path, mode: str = "fail") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format("jsonl").read(path, policy)), policy


def as_export(records: list[ImportRecord]) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=r.external_id,
            content=r.content([m.info for m in r.media if m.info is not None]),
            annotations=r.annotations,
        )
        for i, r in enumerate(records)
    ]


def test_export_matches_the_golden_file(ontology: Ontology) -> None:
    # the golden file is the format's specification; regenerate it only on purpose. The
    # header's ontology is whatever the ontology's document() is, checked separately below.
    header, *items = export(sample_records(), ontology).splitlines(keepends=True)
    golden_header, *golden_items = (GOLDEN / "sample.jsonl").read_bytes().splitlines(keepends=True)
    assert items == golden_items
    assert json.loads(header).keys() == json.loads(golden_header).keys()


def test_import_of_an_export_gives_the_same_data_and_bytes(
    ontology: Ontology, tmp_path: Path
) -> None:
    first = export(sample_records(), ontology)
    path = tmp_path / "export.jsonl"
    path.write_bytes(first)
    records, policy = read(path)
    assert policy.violations == []
    assert [r.external_id for r in records] == ["news-1", "img-8", None]
    text = records[0]
    assert text.text == TEXT and text.meta == {"source": "wire", "n": 2}
    span = text.annotations[0].document.objects[0].geometry
    assert TEXT[span.start : span.end] == "Ana"  # type: ignore[union-attr]
    assert [(a.user, a.status, a.revision, a.source) for a in text.annotations] == [
        ("ana", "draft", 3, "human"),
        ("bo", "submitted", 1, "model"),
    ]
    assert records[1].annotations[0].document == sample_records()[1].annotations[0].document
    assert records[1].media[0].info == image("crossing.jpg", 60, 40, sha="c")
    assert export(as_export(records), ontology) == first


def test_header_carries_the_ontology_document(ontology: Ontology) -> None:
    header = json.loads(export([], ontology).splitlines()[0])
    assert header == {"format": "ontolabel.jsonl", "version": 1, "ontology": ontology.document()}


def test_selection_options_filter_annotations(ontology: Ontology) -> None:
    fmt = get_format("jsonl")
    out = io.BytesIO()
    stats = fmt.write(
        sample_records(), out, ontology=ontology, options=fmt.parse_options({"status": "submitted"})
    )
    lines = [json.loads(x) for x in out.getvalue().splitlines()[1:]]
    assert [a["user"] for a in lines[0]["annotations"]] == ["bo"]
    assert stats.items == 3 and stats.objects == 3
    with pytest.raises(FormatError) as err:
        fmt.parse_options({"status": "done"})
    assert err.value.violations[0].location.path == "status"


def write_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = '{"format": "ontolabel.jsonl", "version": 1}'
GOOD = '{"external_id": "t1", "modality": "text", "text": "hello"}'


def test_every_bad_line_is_reported_with_its_line_and_the_good_ones_go_on(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        HEADER,
        GOOD,
        "{not json",
        "[1, 2]",
        '{"external_id": "t2", "modality": "smell"}',
        '{"external_id": "t3", "modality": "image", "annotations": [{"document": {"objects": '
        '[{"id": "a", "class_name": "Car", "geometry": '
        '{"kind": "box", "x1": 0, "y1": 0, "x2": "wide", "y2": 1}}]}}]}',
        "",
        '{"external_id": "t1", "modality": "text", "text": "again"}',
        '{"external_id": "t4", "modality": "text", "text": "fine", "colour": "red"}',
        '{"external_id": "t5", "modality": "text", "text": "ok"}',
    )
    records, policy = read(path, "collect")
    assert [r.external_id for r in records] == ["t1", "t5"]
    assert [r.location.line for r in records] == [2, 10]
    got = [(v.location.line, v.location.item, v.location.path) for v in policy.violations]
    assert got == [
        (3, None, None),
        (4, None, None),
        (5, "t2", "modality"),
        (6, "t3", "annotations[0].document.objects[0].geometry.box.x2"),
        (8, "t1", None),
        (9, "t4", "colour"),
    ]
    assert "not valid JSON" in policy.violations[0].message
    assert "repeats line 2" in policy.violations[4].message
    assert all(v.location.file == "in.jsonl" for v in policy.violations)
    policy.raise_if_failed("in.jsonl")  # collect mode reports, it never refuses the file


def test_fail_policy_refuses_with_every_problem(tmp_path: Path) -> None:
    path = write_lines(tmp_path, HEADER, "{bad", GOOD, "{worse")
    records, policy = read(path, "fail")
    with pytest.raises(FormatError) as err:
        policy.raise_if_failed("in.jsonl")
    assert [v.location.line for v in err.value.violations] == [2, 4]
    assert "nothing was imported" in err.value.message


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([GOOD, HEADER], "header line must be the first line"),
        (['{"format": "ontolabel.jsonl", "version": 9}'], "newer than ontolabel reads"),
        (['{"format": "ontolabel.jsonl", "version": 1, "extra": 1}'], "bad header line"),
    ],
)
def test_a_bad_header_stops_the_import(tmp_path: Path, lines: list[str], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read(write_lines(tmp_path, *lines), "collect")


def test_hand_written_media_entries_name_where_the_file_is(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        '{"modality": "image", "media": [{"name": "a.jpg", "path": "pics/a.jpg"}]}',
        '{"modality": "image", "media": [{"name": "b.jpg", "mime": "image/jpeg"}]}',
    )
    records, policy = read(path, "collect")
    assert len(records) == 1
    ref = records[0].media[0]
    assert ref.info is None and ref.candidates[0] == tmp_path / "pics" / "a.jpg"
    # a partial MediaInfo is refused rather than silently losing its fields
    assert policy.violations[0].location.line == 2
    assert policy.violations[0].location.path is not None
    assert policy.violations[0].location.path.startswith("media[0]")


@pytest.mark.parametrize(
    ("content", "confidence"),
    [
        (HEADER + "\n" + GOOD + "\n", 1.0),
        (GOOD + "\n", 0.7),
        ('{"images": [], "annotations": [], "categories": []}', 0.0),
        ("", 0.0),
        ("name,x\n", 0.0),
    ],
)
def test_detection(tmp_path: Path, content: str, confidence: float) -> None:
    path = tmp_path / "f"
    path.write_text(content)
    assert get_format("jsonl").detect(path).confidence == confidence
