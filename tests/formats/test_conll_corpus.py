"""CoNLL/BIO on other projects' files: spaCy's IOB examples and doccano's CoNLL fixtures
import (the broken one with its precise error), round-trip to the same tokens and tags,
agree with spaCy's own conversion of the same files, and go through a project end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import PASSWORD

from corpus import corpus_path
from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import Span
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    ImportRecord,
    detect_format,
    get_format,
)
from ontolabel.services import annotations as saving
from ontolabel.services import items, projects, transfer, users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

CONLL = get_format("conll")
GOLDEN = Path(__file__).parent / "golden" / "conll"
NER = "spaCy/extra/example_data/ner_example_data"
DOCCANO = "doccano/backend/data_import/tests/data/sequence_labeling"

# every CoNLL/BIO file of the corpus: (path, items, spans)
FILES = [
    (f"{NER}/ner-token-per-line-conll2003.iob", 1, 7),
    (f"{NER}/ner-token-per-line.iob", 1, 7),
    (f"{NER}/ner-token-per-line-with-pos.iob", 1, 7),
    (f"{NER}/ner-sent-per-line.iob", 2, 7),
    (f"{DOCCANO}/example.conll", 2, 2),
    (f"{DOCCANO}/labeling.trailing.conll", 1, 2),
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


def read(path: Path) -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy("collect")
    return list(CONLL.read(path, policy)), policy


def labelled(records: list[ImportRecord]) -> list[tuple[str, str]]:
    found = []
    for r in records:
        for o in r.annotations[0].document.objects:
            assert isinstance(o.geometry, Span) and r.text is not None
            assert r.text[o.geometry.start : o.geometry.end] == o.geometry.text
            found.append((o.class_name, o.geometry.text))
    return found


def as_export(records: list[ImportRecord]) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=k,
            external_id=None,
            content=ItemContent(modality=Modality.TEXT, text=r.text, meta=r.meta),
            annotations=[AnnotationRecord(document=r.annotations[0].document)],
        )
        for k, r in enumerate(records, start=1)
    ]


def export(records: list[ImportRecord], ontology: Ontology, **options: Any) -> bytes:
    out = io.BytesIO()
    stats = CONLL.write(
        as_export(records), out, ontology=ontology, options=CONLL.parse_options(options)
    )
    assert stats.skipped == []
    return out.getvalue()


def token_tags(path: Path) -> list[tuple[str, str]]:
    """(token, tag) of every token line of a token-per-line file, as the file has them."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] != "-DOCSTART-":
            found.append((fields[0], fields[-1]))
    return found


