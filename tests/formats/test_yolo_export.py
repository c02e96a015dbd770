"""YOLO export: the exact lines of each task, the tree of each layout, and a report of
everything YOLO cannot carry (never a silent drop)."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from format_builders import image, image_record, obj, square
from PIL import Image
from test_yolo_support import export, flat_ontology, members, objects_of, read_tree, unpack_to

from ontolabel.core.annotation import Annotation
from ontolabel.core.geometry import RotatedBox
from ontolabel.core.geometry.mask import rle_encode
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import NotFound
from ontolabel.formats import AnnotationRecord, ExportRecord


def label_studio_rotated(
    x: float, y: float, w: float, h: float, rotation: float, width: int, height: int
) -> RotatedBox:
    """Label Studio's rectangle: x, y = its top-left corner in percent of the image, w, h in
    percent, turned `rotation` degrees clockwise about that corner. Converted in pixels."""
    x0, y0 = x / 100 * width, y / 100 * height
    pw, ph = w / 100 * width, h / 100 * height
    t = math.radians(rotation)
    cx = x0 + pw / 2 * math.cos(t) - ph / 2 * math.sin(t)
    cy = y0 + pw / 2 * math.sin(t) + ph / 2 * math.cos(t)
    return RotatedBox(cx=cx, cy=cy, w=pw, h=ph, angle=rotation)


def labels_of(archive: bytes, member: str) -> list[str]:
    return members(archive)[member].decode().splitlines()


def one_image(
    *objects: Any, width: int = 60, height: int = 40, name: str = "a.jpg"
) -> ExportRecord:
    return image_record(1, list(objects), media=image(name, width, height))


def messages(stats: Any) -> list[tuple[str | None, str]]:
    return [(v.location.path, v.message) for v in stats.skipped]


# -- the pinned case ---------------------------------------------------------------------


def test_label_studio_box_turned_90_degrees_exports_its_pixel_hull() -> None:
    """x=20 y=10 w=25 h=20 rotation=90 on 800x400: the hull in pixels is x 80..160,
    y 40..240, i.e. `0 0.15 0.35 0.1 0.5` (in percent it would be a different box)."""
    rbox = label_studio_rotated(20, 10, 25, 20, 90, 800, 400)
    assert (rbox.cx, rbox.cy, rbox.w, rbox.h) == pytest.approx((120, 140, 200, 80))
    ontology = flat_ontology(["Car"])
    record = one_image(obj("1", "Car", rbox.model_dump()), width=800, height=400)
    for fmt, member in (("yolo", "obj_train_data/a.txt"), ("ultralytics", "labels/train/a.txt")):
        archive, stats = export([record], fmt, ontology)
        assert labels_of(archive, member) == ["0 0.15 0.35 0.1 0.5"]
        assert stats.skipped == [] and stats.objects == 1
        # written, but as less than it was: said once, with how to keep the outline
        [changed] = stats.changed
        assert changed.message.startswith("1 rotated box(s) written as their axis-aligned")
        assert "task=obb" in changed.message


# -- detect ----------------------------------------------------------------------------------


def test_detect_writes_hulls_of_every_shape(ontology: Ontology) -> None:
    mask = rle_encode(_square_mask(40, 60, 10, 20, 30, 35))
    record = one_image(
        obj("1", "Car", {"kind": "box", "x1": 6, "y1": 4, "x2": 18, "y2": 24}),
        obj(
            "2",
            "Car",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square(10, 10, 20, 20)},
                    {"exterior": square(40, 5, 50, 15)},
                ],
            },
        ),
        obj("3", "Car", mask.model_dump()),
        obj("4", "Lane", {"kind": "polyline", "points": [(0, 0), (5, 5)]}),
        obj("5", "Person", {"kind": "keypoints", "points": [{"name": "head", "x": 3, "y": 4}]}),
    )
    archive, stats = export([record], "ultralytics", ontology)
    # leaf classes in document order: Car 0, Person 1, Lane 2 (Vehicle has a subclass)
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0.2 0.35 0.2 0.5",
        "0 0.5 0.3125 0.666666666667 0.375",  # both parts: x 10..50, y 5..20
        "0 0.333333333333 0.6875 0.333333333333 0.375",  # mask pixels x 10..30, y 20..35
    ]
    assert messages(stats) == [
        ("objects[3]", "YOLO detect has no form for a polyline (Lane); not written"),
        ("objects[4]", "YOLO detect has no form for a keypoints (Person); not written"),
    ]
    data = yaml.safe_load(members(archive)["data.yaml"])
    # no `path`: Ultralytics takes the YAML's folder (a relative one goes to datasets_dir)
    assert data == {
        "train": "images/train",
        "names": {0: "Car", 1: "Person", 2: "Lane"},
    }
    archive, _ = export([record], "ultralytics", ontology, val_from_train=True)
    data = yaml.safe_load(members(archive)["data.yaml"])
    assert (data["train"], data["val"]) == ("images/train", "images/train")


def test_inner_and_unknown_classes_are_reported(ontology: Ontology) -> None:
    record = one_image(
        obj("1", "Vehicle", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4}),
        obj("2", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4}),
    )
    record.annotations[0].document.objects.append(
        obj("3", "Bicycle", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4})
    )
    archive, stats = export([record], "yolo", ontology)
    assert labels_of(archive, "obj_train_data/a.txt") == ["0 0.05 0.05 0.1 0.1"]
    assert members(archive)["obj.names"] == b"Car\nPerson\nLane\n"
    assert messages(stats) == [
        ("objects[0]", "class 'Vehicle' has subclasses: YOLO ids are the ontology's leaf classes"),
        ("objects[2]", "class 'Bicycle' is not in the ontology"),
    ]


def test_shapes_outside_the_image_are_clipped_and_reported() -> None:
    ontology = flat_ontology(["Car"])
    box = {"kind": "box", "x1": -30, "y1": 10, "x2": 30, "y2": 20}  # cx = 0 in 60 px
    beyond = {"kind": "box", "x1": 50, "y1": 30, "x2": 90, "y2": 60}  # cx past the edge
    records = [one_image(obj("1", "Car", box), obj("2", "Car", beyond))]
    archive, stats = export(records, "ultralytics", ontology)
    # the first is in range as numbers (cx 0, w 1): trainers clip it themselves
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0 0.375 1 0.25",
        "0 0.916666666667 0.875 0.166666666667 0.25",
    ]
    assert messages(stats) == [
        (
            "objects[1]",
            "reaches outside the image: clipped to it (export with clip=false to keep it)",
        )
    ]
    kept, stats = export(records, "ultralytics", ontology, clip=False)
    assert labels_of(kept, "labels/train/a.txt")[1] == "0 1.166666666667 1.125 0.666666666667 0.75"
    assert stats.skipped == []


# -- segment ----------------------------------------------------------------------------------


def _square_mask(h: int, w: int, x1: int, y1: int, x2: int, y2: int, hole: int = 0) -> Any:

    pixels = np.zeros((h, w), dtype=np.uint8)
    pixels[y1:y2, x1:x2] = 1
    if hole:
        pixels[y1 + hole : y2 - hole, x1 + hole : x2 - hole] = 0
    return pixels


def test_segment_writes_one_ring_per_part_and_reports_parts_and_holes() -> None:
    ontology = flat_ontology(["Car"])
    record = one_image(
        obj(
            "1",
            "Car",
            {
                "kind": "polygon",
                "parts": [
                    {"exterior": square(0, 0, 30, 20), "holes": [square(5, 5, 15, 15)]},
                    {"exterior": square(40, 20, 60, 40)},
                ],
            },
        ),
        obj("2", "Car", {"kind": "box", "x1": 6, "y1": 4, "x2": 12, "y2": 8}),
    )
    archive, stats = export([record], "ultralytics", ontology, task="segment")
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0 0 0.5 0 0.5 0.5 0 0.5",
        "0 0.666666666667 0.5 1 0.5 1 1 0.666666666667 1",
        "0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2",
    ]
    assert messages(stats) == [
        (
            "objects[0]",
            "YOLO has no multi-part objects: the 2 parts of this polygon are written as 2 "
            "instances of its class",
        ),
        (
            "objects[0]",
            "YOLO segment lines have no holes: 1 hole (100 px²) of this polygon not written, "
            "so the outline covers them",
        ),
    ]


def test_a_mask_is_traced_into_its_outline_and_its_hole_reported() -> None:
    """A 20x20 square mask with a 10x10 hole (area 300): the outline through the boundary
    pixels' centres (0.5 px inside the edge), the hole reported, never filled silently."""
    ontology = flat_ontology(["Car"])
    mask = rle_encode(_square_mask(40, 60, 10, 10, 30, 30, hole=5))
    archive, stats = export(
        [one_image(obj("1", "Car", mask.model_dump()))], "ultralytics", ontology, task="segment"
    )
    (ring,) = labels_of(archive, "labels/train/a.txt")
    values = [float(v) for v in ring.split()[1:]]
    points = {
        (round(values[i] * 60, 6), round(values[i + 1] * 40, 6)) for i in range(0, len(values), 2)
    }
    assert points == {(10.5, 10.5), (10.5, 29.5), (29.5, 29.5), (29.5, 10.5)}
    ((path, message),) = messages(stats)
    assert path == "objects[0]"
    assert message.startswith("YOLO segment lines have no holes: 1 hole")
    assert "mask (traced by its contours)" in message


