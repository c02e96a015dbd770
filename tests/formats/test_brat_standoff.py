"""brat standoff: brat's own example corpora read, written back and read again."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
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
from ontolabel.formats.brat import BratFormat, BratOptions, ontology_from_conf

FMT = BratFormat()
GOLDEN = Path(__file__).parent / "golden" / "brat"
DATA = "brat/example-data"
# folder -> (documents, objects, relations): what brat's example data holds
FOLDERS: dict[str, tuple[int, int, int]] = {
    "corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE": (20, 579, 331),
    "corpora/CoNLL-ST_2002": (20, 816, 0),
    "corpora/NCBI-disease": (20, 226, 0),
    "tutorials/news": (13, 119, 63),
}


def read(path: Path) -> tuple[list[ImportRecord], list[str]]:
    policy = ErrorPolicy("collect")
    records = list(FMT.read(path, policy))
    return records, [str(v) for v in policy.violations]


def conf_ontology(folder: Path) -> Ontology:
    return parse_ontology(ontology_from_conf((folder / "annotation.conf").read_text(), "brat"))


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


def export(
    records: list[ExportRecord], ontology: Ontology, **options: Any
) -> tuple[zipfile.ZipFile, list[str]]:
    out = io.BytesIO()
    stats = FMT.write(records, out, ontology=ontology, options=BratOptions(**options))
    return zipfile.ZipFile(io.BytesIO(out.getvalue())), [str(v) for v in stats.skipped]


def unpacked(archive: zipfile.ZipFile, tmp_path: Path) -> Path:
    root = tmp_path / "unpacked"
    archive.extractall(root)
    return root


def data(records: list[ImportRecord]) -> list[tuple[Any, ...]]:
    return [
        (r.external_id, r.text, [a.document.model_dump() for a in r.annotations]) for r in records
    ]


def document(records: list[ImportRecord], item: str) -> Annotation:
    (record,) = [r for r in records if r.external_id == item]
    return record.annotations[0].document


@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_reads_and_validates_against_its_own_conf(folder: str) -> None:
    root = corpus_path(f"{DATA}/{folder}")
    records, problems = read(root)
    assert problems == []
    objects = sum(len(a.document.objects) for r in records for a in r.annotations)
    relations = sum(len(a.document.relations) for r in records for a in r.annotations)
    assert (len(records), objects, relations) == FOLDERS[folder]
    ontology = conf_ontology(root)
    for record in records:
        content = ItemContent(modality=Modality.TEXT, text=record.text)
        for annotation in record.annotations:
            assert ontology.validate(annotation.document, content) == [], record.external_id


def _counts(root: Path) -> Counter[str]:
    """What the .ann files hold, counted from their lines alone."""
    found: Counter[str] = Counter()
    for ann in root.rglob("*.ann"):
        for line in ann.read_text(encoding="utf-8").splitlines():
            kind = line[:1]
            fields = line.split("\t")
            found[kind] += 1
            if kind == "E":
                found["event arguments"] += len(fields[1].split()) - 1
            elif kind == "*":
                found["equivalence links"] += len(fields[1].split()) - 2
    return found


def test_every_line_of_the_corpus_is_carried() -> None:
    """Cross-check with the lines themselves: every E is an object with one relation per
    argument, every R and * link a relation, every A, M, # and N an attribute value."""
    root = corpus_path(DATA)
    lines = _counts(root)
    records, problems = read(root)
    assert problems == []
    documents = [a.document for r in records for a in r.annotations]
    events = [o for d in documents for o in d.objects if o.id.startswith("E")]
    relations = Counter("event" if ":" in r.id else r.id[0] for d in documents for r in d.relations)
    values = sum(
        len(str(v).split("\n")) if k in ("AnnotatorNotes", "Reference") else 1
        for d in documents
        for x in [*d.objects, *d.relations]
        for k, v in x.attributes.items()
    )
    assert len(events) == lines["E"] == 267
    assert relations == {
        "event": lines["event arguments"],
        "R": lines["R"],
        "*": lines["equivalence links"],
    }
    assert values == lines["A"] + lines["M"] + lines["#"] + lines["N"] == 283
    assert len(records) == len(list(root.rglob("*.txt"))) == 73