def token_lines(path: Path) -> list[list[str]]:
    """The columns of every token line (whatever separates them)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.split() for ln in lines if ln.strip() and not ln.startswith("-DOCSTART-")]


@pytest.mark.parametrize(("relative", "count", "spans"), FILES)
def test_every_corpus_file_imports_and_round_trips(
    relative: str, count: int, spans: int, ontology: Ontology, tmp_path: Path
) -> None:
    path = corpus_path(relative)
    assert detect_format(path).name == "conll"
    records, policy = read(path)
    assert policy.violations == []
    assert len(records) == count
    assert len(labelled(records)) == spans
    for scheme, layout in (("iob2", "kept"), ("iobes", "kept"), ("iob2", "two_column")):
        out = tmp_path / f"{scheme}-{layout}.conll"
        out.write_bytes(export(records, ontology, scheme=scheme, layout=layout))
        again, policy = read(out)
        assert policy.violations == []
        # same tokens, same spans: the same text, tokens (and kept columns) in meta, objects
        expected = [(r.text, r.meta) for r in records]
        if layout == "two_column":  # writes no POS or chunk columns
            expected = [
                (t, {k: v for k, v in m.items() if k != "conll_columns"}) for t, m in expected
            ]
        assert [(r.text, r.meta) for r in again] == expected
        assert [r.annotations[0].document for r in again] == [
            r.annotations[0].document for r in records
        ]
        if scheme == "iob2" and not relative.endswith("sent-per-line.iob"):
            # the file's own tags were IOB2: the export gives every token its tag back
            assert token_tags(out) == token_tags(path)
            if layout == "kept":  # and its own columns: every token line as in the file
                assert token_lines(out) == token_lines(path)


def test_the_spacy_examples_hold_the_thrun_entities() -> None:
    for name in ("ner-token-per-line-conll2003.iob", "ner-sent-per-line.iob"):
        records, _ = read(corpus_path(f"{NER}/{name}"))
        assert labelled(records) == THRUN
    (record,), _ = read(corpus_path(f"{NER}/ner-token-per-line-conll2003.iob"))
    assert record.location.line == 3
    assert record.text is not None and record.text.startswith("When Sebastian Thrun started")
    assert "seriously .\n“ I can tell you" in record.text  # two sentences, one document


@pytest.mark.parametrize(
    "name",
    ["ner-token-per-line-conll2003", "ner-token-per-line", "ner-token-per-line-with-pos"],
)
def test_iobes_export_equals_spacys_own_biluo_conversion(
    name: str, ontology: Ontology, tmp_path: Path
) -> None:
    # spaCy's `convert -c iob` made the .json beside each .iob: its BILUO tags are what
    # spaCy read from the file, and our IOBES export must say the same of every token
    records, _ = read(corpus_path(f"{NER}/{name}.iob"))
    out = tmp_path / "iobes.conll"
    out.write_bytes(export(records, ontology, scheme="iobes"))
    ours = token_tags(out)
    spacy_doc = json.loads(corpus_path(f"{NER}/{name}.json").read_text(encoding="utf-8"))
    theirs = [
        (t["orth"], t["ner"].replace("L-", "E-").replace("U-", "S-"))
        for doc in spacy_doc
        for paragraph in doc["paragraphs"]
        for sentence in paragraph["sentences"]
        for t in sentence["tokens"]
    ]
    assert ours == theirs


def test_corpus_export_matches_the_golden_file(ontology: Ontology) -> None:
    records, _ = read(corpus_path(f"{NER}/ner-token-per-line-conll2003.iob"))
    got = export(records, ontology, scheme="iobes", layout="conll2003")
    assert got == (GOLDEN / "ner-token-per-line-conll2003.iobes.conll").read_bytes()


def test_doccanos_invalid_file_names_its_bad_tag_and_line() -> None:
    records, policy = read(corpus_path(f"{DOCCANO}/labeling.invalid.conll"))
    assert [str(v) for v in policy.violations] == [
        "labeling.invalid.conll:1: tag 'SOCCERO' is neither O nor a B-, I-, E-, S- (or L-, U-) "
        "prefix followed by a class"
    ]
    # the sentence with the bad line is left out whole; the two others import
    assert labelled(records) == [
        ("PER", "Nadim Ladki"),
        ("LOC", "AL-AIN"),
        ("LOC", "United Arab Emirates"),
    ]


# -- end to end through a project ----------------------------------------------------------

NER_ONTOLOGY: dict[str, Any] = {
    "name": "News NER",
    "classes": [
        {"name": name, "geometry": {"text": ["span"]}} for name in ("PERSON", "ORG", "DATE", "NORP")
    ],
}
DOCCANO_ONTOLOGY: dict[str, Any] = {
    "name": "CoNLL-2003",
    "classes": [{"name": n, "geometry": {"text": ["span"]}} for n in ("PER", "LOC", "ORG", "MISC")],
}


def test_a_corpus_file_imports_into_a_project_and_exports_the_same_tags(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="NER", modality="text", ontology=NER_ONTOLOGY, user_id=owner.id
    ).id
    path = corpus_path(f"{NER}/ner-token-per-line-conll2003.iob")
    report = transfer.import_file(workspace, pid, path, "auto", user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    out = io.BytesIO()
    stats = transfer.export_project(
        workspace, pid, "conll", out, options={"scheme": "iobes", "layout": "conll2003"}
    )
    assert (stats.items, stats.objects, stats.skipped) == (1, 7, [])
    assert out.getvalue() == (GOLDEN / "ner-token-per-line-conll2003.iobes.conll").read_bytes()
    # and the IOB2 export is the file's own tags, token for token
    out = io.BytesIO()
    transfer.export_project(workspace, pid, "conll", out)
    exported = tmp_path / "export.conll"
    exported.write_bytes(out.getvalue())
    assert token_tags(exported) == token_tags(path)


def test_unknown_labels_are_named_with_the_line_of_their_token(
    workspace: Workspace, owner: UserInfo
) -> None:
    ontology = {**NER_ONTOLOGY, "classes": NER_ONTOLOGY["classes"][:3]}  # no NORP
    pid = projects.create_project(
        workspace, name="NER", modality="text", ontology=ontology, user_id=owner.id
    ).id
    path = corpus_path(f"{NER}/ner-token-per-line-conll2003.iob")
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, "conll", user_id=owner.id)
    [problem] = err.value.violations
    assert problem.location.file == "ner-token-per-line-conll2003.iob"
    # the line of the token `American JJ _ B-NORP`, not the document's first line
    assert (problem.location.line, problem.location.path) == (39, "class_name")
    assert "NORP" in problem.message
    assert items.list_items(workspace, pid, user_id=owner.id).items == []


def test_a_second_annotator_and_drafts_follow_the_selection_options(
    workspace: Workspace, owner: UserInfo
) -> None:
    pid = projects.create_project(
        workspace, name="NER", modality="text", ontology=NER_ONTOLOGY, user_id=owner.id
    ).id
    bea = users.create_user(workspace, "bea", PASSWORD)
    projects.set_member(workspace, pid, bea.id, "annotator", user_id=owner.id)
    text = "Ana met Bo"
    item = items.add_text_item(workspace, pid, text=text, user_id=owner.id)

    def save(user: int, start: int, end: int, status: str) -> None:
        document = Annotation.model_validate(
            {
                "objects": [
                    {
                        "id": "a",
                        "class_name": "PERSON",
                        "geometry": {
                            "kind": "span",
                            "start": start,
                            "end": end,
                            "text": text[start:end],
                        },
                    }
                ]
            }
        )
        saving.save_annotation(
            workspace, item.id, document, user_id=user, base_revision=0, status=status
        )

    save(owner.id, 0, 3, "submitted")
    save(bea.id, 8, 10, "draft")

    def tags(**options: Any) -> list[str]:
        out = io.BytesIO()
        transfer.export_project(workspace, pid, "conll", out, options=options)
        return [ln.split()[-1] for ln in out.getvalue().decode().splitlines()[2:] if ln]

    assert tags() == ["B-PERSON", "O", "O"]  # the submitted work wins over a draft
    assert tags(annotator="bea") == ["O", "O", "B-PERSON"]
    assert tags(annotator="bea", status="submitted") == ["O", "O", "O"]


def test_over_http_the_upload_is_detected_and_the_export_takes_its_options(
    client: TestClient,
) -> None:
    reply = client.post(
        "/api/projects", json={"name": "NER", "modality": "text", "ontology": NER_ONTOLOGY}
    )
    pid = reply.json()["id"]
    path = corpus_path(f"{NER}/ner-token-per-line-conll2003.iob")
    reply = client.post(
        f"/api/projects/{pid}/import", files={"file": (path.name, path.read_bytes())}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["imported"] == 1
    reply = client.get(f"/api/projects/{pid}/export?format=conll&scheme=iobes&layout=conll2003")
    assert reply.status_code == 200, reply.text
    assert reply.content == (GOLDEN / "ner-token-per-line-conll2003.iobes.conll").read_bytes()
    reply = client.get(f"/api/projects/{pid}/export?format=conll&scheme=bioes")
    assert reply.status_code == 422
    described = {f["name"]: f for f in client.get("/api/formats").json()}["conll"]
    assert described["kinds"] == ["span"] and described["modalities"] == ["text"]
    assert set(described["options_schema"]["properties"]) >= {"scheme", "layout", "nested"}


def test_over_http_the_broken_doccano_file_is_collected_with_its_line(
    client: TestClient,
) -> None:
    reply = client.post(
        "/api/projects",
        json={"name": "NER", "modality": "text", "ontology": DOCCANO_ONTOLOGY},
    )
    pid = reply.json()["id"]
    path = corpus_path(f"{DOCCANO}/labeling.invalid.conll")
    upload = {"file": (path.name, path.read_bytes())}
    reply = client.post(f"/api/projects/{pid}/import?format=conll", files=upload)
    assert reply.status_code == 422
    assert [(v["file"], v["line"]) for v in reply.json()["violations"]] == [(path.name, 1)]
    reply = client.post(f"/api/projects/{pid}/import?format=conll&errors=collect", files=upload)
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert (report["imported"], report["skipped"]) == (2, 1)
    assert [(e["file"], e["line"]) for e in report["errors"]] == [(path.name, 1)]