# -- obb ----------------------------------------------------------------------------------


def test_obb_writes_the_four_corners_and_reads_them_back(tmp_path: Path) -> None:
    ontology = flat_ontology(["Car"])
    rbox = {"kind": "rotated_box", "cx": 30, "cy": 20, "w": 20, "h": 10, "angle": 90}
    box = {"kind": "box", "x1": 6, "y1": 4, "x2": 12, "y2": 8}
    archive, stats = export(
        [one_image(obj("1", "Car", rbox), obj("2", "Car", box))],
        "ultralytics",
        ontology,
        task="obb",
    )
    # corners from the unrotated top-left, clockwise: (35,10) (35,30) (25,30) (25,10)
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0.583333333333 0.25 0.583333333333 0.75 0.416666666667 0.75 0.416666666667 0.25",
        "0 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2",
    ]
    assert members(archive)["data.yaml"].startswith(b"# ontolabel export, task: obb\n")
    assert stats.skipped == []
    # no images in this archive: give the reader one of the right size
    root = unpack_to(archive, tmp_path / "out")
    (root / "images/train").mkdir(parents=True)
    _write_image(root / "images/train/a.jpg", 60, 40)
    records, _ = read_tree(root, "ultralytics", "fail")
    got = [o["geometry"] for o in objects_of(records[0])]
    assert got[0] == {
        "kind": "rotated_box",
        "cx": 30.0,
        "cy": 20.0,
        "w": 20.0,
        "h": 10.0,
        "angle": 90.0,
    }
    assert got[1] == {"kind": "rotated_box", "cx": 9.0, "cy": 6.0, "w": 6.0, "h": 4.0, "angle": 0.0}


