"""brat export: a class brat cannot name is reported as not written (as the CoNLL and spaCy
writers report it); an item written under another file name is a change, not a loss."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, WriteStats
from ontolabel.formats.brat import BratFormat, BratOptions

FMT = BratFormat()
TEXT = "foo met bar"


def ontology(*classes: str) -> Ontology:
    return parse_ontology(
        {"name": "t", "classes": [{"name": c, "geometry": {"text": ["span"]}} for c in classes]}
    )


def item(item_id: int, name: str | None, objects: list[AnnotationObject]) -> ExportRecord:
    return ExportRecord(
        item_id=item_id,
        external_id=name,
        content=ItemContent(modality=Modality.TEXT, text=TEXT),
        annotations=[AnnotationRecord(document=Annotation(objects=objects))],
    )


def mention(oid: str, cls: str, start: int, end: int) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=cls, geometry=Span(start=start, end=end, text=TEXT[start:end])
    )


def export(records: list[ExportRecord], onto: Ontology) -> tuple[zipfile.ZipFile, WriteStats]:
    out = io.BytesIO()
    stats = FMT.write(records, out, ontology=onto, options=BratOptions())
    return zipfile.ZipFile(io.BytesIO(out.getvalue())), stats


def test_a_class_with_whitespace_is_not_written_and_said_so(tmp_path: Path) -> None:
    record = item(
        1,
        "doc",
        [
            mention("a", "with space", 0, 3),
            mention("b", "Person", 8, 11),
            mention("E1", "Big\tEvent", 4, 7),  # an event's trigger carries its class too
        ],
    )
    archive, stats = export([record], ontology("with space", "Person", "Big\tEvent"))
    assert [(v.message, v.location.item, v.location.path) for v in stats.skipped] == [
        ("class 'with space' has whitespace: it cannot be a brat label", "doc", "objects[0]"),
        ("class 'Big\\tEvent' has whitespace: it cannot be a brat label", "doc", "objects[2]"),
    ]
    assert stats.changed == []
    assert (stats.items, stats.objects) == (1, 1)
    assert archive.read("doc.ann").decode() == "T1\tPerson 8 11\tbar\n"
    # what was written reads back without a problem
    archive.extractall(tmp_path)
    policy = ErrorPolicy("collect")
    [again] = list(FMT.read(tmp_path, policy))
    assert policy.violations == []
    assert [o.class_name for o in again.annotations[0].document.objects] == ["Person"]


def test_an_item_written_under_another_name_is_a_change_not_a_skip() -> None:
    records = [
        item(5, "../outside", [mention("a", "Person", 0, 3)]),
        item(6, "item-5", [mention("a", "Person", 0, 3)]),  # the name the first one took
        item(7, None, [mention("a", "Person", 0, 3)]),  # no name to keep: nothing to say
    ]
    archive, stats = export(records, ontology("Person"))
    assert stats.skipped == []
    assert [(v.message, v.location.item) for v in stats.changed] == [
        ("written as item-5.txt: the external id is not a safe file name", "../outside"),
        ("written as item-5-6.txt: an item before it has that file name", "item-5"),
    ]
    assert (stats.items, stats.objects) == (3, 3)
    assert sorted(archive.namelist()) == [
        "annotation.conf",
        "item-5-6.ann",
        "item-5-6.txt",
        "item-5.ann",
        "item-5.txt",
        "item-7.ann",
        "item-7.txt",
    ]