def test_news_introduction_values() -> None:
    records, _ = read(corpus_path(f"{DATA}/tutorials/news"))
    doc = document(records, "000-introduction")
    by_id = {o.id: o for o in doc.objects}
    assert by_id["T1"].class_name == "Organization"
    assert by_id["T1"].geometry == Span(start=418, end=426, text="Citibank")
    event = by_id["E1"]
    assert (event.class_name, event.geometry) == (
        "Transfer-money",
        Span(start=443, end=449, text="moving"),
    )
    assert "T3" not in by_id  # the trigger is part of its event
    assert event.attributes == {"Confidence": "High"}
    assert by_id["T4"].attributes == {"Mention": "Name", "Individual": True}
    assert by_id["T2"].attributes == {"AnnotatorNotes": "100000000 USD"}
    assert by_id["T5"].attributes["Reference"] == "Wikipedia:64488\tCarlos Salinas de Gortari"
    assert [(r.id, r.name, r.source, r.target) for r in doc.relations] == [
        ("E1:Giver-Arg", "Giver-Arg", "E1", "T1"),
        ("E1:Money-Arg", "Money-Arg", "E1", "T2"),
        ("E1:Beneficiary-Arg", "Beneficiary-Arg", "E1", "T4"),
        ("E1:Recipient-Arg", "Recipient-Arg", "E1", "T6"),
        ("R2", "Origin", "T6", "T7"),
        ("R1", "Family", "T4", "T5"),
    ]


def test_equivalences_and_nested_events() -> None:
    records, _ = read(corpus_path(f"{DATA}/tutorials/news"))
    doc = document(records, "060-relation_annotation")
    # '*\tAlias T3 T4 T5': one equivalence of three, two links
    assert [(r.id, r.source, r.target) for r in doc.relations if r.name == "Alias"] == [
        ("*1-1", "T3", "T4"),
        ("*1-2", "T4", "T5"),
    ]
    (record,) = [r for r in records if r.external_id == "060-relation_annotation"]
    archive, _ = export(as_export([record]), conf_ontology(corpus_path(f"{DATA}/tutorials/news")))
    assert "*\tAlias T3 T4 T5" in archive.read("060-relation_annotation.ann").decode().split("\n")
    doc = document(records, "090-event_structures")
    e2 = [r for r in doc.relations if r.source == "E2"]
    assert [(r.name, r.target) for r in e2] == [("Reporter-Arg", "T4"), ("Event-Arg", "E1")]
    e1 = [(r.id, r.name) for r in doc.relations if r.source == "E1"]
    assert e1 == [("E1:Org-Arg", "Org-Arg"), ("E1:Org-Arg2", "Org-Arg")]


@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_round_trip_gives_equal_data(folder: str, tmp_path: Path) -> None:
    root = corpus_path(f"{DATA}/{folder}")
    first, _ = read(root)
    ontology = conf_ontology(root)
    archive, skipped = export(as_export(first), ontology)
    assert skipped == []
    again_root = unpacked(archive, tmp_path)
    again, problems = read(again_root)
    assert problems == []
    assert data(again) == data(first)
    # the annotation.conf written from the ontology validates the data as brat's own did
    regenerated = conf_ontology(again_root)
    for record in again:
        content = ItemContent(modality=Modality.TEXT, text=record.text)
        for annotation in record.annotations:
            assert regenerated.validate(annotation.document, content) == []


@pytest.mark.parametrize("folder", ["corpora/CoNLL-ST_2002", "corpora/NCBI-disease"])
def test_export_gives_back_the_corpus_lines(folder: str) -> None:
    """Without events (whose trigger lines are renumbered) the written .ann files hold
    exactly the lines of brat's own, and the .txt files the same bytes."""
    root = corpus_path(f"{DATA}/{folder}")
    first, _ = read(root)
    archive, _ = export(as_export(first), conf_ontology(root))
    for txt in root.rglob("*.txt"):
        name = txt.relative_to(root).as_posix()
        assert archive.read(name) == txt.read_bytes()
        ann = txt.with_suffix(".ann")
        ours = archive.read(name[:-4] + ".ann").decode().splitlines()
        assert sorted(ours) == sorted(ann.read_text(encoding="utf-8").splitlines())


def test_event_roles_keep_their_numbers() -> None:
    """Site2 belongs to Theme2 (brat numbers pair event participants): written back as read."""
    root = corpus_path(f"{DATA}/corpora/BioNLP-ST_2011/BioNLP-ST_2011_GE")
    records, _ = read(root)
    doc = document(records, "PMID-8872606")
    e8 = [(r.id, r.name, r.target) for r in doc.relations if r.source == "E8"]
    assert e8 == [
        ("E8:Theme", "Theme", "T4"),
        ("E8:Theme2", "Theme", "T5"),
        ("E8:Site2", "Site", "T17"),
    ]
    (record,) = [r for r in records if r.external_id == "PMID-8872606"]
    archive, _ = export(as_export([record]), conf_ontology(root))
    lines = archive.read("PMID-8872606.ann").decode().splitlines()
    (e8_line,) = [line for line in lines if line.startswith("E8\t")]
    assert re.fullmatch(r"E8\tBinding:T\d+ Theme:T4 Theme2:T5 Site2:T17", e8_line)


