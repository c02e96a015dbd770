"""YOLO on other projects' files: every YOLO folder of the shared corpus is detected, imports
with the values its labels say, and survives import -> export (both layouts) -> import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from test_yolo_support import (
    FileMedia,
    as_export,
    export,
    flat_ontology,
    members,
    objects_of,
    read_tree,
    summary,
    unpack_to,
)

from corpus import corpus_path
from ontolabel.core.geometry import Box, Keypoints, Polygon, RotatedBox, Tag
from ontolabel.formats import detect_all, detect_format

CVAT = "cvat-datumaro/tests/assets/yolo_dataset"
DATUMARO = "datumaro/tests/assets/yolo_dataset"
ROBOFLOW = "datumaro/tests/assets/roboflow_dataset"
LABEL_STUDIO = "label-studio-converter/tests/data"

# folder, format detected, task to export it again with, images, objects (a pose line
# is two: its box and its keypoints)
CASES = [
    (f"{DATUMARO}/strict", "yolo", "detect", 1, 2),
    (f"{DATUMARO}/annotations", "yolo", "detect", 1, 2),
    (f"{DATUMARO}/labels", "yolo", "detect", 2, 4),
    (f"{CVAT}/yolo", "yolo", "detect", 1, 2),
    (f"{CVAT}/yolov8_detection", "ultralytics", "detect", 1, 2),
    (f"{CVAT}/yolov8_detection_with_list_of_imgs", "ultralytics", "detect", 1, 2),
    (f"{CVAT}/yolov8_detection_with_list_of_names", "ultralytics", "detect", 1, 2),
    (f"{CVAT}/yolov8_detection_with_subset_txt", "ultralytics", "detect", 1, 2),
    (f"{CVAT}/yolov8_segmentation", "ultralytics", "segment", 1, 2),
    (f"{CVAT}/yolov8_oriented_boxes", "ultralytics", "obb", 1, 2),
    (f"{CVAT}/yolov8_pose", "ultralytics", "pose", 1, 2),
    (f"{CVAT}/yolov8_pose_two_values_per_point", "ultralytics", "pose", 1, 2),
    (f"{ROBOFLOW}/yolo", "ultralytics", "detect", 3, 4),
    (f"{ROBOFLOW}/yolo_obb", "ultralytics", "obb", 3, 4),
    (f"{LABEL_STUDIO}/test_import_yolo_data", "yolo", "detect", 7, 25),
    (f"{CVAT}/yolov8_classification", "ultralytics", "classify", 3, 3),
]


@pytest.mark.parametrize(("folder", "fmt", "task", "images", "objects"), CASES)
def test_corpus_folder_is_detected_and_imports(
    folder: str, fmt: str, task: str, images: int, objects: int
) -> None:
    path = corpus_path(folder)
    verdicts = detect_all(path)
    assert verdicts[0][0].name == fmt, verdicts[:2]
    assert verdicts[0][1].confidence >= (0.6 if task == "classify" else 0.8)
    assert detect_format(path).name == fmt
    records, policy = read_tree(path, fmt, "fail")
    assert policy.violations == []
    assert len(records) == images
    shapes = [o for r in records for a in r.annotations for o in a.document.objects]
    assert len(shapes) == objects
    assert {o.class_name for o in shapes} <= set(_class_list(path, fmt))


def _class_list(path: Path, fmt: str) -> list[str]:
    if fmt == "yolo":
        names = next(p for p in (path / "obj.names", path / "classes.txt") if p.is_file())
        return [n for n in names.read_text().splitlines() if n]
    if not (path / "data.yaml").is_file():  # classification: the class folders
        return sorted({p.name for split in path.iterdir() for p in split.iterdir()})
    raw = yaml.safe_load((path / "data.yaml").read_text())["names"]
    return list(raw.values()) if isinstance(raw, dict) else list(raw)


# Darknet files hold boxes only: the other tasks round-trip through Ultralytics alone
ROUND_TRIPS = [
    (*case, layout)
    for case in CASES
    for layout in ("yolo", "ultralytics")
    if layout == "ultralytics" or case[2] == "detect"
]


@pytest.mark.parametrize(("folder", "fmt", "task", "images", "objects", "layout"), ROUND_TRIPS)
def test_corpus_round_trip(
    folder: str, fmt: str, task: str, images: int, objects: int, layout: str, tmp_path: Path
) -> None:
    """import -> export (with the images) -> import gives the same items and objects."""
    path = corpus_path(folder)
    first, _ = read_tree(path, fmt, "fail")
    ontology = flat_ontology(_class_list(path, fmt))
    media = FileMedia()
    options = {"task": task} if layout == "ultralytics" else {}
    # the CVAT OBB fixture has a corner 0.0098 above the image: kept, not clipped, here
    archive, stats = export(as_export(first, media), layout, ontology, media, clip=False, **options)
    assert stats.skipped == []
    assert stats.items == images
    again, policy = read_tree(unpack_to(archive, tmp_path / "out"), layout, "fail")
    assert policy.violations == []
    assert summary(again) == with_default_split(summary(first))


def with_default_split(items: list[tuple]) -> list[tuple]:  # type: ignore[type-arg]
    """A folder without splits (Label Studio's images/ + labels/) is exported as the
    trainers' default split, train: the one change a round trip makes, and only once."""
    return [
        (eid, meta, media, objects)
        if meta.get("subset")
        else (f"train/{eid}", {"subset": "train"}, media, objects)
        for eid, meta, media, objects in items
    ]


def test_datumaro_strict_values() -> None:
    """2 0.133333 0.3 0.266667 0.2 on datumaro's 15x10 image: x 0..4, y 2..4 (to 1e-5 px)."""
    records, _ = read_tree(corpus_path(f"{DATUMARO}/strict"), "yolo", "fail")
    (record,) = records
    assert record.external_id == "train/1.jpg"
    assert record.meta == {"subset": "train"}
    ref = record.media[0]
    assert (ref.name, ref.width, ref.height) == ("1.jpg", 15, 10)
    first, second = (o for a in record.annotations for o in a.document.objects)
    assert first.class_name == "label_2" and second.class_name == "label_4"
    assert isinstance(first.geometry, Box)
    g = first.geometry
    assert (g.x1, g.y1, g.x2, g.y2) == pytest.approx((0, 2, 4, 4), abs=1e-4)
    assert isinstance(second.geometry, Box)
    g = second.geometry
    assert (g.x1, g.y1, g.x2, g.y2) == pytest.approx((3, 3, 5, 6), abs=1e-4)


def test_label_studio_photos_take_their_real_sizes() -> None:
    records, _ = read_tree(corpus_path(f"{LABEL_STUDIO}/test_import_yolo_data"), "yolo", "fail")
    sizes = {r.external_id: (r.media[0].width, r.media[0].height) for r in records}
    assert sizes == {
        "img_1.jpg": (640, 329),
        "img_2.png": (640, 427),
        "img_3.png": (1280, 720),
        "img_4.png": (640, 494),
        "img_5.jpg": (640, 425),
        "img_6.jpeg": (1280, 720),
        "img_7.jpeg": (640, 427),
    }
    img_1 = next(r for r in records if r.external_id == "img_1.jpg")
    bus = objects_of(img_1)[0]
    # 2 0.49765625 0.462006079... 0.9640625 0.869300911... on 640x329: whole pixels
    assert bus["class_name"] == "bus"
    assert bus["geometry"] == {"kind": "box", "x1": 10.0, "y1": 9.0, "x2": 627.0, "y2": 295.0}


def test_label_studio_seg_labels_with_its_photos(tmp_path: Path) -> None:
    """The seg labels ship without images (they are the detect set's photos) and, as it
    turns out, hold boxes only (5 fields a line). Exported as segment, every box becomes
    its 4 corners, which read back as that rectangle: the same pixels, now a polygon."""
    root = tmp_path / "seg"
    shutil.copytree(corpus_path(f"{LABEL_STUDIO}/test_import_yolo_seg_data"), root)
    shutil.copytree(corpus_path(f"{LABEL_STUDIO}/test_import_yolo_data/images"), root / "images")
    records, policy = read_tree(root, "yolo", "fail")
    assert policy.violations == []
    assert len(records) == 7
    boxes = [o["geometry"] for r in records for o in objects_of(r)]
    assert len(boxes) == 25 and {b["kind"] for b in boxes} == {"box"}
    ontology = flat_ontology(["closed_door", "opened_door", "bus", "number"])
    media = FileMedia()
    archive, stats = export(
        as_export(records, media), "ultralytics", ontology, media, task="segment"
    )
    assert stats.skipped == []
    again, _ = read_tree(unpack_to(archive, tmp_path / "out"), "ultralytics", "fail")
    rings = [o["geometry"] for r in again for o in objects_of(r)]
    assert rings == [
        {
            "kind": "polygon",
            "parts": [
                {
                    "exterior": [
                        [b["x1"], b["y1"]],
                        [b["x2"], b["y1"]],
                        [b["x2"], b["y2"]],
                        [b["x1"], b["y2"]],
                    ],
                    "holes": [],
                }
            ],
        }
        for b in boxes
    ]


def test_oriented_boxes_are_read_as_rotated_boxes() -> None:
    """CVAT's OBB fixture: corners of a 3x4 box turned 30 degrees about (2.5, 4) on 15x10."""
    records, _ = read_tree(corpus_path(f"{CVAT}/yolov8_oriented_boxes"), "ultralytics", "fail")
    first = next(o for a in records[0].annotations for o in a.document.objects)
    assert isinstance(first.geometry, RotatedBox)
    g = first.geometry
    assert (g.cx, g.cy, g.w, g.h, g.angle) == pytest.approx((2.5, 4, 3, 4, 30), abs=1e-3)


def test_roboflow_dota_lines_are_pixels_and_names(tmp_path: Path) -> None:
    """Roboflow's YOLO-OBB export is DOTA text: `1 2 1 5 10 5 10 2 label_1 0` is the 9x3
    rectangle (1,2)-(10,5) in pixels, class by name."""
    records, _ = read_tree(corpus_path(f"{ROBOFLOW}/yolo_obb"), "ultralytics", "fail")
    val = next(r for r in records if r.external_id == "val/val_001.jpg")
    second = [o for a in val.annotations for o in a.document.objects][1]
    assert second.class_name == "label_1"
    assert isinstance(second.geometry, RotatedBox)
    g = second.geometry
    assert (g.cx, g.cy) == pytest.approx((5.5, 3.5))
    assert sorted((g.w, g.h)) == pytest.approx([3, 9])


def test_pose_points_and_their_box() -> None:
    records, _ = read_tree(corpus_path(f"{CVAT}/yolov8_pose"), "ultralytics", "fail")
    box, points = (o for a in records[0].annotations for o in a.document.objects)
    assert isinstance(box.geometry, Box) and isinstance(points.geometry, Keypoints)
    assert points.id == f"{box.id}:keypoints"
    assert [(p.name, p.x, p.y, p.visibility) for p in points.geometry.points] == [
        ("1", pytest.approx(1.5), pytest.approx(2.0), 2),
        ("2", pytest.approx(4.5), pytest.approx(4.0), 2),
        ("3", pytest.approx(7.5), pytest.approx(6.0), 2),
    ]


def test_segment_polygon_values() -> None:
    records, _ = read_tree(corpus_path(f"{CVAT}/yolov8_segmentation"), "ultralytics", "fail")
    first = next(o for a in records[0].annotations for o in a.document.objects)
    assert isinstance(first.geometry, Polygon)
    assert first.geometry.parts[0].exterior == [
        pytest.approx((1.5, 1.0)),
        pytest.approx((6.0, 1.0)),
        pytest.approx((6.0, 5.0)),
    ]


def test_classification_layout_imports_as_tags() -> None:
    path = corpus_path(f"{CVAT}/yolov8_classification")
    assert detect_format(path).name == "ultralytics"
    records, policy = read_tree(path, "ultralytics", "fail")
    assert policy.violations == []
    tags = {
        r.external_id: [
            (o.class_name, type(o.geometry)) for a in r.annotations for o in a.document.objects
        ]
        for r in records
    }
    assert tags == {
        "train/1.jpg": [("label_0", Tag)],
        "train/2.jpg": [("label_0", Tag)],
        "train/3.jpg": [("label_1", Tag)],
    }


def test_exported_darknet_tree_is_the_darknet_layout(tmp_path: Path) -> None:
    path = corpus_path(f"{DATUMARO}/labels")
    records, _ = read_tree(path, "yolo", "fail")
    media = FileMedia()
    archive, _ = export(
        as_export(records, media), "yolo", flat_ontology(_class_list(path, "yolo")), media
    )
    files = members(archive)
    assert sorted(files) == [
        "obj.data",
        "obj.names",
        "obj_train_data/1.jpg",
        "obj_train_data/1.txt",
        "obj_val_data/1.jpg",
        "obj_val_data/1.txt",
        "train.txt",
        "val.txt",
    ]
    assert files["obj.data"].decode() == (
        "classes = 10\ntrain = data/train.txt\nval = data/val.txt\n"
        "names = data/obj.names\nbackup = backup/\n"
    )
    assert files["train.txt"] == b"data/obj_train_data/1.jpg\n"
    assert files["obj_train_data/1.txt"] == (
        b"2 0.133333 0.3 0.266667 0.2\n4 0.266667 0.45 0.133333 0.3\n"
    )
    assert files["obj_train_data/1.jpg"] == (path / "images/train/1.jpg").read_bytes()
