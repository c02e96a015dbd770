"""CoNLL/BIO: the pinned exports, tokens cut at span edges, the schemes read and their
illegal sequences named by file and line, and what a flat tag sequence cannot hold."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, ImportRecord, get_format
from ontolabel.formats.conll.tags import Decoder, encode, parse_tag
from ontolabel.formats.conll.tokens import tokenize

CONLL = get_format("conll")
ORDER = 'Order "Blue Star XTC" today.'


def span(oid: str, cls: str, text: str, start: int, end: int, **extra: Any) -> AnnotationObject:
    return AnnotationObject(
        id=oid,
        class_name=cls,
        geometry=Span(start=start, end=end, text=text[start:end]),
        **extra,
    )


def text_record(
    item_id: int, text: str, objects: list[AnnotationObject], **extra: Any
) -> ExportRecord:
    return ExportRecord(
        item_id=item_id,
        external_id=f"t{item_id}",
        content=ItemContent(modality=Modality.TEXT, text=text, meta=extra.pop("meta", {})),
        annotations=[AnnotationRecord(document=Annotation(objects=objects, **extra), user="ana")],
    )


def export(records: list[ExportRecord], ontology: Ontology, **options: Any) -> tuple[str, Any]:
    out = io.BytesIO()
    stats = CONLL.write(records, out, ontology=ontology, options=CONLL.parse_options(options))
    return out.getvalue().decode(), stats


def read(
    tmp_path: Path, content: str | bytes, name: str = "in.conll"
) -> tuple[list[ImportRecord], ErrorPolicy]:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    policy = ErrorPolicy("collect")
    return list(CONLL.read(path, policy)), policy


def pairs(conll: str) -> list[tuple[str, str]]:
    return [
        (line.split()[0], line.split()[-1])
        for line in conll.splitlines()
        if line.strip() and not line.startswith("-DOCSTART-")
    ]


def spans_of(record: ImportRecord) -> list[tuple[str, int, int, str]]:
    found = []
    for o in record.annotations[0].document.objects:
        assert isinstance(o.geometry, Span)
        assert record.text is not None
        assert record.text[o.geometry.start : o.geometry.end] == o.geometry.text
        found.append((o.class_name, o.geometry.start, o.geometry.end, o.geometry.text))
    return found


# -- the pinned exports ------------------------------------------------------------------


def test_order_blue_star_xtc_in_iob2(ontology: Ontology) -> None:
    record = text_record(
        1, ORDER, [span("b", "Brand", ORDER, 7, 16), span("d", "Drug", ORDER, 17, 20)]
    )
    conll, stats = export([record], ontology)
    assert pairs(conll) == [
        ("Order", "O"),
        ('"', "O"),
        ("Blue", "B-Brand"),
        ("Star", "I-Brand"),
        ("XTC", "B-Drug"),
        ('"', "O"),
        ("today", "O"),
        (".", "O"),
    ]
    assert conll == (
        '-DOCSTART- O\n\nOrder O\n" O\nBlue B-Brand\nStar I-Brand\nXTC B-Drug\n" O\n'
        "today O\n. O\n\n"
    )
    assert (stats.items, stats.objects, stats.skipped) == (1, 2, [])


def test_order_blue_star_xtc_in_iobes(ontology: Ontology) -> None:
    record = text_record(
        1, ORDER, [span("b", "Brand", ORDER, 7, 16), span("d", "Drug", ORDER, 17, 20)]
    )
    conll, _ = export([record], ontology, scheme="iobes")
    assert pairs(conll) == [
        ("Order", "O"),
        ('"', "O"),
        ("Blue", "B-Brand"),
        ("Star", "E-Brand"),
        ("XTC", "S-Drug"),
        ('"', "O"),
        ("today", "O"),
        (".", "O"),
    ]


def test_a_span_edge_inside_a_token_cuts_the_token(ontology: Ontology, tmp_path: Path) -> None:
    text = "take 500mg daily"
    conll, stats = export([text_record(1, text, [span("d", "Dose", text, 5, 8)])], ontology)
    assert pairs(conll) == [("take", "O"), ("500", "B-Dose"), ("mg", "O"), ("daily", "O")]
    assert stats.skipped == []
    (back,), policy = read(tmp_path, conll)
    assert policy.violations == []
    assert back.text == "take 500 mg daily"
    assert spans_of(back) == [("Dose", 5, 8, "500")]


def test_both_edges_inside_one_word_give_three_tokens(ontology: Ontology) -> None:
    text = "anti-TNFalpha therapy"
    conll, _ = export([text_record(1, text, [span("d", "Drug", text, 5, 8)])], ontology)
    assert pairs(conll) == [
        ("anti", "O"),
        ("-", "O"),  # a connector is kept in a word only when no span edge is beside it
        ("TNF", "B-Drug"),
        ("alpha", "O"),
        ("therapy", "O"),
    ]


def test_emoji_and_non_ascii_text_keeps_code_point_spans(
    ontology: Ontology, tmp_path: Path
) -> None:
    text = "Ok 👍🏽 meet Ana in Köln, 東京 ok"
    objects = [
        span("a", "Person", text, 11, 14),
        span("k", "Location", text, 18, 22),
        span("t", "Location", text, 24, 26),
        span("e", "Émotion", text, 3, 5),
    ]
    conll, stats = export([text_record(1, text, objects)], ontology, scheme="iobes")
    assert stats.skipped == []
    assert pairs(conll) == [
        ("Ok", "O"),
        ("👍🏽", "S-Émotion"),
        ("meet", "O"),
        ("Ana", "S-Person"),
        ("in", "O"),
        ("Köln", "S-Location"),
        (",", "O"),
        ("東京", "S-Location"),
        ("ok", "O"),
    ]
    (back,), policy = read(tmp_path, conll.encode())
    assert policy.violations == []
    assert back.text == "Ok 👍🏽 meet Ana in Köln , 東京 ok"
    assert spans_of(back) == [
        ("Émotion", 3, 5, "👍🏽"),
        ("Person", 11, 14, "Ana"),
        ("Location", 18, 22, "Köln"),
        ("Location", 25, 27, "東京"),
    ]


# -- what flat BIO cannot hold is named, never dropped -----------------------------------


def test_nested_spans_keep_the_longest_and_report_the_other(ontology: Ontology) -> None:
    text = "Blue Star XTC tablets"
    objects = [span("d", "Drug", text, 10, 13), span("b", "Brand", text, 0, 13)]
    conll, stats = export([text_record(1, text, objects)], ontology)
    assert pairs(conll)[:3] == [("Blue", "B-Brand"), ("Star", "I-Brand"), ("XTC", "I-Brand")]
    assert stats.objects == 1
    [lost] = stats.skipped
    assert lost.location.item == "t1" and lost.location.path == "objects[0]"
    assert "Drug [10,13) 'XTC' overlaps Brand [0,13) 'Blue Star XTC'" in lost.message


def test_nested_first_keeps_the_earliest(ontology: Ontology) -> None:
    text = "Blue Star XTC tablets"
    objects = [span("x", "Drug", text, 5, 21), span("b", "Brand", text, 0, 9)]
    conll, stats = export([text_record(1, text, objects)], ontology, nested="first")
    assert pairs(conll) == [
        ("Blue", "B-Brand"),
        ("Star", "I-Brand"),
        ("XTC", "O"),
        ("tablets", "O"),
    ]
    assert [v.location.path for v in stats.skipped] == ["objects[0]"]


def test_tags_relations_attributes_and_blank_spans_are_reported(ontology: Ontology) -> None:
    text = "Ana met Bo ."
    objects = [
        span("a", "Person", text, 0, 3, attributes={"occluded": True}),
        span("b", "Person", text, 8, 10, score=0.7),
        AnnotationObject(id="c", class_name="Sports", geometry={"kind": "tag"}),  # type: ignore[arg-type]
        span("w", "Person", text, 3, 4),  # a space
        span("s", "Team Name", text, 8, 10),
    ]
    record = text_record(
        1,
        text,
        objects,
        relations=[{"id": "r", "name": "knows", "source": "a", "target": "b"}],
    )
    conll, stats = export([record], ontology)
    assert pairs(conll) == [("Ana", "B-Person"), ("met", "O"), ("Bo", "B-Person"), (".", "O")]
    got = {(v.location.path, v.message) for v in stats.skipped}
    assert got == {
        ("objects[0]", "CoNLL does not carry the attribute 'occluded' of Person"),
        ("objects[1]", "CoNLL does not carry the score of Person"),
        ("objects[2]", "CoNLL has no form for a document class (Sports)"),
        ("objects[3]", "the span Person [3,4) holds no token of the text"),
        ("objects[4]", "class 'Team Name' has whitespace: it cannot be a CoNLL label"),
        ("relations[0]", "CoNLL has no form for a relation (knows)"),
    }


def test_an_item_that_is_not_text_is_reported(ontology: Ontology) -> None:
    record = ExportRecord(item_id=3, external_id=None, content=ItemContent(modality=Modality.IMAGE))
    conll, stats = export([record], ontology)
    assert conll == ""
    assert [(v.location.item, v.message) for v in stats.skipped] == [
        ("3", "CoNLL holds text; this item is image")
    ]


def test_sentences_end_at_line_breaks_but_never_inside_an_entity(
    ontology: Ontology, tmp_path: Path
) -> None:
    text = "Seen in New\nYork today.\n\nBo left."
    objects = [span("l", "Location", text, 8, 16), span("p", "Person", text, 25, 27)]
    conll, _ = export([text_record(1, text, objects)], ontology, docstart=False)
    assert conll == (
        "Seen O\nin O\nNew B-Location\nYork I-Location\ntoday O\n. O\n\nBo B-Person\nleft O\n"
        ". O\n\n"
    )
    records, policy = read(tmp_path, conll)
    assert policy.violations == []
    assert [r.text for r in records] == ["Seen in New York today .", "Bo left ."]


def test_layouts_separators_and_options_from_strings(ontology: Ontology) -> None:
    text = "Ana left"
    record = text_record(1, text, [span("a", "Person", text, 0, 3)])
    conll, _ = export(
        [record], ontology, layout="conll2003", separator="tab", scheme="iobes", docstart="true"
    )
    assert conll == "-DOCSTART-\t-X-\t-X-\tO\n\nAna\t_\t_\tS-Person\nleft\t_\t_\tO\n\n"
    with pytest.raises(FormatError) as err:
        CONLL.parse_options({"scheme": "bio"})
    assert err.value.violations[0].location.path == "scheme"


def test_export_import_export_gives_the_same_bytes(ontology: Ontology, tmp_path: Path) -> None:
    first_text = "Dr. Müller gave 5mg of Xanax ( alprazolam ) to Ana-Lena on 2024-01-03 ."
    objects = [
        span("p", "Person", first_text, 4, 10),
        span("d", "Dose", first_text, 16, 17),
        span("x", "Drug", first_text, 23, 28),
        span("y", "Drug", first_text, 31, 41),
        span("z", "Person", first_text, 47, 55),
    ]
    second = "Kein Befund.\nNächster Termin in Zürich."
    records = [
        text_record(1, first_text, objects),
        text_record(2, second, [span("c", "Location", second, 32, 38)]),
    ]
    for scheme in ("iob2", "iobes"):
        conll, stats = export(records, ontology, scheme=scheme)
        assert stats.skipped == []
        back, policy = read(tmp_path, conll)
        assert policy.violations == []
        again = [
            text_record(
                k,
                r.text or "",
                list(r.annotations[0].document.objects),
                meta=r.meta,
            )
            for k, r in enumerate(back, start=1)
        ]
        assert export(again, ontology, scheme=scheme)[0] == conll
        assert spans_of(back[1]) == [("Location", 33, 39, "Zürich")]
        assert back[0].text == (
            "Dr . Müller gave 5 mg of Xanax ( alprazolam ) to Ana-Lena on 2024-01-03 ."
        )
        assert [t for *_, t in spans_of(back[0])] == [
            "Müller",
            "5",
            "Xanax",
            "alprazolam",
            "Ana-Lena",
        ]


# -- reading: schemes, documents and the errors named by line ----------------------------


def test_documents_group_sentences_and_sentences_are_items_without_them(tmp_path: Path) -> None:
    with_docs = "-DOCSTART- O\n\nAna B-PER\nsaw O\n\nBo B-PER\n\n-DOCSTART- O\n\nOslo B-LOC\n"
    records, policy = read(tmp_path, with_docs)
    assert policy.violations == []
    assert [r.text for r in records] == ["Ana saw\nBo", "Oslo"]
    assert [r.location.line for r in records] == [3, 10]
    assert spans_of(records[0]) == [("PER", 0, 3, "Ana"), ("PER", 8, 10, "Bo")]
    assert records[0].meta == {"tokens": [[0, 3], [4, 7], [8, 10]]}
    assert records[0].annotations[0].origins == ("line 3", "line 6")
    records, _ = read(tmp_path, "Ana B-PER\nsaw O\n\n\nBo B-PER\n")
    assert [r.text for r in records] == ["Ana saw", "Bo"]


def test_iob2_i_after_o_is_named_by_line_and_skips_only_its_item(tmp_path: Path) -> None:
    content = "Ana B-PER\n\nto O\nNew I-LOC\nYork I-LOC\n\nBo B-PER\nKarl I-PER\n"
    records, policy = read(tmp_path, content)
    assert [str(v) for v in policy.violations] == [
        "in.conll:4: I-LOC after O: in IOB2 an entity starts with B-"
    ]
    assert [r.text for r in records] == ["Ana", "Bo Karl"]


def test_iob2_i_of_another_class_and_at_a_sentence_start(tmp_path: Path) -> None:
    content = "Ana B-PER\nOslo I-LOC\n\nx B-PER\n\nKarl I-PER\n"
    _, policy = read(tmp_path, content)
    assert [str(v) for v in policy.violations] == [
        "in.conll:2: I-LOC after PER (line 1): in IOB2 an entity starts with B-",
        "in.conll:6: I-PER after a sentence start: in IOB2 an entity starts with B-",
    ]


def test_iobes_sequences_and_their_errors(tmp_path: Path) -> None:
    good = "New B-LOC\nYork E-LOC\nand O\nAna S-PER\n"
    (record,), policy = read(tmp_path, good)
    assert policy.violations == []
    assert spans_of(record) == [("LOC", 0, 8, "New York"), ("PER", 13, 16, "Ana")]
    bad = "York E-LOC\n\nNew B-LOC\nin O\n\nAna B-PER\n\nx B-ORG\ny I-ORG\nz S-ORG\n"
    records, policy = read(tmp_path, bad)
    assert records == []
    assert [str(v) for v in policy.violations] == [
        "in.conll:1: E-LOC without B-LOC (after a sentence start)",
        "in.conll:3: B-LOC is never closed by E-LOC (IOBES: a one-token entity is S-LOC)",
        "in.conll:6: B-PER is never closed by E-PER (IOBES: a one-token entity is S-PER)",
        "in.conll:8: B-ORG is never closed by E-ORG (IOBES: a one-token entity is S-ORG)",
    ]


def test_bilou_reads_as_iobes(tmp_path: Path) -> None:
    (record,), policy = read(tmp_path, "New B-GPE\nYork L-GPE\nis O\nbig U-ADJ\n")
    assert policy.violations == []
    assert spans_of(record) == [("GPE", 0, 8, "New York"), ("ADJ", 12, 15, "big")]


def test_iob1_is_told_from_its_tags(tmp_path: Path) -> None:
    content = "Ana I-PER\nLena I-PER\nBo B-PER\nin O\nOslo I-LOC\n"
    (record,), policy = read(tmp_path, content)
    assert policy.violations == []
    assert spans_of(record) == [
        ("PER", 0, 8, "Ana Lena"),
        ("PER", 9, 11, "Bo"),
        ("LOC", 15, 19, "Oslo"),
    ]


def test_bad_lines_are_named_and_the_good_documents_import(tmp_path: Path) -> None:
    content = b"Ana B-PER\nsaw\n\nBo X-PER\n\n\xff\xfe O\n\nOslo B-LOC\n"
    records, policy = read(tmp_path, content)
    assert [str(v) for v in policy.violations] == [
        "in.conll:2: the line has one column ('saw'): a token needs a tag column",
        "in.conll:4: tag 'X-PER' is neither O nor a B-, I-, E-, S- (or L-, U-) prefix "
        "followed by a class",
        "in.conll:6: not UTF-8 text",
    ]
    assert [r.text for r in records] == ["Oslo"]


def test_fail_mode_is_the_callers_to_raise(tmp_path: Path) -> None:
    path = tmp_path / "bad.conll"
    path.write_text("Ana I-PER\nB B-PER\nx O\ny I-PER\n")
    policy = ErrorPolicy("fail")
    records = list(CONLL.read(path, policy))
    assert records and not policy.violations  # IOB1 read: an I- start is legal there
    path.write_text("Ana B-PER\nx O\ny I-PER\n")
    policy = ErrorPolicy("fail")
    list(CONLL.read(path, policy))
    with pytest.raises(FormatError) as err:
        policy.raise_if_failed("bad.conll")
    assert [v.location.line for v in err.value.violations] == [3]


def test_sentence_per_line_with_pipes(tmp_path: Path) -> None:
    content = "Ana|NNP|B-PER saw|VBD|O Bo|NNP|B-PER\nOslo|NNP|B-LOC is|VBZ|O\n"
    records, policy = read(tmp_path, content, "s.iob")
    assert policy.violations == []
    assert [r.text for r in records] == ["Ana saw Bo", "Oslo is"]
    assert spans_of(records[1]) == [("LOC", 0, 4, "Oslo")]


def test_detection(tmp_path: Path) -> None:
    def detect(content: str) -> float:
        path = tmp_path / "x.txt"
        path.write_text(content)
        return CONLL.detect(path).confidence

    assert detect("-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n") >= 0.9
    assert detect("Ana\tB-PER\nsaw\tO\nBo\tB-PER\n") >= 0.9
    assert detect('{"text": "Ana", "ents": []}\n') == 0.0
    assert detect("0 0.5 0.5 0.2 0.1\n1 0.3 0.3 0.1 0.1\n") == 0.0
    assert detect("T1\tPerson 0 3\tAna\n") == 0.0
    assert detect("") == 0.0


# -- the pure pieces -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ('Order "Blue Star XTC" today.', ["Order", '"', "Blue", "Star", "XTC", '"', "today", "."]),
        (
            "don't stop at 3.5 mg/kg, e.g. now",
            ["don't", "stop", "at", "3.5", "mg/kg", ",", "e.g", ".", "now"],
        ),
        ("1996-12-06: AL-AIN", ["1996-12-06", ":", "AL-AIN"]),
        ("Ok 👍🏽 and 👨\u200d👩\u200d👧!", ["Ok", "👍🏽", "and", "👨\u200d👩\u200d👧", "!"]),
        ("  café\u00a0crème\tx\n", ["café", "crème", "x"]),
        ("$5 (net)", ["$", "5", "(", "net", ")"]),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert [text[s:e] for s, e in tokenize(text)] == tokens


@pytest.mark.parametrize(
    ("scheme", "tags"),
    [
        ("iob2", ["B-A", "I-A", "B-A", "O", "B-B"]),
        ("iobes", ["B-A", "E-A", "S-A", "O", "S-B"]),
    ],
)
def test_encode_and_decode_are_inverse(scheme: Any, tags: list[str]) -> None:
    entities = [(0, 1, "A"), (2, 2, "A"), (4, 4, "B")]
    assert encode(5, entities, scheme) == tags
    decoder = Decoder(scheme)
    for k, raw in enumerate(tags):
        tag = parse_tag(raw)
        assert tag is not None
        decoder.feed(tag, k, k + 1)
    decoder.end()
    assert decoder.problems == []
    assert [(e.first, e.last, e.label) for e in decoder.entities] == entities


# -- streaming -----------------------------------------------------------------------------


class _Sink(io.RawIOBase):
    """A binary output that only counts what it is given."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        return len(data)


