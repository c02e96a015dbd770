"""YOLO import of broken trees (corpus folders with one thing broken each): every problem is
reported with its file, line and cause; the good images still import with errors=collect."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_yolo_support import read_tree

from corpus import corpus_path
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, detect_all, detect_format, get_format

DETECT = "cvat-datumaro/tests/assets/yolo_dataset/yolov8_detection"
POSE = "cvat-datumaro/tests/assets/yolo_dataset/yolov8_pose"
DARKNET = "datumaro/tests/assets/yolo_dataset/strict"


def tree(tmp_path: Path, source: str) -> Path:
    root = tmp_path / "data"
    shutil.copytree(corpus_path(source), root)
    return root


def with_second_image(root: Path, label: str) -> Path:
    """A second image (a copy of the first) whose label file says ``label``."""
    shutil.copy(root / "images/train/1.jpg", root / "images/train/2.jpg")
    (root / "labels/train/2.txt").write_text(label)
    return root


def problems(root: Path, fmt: str = "ultralytics") -> tuple[list[str], list[str]]:
    records, policy = read_tree(root, fmt, "collect")
    return [str(v.location) + ": " + v.message for v in policy.violations], [
        r.external_id or "" for r in records
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("12 0.5 0.5 0.1 0.1", "class id 12 is not in data.yaml (ids 0..9)"),
        ("-1 0.5 0.5 0.1 0.1", "class id '-1' is not a non-negative integer"),
        ("car 0.5 0.5 0.1 0.1", "class id 'car' is not an integer"),
        ("2 0.5 abc 0.1 0.1", "a coordinate: 'abc' (field 3) is not a number"),
        ("2 0.5 nan 0.1 0.1", "a coordinate: 'nan' (field 3) is not a finite number"),
        ("2 0.5 0.5 -0.1 0.1", "box width and height must not be negative, got -0.1 x 0.1"),
        (
            "2 0.5 0.5 0.1",
            "4 fields: expected a class id and 4 numbers (a box: cx cy w h) or a class id and "
            "x y pairs of a polygon (at least 3 points)",
        ),
        (
            "2 0.1 0.1 0.2 0.2 0.3",
            "6 fields: expected a class id and 4 numbers (a box: cx cy w h) or a class id and "
            "x y pairs of a polygon (at least 3 points)",
        ),
    ],
)
def test_a_bad_line_is_reported_at_its_file_and_line(
    tmp_path: Path, line: str, message: str
) -> None:
    root = with_second_image(tree(tmp_path, DETECT), f"2 0.5 0.5 0.2 0.2\n\n{line}\n")
    found, imported = problems(root)
    assert found == [f"labels/train/2.txt:3, item train/2.jpg: {message}"]
    assert imported == ["train/1.jpg"]  # the bad image is skipped whole, the good one kept


def test_a_label_file_without_its_image_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    root = tree(tmp_path, DETECT)
    (root / "labels/train/9.txt").write_text("\n2 0.5 0.5 0.2 0.2\n")
    found, imported = problems(root)
    assert found == [
        "labels/train/9.txt:2: no image 9.* for this label file (looked beside it and in the "
        "images/ folder matching its labels/ folder); YOLO coordinates are fractions of the "
        "image size, so its objects cannot be placed"
    ]
    assert imported == ["train/1.jpg"]


def test_an_empty_label_file_without_an_image_loses_nothing(tmp_path: Path) -> None:
    root = tree(tmp_path, DETECT)
    (root / "labels/train/9.txt").write_text("")
    assert problems(root) == ([], ["train/1.jpg"])


def test_an_image_without_a_label_file_is_a_background_image(tmp_path: Path) -> None:
    root = tree(tmp_path, DETECT)
    shutil.copy(root / "images/train/1.jpg", root / "images/train/2.jpg")
    records, policy = read_tree(root, "ultralytics", "fail")
    assert policy.violations == []
    assert [(r.external_id, r.annotations) for r in records][1] == ("train/2.jpg", [])


def test_an_unreadable_image_is_reported(tmp_path: Path) -> None:
    root = with_second_image(tree(tmp_path, DETECT), "2 0.5 0.5 0.2 0.2\n")
    (root / "images/train/2.jpg").write_bytes(b"not a jpeg")
    found, imported = problems(root)
    assert len(found) == 1
    assert found[0].startswith(
        "images/train/2.jpg, item train/2.jpg: cannot read the image size: not a readable image"
    )
    assert imported == ["train/1.jpg"]


def test_a_label_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    root = with_second_image(tree(tmp_path, DETECT), "")
    (root / "labels/train/2.txt").write_bytes(b"2 0.5 0.5 0.2 0.2 \xff\n")
    found, _ = problems(root)
    assert found == ["labels/train/2.txt, item train/2.jpg: not UTF-8 text (invalid start byte)"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "0 0.1 0.3 0.2 0.2 0.1 0.2 2 0.3 0.4 2",
            "a pose line has the box (4 numbers) and 3 keypoints of 3 numbers (kpt_shape "
            "[3, 3]): 13 numbers, got 10",
        ),
        (
            "0 0.1 0.3 0.2 0.2 0.1 0.2 2 0.3 0.4 3 0.5 0.6 2",
            "visibility of keypoint 2 must be 0, 1 or 2, got 3",
        ),
        (
            "1 0.1 0.3 0.2 0.2 0.1 0.2 2 0.3 0.4 2 0.5 0.6 2",
            "class id 1 is not in data.yaml (ids 0..0)",
        ),
    ],
)
def test_bad_pose_lines(tmp_path: Path, line: str, message: str) -> None:
    root = with_second_image(tree(tmp_path, POSE), line + "\n")
    found, imported = problems(root)
    assert found == [f"labels/train/2.txt:1, item train/2.jpg: {message}"]
    assert imported == ["train/1.jpg"]


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "path: .\ntrain: images/train\n",
            "data.yaml, names: 'names' must list the class names (a list, or a map of id to name)",
        ),
        (
            "names: [a, b\n",
            "data.yaml:2: not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
        ("names: [a, b]\nnc: 3\n", "data.yaml, nc: nc is 3, but 'names' has 2 classes"),
        (
            "names: {0: a, x: b}\n",
            "data.yaml, names: class ids in 'names' are non-negative integers, got 'x'",
        ),
        ("names: [a, '']\n", "data.yaml, names[1]: a class name must be a non-empty text, got ''"),
        (
            "names: [a]\nkpt_shape: [3, 4]\n",
            "data.yaml, kpt_shape: kpt_shape must be [number of keypoints, 2 or 3], got [3, 4]",
        ),
    ],
)
def test_a_broken_data_yaml_refuses_the_import(
    tmp_path: Path, yaml_text: str, message: str
) -> None:
    root = tree(tmp_path, DETECT)
    (root / "data.yaml").write_text(yaml_text)
    with pytest.raises(FormatError) as caught:
        list(get_format("ultralytics").read(root, _policy()))
    assert str(caught.value).startswith(message)


def test_darknet_class_list_problems(tmp_path: Path) -> None:
    root = tree(tmp_path, DARKNET)
    (root / "obj.names").write_text("a\n\nb\n")
    with pytest.raises(FormatError) as caught:
        list(get_format("yolo").read(root, _policy()))
    assert str(caught.value) == (
        "obj.names:2: an empty line in the class list: ids are line positions, so every "
        "line must name a class"
    )
    (root / "obj.names").write_text("a\nb\n")
    with pytest.raises(FormatError) as caught:
        list(get_format("yolo").read(root, _policy()))
    assert str(caught.value) == "obj.data: obj.data says classes = 10, but obj.names names 2"
    (root / "obj.data").unlink()
    records, policy = read_tree(root, "yolo")
    assert records == []
    assert [f"{v.location}: {v.message}" for v in policy.violations] == [
        "obj_train_data/1.txt:1, item train/1.jpg: class id 2 is not in obj.names (ids 0..1)",
        "obj_train_data/1.txt:2, item train/1.jpg: class id 4 is not in obj.names (ids 0..1)",
    ]


def test_a_folder_that_is_no_yolo_dataset_is_refused_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "1.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    verdicts = {f.name: d for f, d in detect_all(tmp_path)}
    assert verdicts["yolo"].confidence == 0
    assert verdicts["yolo"].reason == "no class list (obj.names or classes.txt) at the folder's top"
    assert verdicts["ultralytics"].reason == (
        "no data.yaml (or one dataset YAML file) at the folder's top"
    )
    with pytest.raises(FormatError):
        detect_format(tmp_path)
    with pytest.raises(FormatError) as caught:
        get_format("ultralytics").read(tmp_path, _policy())
    assert "data.yaml" in str(caught.value)


def test_darknet_and_ultralytics_trees_are_told_apart(tmp_path: Path) -> None:
    darknet = {f.name: d for f, d in detect_all(corpus_path(DARKNET))}
    assert darknet["yolo"].confidence == 0.95
    assert darknet["ultralytics"].confidence == 0
    ultralytics = {f.name: d for f, d in detect_all(corpus_path(DETECT))}
    assert ultralytics["ultralytics"].confidence == 0.95
    assert ultralytics["yolo"].reason == "a dataset YAML file: the Ultralytics layout"


def _policy() -> ErrorPolicy:
    return ErrorPolicy("collect")


def test_ids_of_a_names_map_with_gaps_are_listed(tmp_path: Path) -> None:
    root = tree(tmp_path, DETECT)  # its lines use ids 2 and 4
    (root / "data.yaml").write_text("train: images/train\nnames: {0: a, 1: b, 4: e}\n")
    found, imported = problems(root)
    assert found == [
        "labels/train/1.txt:1, item train/1.jpg: class id 2 is not in data.yaml (ids 0, 1, 4)"
    ]
    assert imported == []


def test_obj_data_naming_a_file_outside_the_dataset_is_not_followed(tmp_path: Path) -> None:
    root = tree(tmp_path, DARKNET)
    (tmp_path / "elsewhere.names").write_text("x\n")
    data = (root / "obj.data").read_text().replace("data/obj.names", "data/../elsewhere.names")
    (root / "obj.data").write_text(data)
    records, policy = read_tree(root, "yolo", "fail")
    assert policy.violations == []  # obj.names beside it is the class list
    assert [o.class_name for o in records[0].annotations[0].document.objects] == [
        "label_2",
        "label_4",
    ]


def test_track_ids_after_the_shape_are_read(tmp_path: Path) -> None:
    """CVAT's and datumaro's video exports put a track id after the shape's numbers."""
    root = with_second_image(
        tree(tmp_path, DETECT), "2 0.5 0.5 0.2 0.2 7\n4 0.1 0.1 0.4 0.1 0.4 0.5 3\n"
    )
    records, policy = read_tree(root, "ultralytics", "fail")
    assert policy.violations == []
    second = records[1].annotations[0].document.objects
    assert [(o.geometry.kind, o.track_id) for o in second] == [("box", "7"), ("polygon", "3")]
