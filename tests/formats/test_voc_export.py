"""Pascal VOC export: split and class lists, the label map, non-ASCII names with media, what
VOC cannot hold, segmentation PNGs, the golden file, and import -> export -> import through
a project (the helpers are test_voc_format's)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from test_voc_format import (
    GOOD_OBJECT,
    VOC_CLASSES,
    VOC_CORPUS,
    VOC_ONTOLOGY,
    Store,
    as_export,
    box,
    export,
    read,
    record,
    tree,
)

from corpus import corpus_path
from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Mask
from ontolabel.core.geometry.mask import rle_area, rle_decode, rle_encode
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats.voc.palette import voc_color


@pytest.fixture()
def voc_ontology() -> Ontology:
    return parse_ontology(VOC_ONTOLOGY)


# -- the tree and what it cannot hold -------------------------------------------------------


def test_split_and_class_lists_and_labelmap(voc_ontology: Ontology, tmp_path: Path) -> None:
    records, _ = read(corpus_path(VOC_CORPUS[0]))
    _, _, archive = export(voc_ontology, as_export(records), tmp_path)
    assert archive.read("ImageSets/Main/train.txt") == b"2007_000001\n"
    assert archive.read("ImageSets/Main/test.txt") == b"2007_000002\n"
    assert archive.read("ImageSets/Main/aeroplane_train.txt") == b"2007_000001  1\n"
    assert archive.read("ImageSets/Main/aeroplane_test.txt") == b"2007_000002 -1\n"
    # the other tasks list the images that take part (datumaro reads parts and actions,
    # masks, only for the images these lists name)
    for task in ("Layout", "Action", "Segmentation"):
        assert archive.read(f"ImageSets/{task}/train.txt") == b"2007_000001\n"
        assert f"ImageSets/{task}/test.txt" not in archive.namelist()
    labelmap = archive.read("labelmap.txt").decode().splitlines()
    assert labelmap[0] == "# label:color_rgb:parts:actions"
    rows = {line.split(":")[0]: line for line in labelmap[1:]}
    assert rows["person"] == (
        "person:"
        + rows["person"].split(":")[1]
        + ":head:other,phoning,reading,ridinghorse,takingphoto,walking,jumping,"
        "playinginstrument,ridingbike,running,usingcomputer"
    )
    assert rows["Käfer"] == "Käfer:18,171,52::"  # the ontology's colour
    # a class seen as a part is the person's part, not a label of its own (datumaro adds
    # parts as labels, and refuses a labelmap that lists one twice)
    assert "head" not in rows and rows["person"].split(":")[2] == "head"
    assert labelmap[1] == "background:0,0,0::"
    assert rows["aeroplane"].split(":")[1] == "128,0,0"  # VOC's palette, by class order
    xml = fromstring(archive.read("Annotations/2007_000001.xml"))
    person = xml.findall("object")[1]
    assert person.findtext("part/name") == "head"
    assert [a.tag for a in person.find("actions") if a.text == "1"] == [
        "other",
        "phoning",
        "reading",
        "ridinghorse",
        "takingphoto",
        "walking",
    ]
    assert [person.findtext(k) for k in ("pose", "truncated", "difficult", "occluded")] == [
        "Unspecified",
        "0",
        "0",
        "0",
    ]


def test_non_ascii_names_and_media_round_trip(voc_ontology: Ontology, tmp_path: Path) -> None:
    name = "東京/café é.jpg"
    store = Store({name: b"\xff\xd8 jpeg bytes"})
    rec = record(
        [box("1", "Käfer", 2, 3, 12, 8, difficult=True, pose="Frontal")],
        name=name,
        width=60,
        height=40,
        meta={"subset": "välj"},
    )
    root, stats, archive = export(voc_ontology, [rec], tmp_path, media=store, include_media=True)
    assert stats.skipped == []
    # the split lists are whitespace-separated: the id has "_", the file keeps its name
    assert "Annotations/東京/café_é.xml" in archive.namelist()
    assert archive.read(f"JPEGImages/{name}") == b"\xff\xd8 jpeg bytes"
    assert archive.read("ImageSets/Main/välj.txt").decode() == "東京/café_é\n"
    (back,), policy = read(root)
    assert policy.violations == []
    assert back.external_id == "東京/café_é" and back.meta == {"subset": "välj"}
    assert back.media[0].name.encode() == name.encode()
    assert (root / back.media[0].relative[0]).read_bytes() == b"\xff\xd8 jpeg bytes"
    obj = back.annotations[0].document.objects[0]
    assert obj.class_name == "Käfer" and obj.attributes == {"difficult": True, "pose": "Frontal"}


def test_what_voc_cannot_hold_is_reported(voc_ontology: Ontology, tmp_path: Path) -> None:
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    objects = [
        box("b", "car", 1, 1, 5, 5),
        AnnotationObject.model_validate(
            {
                "id": "p",
                "class_name": "Shape",
                "geometry": {"kind": "polygon", "parts": [{"exterior": square}]},
            }
        ),
        AnnotationObject.model_validate(
            {
                "id": "r",
                "class_name": "Shape",
                "geometry": {"kind": "rotated_box", "cx": 5, "cy": 5, "w": 4, "h": 2, "angle": 30},
            }
        ),
        AnnotationObject.model_validate(
            {
                "id": "l",
                "class_name": "Shape",
                "geometry": {"kind": "polyline", "points": [(0, 0), (3, 3)]},
            }
        ),
        box("s", "car", 1, 1, 2, 2).model_copy(update={"score": 0.5, "entity_id": "e1"}),
        AnnotationObject.model_validate(
            {
                "id": "t",
                "class_name": "car",
                "geometry": {"kind": "tag"},
                "attributes": {"difficult": True, "pose": "Left"},
            }
        ),
    ]
    _, stats, archive = export(voc_ontology, [record(objects)], tmp_path)
    assert stats.objects == 3
    reasons = {v.location.path: v.message for v in stats.skipped}
    assert set(reasons) == {
        "objects[1]",
        "objects[2]",
        "objects[3]",
        "objects[4].score",
        "objects[4].entity_id",
        "objects[5].attributes",
    }
    assert reasons["objects[5].attributes"] == (
        "a VOC class list line carries no attributes but difficult: ['pose']"
    )
    assert archive.read("ImageSets/Main/car_default.txt") == b"a  0\n"  # difficult: 0
    assert "does not rasterise polygons" in reasons["objects[1]"]
    assert "angle" in reasons["objects[2]"]
    assert "polyline" in reasons["objects[3]"]
    assert all(v.location.item == "a.jpg" for v in stats.skipped)
    assert len(fromstring(archive.read("Annotations/a.xml")).findall("object")) == 2


# -- segmentation PNGs ---------------------------------------------------------------------


def mask_object(oid: str, cls: str, rows: slice, cols: slice) -> AnnotationObject:
    pixels = np.zeros((6, 8), dtype=np.uint8)
    pixels[rows, cols] = 1
    return AnnotationObject(id=oid, class_name=cls, geometry=rle_encode(pixels))


def test_masks_go_to_segmentation_pngs_and_come_back(
    voc_ontology: Ontology, tmp_path: Path
) -> None:
    from PIL import Image

    masks = [
        mask_object("mask:1", "cat", slice(0, 2), slice(0, 3)),
        mask_object("mask:2", "Käfer", slice(3, 6), slice(2, 8)),
    ]
    rec = record([box("1", "cat", 0, 0, 3, 2), *masks], width=8, height=6, meta={"subset": "train"})
    root, stats, archive = export(voc_ontology, [rec], tmp_path)
    assert stats.skipped == [] and stats.objects == 3
    with Image.open(root / "SegmentationObject/a.png") as image:
        assert image.mode == "P"
        instances = np.asarray(image)
    assert instances[0, 0] == 1 and instances[5, 7] == 2 and instances[2, 0] == 0
    labelmap = archive.read("labelmap.txt").decode().splitlines()
    names = [line.split(":")[0] for line in labelmap[1:]]
    assert names[0] == "background"  # index 0 of the class PNG
    with Image.open(root / "SegmentationClass/a.png") as image:
        classes = np.asarray(image)
        palette = image.getpalette()
    assert names[classes[0, 0]] == "cat" and names[classes[5, 7]] == "Käfer"
    assert tuple(palette[3 * classes[5, 7] : 3 * classes[5, 7] + 3]) == (18, 171, 52)
    assert archive.read("ImageSets/Segmentation/train.txt") == b"a\n"
    assert fromstring(archive.read("Annotations/a.xml")).findtext("segmented") == "1"
    (back,), policy = read(root)
    assert policy.violations == []
    assert back.annotations[0].document.objects[1:] == masks


def test_overlapping_masks_report_the_pixels_they_lose(
    voc_ontology: Ontology, tmp_path: Path
) -> None:
    masks = [
        mask_object("m1", "cat", slice(0, 4), slice(0, 4)),
        mask_object("m2", "dog", slice(2, 6), slice(2, 6)),
    ]
    root, stats, _ = export(voc_ontology, [record(masks, width=8, height=6)], tmp_path)
    assert [(v.location.path, v.message) for v in stats.skipped] == [
        ("objects[1]", "4 pixels overlap an earlier mask, which loses them")
    ]
    (back,), _ = read(root)
    cat = back.annotations[0].document.objects[0].geometry
    assert isinstance(cat, Mask) and rle_area(cat) == 12
    assert rle_decode(cat)[2:4, 2:4].sum() == 0


def test_broken_segmentation_pngs_are_reported(tmp_path: Path) -> None:
    from PIL import Image

    annotation = f"<annotation><filename>x.jpg</filename>{GOOD_OBJECT}</annotation>"
    root = tree(tmp_path, {"Annotations/x.xml": annotation, "Annotations/y.xml": annotation})
    (root / "SegmentationObject").mkdir()
    (root / "SegmentationClass").mkdir()
    Image.new("P", (4, 4)).save(root / "SegmentationObject/x.png")
    odd = Image.new("RGB", (4, 4), voc_color(8))
    odd.putpixel((2, 1), (1, 2, 3))
    odd.save(root / "SegmentationClass/y.png")
    records, policy = read(root, "collect")
    assert [(v.location.file, v.location.item) for v in policy.violations] == [
        ("SegmentationClass/x.png", "x"),
        ("SegmentationClass/y.png", "y"),
    ]
    assert "has no SegmentationClass PNG" in policy.violations[0].message
    assert "pixel (2, 1) has colour (1, 2, 3)" in policy.violations[1].message
    # the boxes import all the same
    assert [len(r.annotations[0].document.objects) for r in records] == [1, 1]


# -- golden file ----------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "voc"


def test_export_matches_the_golden_file(voc_ontology: Ontology, tmp_path: Path) -> None:
    records, _ = read(corpus_path(VOC_CORPUS[0]))
    _, _, archive = export(voc_ontology, as_export(records), tmp_path)
    assert archive.read("Annotations/2007_000001.xml") == (GOLDEN / "2007_000001.xml").read_bytes()


# -- end to end, through the import and export use cases ------------------------------------


def test_import_export_import_through_a_project(workspace: Any, owner: Any, tmp_path: Path) -> None:
    from ontolabel.services import projects, transfer

    def project(name: str) -> int:
        return projects.create_project(
            workspace, name=name, modality="image", ontology=VOC_ONTOLOGY, user_id=owner.id
        ).id

    first = project("VOC")
    report = transfer.import_file(workspace, first, corpus_path(VOC_CORPUS[0]), user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (2, 0, [])
    out = io.BytesIO()
    stats = transfer.export_project(workspace, first, "voc", out, options={"include_media": True})
    assert (stats.items, stats.skipped) == (2, [])
    archive = tmp_path / "export.zip"
    archive.write_bytes(out.getvalue())
    names = zipfile.ZipFile(archive).namelist()
    assert {"JPEGImages/2007_000001.jpg", "JPEGImages/2007_000002.jpg"} <= set(names)
    second = project("VOC again")
    report = transfer.import_file(workspace, second, archive, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (2, 0, [])
    again = io.BytesIO()
    transfer.export_project(workspace, second, "voc", again, options={"include_media": True})
    before, after = zipfile.ZipFile(archive), zipfile.ZipFile(again)
    assert sorted(before.namelist()) == sorted(after.namelist())
    assert all(before.read(n) == after.read(n) for n in before.namelist())


def test_undeclared_voc_flags_are_reported_by_the_project(workspace: Any, owner: Any) -> None:
    from ontolabel.errors import FormatError
    from ontolabel.services import projects, transfer

    bare = {
        "name": "bare",
        "classes": [
            {"name": c, "geometry": {"image": ["box", "tag"]}} for c in (*VOC_CLASSES, "head")
        ],
        "relations": [{"name": "part_of"}],
    }
    pid = projects.create_project(
        workspace, name="bare", modality="image", ontology=bare, user_id=owner.id
    ).id
    with pytest.raises(FormatError) as caught:
        transfer.import_file(workspace, pid, corpus_path(VOC_CORPUS[0]), user_id=owner.id)
    messages = [(v.location.item, v.location.path, v.message) for v in caught.value.violations]
    assert messages[0][:2] == (
        "2007_000001",
        "annotations[0].objects[0].attributes.truncated",
    )
    assert "unknown attribute 'truncated'" in messages[0][2]
