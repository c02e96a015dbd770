"""Pascal VOC export: segmentation PNGs, the golden file, and import -> export -> import
through a project (the helpers are test_voc_format's)."""

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