def test_regenerated_conf_declares_events_and_roles(tmp_path: Path) -> None:
    root = corpus_path(f"{DATA}/tutorials/news")
    records, _ = read(root)
    archive, _ = export(as_export(records), conf_ontology(root))
    conf = archive.read("annotation.conf").decode()
    sections = dict(re.findall(r"\[(\w+)\]\n\n(.*?)(?=\n\[|\Z)", conf, re.S))
    assert sections["entities"].split() == ["Person", "Organization", "GPE", "Money"]
    assert "\tMerge-org\tOrg-Arg*:Organization\n" in sections["events"]
    assert "!Business\n" in sections["events"]
    assert "Alias\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive" in conf
    assert "Mention\tArg:Person|Organization|GPE|Money, Value:Name|Nominal|Other" in conf


def write_pair(folder: Path, name: str, text: str, ann: str, newline: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))


def test_bad_files_are_reported_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    text = "Ana met Bo in Köln."
    write_pair(root, "good", text, "T1\tPerson 0 3\tAna\n")
    write_pair(root, "wrong_text", text, "T1\tPerson 0 3\tAna\nT2\tPerson 8 10\tBob\n")
    write_pair(root, "outside", text, "T1\tCity 14 40\tKöln.\n")
    write_pair(root, "gap", text, "T1\tPerson 0 3;8 10\tAna Bo\n")
    write_pair(root, "dangling", text, "T1\tPerson 0 3\tAna\nR1\tKnows Arg1:T1 Arg2:T9\t\n")
    write_pair(root, "twice", text, "T1\tPerson 0 3\tAna\nT1\tPerson 8 10\tBo\n")
    write_pair(root, "junk", text, "T1 Person 0 3 Ana\n")
    (root / "orphan.ann").write_text("T1\tPerson 0 3\tAna\n")
    (root / "latin1.txt").write_bytes("Köln".encode("latin-1"))
    records, problems = read(root)
    assert [r.external_id for r in records] == ["good"]
    assert problems == [
        "dangling.ann:2, item dangling: Knows refers to T9, which is no entity or event here",
        "gap.ann:1, item gap: T1 is a discontinuous span (2 fragments): an ontolabel span is "
        "one range of the text, so it is not read",
        "junk.ann:1, item junk: not a brat annotation line (id 'T1 Person 0 3 Ana', then a tab)",
        "latin1.txt, item latin1: not UTF-8 text (byte 1): brat reads its files as UTF-8",
        "orphan.ann: no .txt beside this .ann (brat pairs NAME.txt with NAME.ann)",
        "outside.ann:1, item outside: span 14 40 does not fit the text (19 code points; "
        "start < end <= length)",
        "twice.ann:2, item twice: id T1 is used twice",
        "wrong_text.ann:2, item wrong_text: covered text 'Bob' differs from the .txt's 'Bo' "
        "at 8 10 (offsets count code points of the UTF-8 text as stored)",
    ]


def test_crlf_text_is_kept_as_stored_and_counted_so(tmp_path: Path) -> None:
    text = "Name: Bo\r\nCity: Oslo\r\n"
    write_pair(tmp_path / "in", "crlf", text, "T1\tPerson 6 8\tBo\nT2\tCity 16 20\tOslo\n")
    (record,), problems = read(tmp_path / "in")
    assert problems == []
    assert record.text == text
    spans = [o.geometry for o in record.annotations[0].document.objects]
    assert spans == [Span(start=6, end=8, text="Bo"), Span(start=16, end=20, text="Oslo")]
    archive, _ = export(as_export([record]), conf_ontology_for(["Person", "City"]))
    assert archive.read("crlf.txt") == text.encode()


def conf_ontology_for(classes: list[str], **extra: Any) -> Ontology:
    return parse_ontology(
        {"name": "t", "classes": [{"name": c, "geometry": {"text": ["span"]}} for c in classes]}
        | extra
    )


