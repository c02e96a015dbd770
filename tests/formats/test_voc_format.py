"""Pascal VOC import: the pixel convention, the corpus's VOC trees (datumaro, Roboflow,
Kaggle, labelme2voc) and their round trips through our export, precise errors for broken
files."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from tree_builders import Store, as_export, export_tree, media_info, view

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject, Relation
from ontolabel.core.geometry import Box, Mask
from ontolabel.core.geometry.mask import rle_area
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    ImportRecord,
    WriteStats,
    detect_format,
    get_format,
)
from ontolabel.formats.voc.palette import VOC_LABELS, voc_color
from ontolabel.formats.voc.pixels import box_to_voc, voc_to_box

VOC_CORPUS = [
    "datumaro/tests/assets/voc_dataset/voc_dataset1",
    "datumaro/tests/assets/voc_dataset/voc_dataset2",
    "datumaro/tests/assets/voc_dataset/voc_dataset3",
    "datumaro/tests/assets/roboflow_dataset/voc",
    "datumaro/tests/assets/kaggle_dataset/relaxed_voc1",
    "datumaro/tests/assets/kaggle_dataset/relaxed_voc2",
    # labelme2voc: empty <truncated/>, fractional corners
    "labelme/examples/bbox_detection/data_dataset_voc",
]
# VOC's own labels and the extra ones of datumaro's fixtures
VOC_CLASSES = [*VOC_LABELS, "ignored", "label_0", "label_1"]
ACTIONS = [
    "other",
    "jumping",
    "phoning",
    "playinginstrument",
    "reading",
    "ridingbike",
    "ridinghorse",
    "running",
    "takingphoto",
    "usingcomputer",
    "walking",
]
VOC_ATTRIBUTES = [
    {"name": "truncated", "type": "bool"},
    {"name": "difficult", "type": "bool"},
    {"name": "occluded", "type": "bool"},
    {"name": "pose", "type": "text"},
    {"name": "actions", "type": "multi_enum", "options": ACTIONS},
]
# what a project needs to take these VOC files: the VOC classes with VOC's flags
VOC_ONTOLOGY: dict[str, Any] = {
    "name": "voc",
    "classes": [
        {
            "name": "Object",
            "geometry": {"image": ["box", "tag", "mask"]},
            "attributes": VOC_ATTRIBUTES,
        },
        *({"name": c, "parent": "Object"} for c in VOC_CLASSES),
        *({"name": p, "parent": "Object"} for p in ("head", "hand", "foot")),
        {"name": "Käfer", "parent": "Object", "color": "#12ab34"},
        {"name": "Shape", "geometry": {"image": ["polygon", "mask", "rotated_box", "polyline"]}},
    ],
    "relations": [{"name": "part_of", "sources": ["head", "hand", "foot"]}],
}


@pytest.fixture()
def voc_ontology() -> Ontology:
    return parse_ontology(VOC_ONTOLOGY)


def read(path: Path, mode: str = "fail") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format("voc").read(path, policy)), policy


def export(
    ontology: Ontology,
    records: list[ExportRecord],
    tmp_path: Path,
    media: Store | None = None,
    **options: Any,
) -> tuple[Path, WriteStats, zipfile.ZipFile]:
    return export_tree("voc", ontology, records, tmp_path, media, **options)


def record(
    objects: list[AnnotationObject],
    name: str = "a.jpg",
    width: int = 640,
    height: int = 480,
    relations: list[Relation] | None = None,
    meta: dict[str, Any] | None = None,
) -> ExportRecord:
    return ExportRecord(
        item_id=1,
        external_id=name,
        content=ItemContent(
            modality=Modality.IMAGE, media=[media_info(name, width, height)], meta=meta or {}
        ),
        annotations=[
            AnnotationRecord(document=Annotation(objects=objects, relations=relations or []))
        ],
    )


def box(
    oid: str, cls: str, x1: float, y1: float, x2: float, y2: float, **attributes: Any
) -> AnnotationObject:
    return AnnotationObject(
        id=oid, class_name=cls, geometry=Box(x1=x1, y1=y1, x2=x2, y2=y2), attributes=attributes
    )


# -- the pixel convention -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("voc", "size", "expected"),
    [
        ((1, 1, 640, 480), (640, 480), (0, 0, 640, 480)),  # the whole image
        ((1, 2, 3, 4), (20, 10), (0, 1, 3, 4)),
        ((5, 5, 5, 5), (20, 10), (4, 4, 5, 5)),  # one pixel: inclusive
        ((5.5, 6, 7.5, 8), (None, None), (4.5, 5, 7.5, 8)),  # fractional values shift alike
        ((0, 0, 641, 481), (640, 480), (0, 0, 640, 480)),  # 0-based or past the edge: clamped
        ((0, 0, 641, 481), (None, None), (0, 0, 641, 481)),  # no size known: only >= 0
    ],
)
def test_voc_to_box(
    voc: tuple[float, ...], size: tuple[Any, Any], expected: tuple[float, ...]
) -> None:
    got = voc_to_box(*voc, *size)
    assert (got.x1, got.y1, got.x2, got.y2) == expected


def test_box_to_voc_inverts_voc_to_box() -> None:
    assert box_to_voc(Box(x1=0, y1=0, x2=640, y2=480)) == (1, 1, 640, 480)
    assert box_to_voc(voc_to_box(3, 7, 30, 70, 640, 480)) == (3, 7, 30, 70)


def test_a_whole_image_box_is_1_1_640_480_and_reads_back_exactly(
    voc_ontology: Ontology, tmp_path: Path
) -> None:
    root, stats, archive = export(
        voc_ontology, [record([box("1", "car", 0, 0, 640, 480)])], tmp_path
    )
    xml = fromstring(archive.read("Annotations/a.xml"))
    bndbox = xml.find("object/bndbox")
    assert [bndbox.findtext(k) for k in ("xmin", "ymin", "xmax", "ymax")] == [
        "1",
        "1",
        "640",
        "480",
    ]
    assert xml.findtext("size/width") == "640" and xml.findtext("size/height") == "480"
    assert (stats.items, stats.objects, stats.skipped) == (1, 1, [])
    (back,), policy = read(root)
    assert policy.violations == []
    assert back.annotations[0].document.objects[0].geometry == Box(x1=0, y1=0, x2=640, y2=480)


# -- the corpus -----------------------------------------------------------------------------


@pytest.mark.parametrize("relative", VOC_CORPUS)
def test_corpus_tree_is_detected_as_voc(relative: str) -> None:
    assert detect_format(corpus_path(relative)).name == "voc"


def test_voc_dataset1_boxes_flags_parts_actions_and_class_lists() -> None:
    records, policy = read(corpus_path(VOC_CORPUS[0]))
    assert policy.violations == []
    first, second = records
    assert (first.external_id, first.meta) == ("2007_000001", {"subset": "train"})
    assert (first.media[0].name, first.media[0].width, first.media[0].height) == (
        "2007_000001.jpg",
        20,
        10,
    )
    document = first.annotations[0].document
    by_id = {o.id: o for o in document.objects}
    # <xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax>: 1-based and inclusive
    assert by_id["1"].class_name == "cat"
    assert by_id["1"].geometry == Box(x1=0, y1=1, x2=3, y2=4)
    assert by_id["1"].attributes == {"truncated": True}  # pose Unspecified, difficult 0
    assert by_id["2"].class_name == "person" and by_id["2"].geometry == Box(x1=3, y1=4, x2=6, y2=7)
    assert by_id["2"].attributes == {
        "actions": ["other", "phoning", "reading", "ridinghorse", "takingphoto", "walking"]
    }
    assert by_id["2.1"].class_name == "head"
    assert by_id["2.1"].geometry == Box(x1=4.5, y1=5, x2=7.5, y2=8)
    assert document.relations == [Relation(id="r1", name="part_of", source="2.1", target="2")]
    # SegmentationObject: one instance over the whole 20x10 image; SegmentationClass says
    # it is (0, 128, 0), VOC's bicycle
    mask = by_id["mask:1"]
    assert mask.class_name == "bicycle" and isinstance(mask.geometry, Mask)
    assert (mask.geometry.width, mask.geometry.height, rle_area(mask.geometry)) == (20, 10, 200)
    # class lists: "1" for a class no object shows is a tag; cat (-1 there) keeps its box
    tags = sorted(o.class_name for o in document.objects if o.geometry.kind == "tag")
    assert tags == [
        "aeroplane",
        "bird",
        "bottle",
        "car",
        "chair",
        "diningtable",
        "horse",
        "ignored",
        "sheep",
        "train",
    ]
    # listed in ImageSets/Main/test.txt, no annotation file: an unlabelled item
    assert (second.external_id, second.meta, second.annotations) == (
        "2007_000002",
        {"subset": "test"},
        [],
    )
    assert second.media[0].name == "2007_000002.jpg"
    assert (corpus_path(VOC_CORPUS[0]) / second.media[0].relative[0]).is_file()


def test_voc_dataset2_odd_file_name_and_labelmap_tree() -> None:
    records, policy = read(corpus_path(VOC_CORPUS[1]))
    assert policy.violations == []
    assert [r.external_id for r in records] == ["@", "a", "b", "c", "d"]
    assert records[0].annotations == []  # @.xml has no objects
    assert all(r.meta == {"subset": "trainval"} for r in records)
    a = records[1].annotations[0].document.objects[0]
    assert (a.class_name, a.geometry, a.attributes) == (
        "background",
        Box(x1=0, y1=1, x2=4, y2=6),
        {"occluded": True},
    )
    assert [r.media[0].width for r in records] == [None] * 5  # no <size>: nothing claimed


def test_relaxed_layouts_roboflow_and_kaggle() -> None:
    records, policy = read(corpus_path(VOC_CORPUS[3]))
    assert policy.violations == []
    assert [(r.external_id, r.meta) for r in records] == [
        ("train_001", {"subset": "train"}),
        ("train_002", {"subset": "train"}),
        ("val_001", {"subset": "val"}),
    ]
    obj = records[0].annotations[0].document.objects[0]
    # Roboflow writes xmin, xmax, ymin, ymax in that order: read by name
    assert (obj.class_name, obj.geometry) == ("label_0", Box(x1=1, y1=0, x2=5, y2=2))
    root = corpus_path(VOC_CORPUS[3])
    assert any((root / p).is_file() for p in records[0].media[0].relative)
    for relative in VOC_CORPUS[4:6]:
        kaggle, policy = read(corpus_path(relative))
        assert policy.violations == []
        (only,) = kaggle
        assert [o.class_name for o in only.annotations[0].document.objects] == ["cat", "person"]
        assert any((corpus_path(relative) / p).is_file() for p in only.media[0].relative)


def test_labelme2voc_fractional_corners_and_empty_flags() -> None:
    records, policy = read(corpus_path(VOC_CORPUS[6]))
    assert policy.violations == []
    assert [r.external_id for r in records] == ["2011_000003", "2011_000006", "2011_000025"]
    first = records[0]
    assert (first.media[0].width, first.media[0].height) == (500, 338)
    person = first.annotations[0].document.objects[0]
    # <xmin>191.0</xmin><ymin>107.36900369003689</ymin>..., <truncated/> empty: no flag
    assert person.geometry == Box(x1=190, y1=106.36900369003689, x2=313, y2=329.36900369003695)
    assert person.attributes == {}
    assert sum(len(r.annotations[0].document.objects) for r in records) == 2 + 4 + 3


@pytest.mark.parametrize("relative", VOC_CORPUS)
def test_corpus_round_trip_import_export_import(
    relative: str, voc_ontology: Ontology, tmp_path: Path
) -> None:
    first, policy = read(corpus_path(relative))
    assert policy.violations == []
    root, stats, archive = export(voc_ontology, as_export(first), tmp_path)
    assert stats.skipped == [] and stats.items == len(first)
    second, policy = read(root)
    assert policy.violations == []
    assert view(second) == view(first)
    # the layout datumaro and the VOC devkit read
    names = set(archive.namelist())
    assert "labelmap.txt" in names
    assert {f"Annotations/{r.external_id}.xml" for r in first if r.annotations} <= names


# -- broken files ---------------------------------------------------------------------------

GOOD_OBJECT = (
    "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax>"
    "</bndbox></object>"
)


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "voc"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            "<object><name>cat</name><bndbox><xmin>5</xmin><ymin>1</ymin><xmax>2</xmax>"
            "<ymax>4</ymax></bndbox></object>",
            "object[1].bndbox",
            "ends before it starts",
        ),
        (
            "<object><name>cat</name><bndbox><xmin>one</xmin><ymin>1</ymin><xmax>2</xmax>"
            "<ymax>4</ymax></bndbox></object>",
            "object[1].bndbox.xmin",
            "must be a number",
        ),
        (
            "<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>4</ymax></bndbox>"
            "</object>",
            "object[1].name",
            "needs a <name>",
        ),
        ("<object><name>cat</name></object>", "object[1].bndbox", "has no bndbox"),
        (
            "<object><name>cat</name><difficult>maybe</difficult><bndbox><xmin>1</xmin><ymin>1"
            "</ymin><xmax>2</xmax><ymax>4</ymax></bndbox></object>",
            "object[1].difficult",
            "must be 0 or 1",
        ),
    ],
)
def test_a_bad_object_is_reported_and_the_rest_imports(
    tmp_path: Path, body: str, path: str, message: str
) -> None:
    root = tree(
        tmp_path,
        {
            "Annotations/x.xml": (
                f"<annotation><filename>x.jpg</filename>{GOOD_OBJECT}{body}</annotation>"
            )
        },
    )
    (record_,), policy = read(root, "collect")
    (violation,) = policy.violations
    assert (violation.location.file, violation.location.item, violation.location.path) == (
        "Annotations/x.xml",
        "x",
        path,
    )
    assert message in violation.message
    assert [o.class_name for o in record_.annotations[0].document.objects] == ["cat"]
    strict = ErrorPolicy("fail")
    list(get_format("voc").read(root, strict))
    assert strict.failed and strict.violations == policy.violations


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "Annotations/a.xml": (
                f"<annotation><filename>a.jpg</filename>{GOOD_OBJECT}</annotation>"
            ),
            "Annotations/b.xml": (
                "<annotation>\n<filename>b.jpg</filename>\n<object>\n</annotation>"
            ),
            "ImageSets/Main/train.txt": "a\nb\nc d\n",
        },
    )
    records, policy = read(root, "collect")
    assert [r.external_id for r in records] == ["a"]
    found = {(v.location.file, v.location.line): v.message for v in policy.violations}
    assert set(found) == {("ImageSets/Main/train.txt", 3), ("Annotations/b.xml", 4)}
    assert "not well-formed XML" in found[("Annotations/b.xml", 4)]
    assert "one image id a line" in found[("ImageSets/Main/train.txt", 3)]
    fail = ErrorPolicy("fail")
    list(get_format("voc").read(root, fail))
    assert fail.failed


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<annotation><filename>&lol2;</filename></annotation>"
    )
    root = tree(tmp_path, {"Annotations/x.xml": bomb})
    records, policy = read(root, "collect")
    assert records == []
    (violation,) = policy.violations
    assert (violation.location.file, violation.location.item) == ("Annotations/x.xml", "x")
    assert violation.message.startswith("refused")


def test_not_voc_is_not_detected(tmp_path: Path) -> None:
    cvat = corpus_path("datumaro/tests/assets/cvat_dataset/for_images/export_task")
    assert get_format("voc").detect(cvat).confidence < 0.5
    empty = tmp_path / "empty"
    empty.mkdir()
    assert get_format("voc").detect(empty).confidence == 0.0


@pytest.mark.parametrize("tree", ["datumaro", "cvat-datumaro"])
def test_mit_labelme_xml_folders_are_not_taken_for_voc(tree: str) -> None:
    folder = corpus_path(f"{tree}/tests/assets/labelme_dataset")
    assert get_format("voc").detect(folder).confidence < 0.5


@pytest.mark.parametrize(
    ("index", "colour"),
    # the colours of PASCAL VOC's published colour map (VOCdevkit's labelcolormap)
    [(0, (0, 0, 0)), (1, (128, 0, 0)), (2, (0, 128, 0)), (3, (128, 128, 0)),
     (7, (128, 128, 128)), (15, (192, 128, 128)), (20, (0, 64, 128)), (255, (224, 224, 192))],
)  # fmt: skip
def test_the_palette_is_voc_s(index: int, colour: tuple[int, int, int]) -> None:
    assert voc_color(index) == colour
    assert VOC_LABELS[15] == "person" and len(VOC_LABELS) == 21
