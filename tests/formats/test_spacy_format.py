"""spaCy JSON: v3 documents read into spans and document classes (code-point offsets,
scores kept), written as Doc.to_json() with tokens spaCy can rebuild the text from,
overlaps in a span group, v2 training JSON with BILUO tags, and bad documents named."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span, Tag
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, ImportRecord, get_format
from ontolabel.formats.spacy.v2 import align
from ontolabel.formats.spacy.v3 import spacy_tokens

SPACY = get_format("spacy")
V2 = get_format("spacy-v2")
ORDER = 'Order "Blue Star XTC" today.'
CLASSES = parse_ontology(
    {
        "name": "shop",
        "classes": [
            {"name": "Brand", "geometry": {"text": ["span"]}},
            {"name": "Drug", "geometry": {"text": ["span"]}},
            {"name": "Urgent", "geometry": {"text": ["tag"]}},
            {"name": "Spam", "geometry": {"text": ["tag"]}},
        ],
    }
)


def span(oid: str, cls: str, text: str, start: int, end: int, **extra: Any) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=cls, geometry=Span(start=start, end=end, text=text[start:end]), **extra
    )


def tag(oid: str, cls: str, **extra: Any) -> AnnotationObject:
    return AnnotationObject(id=oid, class_name=cls, geometry=Tag(), **extra)


def record(text: str, objects: list[AnnotationObject], **content: Any) -> ExportRecord:
    return ExportRecord(
        item_id=1,
        external_id=content.pop("external_id", None),
        content=ItemContent(modality=Modality.TEXT, text=text, **content),
        annotations=[AnnotationRecord(document=Annotation(objects=objects))],
    )


def export(fmt: Any, records: list[ExportRecord], **options: Any) -> tuple[bytes, Any]:
    out = io.BytesIO()
    stats = fmt.write(records, out, ontology=CLASSES, options=fmt.parse_options(options))
    return out.getvalue(), stats


def read(
    fmt: Any, tmp_path: Path, content: str, name: str = "in.jsonl"
) -> tuple[list[ImportRecord], ErrorPolicy]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    policy = ErrorPolicy("collect")
    return list(fmt.read(path, policy)), policy


def objects_of(r: ImportRecord) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for o in r.annotations[0].document.objects:
        if isinstance(o.geometry, Span):
            assert (
                r.text is not None and r.text[o.geometry.start : o.geometry.end] == o.geometry.text
            )
            out.append((o.class_name, o.geometry.start, o.geometry.end, o.geometry.text))
        else:
            out.append((o.class_name, o.score))
    return out


def rebuilt(data: dict[str, Any]) -> str:
    """The text spaCy's Doc.from_json makes of the tokens: each token's text, plus one
    space when the next token starts after it."""
    text, tokens = data["text"], data["tokens"]
    out = []
    for k, t in enumerate(tokens):
        out.append(text[t["start"] : t["end"]])
        following = tokens[k + 1]["start"] if k + 1 < len(tokens) else len(text)
        out.append(" " if following > t["end"] else "")
    return "".join(out)


# -- v3 export --------------------------------------------------------------------------


def test_order_blue_star_xtc_as_a_spacy_document() -> None:
    objects = [
        span("b", "Brand", ORDER, 7, 16),
        span("d", "Drug", ORDER, 17, 20),
        tag("u", "Urgent", score=0.8),
    ]
    data, stats = export(SPACY, [record(ORDER, objects, external_id="o-1")])
    doc = json.loads(data)
    assert doc == {
        "text": ORDER,
        "ents": [
            {"start": 7, "end": 16, "label": "Brand"},
            {"start": 17, "end": 20, "label": "Drug"},
        ],
        "cats": {"Urgent": 0.8, "Spam": 0.0},
        "tokens": [
            {"id": k, "start": s, "end": e}
            for k, (s, e) in enumerate(
                [(0, 5), (6, 7), (7, 11), (12, 16), (17, 20), (20, 21), (22, 27), (27, 28)]
            )
        ],
        "_": {"external_id": "o-1"},
    }
    assert rebuilt(doc) == ORDER
    assert (stats.items, stats.objects, stats.skipped) == (1, 3, [])


def test_overlapping_spans_go_to_the_span_group(tmp_path: Path) -> None:
    text = "Blue Star XTC tablets"
    objects = [span("d", "Drug", text, 10, 21), span("b", "Brand", text, 0, 13)]
    data, stats = export(SPACY, [record(text, objects)])
    doc = json.loads(data)
    assert doc["ents"] == [{"start": 0, "end": 13, "label": "Brand"}]
    assert doc["spans"] == {"sc": [{"start": 10, "end": 21, "label": "Drug", "kb_id": ""}]}
    assert (stats.objects, stats.skipped) == (2, [])
    (back,), _ = read(SPACY, tmp_path, data.decode())
    assert sorted(objects_of(back)) == [
        ("Brand", 0, 13, "Blue Star XTC"),
        ("Drug", 10, 21, "XTC tablets"),
    ]
    data, stats = export(SPACY, [record(text, objects)], span_group="all", span_key="spans")
    assert [s["label"] for s in json.loads(data)["spans"]["spans"]] == ["Brand", "Drug"]
    (back,), _ = read(SPACY, tmp_path, data.decode())
    assert len(objects_of(back)) == 2  # the span in ents and in the group is one object
    data, stats = export(SPACY, [record(text, objects)], span_group="none", nested="first")
    assert "spans" not in json.loads(data)
    assert [v.location.path for v in stats.skipped] == ["objects[0]"]
    assert "Drug [10,21) 'XTC tablets' overlaps Brand [0,13)" in stats.skipped[0].message


def test_tokens_are_cut_at_span_edges_and_whitespace_is_spacys() -> None:
    text = "  take 500mg\n\ndaily  now "
    data, _ = export(SPACY, [record(text, [span("d", "Drug", text, 7, 10)])])
    doc = json.loads(data)
    assert [text[t["start"] : t["end"]] for t in doc["tokens"]] == [
        "  ",
        "take",
        "500",
        "mg",
        "\n\n",
        "daily",
        " ",
        "now",
    ]
    assert rebuilt(doc) == text


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("a b", ["a", "b"]),
        ("a  b ", ["a", " ", "b"]),
        ("a \n b", ["a", "\n ", "b"]),
        (" a\t", [" ", "a", "\t"]),
        ("", []),
    ],
)
def test_spacy_token_layout(text: str, tokens: list[str]) -> None:
    ours = [(i, i + 1) for i, c in enumerate(text) if not c.isspace()]
    laid = spacy_tokens(text, ours)
    assert [text[s:e] for s, e in laid] == tokens
    doc = {"text": text, "tokens": [{"start": s, "end": e} for s, e in laid]}
    assert rebuilt(doc) == text


def test_what_spacy_cannot_hold_is_reported() -> None:
    text = "Ana met Bo"
    objects = [
        span("a", "Brand", text, 0, 3, attributes={"x": 1}),
        tag("s", "Spam", attributes={"why": "ads"}),
        AnnotationObject(
            id="b",
            class_name="Brand",
            geometry={"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1},  # type: ignore[arg-type]
        ),
    ]
    _, stats = export(SPACY, [record(text, objects)])
    assert {(v.location.path, v.message) for v in stats.skipped} == {
        ("objects[0]", "spaCy does not carry the attribute 'x' of Brand"),
        ("objects[1]", "spaCy does not carry the attributes 'why' of Spam"),
        ("objects[2]", "spaCy has no form for a box (Brand)"),
    }


def test_export_import_export_is_byte_identical(tmp_path: Path) -> None:
    text = "Ok 👍🏽 Dr. Müller ordered 東京 Blue Star XTC ×2\nurgent!"
    objects = [
        span("p", "Brand", text, 10, 16),
        span("t", "Brand", text, 25, 27),
        span("x", "Brand", text, 28, 41),
        span("y", "Médicament", text, 38, 41),
        tag("u", "Urgent", score=0.75),
    ]
    first, stats = export(SPACY, [record(text, objects, external_id="é-1", meta={"src": "mail"})])
    assert stats.skipped == []
    assert '"label":"Médicament"'.encode() in first  # UTF-8 as is, never \u-escaped
    (back,), policy = read(SPACY, tmp_path, first.decode())
    assert policy.violations == []
    assert back.text == text and back.external_id == "é-1"
    assert back.meta["src"] == "mail"
    assert objects_of(back) == [
        ("Brand", 10, 16, "Müller"),
        ("Brand", 25, 27, "東京"),
        ("Brand", 28, 41, "Blue Star XTC"),
        ("Médicament", 38, 41, "XTC"),
        ("Urgent", 0.75),
    ]
    again = ExportRecord(
        item_id=1,
        external_id=back.external_id,
        content=ItemContent(modality=Modality.TEXT, text=back.text, meta=back.meta),
        annotations=[AnnotationRecord(document=back.annotations[0].document)],
    )
    assert export(SPACY, [again])[0] == first


# -- v3 import ----------------------------------------------------------------------------


def test_a_v3_document_reads_into_spans_and_classes(tmp_path: Path) -> None:
    text = "Ana 🎉 flew to Köln"
    doc = {
        "text": text,
        "ents": [
            {"start": 0, "end": 3, "label": "PERSON"},
            {"start": 14, "end": 18, "label": "GPE"},
        ],
        "spans": {
            "sc": [
                {"start": 0, "end": 3, "label": "PERSON", "kb_id": ""},
                {"start": 4, "end": 12, "label": "EVENT"},
            ]
        },
        "cats": {"travel": 0.93, "work": 0.2, "fun": 0.5},
        "tokens": [{"id": 0, "start": 0, "end": 3}, {"id": 1, "start": 4, "end": 5}],
        "sents": [{"start": 0, "end": 18}],
        "meta": {"id": 7},
    }
    (r,), policy = read(SPACY, tmp_path, json.dumps(doc) + "\n")
    assert policy.violations == []
    assert objects_of(r) == [
        ("PERSON", 0, 3, "Ana"),
        ("GPE", 14, 18, "Köln"),
        ("EVENT", 4, 12, "🎉 flew t"),
        ("travel", 0.93),
        ("fun", 0.5),
    ]
    assert r.meta == {"id": 7, "tokens": [[0, 3], [4, 5]]}
    assert r.annotations[0].origins == (
        "ents[0]",
        "ents[1]",
        "spans.sc[1]",
        "cats.travel",
        "cats.fun",
    )
    # the same documents as one JSON list
    (r2,), _ = read(SPACY, tmp_path, json.dumps([doc], indent=2), "docs.json")
    assert objects_of(r2) == objects_of(r) and r2.location.line == 2


def test_bad_documents_are_named_and_the_good_ones_read(tmp_path: Path) -> None:
    lines = [
        {"text": "ok", "ents": [{"start": 0, "end": 2, "label": "A"}]},
        {"text": "short", "ents": [{"start": 3, "end": 9, "label": "A"}]},
        {"ents": []},
        {"text": "x", "cats": {"A": 1.5}},
        {"text": "y", "spans": {"sc": [{"start": 0, "end": 1}]}},
        {"text": "zz", "tokens": [{"start": 0, "end": 2}, {"start": 1, "end": 2}]},
    ]
    content = "\n".join(json.dumps(d) for d in lines) + '\n{"text": \n[1]\n'
    records, policy = read(SPACY, tmp_path, content)
    assert [r.text for r in records] == ["ok"]
    assert [str(v) for v in policy.violations] == [
        "in.jsonl:2, ents[0]: [3,9) is not a non-empty range of the text (length 5)",
        "in.jsonl:3, text: a spaCy document needs its text (a string)",
        "in.jsonl:4, cats.A: a category's value must be a number from 0 to 1",
        "in.jsonl:5, spans.sc[0].label: label must be a non-empty string",
        "in.jsonl:6, tokens[1]: starts at 1, inside the token before (ends at 2)",
        "in.jsonl:7: not valid JSON: Expecting value at column 10",
        "in.jsonl:8: a spaCy document is a JSON object, not a list",
    ]


def test_detection(tmp_path: Path) -> None:
    def verdict(fmt: Any, content: str) -> float:
        path = tmp_path / "f.json"
        path.write_text(content)
        return float(fmt.detect(path).confidence)

    v3 = json.dumps({"text": "a", "ents": [], "tokens": []})
    v2 = json.dumps([{"id": 0, "paragraphs": [{"sentences": []}]}])
    doccano = json.dumps({"text": "a", "label": [[0, 1, "X"]]})
    assert verdict(SPACY, v3 + "\n" + v3) >= 0.8
    assert verdict(SPACY, f"[{v3}]") >= 0.8
    assert verdict(SPACY, v2) == 0.0 and verdict(V2, v2) >= 0.9
    assert verdict(V2, v3) == 0.0
    assert verdict(SPACY, doccano) == 0.0 and verdict(V2, doccano) == 0.0
    assert verdict(SPACY, "Ana B-PER\n") == 0.0


# -- v2 --------------------------------------------------------------------------------


def test_v2_export_is_biluo_by_sentence(tmp_path: Path) -> None:
    text = ORDER + "\nAna left."
    objects = [
        span("b", "Brand", text, 7, 16),
        span("d", "Drug", text, 17, 20),
        tag("u", "Urgent"),
    ]
    data, stats = export(V2, [record(text, objects, meta={"id": 42})])
    assert stats.skipped == []
    [doc] = json.loads(data)
    assert doc["id"] == 42
    [paragraph] = doc["paragraphs"]
    assert paragraph["raw"] == text
    assert paragraph["cats"] == [{"label": "Urgent", "value": 1.0}, {"label": "Spam", "value": 0.0}]
    got = [[(t["orth"], t["ner"]) for t in s["tokens"]] for s in paragraph["sentences"]]
    assert got == [
        [
            ("Order", "O"),
            ('"', "O"),
            ("Blue", "B-Brand"),
            ("Star", "L-Brand"),
            ("XTC", "U-Drug"),
            ('"', "O"),
            ("today", "O"),
            (".", "O"),
        ],
        [("Ana", "O"), ("left", "O"), (".", "O")],
    ]
    (back,), policy = read(V2, tmp_path, data.decode(), "train.json")
    assert policy.violations == []
    assert back.text == text and back.meta["id"] == 42
    assert objects_of(back) == [
        ("Brand", 7, 16, "Blue Star"),
        ("Drug", 17, 20, "XTC"),
        ("Urgent", 1.0),
    ]


def test_v2_reports_overlaps_it_cannot_hold() -> None:
    text = "Blue Star XTC"
    objects = [span("b", "Brand", text, 0, 13), span("d", "Drug", text, 10, 13)]
    _, stats = export(V2, [record(text, objects)])
    assert [v.location.path for v in stats.skipped] == ["objects[1]"]


def test_v2_errors_are_named_by_path(tmp_path: Path) -> None:
    docs = [
        {"id": 0, "paragraphs": [{"sentences": [{"tokens": [{"orth": "Ana", "ner": "L-PER"}]}]}]},
        {"id": 1, "paragraphs": [{"raw": "Ana", "sentences": [{"tokens": [{"orth": "Bob"}]}]}]},
        {"id": 2, "paragraphs": [{"sentences": [{"tokens": [{"orth": "Ok", "ner": "Q"}]}]}]},
        {"id": 3},
        {"id": 4, "paragraphs": [{"sentences": [{"tokens": [{"orth": "Bo", "ner": "U-PER"}]}]}]},
    ]
    records, policy = read(V2, tmp_path, json.dumps(docs, indent=1), "train.json")
    assert [r.text for r in records] == ["Bo"]
    assert [(v.location.line, v.location.path, v.message) for v in policy.violations] == [
        (
            2,
            "[0].paragraphs[0].sentences[0].tokens[0].ner",
            "E-PER without B-PER (after a sentence start)",
        ),
        (19, "[1].paragraphs[0]", "token 'Bob' (token 0 of the paragraph) is not in its raw text"),
        (
            36,
            "[2].paragraphs[0].sentences[0].tokens[0].ner",
            "tag 'Q' is neither O nor a B-, I-, E-, S- (or L-, U-) prefix followed by a class",
        ),
        (53, "[3]", "a spaCy v2 document is an object with a 'paragraphs' list"),
    ]


@pytest.mark.parametrize(
    ("raw", "orths", "found"),
    [
        ('say "hi" now', ["say", "``", "hi", "''", "now"], ["say", '"', "hi", '"', "now"]),
        ("Chicago's  x\n", ["Chicago", "'s", " ", "x", "\n"], ["Chicago", "'s", " ", "x", "\n"]),
        ("a b", ["a", "c"], 1),
    ],
)
def test_align(raw: str, orths: list[str], found: list[str] | int) -> None:
    got = align(raw, orths)
    assert (got if isinstance(got, int) else [raw[s:e] for s, e in got]) == found


def test_options_parse_from_strings(ontology: Ontology) -> None:
    parsed = SPACY.parse_options({"nested": "first", "span_group": "all", "span_key": "ner"})
    assert (parsed.nested, parsed.span_group, parsed.span_key) == ("first", "all", "ner")


def _read_peak(fmt: Any, path: Path, n: int) -> int:
    tracemalloc.start()
    assert sum(1 for _ in fmt.read(path, ErrorPolicy())) == n
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return int(peak)


@pytest.mark.parametrize("layout", ["jsonl", "list", "v2"])
def test_files_are_read_one_document_at_a_time(
    layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reads of 4 KB, so that both files are many reads long
    monkeypatch.setattr("ontolabel.formats.spacy.jsonstream.CHUNK", 4096)

    def write(n: int) -> Path:
        path = tmp_path / f"{layout}{n}.json"
        with path.open("w", encoding="utf-8") as f:
            f.write("" if layout == "jsonl" else "[\n")
            for k in range(n):
                text = f"Patient {k} took Xanax"
                if layout == "v2":
                    words = text.split()
                    tokens = [{"orth": w, "ner": "U-DRUG" if w == "Xanax" else "O"} for w in words]
                    doc: dict[str, Any] = {
                        "id": k,
                        "paragraphs": [{"sentences": [{"tokens": tokens}]}],
                    }
                else:
                    doc = {
                        "text": text,
                        "ents": [{"start": len(text) - 5, "end": len(text), "label": "DRUG"}],
                    }
                sep = "\n" if layout == "jsonl" else (",\n" if k < n - 1 else "\n")
                f.write(json.dumps(doc) + sep)
            f.write("" if layout == "jsonl" else "]\n")
        return path

    fmt = V2 if layout == "v2" else SPACY
    small = _read_peak(fmt, write(300), 300)
    large = _read_peak(fmt, write(3000), 3000)
    assert large < small * 1.5 + (64 << 10)  # ten times the documents, about the same memory


def test_a_doccano_line_with_a_list_of_cats_is_not_taken_for_spacy(tmp_path: Path) -> None:
    path = tmp_path / "cats.jsonl"
    path.write_text(json.dumps({"text": "Great phone", "cats": ["positive"]}) + "\n")
    assert get_format("spacy").detect(path).confidence == 0.0
    path.write_text(json.dumps({"text": "Great phone", "cats": {"positive": 1.0}}) + "\n")
    assert get_format("spacy").detect(path).confidence == 0.85


def test_the_work_of_every_other_annotator_is_reported_not_dropped(ontology: Ontology) -> None:
    text = "Ana met Bo"
    document = Annotation(
        objects=[
            AnnotationObject(id="a", class_name="Person", geometry=Span(start=0, end=3, text="Ana"))
        ]
    )
    record = ExportRecord(
        item_id=1,
        external_id="doc",
        content=ItemContent(modality=Modality.TEXT, text=text),
        annotations=[
            AnnotationRecord(document=document, user="ana"),
            AnnotationRecord(document=Annotation(), user="bo", status="draft"),
        ],
    )
    out = io.BytesIO()
    stats = SPACY.write([record], out, ontology=ontology, options=SPACY.parse_options({}))
    assert json.loads(out.getvalue().decode().splitlines()[0])["ents"][0]["label"] == "Person"
    [skipped] = stats.skipped
    assert "the annotation of bo is not written" in skipped.message
    assert skipped.location.item == "doc"