def test_span_across_a_line_break_is_written_as_brat_fragments(tmp_path: Path) -> None:
    text = "New\r\nYork is big"
    record = text_item(
        "ny", text, [AnnotationObject(id="x", class_name="City", geometry=span(text, 0, 9))]
    )
    archive, skipped = export([record], conf_ontology_for(["City"]))
    assert skipped == []
    assert archive.read("ny.ann").decode() == "T1\tCity 0 3;5 9\tNew York\n"
    (again,), problems = read(unpacked(archive, tmp_path))
    assert problems == []
    assert again.annotations[0].document.objects[0].geometry == span(text, 0, 9)


def span(text: str, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text[start:end])


def text_item(
    name: str | None,
    text: str,
    objects: list[AnnotationObject],
    relations: list[Relation] = (),  # type: ignore[assignment]
) -> ExportRecord:
    return ExportRecord(
        item_id=5,
        external_id=name,
        content=ItemContent(modality=Modality.TEXT, text=text),
        annotations=[
            AnnotationRecord(
                document=Annotation(objects=objects, relations=list(relations)), user="ana"
            )
        ],
    )


SAMPLE_TEXT = "Dr. Émile Zola a visité 東京 en 1902."


def sample() -> ExportRecord:
    t = SAMPLE_TEXT
    return text_item(
        "東京/café",
        t,
        [
            AnnotationObject(
                id="p",
                class_name="Persön",
                geometry=span(t, 4, 14),
                attributes={"Mention": "Name", "Famous": True, "AnnotatorNotes": "writer"},
            ),
            AnnotationObject(id="T7", class_name="Ville", geometry=span(t, 24, 26)),
            AnnotationObject(id="E1", class_name="Visit", geometry=span(t, 17, 23)),
        ],
        [
            Relation(id="E1:Visitor", name="Visitor", source="E1", target="p"),
            Relation(id="E1:Place", name="Place", source="E1", target="T7"),
            Relation(id="near", name="Near", source="p", target="T7"),
        ],
    )


SAMPLE_ONTOLOGY: dict[str, Any] = {
    "name": "voyages",
    "classes": [
        {
            "name": "Persön",
            "geometry": {"text": ["span"]},
            "attributes": [
                {"name": "Mention", "type": "enum", "options": ["Name", "Nominal"]},
                {"name": "Famous", "type": "bool"},
                {"name": "AnnotatorNotes", "type": "text"},
            ],
        },
        {"name": "Ville", "geometry": {"text": ["span"]}},
        {"name": "Visit", "geometry": {"text": ["span"]}},
    ],
    "relations": [
        {"name": "Visitor", "sources": ["Visit"], "targets": ["Persön"]},
        {"name": "Place", "sources": ["Visit"], "targets": ["Ville"]},
        {"name": "Near"},
    ],
}


def test_export_matches_golden_files(tmp_path: Path) -> None:
    archive, skipped = export([sample()], parse_ontology(SAMPLE_ONTOLOGY))
    assert skipped == []
    ontology = parse_ontology(SAMPLE_ONTOLOGY)
    stats = FMT.write([sample()], io.BytesIO(), ontology=ontology, options=BratOptions())
    assert (stats.items, stats.objects) == (1, 3)
    assert archive.namelist() == ["東京/café.txt", "東京/café.ann", "annotation.conf"]
    assert archive.read("東京/café.txt") == SAMPLE_TEXT.encode()
    assert archive.read("東京/café.ann") == (GOLDEN / "sample.ann").read_bytes()
    assert archive.read("annotation.conf") == (GOLDEN / "annotation.conf").read_bytes()
    (again,), problems = read(unpacked(archive, tmp_path))
    assert problems == []
    assert again.external_id == "東京/café"
    original = sample().annotations[0].document
    objects = again.annotations[0].document.objects
    # the one object without a brat id is named T8 (after the kept T7)
    assert [(o.id, o.class_name) for o in objects] == [
        ("T8", "Persön"),
        ("T7", "Ville"),
        ("E1", "Visit"),
    ]
    assert [o.attributes for o in objects] == [o.attributes for o in original.objects]


