"""doccano JSONL: doccano's own example and test files read, written back and read again."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.geometry import Box, Span, Tag
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, ImportRecord
from ontolabel.formats.doccano import DoccanoCodepointsFormat, DoccanoFormat, DoccanoOptions

FMT = DoccanoFormat()
GOLDEN = Path(__file__).parent / "golden" / "doccano"
IMPORTS = "doccano/backend/data_import"
EXPORTS = "doccano/backend/data_export/pipeline/examples"
PRETTY = (
    "the file is pretty-printed JSON over many lines, not JSON Lines "
    "(doccano JSONL has one object per line)"
)
MEDIA_LINE = "a doccano image/audio line ('filename'): only text projects are read"

# every JSONL file of the corpus: items read, and the exact problems reported
CORPUS_FILES: list[tuple[str, int, list[str]]] = [
    (f"{IMPORTS}/pipeline/examples/sequence_labeling/example.jsonl", 3, []),
    (f"{IMPORTS}/pipeline/examples/text_classification/example.jsonl", 3, []),
    (f"{IMPORTS}/pipeline/examples/sequence_to_sequence/example.jsonl", 3, []),
    (f"{IMPORTS}/pipeline/examples/relation_extraction/example.jsonl", 1, []),
    (f"{IMPORTS}/pipeline/examples/intent_detection/example.jsonl", 2, []),
    (
        f"{IMPORTS}/tests/data/sequence_labeling/example.jsonl",
        2,
        ["example.jsonl:3: no 'text' field (keys: 'label', 'meta')"],
    ),
    (f"{IMPORTS}/tests/data/sequence_labeling/example_overlapping.jsonl", 1, []),
    (f"{IMPORTS}/tests/data/text_classification/example.jsonl", 3, []),
    (
        f"{IMPORTS}/tests/data/seq2seq/example.jsonl",
        2,
        [
            "example.jsonl:3: no 'text' field (keys: 'label')",
            "example.jsonl:4: no 'text' field (keys: none)",
        ],
    ),
    (f"{IMPORTS}/tests/data/relation_extraction/example.jsonl", 1, []),
    (
        f"{IMPORTS}/tests/data/intent/example.jsonl",
        4,
        ["example.jsonl:5: no 'text' field (keys: 'entities', 'cats')"],
    ),
    (f"{EXPORTS}/sequence_labeling/example.jsonl", 3, []),
    (f"{EXPORTS}/text_classification/example.jsonl", 3, []),
    (f"{EXPORTS}/sequence_to_sequence/example.jsonl", 3, []),
    (f"{EXPORTS}/intent_detection/example.jsonl", 2, []),
    # shipped broken (SOURCES.md): pretty-printed, one object over many lines
    (f"{EXPORTS}/relation_extraction/example.jsonl", 0, [f"example.jsonl:1: {PRETTY}"]),
    (f"{EXPORTS}/bounding_box/example.jsonl", 0, [f"example.jsonl:1: {PRETTY}"]),
    (f"{EXPORTS}/segmentation/example.jsonl", 0, [f"example.jsonl:1: {PRETTY}"]),
    # doccano's image and audio projects: not text
    *[
        (
            f"{EXPORTS}/{task}/example.jsonl",
            0,
            [f"example.jsonl:{n}: {MEDIA_LINE}" for n in (1, 2, 3)],
        )
        for task in ("image_classification", "image_captioning", "speech_to_text")
    ],
]


def read(path: Path) -> tuple[list[ImportRecord], list[str]]:
    policy = ErrorPolicy("collect")
    records = list(FMT.read(path, policy))
    return records, [str(v) for v in policy.violations]


def as_export(records: list[ImportRecord]) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i + 1,
            external_id=r.external_id,
            content=ItemContent(modality=r.modality, text=r.text, meta=r.meta),
            annotations=r.annotations,
        )
        for i, r in enumerate(records)
    ]


ONTOLOGY = parse_ontology({"name": "any", "classes": [{"name": "Any"}]})  # doccano needs none


def write(records: list[ExportRecord], **options: Any) -> tuple[bytes, list[str]]:
    out = io.BytesIO()
    stats = FMT.write(records, out, ontology=ONTOLOGY, options=DoccanoOptions(**options))
    return out.getvalue(), [str(v) for v in stats.skipped]


def data(records: list[ImportRecord]) -> list[tuple[Any, ...]]:
    """What an import carries, for comparing two imports."""
    return [
        (r.external_id, r.text, r.meta, [a.document.model_dump() for a in r.annotations])
        for r in records
    ]


def reread(payload: bytes, tmp_path: Path) -> list[ImportRecord]:
    path = tmp_path / "again.jsonl"
    path.write_bytes(payload)
    records, problems = read(path)
    assert problems == []
    return records


@pytest.mark.parametrize(("relative", "count", "problems"), CORPUS_FILES)
def test_every_corpus_file_reads_or_fails_precisely(
    relative: str, count: int, problems: list[str]
) -> None:
    records, found = read(corpus_path(relative))
    assert len(records) == count
    assert found == problems


def test_corpus_holds_no_other_jsonl_file() -> None:
    root = corpus_path("doccano")
    listed = {relative for relative, _, _ in CORPUS_FILES}
    assert {f"doccano/{p.relative_to(root)}" for p in root.rglob("*.jsonl")} == listed


@pytest.mark.parametrize(
    "relative", [relative for relative, count, _ in CORPUS_FILES if count], ids=lambda r: r[8:]
)
@pytest.mark.parametrize("form", ["entities", "label"])
def test_corpus_round_trip_gives_equal_data(relative: str, form: str, tmp_path: Path) -> None:
    first, _ = read(corpus_path(relative))
    payload, skipped = write(as_export(first), form=form)
    has_relations = any(a.document.relations for r in first for a in r.annotations)
    if form == "label" and has_relations:
        assert skipped and all("legacy 'label' form has no relations" in s for s in skipped)
        return
    assert skipped == []
    assert data(reread(payload, tmp_path)) == data(first)


def test_relation_extraction_values() -> None:
    (record,), _ = read(corpus_path(f"{IMPORTS}/tests/data/relation_extraction/example.jsonl"))
    document = record.annotations[0].document
    spans = [(o.id, o.class_name, o.geometry) for o in document.objects]
    assert [(oid, cls, g.text) for oid, cls, g in spans if isinstance(g, Span)] == [
        ("0", "ORG", "Google"),
        ("1", "DATE", "September 4, 1998"),
        ("2", "PERSON", "Larry Page"),
        ("3", "PERSON", "Sergey Brin"),
    ]
    assert [(r.id, r.name, r.source, r.target) for r in document.relations] == [
        ("0", "foundedAt", "0", "1"),
        ("1", "foundedBy", "0", "2"),
        ("2", "foundedBy", "0", "3"),
    ]


def test_legacy_labels_and_meta() -> None:
    records, _ = read(corpus_path(f"{IMPORTS}/tests/data/sequence_labeling/example.jsonl"))
    assert [(r.text, r.meta) for r in records] == [
        ("exampleA", {"meta": {"wikiPageID": 1}}),
        ("exampleB", {"meta": {"wikiPageID": 2}}),
    ]
    (obj,) = records[0].annotations[0].document.objects
    assert (obj.class_name, obj.geometry) == ("LOC", Span(start=0, end=1, text="e"))
    assert records[1].annotations == []


def test_intent_detection_spans_and_categories() -> None:
    records, _ = read(corpus_path(f"{EXPORTS}/intent_detection/example.jsonl"))
    objects = records[0].annotations[0].document.objects
    shown = [(o.class_name, getattr(o.geometry, "text", None)) for o in objects]
    assert shown == [("City", "Find a flight from Memphis"), ("City", "Tacoma"), ("flight", None)]
    assert isinstance(objects[2].geometry, Tag)


# doccano issue #2290: doccano's editor gives "firetrucks" [22, 32) in this text, Python [19, 29)
FIREMEN = "👨🏻\u200d🚒 firemen drive firetrucks"


def write_lines(path: Path, *lines: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


@pytest.mark.parametrize(
    ("fmt", "offsets"), [(DoccanoFormat(), [22, 32]), (DoccanoCodepointsFormat(), [19, 29])]
)
def test_offsets_in_utf16_units_or_by_name_in_code_points(
    fmt: DoccanoFormat, offsets: list[int], tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "f.jsonl", {"text": FIREMEN, "label": [[*offsets, "Vehicle"]]})
    policy = ErrorPolicy("collect")
    (record,) = fmt.read(path, policy)
    assert policy.violations == []
    (obj,) = record.annotations[0].document.objects
    assert obj.geometry == Span(start=19, end=29, text="firetrucks")  # stored: code points
    out = io.BytesIO()
    fmt.write(as_export([record]), out, ontology=ONTOLOGY, options=DoccanoOptions())
    assert json.loads(out.getvalue())["entities"][0]["start_offset"] == offsets[0]
    assert json.loads(out.getvalue())["entities"][0]["end_offset"] == offsets[1]


def test_code_point_offsets_read_as_utf16_are_caught_where_they_split_a_pair(
    tmp_path: Path,
) -> None:
    path = write_lines(tmp_path / "cp.jsonl", {"text": "👍👍 Ana", "label": [[3, 6, "P"]]})
    records, problems = read(path)
    assert records == []
    assert problems == [
        "cp.jsonl:1, label[0]: UTF-16 offset 3 splits a surrogate pair (character '👍'): "
        "doccano counts UTF-16 code units (a file that counts code points reads as format "
        "doccano-codepoints)"
    ]
    policy = ErrorPolicy("collect")
    (record,) = DoccanoCodepointsFormat().read(path, policy)
    assert record.annotations[0].document.objects[0].geometry == Span(start=3, end=6, text="Ana")


def test_only_doccano_is_detected_of_the_two(tmp_path: Path) -> None:
    path = corpus_path(f"{IMPORTS}/tests/data/relation_extraction/example.jsonl")
    assert DoccanoFormat().detect(path).confidence == 0.9
    assert DoccanoCodepointsFormat().detect(path).confidence == pytest.approx(0.8)


def test_bad_lines_are_reported_with_line_and_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        '{"id": 1, "text": "fine", "label": [[0, 4, "A"]]}',
        '{"id": 2, "text": "short", "label": [[2, 9, "A"]]}',
        "{not json",
        '{"id": 3, "text": "x y", "entities": [{"id": 5, "label": "A", "start_offset": 0,'
        ' "end_offset": 1}], "relations": [{"from_id": 5, "to_id": 6, "type": "r"}]}',
        '{"id": 1, "text": "again"}',
        '{"text": "t", "cats": {"pos": 1.0}}',
        '["a list"]',
        '{"text": "t", "label": [[0, 1]]}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, problems = read(path)
    assert [r.external_id for r in records] == ["1"]
    assert problems == [
        "bad.jsonl:2, label[0]: span [2, 9) does not fit the text (length 5 UTF-16 code "
        "units; a span needs 0 <= start < end <= length)",
        "bad.jsonl:3: not valid JSON: Expecting property name enclosed in double quotes "
        "at column 2",
        "bad.jsonl:4, relations[0].to_id: 6 is the id of no entity of the line",
        "bad.jsonl:5, item 1, id: id '1' repeats line 1",
        "bad.jsonl:6, cats: 'cats' is an object of scores (spaCy's textcat form), "
        "not doccano's list",
        "bad.jsonl:7: a line must be a JSON object",
        "bad.jsonl:8, label[0]: a span is [start, end, label], not a list of 2",
    ]


def text_record(objects: list[AnnotationObject], relations: list[Relation] = ()) -> ExportRecord:  # type: ignore[assignment]
    text = "Dr. Émile met 東京 staff"
    return ExportRecord(
        item_id=4,
        external_id="07",
        content=ItemContent(modality=Modality.TEXT, text=text, meta={"source": "wire"}),
        annotations=[
            AnnotationRecord(
                document=Annotation(objects=objects, relations=list(relations)), user="ana"
            )
        ],
    )


def sample() -> ExportRecord:
    text = "Dr. Émile met 東京 staff"
    return text_record(
        [
            AnnotationObject(
                id="p1", class_name="Persön", geometry=Span(start=4, end=9, text=text[4:9])
            ),
            AnnotationObject(
                id="12", class_name="東京", geometry=Span(start=14, end=16, text=text[14:16])
            ),
            AnnotationObject(id="c", class_name="ニュース", geometry=Tag()),
        ],
        [Relation(id="r1", name="visits", source="p1", target="12")],
    )


@pytest.mark.parametrize("form", ["entities", "label"])
def test_export_matches_golden_file(form: str) -> None:
    payload, skipped = write([sample()], form=form)
    assert payload == (GOLDEN / f"{form}.jsonl").read_bytes()
    stats = FMT.write([sample()], io.BytesIO(), ontology=ONTOLOGY, options=DoccanoOptions())
    assert (stats.items, stats.objects) == (1, 3)
    if form == "label":
        assert skipped == [
            "item 07, relations[0]: relation 'r1' (visits) not written: the legacy 'label' form "
            "has no relations (export with form=entities)"
        ]
    else:
        assert skipped == []


def test_non_ascii_round_trips_byte_for_byte(tmp_path: Path) -> None:
    payload, _ = write([sample()])
    again = reread(payload, tmp_path)
    assert "東京".encode() in payload and "Persön".encode() in payload
    objects = again[0].annotations[0].document.objects
    assert [o.class_name for o in objects] == ["Persön", "東京", "ニュース"]
    assert again[0].external_id == "07"  # a leading zero keeps the id a string
    second, _ = write(as_export(again))
    assert second == payload


def test_what_doccano_cannot_carry_is_reported() -> None:
    text = "Dr. Émile met 東京 staff"
    record = text_record(
        [
            AnnotationObject(
                id="a",
                class_name="P",
                geometry=Span(start=4, end=9, text=text[4:9]),
                attributes={"sure": True},
                entity_id="e1",
            ),
            AnnotationObject(id="b", class_name="B", geometry=Box(x1=0, y1=0, x2=1, y2=1)),
        ],
        [Relation(id="r", name="x", source="a", target="b")],
    )
    record.content.meta["text"] = "clash"
    extra = AnnotationRecord(document=Annotation(), user="bo", status="draft")
    record.annotations.append(extra)
    image = ExportRecord(item_id=9, external_id=None, content=ItemContent(modality=Modality.IMAGE))
    payload, skipped = write([record, image])
    assert skipped == [
        "item 07, meta.text: meta key 'text' is one of doccano's own keys",
        "item 07: the annotation of bo is not written: a doccano line holds one label set "
        "per item (choose whose with annotator=NAME)",
        "item 07, objects[0]: attributes, entity_id of 'a' not written: doccano has none",
        "item 07, objects[1]: doccano has no form for a box",
        "item 07, relations[0]: doccano relations join two spans",
        "item 9: doccano JSONL holds texts; this item is image",
    ]
    (line,) = [json.loads(x) for x in payload.splitlines()]
    assert line["text"] == text and line["entities"][0]["label"] == "P"
    assert line["relations"] == []


def test_detection(tmp_path: Path) -> None:
    def detect(relative: str) -> float:
        return FMT.detect(corpus_path(relative)).confidence

    assert detect(f"{IMPORTS}/tests/data/relation_extraction/example.jsonl") == 0.9
    assert detect(f"{IMPORTS}/tests/data/sequence_labeling/example.jsonl") == 0.85
    assert detect(f"{EXPORTS}/text_classification/example.jsonl") == 0.6
    assert detect(f"{EXPORTS}/intent_detection/example.jsonl") == 0.9
    assert detect(f"{EXPORTS}/relation_extraction/example.jsonl") == 0.0
    canonical = tmp_path / "c.jsonl"
    canonical.write_text('{"format": "ontolabel.jsonl", "version": 1}\n')
    assert FMT.detect(canonical).confidence == 0.0
    spacy = tmp_path / "s.jsonl"
    spacy.write_text('{"text": "a", "cats": {"A": 1.0}}\n')
    assert FMT.detect(spacy).reason == "'cats' is an object of scores (spaCy textcat), not doccano"


def test_import_validates_against_an_ontology() -> None:
    ontology: Ontology = parse_ontology(
        {
            "name": "re",
            "classes": [
                {"name": n, "geometry": {"text": ["span"]}} for n in ("ORG", "DATE", "PERSON")
            ],
            "relations": [
                {"name": "foundedAt", "sources": ["ORG"], "targets": ["DATE"]},
                {"name": "foundedBy", "sources": ["ORG"], "targets": ["PERSON"]},
            ],
        }
    )
    (record,), _ = read(
        corpus_path(f"{IMPORTS}/pipeline/examples/relation_extraction/example.jsonl")
    )
    content = ItemContent(modality=Modality.TEXT, text=record.text)
    assert ontology.validate(record.annotations[0].document, content) == []


def test_bom_and_windows_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "win.jsonl"
    lines = ['{"text": "Köln\\r\\nBonn", "label": [[0, 4, "City"], [6, 10, "City"]]}'] * 2
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    assert FMT.detect(path).confidence == 0.85
    records, problems = read(path)
    assert problems == []
    assert [r.text for r in records] == ["Köln\r\nBonn"] * 2
    spans = [o.geometry for o in records[0].annotations[0].document.objects]
    assert [s.text for s in spans if isinstance(s, Span)] == ["Köln", "Bonn"]


def test_reading_streams_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        f.write('{"text": "first", "label": ["a"]}\n')
        for i in range(50_000):
            f.write(f'{{"id": {i}, "text": "line {i}", "label": [[0, 4, "W"]]}}\n')
        f.write("{broken\n")
    policy = ErrorPolicy("collect")
    stream = FMT.read(path, policy)
    first = next(iter(stream))
    assert (first.text, policy.violations) == ("first", [])  # the end is not read yet
    assert sum(1 for _ in stream) == 50_000
    assert [str(v) for v in policy.violations] == [
        "big.jsonl:50002: not valid JSON: Expecting property name enclosed in double quotes "
        "at column 2"
    ]


def test_import_examples_name_their_columns_column_data_and_column_label() -> None:
    records, _ = read(corpus_path(f"{IMPORTS}/pipeline/examples/sequence_labeling/example.jsonl"))
    first = records[0]
    assert first.text == "EU rejects German call to boycott British lamb."
    (obj,) = first.annotations[0].document.objects
    assert (obj.class_name, obj.geometry) == ("ORG", Span(start=0, end=2, text="EU"))
    assert first.meta == {}  # the column names are not metadata
