"""MIT LabelMe XML (the legacy CSAIL format): datumaro's two copies of its test file read
object by object, a round trip through the services, the attribute text, bad files."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from format_builders import image, obj
from PIL import Image

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, Relation
from ontolabel.core.geometry import Box, Polygon
from ontolabel.core.geometry.mask import rle_area, rle_decode
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, detect_format, get_format
from ontolabel.formats.labelme_xml.attributes import format_attributes, parse_attributes
from ontolabel.services import projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

XML = get_format("labelme_xml")
COPIES = ["datumaro/tests/assets/labelme_dataset", "cvat-datumaro/tests/assets/labelme_dataset"]
FLAGS = ["occluded", "a1", "kj", "hg", "d", "gfd lkj lkj hi"]
CLASSES = ["window", "license plate", "o1", "q1", "b1", "m1", "hg"]
ONTOLOGY = {
    "name": "mit",
    "classes": [
        {
            "name": n,
            "geometry": {"image": ["box", "polygon", "mask"]},
            "attributes": [{"name": a, "type": "bool"} for a in FLAGS],
        }
        for n in CLASSES
    ],
    "relations": [{"name": "part_of"}],
}


@pytest.mark.parametrize("relative", COPIES)
def test_the_corpus_file_reads_object_by_object(relative: str) -> None:
    folder = corpus_path(relative)
    assert detect_format(folder).name == "labelme_xml"
    policy = ErrorPolicy("fail")
    [record] = XML.read(folder, policy)
    assert policy.violations == []
    assert record.external_id in ("subset1/img1", "img1")
    [media] = record.media
    assert (media.name, media.width, media.height) == ("img1.png", 102, 77)
    assert any(p.is_file() for p in media.candidates)
    document = record.annotations[0].document
    found = {o.id: o for o in document.objects}
    assert [(o.id, o.class_name, o.geometry.kind) for o in document.objects] == [
        ("0", "window", "polygon"),
        ("1", "license plate", "mask"),
        ("2", "o1", "polygon"),
        ("3", "q1", "polygon"),
        ("4", "b1", "box"),
        ("5", "m1", "mask"),
        ("6", "hg", "polygon"),
    ]
    assert found["0"].geometry == Polygon.model_validate(
        {"parts": [{"exterior": [[43, 34], [45, 34], [45, 37], [43, 37]]}]}
    )
    assert found["4"].geometry == Box(x1=13, y1=19, x2=23, y2=30)  # type bounding_box
    # the masks are whole-image RGBA PNGs: any non-zero channel is inside (as datumaro reads)
    masks_dir = next(folder.rglob("img1_mask_1.png")).parent
    for object_id, png, area in (("1", "img1_mask_1.png", 10), ("5", "img1_mask_5.png", 130)):
        pixels = np.asarray(Image.open(masks_dir / png)).any(axis=2)
        assert (rle_decode(found[object_id].geometry) == pixels).all()  # type: ignore[arg-type]
        assert rle_area(found[object_id].geometry) == area  # type: ignore[arg-type]
    assert found["0"].attributes == {}  # no <occluded> element
    assert found["2"].attributes == {"a1": True, "occluded": True}
    assert found["6"].attributes == {"gfd lkj lkj hi": True, "occluded": False}
    # o1 has parts q1 and b1, m1 has part hg
    assert [(r.name, r.source, r.target) for r in document.relations] == [
        ("part_of", "3", "2"),
        ("part_of", "4", "2"),
        ("part_of", "6", "5"),
    ]
    facts = record.meta["labelme_xml"]["objects"]
    assert facts["0"] == {"username": "admin", "date": "25-May-2012 00:09:48"}
    assert facts["1"]["username"] == "brussell"


def _jsonl(ws: Workspace, pid: int) -> list[dict[str, Any]]:
    out = io.BytesIO()
    transfer.export_project(ws, pid, "jsonl", out)
    return [json.loads(line) for line in out.getvalue().splitlines()[1:]]


@pytest.mark.parametrize("relative", COPIES)
def test_import_export_import_gives_the_same_items(
    relative: str, workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(corpus_path(relative), folder)
    pids = [
        projects.create_project(
            workspace, name=n, modality="image", ontology=ONTOLOGY, user_id=owner.id
        ).id
        for n in ("first", "second")
    ]
    report = transfer.import_file(workspace, pids[0], folder, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    out = io.BytesIO()
    stats = transfer.export_project(workspace, pids[0], "labelme_xml", out)
    assert stats.skipped == [] and (stats.items, stats.objects) == (1, 7)
    with zipfile.ZipFile(out) as z:
        names = sorted(z.namelist())
        # the MIT tree again: the image's folder is the item's (subset1/img1 or img1)
        prefix = "subset1/" if relative.startswith("datumaro") else ""
        assert f"Annotations/{prefix}img1.xml" in names
        assert f"Images/{prefix}img1.png" in names
        assert {n for n in names if n.startswith("Masks/")} == {
            f"Masks/{prefix}img1_mask_1.png",
            f"Masks/{prefix}img1_mask_5.png",
        }
    archive = tmp_path / "export.zip"
    archive.write_bytes(out.getvalue())
    again = transfer.import_file(workspace, pids[1], archive, user_id=owner.id)
    assert (again.imported, again.violations) == (1, [])
    assert _jsonl(workspace, pids[1]) == _jsonl(workspace, pids[0])


ATTRIBUTES = [
    ("a1", {"a1": True}),
    ("", {}),
    (
        "color=red, size=3, ratio=0.5, ok=false",
        {"color": "red", "size": 3, "ratio": 0.5, "ok": False},
    ),
    ('name="3", note="true"', {"name": "3", "note": "true"}),
    ('a\\,b=x\\=y, q=\\"z\\"', {"a,b": "x=y", "q": '"z"'}),
    ("gfd lkj lkj hi", {"gfd lkj lkj hi": True}),
    ("v=007", {"v": "007"}),  # not a number that prints back the same: text
]


@pytest.mark.parametrize(("text", "values"), ATTRIBUTES)
def test_attribute_text_reads_as_typed_values(text: str, values: dict[str, Any]) -> None:
    assert parse_attributes(text) == values


@pytest.mark.parametrize(
    "values",
    [
        {"a": True, "b": False, "n": 12, "f": 1.25},
        {"text": "red, green = yellow", "quote": 'say "hi"', "slash": "a\\b"},
        {"looks": "12", "also": "false", "spaced": " x ", "empty": ""},
        {"Größe": "東京"},
    ],
)
def test_attribute_text_round_trips(values: dict[str, Any]) -> None:
    assert parse_attributes(format_attributes(values)) == values


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def annotation(*objects: str) -> str:
    return (
        "<annotation><filename>a.jpg</filename><folder></folder>"
        "<imagesize><nrows>40</nrows><ncols>60</ncols></imagesize>"
        + "".join(objects)
        + "</annotation>"
    )


POLY = (
    "<polygon><pt><x>1</x><y>1</y></pt><pt><x>9</x><y>1</y></pt><pt><x>9</x><y>9</y></pt></polygon>"
)
BAD = [
    ("<annotation><filename>a.jpg", None, "not well-formed XML"),
    ("<annotations/>", None, "root element is <annotations>"),
    (annotation(f"<object><id>0</id>{POLY}</object>"), "object[0].name", "needs a <name>"),
    (
        annotation("<object><name>x</name><polygon><pt><x>1</x><y>1</y></pt></polygon></object>"),
        "object[0].polygon",
        "at least 3 points, got 1",
    ),
    (
        annotation("<object><name>x</name><polygon><pt><x>a</x><y>1</y></pt></polygon></object>"),
        "object[0].polygon.pt[0].x",
        "must be a number, got 'a'",
    ),
    (
        annotation("<object><name>x</name><segm><mask>gone.png</mask></segm></object>"),
        "object[0].segm.mask",
        "'gone.png' is not in Masks/",
    ),
    (
        annotation(
            f"<object><name>x</name><id>0</id>{POLY}<parts><ispartof>9</ispartof></parts></object>"
        ),
        None,
        "names object 9",
    ),
    (
        annotation(f"<object><name>x</name><occluded>maybe</occluded>{POLY}</object>"),
        "object[0].occluded",
        "yes or no",
    ),
    (
        annotation("<object><name>x</name></object>"),
        "object[0]",
        "neither a <polygon> nor a <segm>",
    ),
    (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><annotation>&e;</annotation>',
        None,
        "refused",
    ),
]


@pytest.mark.parametrize(("text", "path", "message"), BAD)
def test_a_bad_file_is_reported_and_the_others_read(
    text: str, path: str | None, message: str, tmp_path: Path
) -> None:
    write(tmp_path / "Annotations/good.xml", annotation(f"<object><name>x</name>{POLY}</object>"))
    write(tmp_path / "Annotations/bad.xml", text)
    policy = ErrorPolicy("collect")
    records = list(XML.read(tmp_path, policy))
    assert [r.external_id for r in records] == ["good"]
    [problem] = policy.violations
    assert (problem.location.file, problem.location.item, problem.location.path) == (
        "Annotations/bad.xml",
        "bad",
        path,
    )
    assert message in problem.message


def test_deleted_objects_and_their_parts_are_left_out(tmp_path: Path) -> None:
    deleted = f"<object><name>x</name><deleted>1</deleted><id>0</id>{POLY}</object>"
    part = f"<object><name>y</name><id>1</id>{POLY}<parts><ispartof>0</ispartof></parts></object>"
    [record] = XML.read(write(tmp_path / "a.xml", annotation(deleted, part)), ErrorPolicy())
    document = record.annotations[0].document
    assert [o.id for o in document.objects] == ["1"] and document.relations == []


def test_pascal_voc_files_are_not_taken_for_labelme() -> None:
    voc = corpus_path("datumaro/tests/assets/voc_dataset/voc_dataset1")
    assert XML.detect(voc).confidence == 0.0
    xml = next(voc.rglob("Annotations/*.xml"))
    assert XML.detect(xml).confidence == 0.0


def test_what_the_format_cannot_carry_is_reported() -> None:
    onto = parse_ontology(
        {
            "name": "o",
            "classes": [
                {
                    "name": "Größe",
                    "geometry": {"image": ["box", "polygon", "rotated_box", "keypoints", "tag"]},
                    "attributes": [{"name": "tags", "type": "multi_enum", "options": ["a"]}],
                }
            ],
            "relations": [{"name": "near"}, {"name": "part_of"}],
        }
    )
    square = [[10, 10], [30, 10], [30, 30], [10, 30]]
    objects = [
        obj("1", "Größe", {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5}),
        obj("2", "Größe", {"kind": "rotated_box", "cx": 9, "cy": 9, "w": 4, "h": 2, "angle": 10}),
        obj("3", "Größe", {"kind": "tag"}),
        obj(
            "4",
            "Größe",
            {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5},
            attributes={"tags": ["a"]},
        ),
        obj(
            "5",
            "Größe",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square, "holes": [[[15, 15], [25, 15], [25, 25], [15, 25]]]}
                ],
            },
        ),
    ]
    relations = [
        Relation(id="r1", name="near", source="1", target="5"),
        Relation(id="r2", name="part_of", source="1", target="5"),
        Relation(id="r3", name="part_of", source="1", target="2"),
    ]
    item = ExportRecord(
        item_id=1,
        external_id="東京/é",
        content=ItemContent(modality=Modality.IMAGE, media=[image("é.jpg")]),
        annotations=[AnnotationRecord(document=Annotation(objects=objects, relations=relations))],
    )
    out = io.BytesIO()
    stats = XML.write(
        [item], out, ontology=onto, options=XML.parse_options({"include_media": False})
    )
    assert [(v.location.path, v.message) for v in stats.skipped] == [
        ("objects[1]", "LabelMe XML has no shape for a rotated_box (Größe, object '2')"),
        ("objects[2]", "LabelMe XML has no shape for a tag (Größe, object '3')"),
        ("objects[3]", "LabelMe XML attributes are single values; 'tags' of object '4' is a list"),
        ("relations[0]", "LabelMe XML has only part_of relations, not 'near'"),
        ("relations[2]", "part_of 1 -> 2: an object is not written"),
    ]
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == ["Annotations/東京/é.xml", "Masks/東京/é_mask_5.png"]
        text = z.read("Annotations/東京/é.xml").decode("utf-8")
        mask = np.asarray(Image.open(io.BytesIO(z.read("Masks/東京/é_mask_5.png"))))
    assert "<name>Größe</name>" in text and "<folder>東京</folder>" in text
    assert "<hasparts>1</hasparts>" in text and "<ispartof>5</ispartof>" in text
    # the square minus its hole; a colour PNG as the web tool writes (and datumaro reads)
    assert mask.shape == (40, 60, 3) and mask.any(axis=2).sum() == 300