def test_what_brat_cannot_carry_is_reported() -> None:
    t = "Ana met Bo."
    record = text_item(
        "../outside",
        t,
        [
            AnnotationObject(
                id="a",
                class_name="Person",
                geometry=span(t, 0, 3),
                attributes={"Note": "two words", "Tags": ["x"]},
                entity_id="e9",
            ),
            AnnotationObject(id="d", class_name="Doc", geometry=Tag()),
            AnnotationObject(id="b", class_name="Box", geometry=Box(x1=0, y1=0, x2=1, y2=1)),
        ],
        [Relation(id="r", name="Knows", source="a", target="b")],
    )
    record.annotations.append(AnnotationRecord(document=Annotation(), user="bo", status="draft"))
    image = ExportRecord(item_id=8, external_id="pic", content=ItemContent(modality=Modality.IMAGE))
    out = io.BytesIO()
    stats = FMT.write(
        [record, image], out, ontology=conf_ontology_for(["Person"]), options=BratOptions()
    )
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    skipped = [str(v) for v in stats.skipped]
    assert skipped == [
        "item ../outside: the annotation of bo is not written: a .ann holds one label set "
        "(choose one with annotator=NAME)",
        "item ../outside, objects[1]: brat has no form for a tag",
        "item ../outside, objects[2]: brat has no form for a box",
        "item ../outside, relations[0]: relation 'r' joins an object not written",
        "item ../outside, objects[0].attributes.Note: attribute Note = 'two words' has no "
        "brat form (one word)",
        "item ../outside, objects[0].attributes.Tags: attribute Tags = ['x'] has no brat "
        "form (one word)",
        "item ../outside, objects[0]: entity_id of 'a' not written",
        "item pic: brat holds texts; this item is image",
    ]
    # the item is written, under another name: a change, not a loss
    assert [str(v) for v in stats.changed] == [
        "item ../outside: written as item-5.txt: the external id is not a safe file name"
    ]
    assert stats.items == 1
    assert archive.read("item-5.ann").decode() == "T1\tPerson 0 3\tAna\n"


def test_detection(tmp_path: Path) -> None:
    verdict = FMT.detect(corpus_path(f"{DATA}/corpora/NCBI-disease"))
    assert verdict.confidence == 0.95
    assert verdict.reason == "20 .txt/.ann pairs and annotation.conf"
    (tmp_path / "a.txt").write_text("x")
    assert FMT.detect(tmp_path).reason == "no NAME.ann beside a NAME.txt"
    (tmp_path / "a.ann").write_text("hello world\n")
    assert FMT.detect(tmp_path).confidence == 0.2


def test_ontology_from_conf() -> None:
    news = parse_ontology(
        ontology_from_conf(corpus_path(f"{DATA}/tutorials/news/annotation.conf").read_text(), "n")
    )
    assert news.roots()[:4] == ["Person", "Organization", "GPE", "Money"]
    assert news.class_path("Marry") == ["Life", "Marry"]
    assert news.allowed_kinds("Life", "text") == []  # '!Life' groups, takes no span
    assert [k.value for k in news.allowed_kinds("Marry", "text")] == ["span"]
    mention = {a.name: a for a in news.resolved_attributes("Person")}["Mention"]
    assert (mention.type.value, mention.options) == ("enum", ["Name", "Nominal", "Other"])
    negation = {a.name: a for a in news.resolved_attributes("Die")}["Negation"]
    assert negation.type.value == "bool"
    report = news.get_relation("Event-Arg")
    assert report is not None and report.sources == ["Report"]
    assert "Transfer-money" in report.targets and "Person" not in report.targets
    ncbi = parse_ontology(
        ontology_from_conf(
            corpus_path(f"{DATA}/corpora/NCBI-disease/annotation.conf").read_text(), "d"
        )
    )
    category = {a.name: a for a in ncbi.resolved_attributes("Disease")}["Category"]
    assert category.options == ["SpecificDisease", "Modifier", "DiseaseClass", "CompositeMention"]


def test_reading_streams_document_by_document(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    write_pair(root, "a", "Ana", "T1\tPerson 0 3\tAna\n")
    write_pair(root, "b", "Bo", "T1\tPerson 0 2\tBob\n")
    policy = ErrorPolicy("collect")
    stream = FMT.read(root, policy)
    first = next(iter(stream))
    assert (first.external_id, policy.violations) == ("a", [])  # b.ann is not read yet
    assert list(stream) == []
    assert len(policy.violations) == 1


def test_conf_can_be_left_out() -> None:
    archive, _ = export([sample()], parse_ontology(SAMPLE_ONTOLOGY), conf=False)
    assert archive.namelist() == ["東京/café.txt", "東京/café.ann"]


def test_ann_files_with_crlf_line_ends_read_the_same(tmp_path: Path) -> None:
    root = corpus_path(f"{DATA}/tutorials/news")
    copy = tmp_path / "news"
    for path in root.iterdir():
        copy.mkdir(exist_ok=True)
        content = path.read_bytes()
        (copy / path.name).write_bytes(
            content.replace(b"\n", b"\r\n") if path.suffix == ".ann" else content
        )
    first, _ = read(root)
    again, problems = read(copy)
    assert problems == []
    assert data(again) == data(first)
