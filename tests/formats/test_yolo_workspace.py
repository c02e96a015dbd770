"""YOLO end to end through a real workspace: an uploaded zip of another project's dataset is
detected and imported with its photos, exported as a trainable tree, and imported again
into a fresh project, which exports the same files."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from corpus import corpus_path
from ontolabel.services import projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

LABEL_STUDIO = "label-studio-converter/tests/data/test_import_yolo_data"
CLASSES = ["closed_door", "opened_door", "bus", "number"]


def ontology(names: list[str]) -> dict[str, Any]:
    return {
        "name": "doors",
        "classes": [{"name": n, "geometry": {"image": ["box", "polygon"]}} for n in names],
    }


def project(ws: Workspace, owner: UserInfo, name: str, names: list[str]) -> int:
    return projects.create_project(
        ws, name=name, modality="image", ontology=ontology(names), user_id=owner.id
    ).id


def export(ws: Workspace, pid: int, fmt: str, **options: Any) -> dict[str, bytes]:
    out = io.BytesIO()
    stats = transfer.export_project(ws, pid, fmt, out, options=options or None)
    assert stats.skipped == []
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist()}


def zipped(folder: Path, tmp_path: Path, name: str) -> Path:
    return Path(shutil.make_archive(str(tmp_path / name), "zip", folder))


def test_label_studio_yolo_zip_imports_exports_and_imports_again(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    first = project(workspace, owner, "Doors", CLASSES)
    upload = zipped(corpus_path(LABEL_STUDIO), tmp_path, "doors")
    report = transfer.import_file(workspace, first, upload, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (7, 0, [])
    tree = export(workspace, first, "ultralytics")
    assert sorted(n for n in tree if n.startswith("images/")) == [
        "images/train/img_1.jpg",
        "images/train/img_2.png",
        "images/train/img_3.png",
        "images/train/img_4.png",
        "images/train/img_5.jpg",
        "images/train/img_6.jpeg",
        "images/train/img_7.jpeg",
    ]
    source = corpus_path(LABEL_STUDIO)
    # whole-pixel boxes: the labels come back as the file wrote them, to 12 decimals
    for label in sorted((source / "labels").glob("*.txt")):
        ours = tree[f"labels/train/{label.name}"].decode().split()
        theirs = label.read_text().split()
        assert [float(v) for v in ours] == [round(float(v), 12) for v in theirs]
    again = project(workspace, owner, "Doors again", CLASSES)
    exported = tmp_path / "export.zip"
    exported.write_bytes(_zip(tree))
    report = transfer.import_file(workspace, again, exported, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (7, 0, [])
    assert export(workspace, again, "ultralytics") == tree


def test_exif_rotated_photo_is_labelled_as_displayed(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """A 60x40 JPEG with EXIF orientation 6 displays (and trains) as 40x60: the label's
    fractions are of the displayed size, and the export carries the upright image."""
    root = tmp_path / "exif"
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (60, 40), "red").save(root / "images" / "turned.jpg", exif=exif)
    (root / "labels" / "turned.txt").write_text("0 0.5 0.5 0.5 0.25\n")
    (root / "classes.txt").write_text("bus\n")
    pid = project(workspace, owner, "Turned", ["bus"])
    report = transfer.import_file(
        workspace, pid, zipped(root, tmp_path, "turned"), user_id=owner.id
    )
    assert (report.imported, report.violations) == (1, [])
    tree = export(workspace, pid, "yolo")
    assert tree["obj_train_data/turned.txt"] == b"0 0.5 0.5 0.5 0.25\n"
    with Image.open(io.BytesIO(tree["obj_train_data/turned.jpg"])) as img:
        assert img.size == (40, 60)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


CVAT = "cvat-datumaro/tests/assets/yolo_dataset"


@pytest.mark.parametrize(
    ("folder", "fmt", "task", "labels"),
    [
        (f"{CVAT}/yolo", "yolo", "detect", "obj_train_data"),
        (f"{CVAT}/yolov8_detection", "ultralytics", "detect", "labels/train"),
        (f"{CVAT}/yolov8_segmentation", "ultralytics", "segment", "labels/train"),
        (f"{CVAT}/yolov8_oriented_boxes", "ultralytics", "obb", "labels/train"),
        (f"{CVAT}/yolov8_pose", "ultralytics", "pose", "labels/train"),
    ],
)
def test_peer_labels_come_back_as_written_through_the_store(
    workspace: Workspace,
    owner: UserInfo,
    tmp_path: Path,
    folder: str,
    fmt: str,
    task: str,
    labels: str,
) -> None:
    """CVAT's fixtures imported into a project and exported in their own task give their
    label lines back, number for number (datumaro's 15x10 image, 6-decimal files)."""
    source = corpus_path(folder)
    names = (
        (source / "obj.names").read_text().split()
        if fmt == "yolo"
        else list(yaml.safe_load((source / "data.yaml").read_text())["names"].values())
    )
    pid = projects.create_project(
        workspace,
        name=task,
        modality="image",
        ontology={
            "name": task,
            "classes": [
                {"name": n, "geometry": {"image": ["box", "rotated_box", "polygon", "keypoints"]}}
                for n in names
            ],
        },
        user_id=owner.id,
    ).id
    report = transfer.import_file(workspace, pid, zipped(source, tmp_path, "in"), user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    options = {"clip": False} if fmt == "yolo" else {"task": task, "clip": False}
    tree = export(workspace, pid, fmt, **options)
    ours = [
        [float(v) for v in line.split()] for line in tree[f"{labels}/1.txt"].decode().splitlines()
    ]
    folder_of_labels = "obj_train_data" if fmt == "yolo" else "labels/train"
    theirs = [
        [float(v) for v in line.split()]
        for line in (source / folder_of_labels / "1.txt").read_text().splitlines()
    ]
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs, strict=True):
        if task == "obb":
            # a rotated box is an exact rectangle; the file's 6-decimal corners nearly are:
            # to the file's own precision, they are the same corners
            assert [round(v, 6) for v in got] == want
        else:
            assert got == pytest.approx(want, abs=1e-9)


def test_a_box_past_the_image_is_refused_at_its_line(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """The ontology refuses shapes outside the image; the refusal names the label file,
    the image and the line, and with errors=collect the other images import."""
    root = tmp_path / "past"
    shutil.copytree(corpus_path(LABEL_STUDIO), root)
    (root / "labels" / "img_2.txt").write_text("2 0.5 0.5 0.2 0.2\n2 0.05 0.5 0.3 0.2\n")
    pid = project(workspace, owner, "Past", CLASSES)
    upload = zipped(root, tmp_path, "past")
    report = transfer.import_file(workspace, pid, upload, user_id=owner.id, errors="collect")
    assert (report.imported, report.skipped) == (6, 1)
    (problem,) = report.violations
    assert str(problem.location) == "labels/img_2.txt:2, item img_2.png, geometry.x1"
    assert problem.message.startswith("x1 = -64 is outside the image")