def _write_image(path: Path, width: int, height: int) -> None:

    Image.new("RGB", (width, height), "white").save(path)


# -- pose ----------------------------------------------------------------------------------


def test_pose_lines_pair_boxes_with_their_keypoints() -> None:
    ontology = flat_ontology(["Person"])
    record = one_image(
        obj("7", "Person", {"kind": "box", "x1": 0, "y1": 0, "x2": 30, "y2": 40}),
        obj(
            "7:keypoints",
            "Person",
            {
                "kind": "keypoints",
                "points": [
                    {"name": "head", "x": 15, "y": 4},
                    {"name": "hip", "x": 12, "y": 20, "visibility": 1},
                ],
            },
        ),
        # alone: its box is the hull of its points; the missing 'head' is written unlabelled
        obj(
            "8",
            "Person",
            {
                "kind": "keypoints",
                "points": [{"name": "hip", "x": 42, "y": 10}, {"name": "knee", "x": 48, "y": 30}],
            },
        ),
    )
    archive, stats = export([record], "ultralytics", ontology, task="pose")
    assert stats.skipped == [] and stats.objects == 2
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0.25 0.5 0.5 1 0.25 0.1 2 0.2 0.5 1 0 0 0",
        "0 0.75 0.5 0.1 0.5 0 0 0 0.7 0.25 2 0.8 0.75 2",
    ]
    data = yaml.safe_load(members(archive)["data.yaml"])
    assert data["kpt_shape"] == [3, 3]
    assert "flip_idx" not in data  # unknown left/right pairs: trainers then skip flipping