def _peaks(n: int, ontology: Ontology, tmp_path: Path) -> tuple[int, int]:
    """Peak memory of reading a file of ``n`` sentences, and of writing ``n`` items."""
    path = tmp_path / f"big{n}.conll"
    with path.open("w", encoding="utf-8") as f:
        for k in range(n):
            f.write(f"Patient{k} B-PER\ntook O\n{k}mg B-DOSE\n\n")
    tracemalloc.start()
    assert sum(1 for _ in CONLL.read(path, ErrorPolicy())) == n
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    def records() -> Any:
        for k in range(n):
            text = f"Patient{k} took {k}mg"
            dose = text.index("mg") - len(str(k))
            yield text_record(k, text, [span("d", "DOSE", text, dose, dose + len(str(k)))])

    sink = _Sink()
    tracemalloc.start()
    stats = CONLL.write(records(), sink, ontology=ontology, options=CONLL.parse_options({}))  # type: ignore[arg-type]
    _, write_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (stats.items, stats.objects) == (n, n) and sink.size > 30 * n
    return read_peak, write_peak


def test_import_and_export_stream_one_item_at_a_time(ontology: Ontology, tmp_path: Path) -> None:
    small = _peaks(300, ontology, tmp_path)
    large = _peaks(3000, ontology, tmp_path)
    # ten times the items, about the same memory: nothing grows with the file
    assert large[0] < small[0] * 1.5 + (64 << 10)
    assert large[1] < small[1] * 1.5 + (64 << 10)


