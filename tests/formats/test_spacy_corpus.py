"""spaCy JSON on spaCy's own example data: every file imports, agrees with the other form
spaCy converted it to (IOB and v2 JSON, textcat JSONL and v2 JSON), round-trips to equal
data, and goes through a project end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from corpus import corpus_path
from ontolabel.core.geometry import Span
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.errors import FormatError
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    ImportRecord,
    detect_format,
    get_format,
)
from ontolabel.services import items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

SPACY, V2, CONLL = get_format("spacy"), get_format("spacy-v2"), get_format("conll")
DATA = "spaCy/extra/example_data"
NER = f"{DATA}/ner_example_data"
TEXTCAT = f"{DATA}/textcat_example_data"
ONTOLOGY = parse_ontology({"name": "x", "classes": [{"name": "X"}]})

# every spaCy JSON file of the corpus: (path, format, items, spans, document classes)
FILES = [
    (f"{NER}/ner-token-per-line-conll2003.json", "spacy-v2", 1, 7, 0),
    (f"{NER}/ner-token-per-line.json", "spacy-v2", 1, 7, 0),
    (f"{NER}/ner-token-per-line-with-pos.json", "spacy-v2", 1, 7, 0),
    (f"{NER}/ner-sent-per-line.json", "spacy-v2", 1, 7, 0),
    (f"{DATA}/training-data.json", "spacy-v2", 1, 11, 0),
    (f"{TEXTCAT}/cooking.json", "spacy-v2", 10, 0, 10),
    (f"{TEXTCAT}/jigsaw-toxic-comment.json", "spacy-v2", 10, 0, 8),
    (f"{TEXTCAT}/cooking.jsonl", "spacy", 10, 0, 10),
    (f"{TEXTCAT}/jigsaw-toxic-comment.jsonl", "spacy", 10, 0, 8),
]
THRUN = [
    ("PERSON", "Sebastian Thrun"),
    ("ORG", "Google"),
    ("DATE", "2007"),
    ("NORP", "American"),
    ("PERSON", "Thrun"),
    ("ORG", "Recode"),
    ("DATE", "earlier this week"),
]


def read(fmt: Any, path: Path) -> list[ImportRecord]:
    policy = ErrorPolicy("collect")
    records = list(fmt.read(path, policy))
    assert policy.violations == []
    return records


def spans(records: list[ImportRecord]) -> list[tuple[str, str]]:
    out = []
    for r in records:
        for o in r.annotations[0].document.objects:
            if isinstance(o.geometry, Span):
                assert r.text is not None
                assert r.text[o.geometry.start : o.geometry.end] == o.geometry.text
                out.append((o.class_name, o.geometry.text))
    return out


def classes(r: ImportRecord) -> list[str]:
    return sorted(
        o.class_name for o in r.annotations[0].document.objects if o.geometry.kind == "tag"
    )


def export(fmt: Any, records: list[ImportRecord], **options: Any) -> bytes:
    out = io.BytesIO()
    stats = fmt.write(
        [
            ExportRecord(
                item_id=k,
                external_id=r.external_id,
                content=ItemContent(modality=Modality.TEXT, text=r.text, meta=r.meta),
                annotations=[AnnotationRecord(document=r.annotations[0].document)],
            )
            for k, r in enumerate(records)
        ],
        out,
        ontology=ONTOLOGY,
        options=fmt.parse_options(options),
    )
    assert stats.skipped == []
    return out.getvalue()


def same(a: list[ImportRecord], b: list[ImportRecord], *, ids: bool = True) -> None:
    """Equal data; ``ids=False`` between the two forms: v2's numbered documents keep their
    id in meta, which v3 has no place for but meta itself."""

    def meta(r: ImportRecord) -> dict[str, Any]:
        return r.meta if ids else {k: v for k, v in r.meta.items() if k != "id"}

    for r, original in zip(a, b, strict=True):
        if "tokens" not in original.meta:
            # a file without tokens gets the export's; they are checked to come back as is
            # by the second export below
            r.meta.pop("tokens", None)

    assert [(r.text, meta(r), r.external_id) for r in a] == [
        (r.text, meta(r), r.external_id) for r in b
    ]
    assert [r.annotations[0].document for r in a] == [r.annotations[0].document for r in b]


def spacy_can_build(doc: dict[str, Any]) -> None:
    """What spaCy's Doc.from_json needs: tokens that rebuild the text (each token's text
    plus one space when the next starts later), and entities and spans on token edges."""
    text, tokens = doc["text"], doc["tokens"]
    rebuilt = ""
    for k, t in enumerate(tokens):
        following = tokens[k + 1]["start"] if k + 1 < len(tokens) else len(text)
        gap = text[t["end"] : following]
        assert gap in ("", " ")
        rebuilt += text[t["start"] : t["end"]] + gap
    assert rebuilt == text
    starts = {t["start"] for t in tokens}
    ends = {t["end"] for t in tokens}
    for e in [*doc["ents"], *(s for group in doc.get("spans", {}).values() for s in group)]:
        assert e["start"] in starts and e["end"] in ends


@pytest.mark.parametrize(("relative", "name", "count", "n_spans", "n_classes"), FILES)
def test_every_spacy_file_imports_and_round_trips(
    relative: str, name: str, count: int, n_spans: int, n_classes: int, tmp_path: Path
) -> None:
    path = corpus_path(relative)
    fmt = get_format(name)
    assert fmt.detect(path).confidence >= 0.8
    assert detect_format(path) is fmt
    other = V2 if fmt is SPACY else SPACY
    assert other.detect(path).confidence == 0.0  # never mistaken for the other spaCy form
    records = read(fmt, path)
    assert len(records) == count
    assert len(spans(records)) == n_spans
    assert sum(len(classes(r)) for r in records) == n_classes
    for target in (SPACY, V2):
        out = tmp_path / f"out{target.extension}"
        out.write_bytes(export(target, records))
        if target is SPACY:
            for line in out.read_text(encoding="utf-8").splitlines():
                spacy_can_build(json.loads(line))
        again = read(target, out)
        second = export(target, again)
        same(again, records, ids=target is fmt)
        assert second == out.read_bytes()  # and from there on byte for byte


@pytest.mark.parametrize(
    "name",
    [
        "ner-token-per-line-conll2003",
        "ner-token-per-line",
        "ner-token-per-line-with-pos",
        "ner-sent-per-line",
    ],
)
def test_spacys_v2_conversion_of_an_iob_file_reads_as_the_iob_file(name: str) -> None:
    # spaCy's own `convert` made each .json from the .iob beside it: both must give the
    # same tokens and the same entities
    from_json = read(V2, corpus_path(f"{NER}/{name}.json"))
    from_iob = read(CONLL, corpus_path(f"{NER}/{name}.iob"))
    assert spans(from_json) == spans(from_iob) == THRUN

    def tokens(records: list[ImportRecord]) -> list[str]:
        return [r.text[s:e] for r in records if r.text for s, e in r.meta["tokens"]]

    assert tokens(from_json) == tokens(from_iob)
    assert len(tokens(from_json)) == 66


@pytest.mark.parametrize("name", ["cooking", "jigsaw-toxic-comment"])
def test_textcat_jsonl_and_its_v2_conversion_agree(name: str) -> None:
    lines = read(SPACY, corpus_path(f"{TEXTCAT}/{name}.jsonl"))
    v2 = read(V2, corpus_path(f"{TEXTCAT}/{name}.json"))
    assert [r.text for r in lines] == [r.text for r in v2]
    assert [classes(r) for r in lines] == [classes(r) for r in v2]
    raw = [json.loads(ln) for ln in corpus_path(f"{TEXTCAT}/{name}.jsonl").read_text().splitlines()]
    assert [classes(r) for r in lines] == [
        sorted(k for k, v in d["cats"].items() if v >= 0.5) for d in raw
    ]
    assert [r.meta["id"] for r in lines] == [d["meta"]["id"] for d in raw]


def test_training_data_aligns_spacys_respelt_quotes_with_the_raw_text() -> None:
    (record,) = read(V2, corpus_path(f"{DATA}/training-data.json"))
    assert record.meta["id"] == 42
    assert spans([record]) == [
        ("DATE", "Oct. 19"),
        ("WORK_OF_ART", "The Misanthrope"),
        ("GPE", "Chicago"),
        ("FAC", "Goodman Theatre"),
        ("WORK_OF_ART", "Revitalized Classics Take the Stage in Windy City"),
        ("ORG", "Leisure & Arts"),
        ("PERSON", "Celimene"),
        ("PERSON", "Kim Cattrall"),
        ("PERSON", "Christina Haag"),
        ("PERSON", "Haag"),
        ("PERSON", "Elianti"),
    ]
    assert record.text is not None
    words = [record.text[s:e] for s, e in record.meta["tokens"]]
    assert words[6:10] == ['"', "The", "Misanthrope", '"']  # `` and '' in the file


# -- end to end through a project ----------------------------------------------------------

COOKING = {
    "name": "Cooking",
    "classes": [
        {"name": "baking", "geometry": {"text": ["tag"]}},
        {"name": "not_baking", "geometry": {"text": ["tag"]}},
    ],
}


def test_textcat_jsonl_through_a_project_exports_its_own_categories(
    workspace: Workspace, owner: UserInfo
) -> None:
    pid = projects.create_project(
        workspace, name="Cooking", modality="text", ontology=COOKING, user_id=owner.id
    ).id
    path = corpus_path(f"{TEXTCAT}/cooking.jsonl")
    report = transfer.import_file(workspace, pid, path, "auto", user_id=owner.id)
    assert (report.imported, report.violations) == (10, [])
    out = io.BytesIO()
    stats = transfer.export_project(workspace, pid, "spacy", out)
    assert (stats.items, stats.objects, stats.skipped) == (10, 10, [])
    ours = [json.loads(ln) for ln in out.getvalue().decode().splitlines()]
    theirs = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()]
    assert [(d["text"], d["cats"], d["meta"]) for d in ours] == [
        (d["text"], d["cats"], d["meta"]) for d in theirs
    ]


def test_an_unknown_category_is_named_by_line_and_path(
    workspace: Workspace, owner: UserInfo
) -> None:
    ontology = {**COOKING, "classes": COOKING["classes"][1:]}  # type: ignore[index]
    pid = projects.create_project(
        workspace, name="Cooking", modality="text", ontology=ontology, user_id=owner.id
    ).id
    path = corpus_path(f"{TEXTCAT}/cooking.jsonl")
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, "spacy", user_id=owner.id)
    found = {(v.location.line, v.location.path) for v in err.value.violations}
    assert found == {(9, "cats.baking.class_name"), (10, "cats.baking.class_name")}
    assert items.list_items(workspace, pid, user_id=owner.id).items == []