def test_numbered_keypoints_keep_their_positions(tmp_path: Path) -> None:
    """YOLO's own keypoints are numbered 1..k: a point missing everywhere keeps its slot."""
    ontology = flat_ontology(["Person"])
    points = [{"name": "3", "x": 30, "y": 20}, {"name": "1", "x": 6, "y": 4}]
    archive, _ = export(
        [one_image(obj("1", "Person", {"kind": "keypoints", "points": points}))],
        "ultralytics",
        ontology,
        task="pose",
    )
    assert labels_of(archive, "labels/train/a.txt") == [
        "0 0.3 0.3 0.4 0.4 0.1 0.1 2 0 0 0 0.5 0.5 2"
    ]


# -- layout, names, media ------------------------------------------------------------------


class _Store:
    def __init__(self, blobs: dict[str, bytes]):
        self.blobs = blobs

    def open(self, sha256: str) -> Any:

        if sha256 not in self.blobs:
            raise NotFound(f"no blob {sha256[:8]}")
        return io.BytesIO(self.blobs[sha256])


def test_non_ascii_names_round_trip_byte_for_byte(tmp_path: Path) -> None:

    ontology = parse_ontology(
        {
            "name": "ü",
            "classes": [
                {"name": n, "geometry": {"image": ["box"]}} for n in ("Café", "Öl", "東京")
            ],
        }
    )
    blob = io.BytesIO()
    Image.new("RGB", (60, 40)).save(blob, "PNG")
    media = image("東京 café.png", 60, 40, sha="e")
    record = image_record(
        1,
        [
            obj("1", "東京", {"kind": "box", "x1": 6, "y1": 4, "x2": 18, "y2": 24}),
            obj("2", "Öl", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4}),
        ],
        media=media,
    )
    store = _Store({media.sha256: blob.getvalue()})
    for fmt, folder in (("yolo", "obj_train_data"), ("ultralytics", "images/train")):
        archive, stats = export([record], fmt, ontology, store)  # type: ignore[arg-type]
        assert stats.skipped == []
        files = members(archive)
        assert f"{folder}/東京 café.png" in files
        if fmt == "yolo":
            assert files["obj.names"] == "Café\nÖl\n東京\n".encode()
        else:
            assert "東京".encode() in files["data.yaml"]
        records, policy = read_tree(unpack_to(archive, tmp_path / fmt), fmt, "fail")
        assert policy.violations == []
        assert records[0].media[0].name == "東京 café.png"
        assert [o["class_name"] for o in objects_of(records[0])] == ["東京", "Öl"]


