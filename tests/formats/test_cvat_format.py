"""CVAT for images 1.1: the corpus's CVAT files, round trips through our export, groups,
rotation, masks, skeletons, the <meta> labels from the ontology, and precise errors."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from tree_builders import Store, as_export, export_tree, media_info, view

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Keypoint, Keypoints, Polygon
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import FormatError
from ontolabel.formats import (
    AnnotationRecord,
    ErrorPolicy,
    ExportRecord,
    ImportRecord,
    WriteStats,
    detect_format,
    get_format,
)

TRAIN_XML = "cvat-datumaro/tests/assets/cvat_dataset/for_images/train.xml"
PROJECT = "datumaro/tests/assets/cvat_dataset/for_images/export_project"
TASK = "datumaro/tests/assets/cvat_dataset/for_images/export_task"
VIDEOS = [
    "datumaro/tests/assets/cvat_dataset/for_video/annotations.xml",
    "cvat-datumaro/tests/assets/cvat_dataset/for_video/annotations.xml",
]
CVAT_CORPUS = [TRAIN_XML, PROJECT, f"{PROJECT}/annotations.xml", TASK, f"{TASK}/train.xml"]
# the corpus's files leave two shapes without a label (label=""): reported, not imported
UNLABELLED = {
    TRAIN_XML: [("img0.jpg", "image[0].polyline[1]"), ("img1.jpg", "image[1].polygon[0]")],
    TASK: [("img0.jpg", "image[0].polyline[1]"), ("img1.jpg", "image[1].polygon[0]")],
    f"{TASK}/train.xml": [
        ("img0.jpg", "image[0].polyline[1]"),
        ("img1.jpg", "image[1].polygon[0]"),
    ],
}
SHAPE_ATTRIBUTES = [
    {"name": "occluded", "type": "bool"},
    {"name": "z_order", "type": "int"},
]
CVAT_ONTOLOGY: dict[str, Any] = {
    "name": "cvat",
    "classes": [
        {
            "name": "label1",
            "geometry": {"image": ["box", "polygon", "polyline", "keypoints", "mask"]},
            "attributes": [
                {"name": "a1", "type": "bool"},
                {"name": "a2", "type": "enum", "options": ["v1", "v2", "v3"]},
                {"name": "a3", "type": "text"},
                {"name": "a4", "type": "float", "min": -5.6, "max": 2.4},
                *SHAPE_ATTRIBUTES,
            ],
        },
        {
            "name": "label2",
            "geometry": {"image": ["box", "polygon", "polyline", "keypoints"]},
            "attributes": SHAPE_ATTRIBUTES,
        },
        {"name": "skeleton", "geometry": {"image": ["keypoints"]}},
        {
            "name": "東京 Käfer",
            "color": "#12ab34",
            "geometry": {
                "image": ["box", "rotated_box", "polygon", "mask", "tag", "keypoints", "polyline"]
            },
            "attributes": [
                {"name": "kind", "type": "multi_enum", "options": ["x", "y"]},
                *SHAPE_ATTRIBUTES,
            ],
        },
    ],
}


@pytest.fixture()
def cvat_ontology() -> Ontology:
    return parse_ontology(CVAT_ONTOLOGY)


def read(path: Path, mode: str = "collect") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format("cvat").read(path, policy)), policy


def read_text(tmp_path: Path, body: str, meta: str = "") -> tuple[list[ImportRecord], ErrorPolicy]:
    path = tmp_path / "annotations.xml"
    path.write_text(
        f"<annotations><version>1.1</version><meta>{meta}</meta>{body}</annotations>",
        encoding="utf-8",
    )
    return read(path)


def export(
    ontology: Ontology,
    records: list[ExportRecord],
    tmp_path: Path,
    media: Store | None = None,
    **options: Any,
) -> tuple[Path, WriteStats, zipfile.ZipFile]:
    return export_tree("cvat", ontology, records, tmp_path, media, **options)


def item(
    objects: list[AnnotationObject],
    name: str = "a.jpg",
    width: int = 60,
    height: int = 40,
    meta: dict[str, Any] | None = None,
) -> ExportRecord:
    return ExportRecord(
        item_id=1,
        external_id=name,
        content=ItemContent(
            modality=Modality.IMAGE, media=[media_info(name, width, height)], meta=meta or {}
        ),
        annotations=[AnnotationRecord(document=Annotation(objects=objects))],
    )


def obj(
    oid: str, geometry: dict[str, Any], cls: str = "東京 Käfer", **extra: Any
) -> AnnotationObject:
    return AnnotationObject.model_validate(
        {"id": oid, "class_name": cls, "geometry": geometry, **extra}
    )


def square(x1: float, y1: float, x2: float, y2: float) -> list[tuple[float, float]]:
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]


# -- the corpus -----------------------------------------------------------------------------


@pytest.mark.parametrize("relative", CVAT_CORPUS)
def test_corpus_file_is_detected_as_cvat(relative: str) -> None:
    assert detect_format(corpus_path(relative)).name == "cvat"


def test_train_xml_boxes_attributes_points_and_skeletons() -> None:
    records, policy = read(corpus_path(TRAIN_XML))
    assert [(v.location.item, v.location.path) for v in policy.violations] == UNLABELLED[TRAIN_XML]
    assert all("has no label" in v.message for v in policy.violations)
    img0, img1 = records
    assert (img0.external_id, img0.media[0].width, img0.media[0].height) == ("img0.jpg", 8, 8)
    box, skeleton = img0.annotations[0].document.objects
    assert (box.class_name, box.geometry) == ("label1", Box(x1=0, y1=2, x2=4, y2=4))
    # typed by the labels' input types: checkbox -> bool, number -> float, text stays text
    assert box.attributes == {
        "a1": True,
        "a2": "v3",
        "a3": "0003",
        "a4": 2.4,
        "occluded": True,
        "z_order": 1,
    }
    # a skeleton: its points named by their labels; outside="1" -> visibility 0
    assert skeleton.class_name == "skeleton"
    assert skeleton.geometry == Keypoints(
        points=[
            Keypoint(name="1", x=1, y=1, visibility=0),
            Keypoint(name="2", x=2, y=2),
            Keypoint(name="3", x=3, y=3),
            Keypoint(name="4", x=4, y=4),
        ]
    )
    points = img1.annotations[0].document.objects[0]
    assert points.class_name == "label2" and points.attributes == {"z_order": 2}
    assert points.geometry == Keypoints(
        points=[
            Keypoint(name=str(i + 1), x=x, y=y) for i, (x, y) in enumerate([(1, 2), (3, 4), (5, 6)])
        ]
    )
    root = corpus_path(TRAIN_XML).parent
    assert (root / img0.media[0].relative[0]).is_file()


def test_project_export_keeps_subsets_apart() -> None:
    records, policy = read(corpus_path(PROJECT))
    assert policy.violations == []
    assert [r.external_id for r in records] == [
        f"{s}/img{i}.jpg" for s in ("Test", "Train", "Validation") for i in (0, 1)
    ]
    assert [r.meta["subset"] for r in records] == [
        "Test",
        "Test",
        "Train",
        "Train",
        "Validation",
        "Validation",
    ]
    root = corpus_path(PROJECT)
    for record in records:
        found = root / record.media[0].relative[0]
        assert found.is_file() and found.parent.name == record.meta["subset"]
    polygon = records[1].annotations[0].document.objects[0]
    assert polygon.geometry == Polygon.model_validate(
        {"parts": [{"exterior": [(1, 2), (3, 4), (6, 5)]}]}
    )


@pytest.mark.parametrize("relative", VIDEOS)
def test_cvat_for_video_is_refused_with_the_reason(relative: str) -> None:
    path = corpus_path(relative)
    detection = get_format("cvat").detect(path)
    assert detection.confidence == 0.0 and "CVAT for video" in detection.reason
    with pytest.raises(FormatError) as caught:
        read(path)
    assert "CVAT for video" in caught.value.message and caught.value.location.path == "track"


@pytest.mark.parametrize("relative", CVAT_CORPUS)
def test_corpus_round_trip_import_export_import(
    relative: str, cvat_ontology: Ontology, tmp_path: Path
) -> None:
    first, policy = read(corpus_path(relative))
    assert [(v.location.item, v.location.path) for v in policy.violations] == UNLABELLED.get(
        relative, []
    )
    root, stats, archive = export(cvat_ontology, as_export(first), tmp_path)
    assert stats.skipped == [] and stats.items == len(first)
    second, policy = read(root)
    assert policy.violations == []
    assert view(second) == view(first)
    assert "annotations.xml" in archive.namelist()


# -- broken files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ('<polygon label="label1" points="1,2;3,4"/>', "a polygon needs at least 3 points, got 2"),
        ('<polyline label="label1" points="1,2;3"/>', "points must be 'x,y' pairs"),
        ('<box label="label1" xtl="5" ytl="0" xbr="1" ybr="4"/>', "the box ends before it starts"),
        ('<box label="label1" xtl="a" ytl="0" xbr="1" ybr="4"/>', "xtl must be a number"),
        ('<ellipse label="label1" cx="1" cy="1" rx="1" ry="1"/>', "no form for a CVAT ellipse"),
        (
            '<mask label="label1" rle="1,2" left="0" top="0" width="2" height="2"/>',
            "mask runs cover 3 pixels; its box 2x2 has 4",
        ),
        (
            '<mask label="label1" rle="4" left="5" top="0" width="2" height="2"/>',
            "leaves the 6x4 image",
        ),
        (
            '<box label="label1" xtl="0" ytl="0" xbr="1" ybr="4"><attribute name="a1">maybe'
            "</attribute></box>",
            "attribute 'a1': a checkbox is true or false",
        ),
    ],
)
def test_a_bad_shape_is_reported_with_image_and_place(
    tmp_path: Path, shape: str, message: str
) -> None:
    meta = (
        "<task><labels><label><name>label1</name><attributes><attribute><name>a1</name>"
        "<input_type>checkbox</input_type></attribute></attributes></label></labels></task>"
    )
    (record,), policy = read_text(
        tmp_path,
        f'<image id="0" name="a.jpg" width="6" height="4">'
        f'<box label="label1" xtl="0" ytl="0" xbr="1" ybr="1"/>{shape}</image>',
        meta,
    )
    (violation,) = policy.violations
    tag = shape[1:].split(" ", 1)[0]
    assert (violation.location.file, violation.location.item, violation.location.path) == (
        "annotations.xml",
        "a.jpg",
        f"image[0].{tag}[1]",
    )
    assert message in violation.message
    assert len(record.annotations[0].document.objects) == 1  # the good box imports


def test_malformed_xml_reports_the_line_after_the_good_images(tmp_path: Path) -> None:
    path = tmp_path / "annotations.xml"
    path.write_text(
        "<annotations>\n<version>1.1</version>\n"
        '<image id="0" name="a.jpg"><tag label="label1"/></image>\n'
        '<image id="1" name="b.jpg">\n<box label="x"\n</annotations>\n',
        encoding="utf-8",
    )
    records, policy = read(path)
    # streamed: the first image was read before the broken one was reached
    assert [r.external_id for r in records] == ["a.jpg"]
    (violation,) = policy.violations
    assert (violation.location.file, violation.location.line) == ("annotations.xml", 6)
    assert "not well-formed XML" in violation.message


def test_a_file_that_is_not_cvat(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<annotation><filename>a.jpg</filename></annotation>", encoding="utf-8")
    assert get_format("cvat").detect(path).confidence == 0.0
    with pytest.raises(FormatError, match="not <annotations>"):
        read(path)
    voc = corpus_path("datumaro/tests/assets/voc_dataset/voc_dataset1")
    assert get_format("cvat").detect(voc).confidence == 0.0


# -- streaming ------------------------------------------------------------------------------


def test_reading_holds_one_image_at_a_time(tmp_path: Path) -> None:
    import tracemalloc

    def peak(images: int) -> int:
        path = tmp_path / f"a{images}.xml"
        with path.open("w", encoding="utf-8") as f:
            f.write("<annotations><version>1.1</version><meta></meta>\n")
            for i in range(images):
                f.write(
                    f'<image id="{i}" name="img{i}.jpg" width="640" height="480">'
                    '<box label="car" xtl="1" ytl="2" xbr="30" ybr="40"/>'
                    '<polygon label="car" points="1,2;3,4;5,6"/></image>\n'
                )
            f.write("</annotations>\n")
        fmt = get_format("cvat")
        tracemalloc.start()
        try:
            count = sum(1 for _ in fmt.read(path, ErrorPolicy()))
            return tracemalloc.get_traced_memory()[1] if count == images else -1
        finally:
            tracemalloc.stop()

    small, large = peak(300), peak(3_000)
    assert small > 0 and large > 0
    # ten times the images, about the same memory: nothing accumulates
    assert large < 1.5 * small and large < 2_000_000


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "annotations.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        '<annotations><version>1.1</version><image id="0" name="&lol2;"/></annotations>',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="refused") as caught:
        read(path)
    assert caught.value.location.file == "annotations.xml"