def test_crlf_files_read_like_lf_files(tmp_path: Path) -> None:
    (record,), policy = read(tmp_path, b"-DOCSTART- O\r\n\r\nAna B-PER\r\nleft O\r\n\r\n")
    assert policy.violations == []
    assert record.text == "Ana left"


def test_nested_skip_writes_none_of_the_overlapping_spans(ontology: Ontology) -> None:
    text = "Blue Star XTC tablets by Acme"
    objects = [
        span("x", "Drug", text, 10, 21),
        span("b", "Brand", text, 0, 13),
        span("s", "Brand", text, 5, 9),
        span("a", "Maker", text, 25, 29),
    ]
    conll, stats = export([text_record(1, text, objects)], ontology, nested="skip")
    assert [tag for _, tag in pairs(conll)] == ["O", "O", "O", "O", "O", "B-Maker"]
    assert [v.location.path for v in stats.skipped] == ["objects[0]", "objects[1]", "objects[2]"]
    assert "Brand [5,9) 'Star' overlaps Brand [0,13) 'Blue Star XTC'" in stats.skipped[2].message


def test_pos_and_chunk_columns_are_kept_and_written_back(
    ontology: Ontology, tmp_path: Path
) -> None:
    content = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n500mg CD I-NP O\n"
    (record,), _ = read(tmp_path, content)
    assert record.meta["conll_columns"] == [["NNP", "B-NP"], ["VBZ", "B-VP"], ["CD", "I-NP"]]
    text = record.text or ""
    objects = [*record.annotations[0].document.objects, span("d", "Dose", text, 11, 14)]
    again = text_record(1, text, objects, meta=record.meta)
    conll, _ = export([again], ontology, layout="conll2003", scheme="iobes")
    # a token cut since it was read (500|mg) has no columns of its own: _ _
    assert conll.splitlines()[2:] == [
        "EU NNP B-NP S-ORG",
        "rejects VBZ B-VP O",
        "500 _ _ S-Dose",
        "mg _ _ O",
        "",
    ]
    kept, _ = export([again], ontology, layout="kept", separator="tab")
    assert kept.splitlines()[2] == "EU\tNNP\tB-NP\tB-ORG"
    two, _ = export([again], ontology)
    assert two.splitlines()[2] == "EU B-ORG"