def test_images_missing_from_the_store_are_reported_and_labels_kept(ontology: Ontology) -> None:
    record = one_image(obj("1", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4}))
    archive, stats = export([record], "ultralytics", ontology, _Store({}))  # type: ignore[arg-type]
    assert "labels/train/a.txt" in members(archive)
    assert "images/train/a.jpg" not in members(archive)
    ((path, message),) = messages(stats)
    assert message == "image 'a.jpg' is not in the store (no blob aaaaaaaa); labels only"
    without, stats = export([record], "ultralytics", ontology, _Store({}), include_media=False)
    assert stats.skipped == [] and "images/train/a.jpg" not in members(without)


def test_same_names_in_a_split_get_suffixes_and_splits_keep_their_folders(
    ontology: Ontology,
) -> None:
    box = obj("1", "Car", {"kind": "box", "x1": 0, "y1": 0, "x2": 6, "y2": 4})
    records = [
        image_record(1, [box], media=image("a.jpg", sha="1")),
        image_record(2, [], media=image("a.png", sha="2")),
        ExportRecord(
            item_id=3,
            external_id="val/a.jpg",
            content=ItemContent(
                modality=Modality.IMAGE, media=[image("a.jpg", sha="3")], meta={"subset": "val"}
            ),
            annotations=[AnnotationRecord(document=Annotation(objects=[box]))],
        ),
        ExportRecord(
            item_id=4, external_id="t", content=ItemContent(modality=Modality.TEXT, text="hi")
        ),
    ]
    archive, stats = export(records, "yolo", ontology)
    files = members(archive)
    assert sorted(n for n in files if n.startswith("obj_")) == [
        "obj_train_data/a.txt",
        "obj_train_data/a_2.txt",
        "obj_val_data/a.txt",
    ]
    assert files["obj_train_data/a_2.txt"] == b""  # a background image: an empty label file
    assert files["train.txt"] == b"data/obj_train_data/a.jpg\ndata/obj_train_data/a_2.png\n"
    assert files["val.txt"] == b"data/obj_val_data/a.jpg\n"
    assert messages(stats) == [(None, "YOLO holds images; this item is text")]
    assert stats.items == 3


def test_classify_puts_each_image_in_its_class_folder(ontology: Ontology) -> None:
    blobs = {image(sha=s).sha256: b"jpeg " + s.encode() for s in "123"}
    tag = {"kind": "tag"}
    records = [
        image_record(1, [obj("1", "Car", tag)], media=image("a.jpg", sha="1")),
        image_record(
            2,
            [obj("1", "Car", tag), obj("2", "Person", tag)],
            media=image("b.jpg", sha="2"),
        ),
        image_record(
            3,
            [
                obj("1", "Person", tag),
                obj("2", "Person", {"kind": "box", "x1": 0, "y1": 0, "x2": 1, "y2": 1}),
            ],
            media=image("c.jpg", sha="3"),
        ),
    ]
    archive, stats = export(records, "ultralytics", ontology, _Store(blobs), task="classify")
    assert members(archive) == {
        "dataset/train/Car/a.jpg": b"jpeg 1",
        "dataset/train/Person/c.jpg": b"jpeg 3",
    }
    assert messages(stats) == [
        (
            None,
            "image 'b.jpg' not written: classification needs one whole-image class "
            "(found Car, Person)",
        ),
        ("objects[1]", "YOLO classify has no form for a box (Person); not written"),
    ]


def test_track_ids_are_reported_not_written() -> None:
    """Trainers refuse a line with one field more, so a track id is not written."""
    ontology = flat_ontology(["Car"])
    box = obj("1", "Car", {"kind": "box", "x1": 6, "y1": 4, "x2": 18, "y2": 24}, track_id="t7")
    archive, stats = export([one_image(box)], "ultralytics", ontology)
    assert labels_of(archive, "labels/train/a.txt") == ["0 0.2 0.35 0.2 0.5"]
    assert messages(stats) == [
        ("objects[0]", "YOLO lines have no track ids: track 't7' not written")
    ]
