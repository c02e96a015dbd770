"""CVAT for images export: rotation, masks, holes, groups, skeleton meta, non-ASCII names
with media, what CVAT cannot hold, the golden file, and import -> export -> import through a
project (the helpers are test_cvat_format's)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from test_cvat_format import (
    CVAT_ONTOLOGY,
    PROJECT,
    TASK,
    TRAIN_XML,
    UNLABELLED,
    Store,
    as_export,
    export,
    item,
    obj,
    read,
    read_text,
    square,
)

from corpus import corpus_path
from ontolabel.core.annotation import Relation
from ontolabel.core.geometry import Box, Mask, Polygon, RotatedBox
from ontolabel.core.geometry.mask import rle_area, rle_decode, rle_encode
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import FormatError


@pytest.fixture()
def cvat_ontology() -> Ontology:
    return parse_ontology(CVAT_ONTOLOGY)


# -- geometry -------------------------------------------------------------------------------


def test_rotated_box_reads_and_writes_cvat_rotation(
    cvat_ontology: Ontology, tmp_path: Path
) -> None:
    (record,), policy = read_text(
        tmp_path,
        '<image id="0" name="a.jpg" width="60" height="40">'
        '<box label="東京 Käfer" xtl="10" ytl="20" xbr="30" ybr="30" rotation="30.5"/></image>',
    )
    assert policy.violations == []
    geometry = record.annotations[0].document.objects[0].geometry
    assert geometry == RotatedBox(cx=20, cy=25, w=20, h=10, angle=30.5)
    _, _, archive = export(cvat_ontology, as_export([record]), tmp_path / "out")
    box = fromstring(archive.read("annotations.xml")).find("image/box")
    assert {k: box.get(k) for k in ("xtl", "ytl", "xbr", "ybr", "rotation")} == {
        "xtl": "10",
        "ytl": "20",
        "xbr": "30",
        "ybr": "30",
        "rotation": "30.5",
    }


def test_mask_rle_of_its_box_becomes_a_whole_image_mask(
    cvat_ontology: Ontology, tmp_path: Path
) -> None:
    # a 3x2 mask at (1, 1), row by row: 0 1 1 / 1 1 0 -> runs 1,4,1
    (record,), policy = read_text(
        tmp_path,
        '<image id="0" name="a.jpg" width="6" height="4"><mask label="東京 Käfer" '
        'rle="1,4,1" left="1" top="1" width="3" height="2"/></image>',
    )
    assert policy.violations == []
    mask = record.annotations[0].document.objects[0].geometry
    assert isinstance(mask, Mask) and (mask.height, mask.width) == (4, 6)
    expected = np.zeros((4, 6), dtype=np.uint8)
    expected[1, 2:4] = 1
    expected[2, 1:3] = 1
    assert (rle_decode(mask) == expected).all() and rle_area(mask) == 4
    _, _, archive = export(cvat_ontology, as_export([record]), tmp_path / "out")
    element = fromstring(archive.read("annotations.xml")).find("image/mask")
    assert {k: element.get(k) for k in ("rle", "left", "top", "width", "height")} == {
        "rle": "1,4,1",
        "left": "1",
        "top": "1",
        "width": "3",
        "height": "2",
    }


def test_a_polygon_with_a_hole_is_a_mask_of_area_300(
    cvat_ontology: Ontology, tmp_path: Path
) -> None:
    holed = {
        "kind": "polygon",
        "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
    }
    root, stats, archive = export(cvat_ontology, [item([obj("h", holed)])], tmp_path)
    assert stats.skipped == []
    image = fromstring(archive.read("annotations.xml")).find("image")
    assert image.find("polygon") is None
    (back,), _ = read(root)
    mask = back.annotations[0].document.objects[0].geometry
    assert isinstance(mask, Mask) and rle_area(mask) == 300
    assert not rle_decode(mask)[5:15, 5:15].any()


def test_multi_part_objects_are_groups_of_polygons(cvat_ontology: Ontology, tmp_path: Path) -> None:
    two = {
        "kind": "polygon",
        "parts": [{"exterior": square(10, 10, 20, 20)}, {"exterior": square(40, 5, 50, 15)}],
    }
    one = {"kind": "polygon", "parts": [{"exterior": square(1, 1, 3, 3)}]}
    root, stats, archive = export(cvat_ontology, [item([obj("1", two), obj("2", one)])], tmp_path)
    polygons = fromstring(archive.read("annotations.xml")).findall("image/polygon")
    assert [(p.get("points"), p.get("group_id")) for p in polygons] == [
        ("10,10;20,10;20,20;10,20", "1"),
        ("40,5;50,5;50,15;40,15", "1"),
        ("1,1;3,1;3,3;1,3", None),
    ]
    assert stats.objects == 2
    (back,), _ = read(root)
    objects = back.annotations[0].document.objects
    assert [o.geometry for o in objects] == [
        Polygon.model_validate(two),
        Polygon.model_validate(one),
    ]
    assert [o.entity_id for o in objects] == [None, None]


def test_a_group_of_other_shapes_keeps_its_identity(tmp_path: Path) -> None:
    (record,), policy = read_text(
        tmp_path,
        '<image id="0" name="a.jpg" width="60" height="40">'
        '<box label="label1" xtl="0" ytl="0" xbr="9" ybr="9" group_id="7"/>'
        '<polygon label="label1" points="1,1;4,1;4,4" group_id="7"/>'
        '<polygon label="label1" points="5,5;8,5;8,8" group_id="7"/>'
        '<polygon label="label2" points="1,1;4,1;4,4" group_id="8"/></image>',
    )
    assert policy.violations == []
    box, polygon, other = record.annotations[0].document.objects
    assert isinstance(polygon.geometry, Polygon) and len(polygon.geometry.parts) == 2
    assert (box.entity_id, polygon.entity_id, other.entity_id) == ("group:7", "group:7", None)


def test_skeletons_are_declared_in_meta_with_their_points(
    cvat_ontology: Ontology, tmp_path: Path
) -> None:
    records, _ = read(corpus_path(TRAIN_XML))
    _, _, archive = export(cvat_ontology, as_export(records), tmp_path)
    meta = fromstring(archive.read("annotations.xml")).find("meta/task/labels")
    labels = {
        label.findtext("name"): label
        for label in meta.findall("label")
        if label.findtext("parent") is None
    }
    assert labels["skeleton"].findtext("type") == "skeleton"
    assert [s.findtext("name") for s in meta.findall("label") if s.findtext("parent")] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert 'data-label-name="4"' in labels["skeleton"].findtext("svg")
    inputs = {
        a.findtext("name"): (a.findtext("input_type"), a.findtext("values"))
        for a in labels["label1"].findall("attributes/attribute")
    }
    # occluded and z_order are shape properties in CVAT, not attributes
    assert inputs == {
        "a1": ("checkbox", "false\ntrue"),
        "a2": ("select", "v1\nv2\nv3"),
        "a3": ("text", ""),
        "a4": ("number", "-5.6\n2.4\n0.01"),
    }
    assert labels["東京 Käfer"].findtext("color") == "#12ab34"


def test_non_ascii_and_media_round_trip_byte_for_byte(
    cvat_ontology: Ontology, tmp_path: Path
) -> None:
    name = "東京/café é.jpg"
    store = Store({name: b"jpeg bytes \xff"})
    record = item(
        [
            obj(
                "1",
                {"kind": "box", "x1": 1.25, "y1": 2, "x2": 30, "y2": 20},
                attributes={"occluded": True},
            ),
            obj("2", {"kind": "tag"}),
        ],
        name=name,
        meta={"subset": "välj"},
    )
    root, stats, archive = export(
        cvat_ontology, [record], tmp_path, media=store, include_media=True
    )
    assert stats.skipped == []
    assert archive.read(f"images/välj/{name}") == b"jpeg bytes \xff"
    (back,), policy = read(root)
    assert policy.violations == []
    assert back.external_id == f"välj/{name}" and back.media[0].name.encode() == name.encode()
    assert (root / back.media[0].relative[0]).read_bytes() == b"jpeg bytes \xff"
    assert [o.class_name for o in back.annotations[0].document.objects] == ["東京 Käfer"] * 2
    assert back.annotations[0].document.objects[0].geometry == Box(x1=1.25, y1=2, x2=30, y2=20)
    assert back.annotations[0].document.objects[0].attributes == {"occluded": True}


def test_what_cvat_cannot_hold_is_reported(cvat_ontology: Ontology, tmp_path: Path) -> None:
    empty = rle_encode(np.zeros((40, 60), dtype=np.uint8))
    objects = [
        obj("m", empty.model_dump()),
        obj("k", {"kind": "box", "x1": 0, "y1": 0, "x2": 2, "y2": 2}, attributes={"kind": ["x"]}),
        obj("s", {"kind": "box", "x1": 0, "y1": 0, "x2": 2, "y2": 2}, score=0.9),
        obj("e", {"kind": "box", "x1": 0, "y1": 0, "x2": 2, "y2": 2}, entity_id="only-me"),
        # two parts: whatever is lost is reported once, not per part
        obj(
            "p",
            {
                "kind": "polygon",
                "parts": [{"exterior": square(0, 0, 2, 2)}, {"exterior": square(4, 4, 6, 6)}],
            },
            attributes={"kind": ["y"]},
            track_id="t1",
        ),
    ]
    record = item(objects)
    record.annotations[0].document.relations.append(
        Relation(id="r", name="holds", source="s", target="e")
    )
    _, stats, _ = export(cvat_ontology, [record], tmp_path)
    assert [(v.location.path, v.message) for v in stats.skipped] == [
        ("objects[0]", "the mask of '東京 Käfer' is empty"),
        ("objects[1].attributes.kind", "CVAT has no form for the value of attribute 'kind'"),
        ("objects[2].score", "CVAT shapes carry no score"),
        ("objects[3].entity_id", "CVAT keeps an entity_id only as the group of several shapes"),
        ("objects[4].attributes.kind", "CVAT has no form for the value of attribute 'kind'"),
        ("objects[4].track_id", "CVAT for images carries no track_id"),
        ("relations[0]", "CVAT for images has no relations ('holds' is left out)"),
    ]


# -- golden file ----------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "cvat"


def test_export_matches_the_golden_file(cvat_ontology: Ontology, tmp_path: Path) -> None:
    records, _ = read(corpus_path(TRAIN_XML))
    _, _, archive = export(cvat_ontology, as_export(records), tmp_path)
    assert archive.read("annotations.xml") == (GOLDEN / "train.xml").read_bytes()


# -- end to end, through the import and export use cases ------------------------------------


def test_import_export_import_through_a_project(workspace: Any, owner: Any, tmp_path: Path) -> None:
    from ontolabel.services import projects, transfer

    def project(name: str) -> int:
        return projects.create_project(
            workspace, name=name, modality="image", ontology=CVAT_ONTOLOGY, user_id=owner.id
        ).id

    first = project("CVAT")
    path = corpus_path(PROJECT)
    report = transfer.import_file(workspace, first, path, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (6, 0, [])
    out = io.BytesIO()
    stats = transfer.export_project(workspace, first, "cvat", out, options={"include_media": True})
    assert (stats.items, stats.objects, stats.skipped) == (6, 12, [])
    archive = tmp_path / "export.zip"
    archive.write_bytes(out.getvalue())
    assert "images/Train/img1.jpg" in zipfile.ZipFile(archive).namelist()
    second = project("CVAT again")
    report = transfer.import_file(workspace, second, archive, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (6, 0, [])
    again = io.BytesIO()
    transfer.export_project(workspace, second, "cvat", again, options={"include_media": True})
    before, after = zipfile.ZipFile(archive), zipfile.ZipFile(again)
    assert sorted(before.namelist()) == sorted(after.namelist())
    assert all(before.read(n) == after.read(n) for n in before.namelist())


def test_unlabelled_shapes_refuse_a_strict_import(workspace: Any, owner: Any) -> None:
    from ontolabel.services import projects, transfer

    pid = projects.create_project(
        workspace, name="t", modality="image", ontology=CVAT_ONTOLOGY, user_id=owner.id
    ).id
    with pytest.raises(FormatError) as caught:
        transfer.import_file(workspace, pid, corpus_path(TASK), user_id=owner.id)
    assert [(v.location.item, v.location.path) for v in caught.value.violations] == UNLABELLED[TASK]
    report = transfer.import_file(
        workspace, pid, corpus_path(TASK), user_id=owner.id, errors="collect"
    )
    assert (report.imported, len(report.violations)) == (2, 2)


def test_subsets_make_a_project_export(cvat_ontology: Ontology, tmp_path: Path) -> None:
    box = {"kind": "box", "x1": 0, "y1": 0, "x2": 2, "y2": 2}
    records = [
        item([obj("1", box)], name="a.jpg"),
        item([obj("1", box)], name="b.jpg", meta={"subset": "Train"}),
        item([obj("1", box)], name="c.jpg", meta={"subset": "Test"}),
    ]
    root, stats, archive = export(cvat_ontology, records, tmp_path)
    assert stats.skipped == []
    document = fromstring(archive.read("annotations.xml"))
    # datumaro reads a project's images subset by subset, as its tasks name them
    project = document.find("meta/project")
    assert project is not None and document.find("meta/task") is None
    assert [t.findtext("subset") for t in project.findall("tasks/task")] == ["Train", "Test"]
    assert project.find("labels/label") is not None
    assert [i.get("subset") for i in document.findall("image")] == ["default", "Train", "Test"]
    back, policy = read(root)
    assert policy.violations == []
    assert [(r.external_id, r.meta) for r in back] == [
        ("a.jpg", {}),
        ("Train/b.jpg", {"subset": "Train"}),
        ("Test/c.jpg", {"subset": "Test"}),
    ]
