"""LabelMe's own example files (wkentaro/labelme, in the shared corpus), end to end through
the import and export use cases: every file imports, import -> export -> import gives the
same items, and labelme2coco's COCO file of the same images gives the same objects."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from corpus import corpus_path
from ontolabel.core.geometry.mask import rle_area, rle_decode
from ontolabel.formats import ErrorPolicy, detect_format, get_format
from ontolabel.services import projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

EXAMPLES = "labelme/examples"
# every example folder with LabelMe files, and what each holds
FOLDERS = {
    "bbox_detection/data_annotated": 3,
    "classification/data_annotated": 2,
    "instance_segmentation/data_annotated": 3,
    "primitives": 1,
    "tutorial": 1,
    "video_annotation/data_annotated": 5,
}
ALL_KINDS = ["box", "rotated_box", "polygon", "mask", "keypoints", "polyline", "tag"]


def _labels(folder: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_bytes())
        found += [s["label"] for s in data["shapes"]] + list(data.get("flags") or {})
    return list(dict.fromkeys(found))


def _project(ws: Workspace, owner: UserInfo, name: str, labels: list[str]) -> int:
    ontology = {
        "name": "labelme",
        "classes": [{"name": n, "geometry": {"image": ALL_KINDS}} for n in labels],
    }
    return projects.create_project(
        ws, name=name, modality="image", ontology=ontology, user_id=owner.id
    ).id


def _items(ws: Workspace, pid: int) -> list[dict[str, Any]]:
    """The project's items as canonical JSONL gives them (files by sha256, documents whole)."""
    out = io.BytesIO()
    transfer.export_project(ws, pid, "jsonl", out)
    items = [json.loads(line) for line in out.getvalue().splitlines()[1:]]
    for item in items:
        item.pop("id", None)
    return sorted(items, key=lambda i: i["external_id"])


def _copy(folder: Path, dest: Path) -> Path:
    """The example folder with just its LabelMe files and images (no other formats' files)."""
    dest.mkdir()
    for path in folder.iterdir():
        if path.is_file():
            shutil.copyfile(path, dest / path.name)
    return dest


@pytest.mark.parametrize("relative", sorted(FOLDERS))
def test_every_example_imports_and_round_trips_through_an_export(
    relative: str, workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    folder = _copy(corpus_path(f"{EXAMPLES}/{relative}"), tmp_path / "in")
    assert detect_format(folder).name == "labelme"
    labels = _labels(folder)
    first = _project(workspace, owner, "first", labels)
    report = transfer.import_file(workspace, first, folder, user_id=owner.id)
    assert (report.imported, report.violations) == (FOLDERS[relative], [])

    exported = io.BytesIO()
    stats = transfer.export_project(workspace, first, "labelme", exported)
    assert stats.skipped == [] and stats.items == FOLDERS[relative]
    archive = tmp_path / "export.zip"
    archive.write_bytes(exported.getvalue())
    second = _project(workspace, owner, "second", labels)
    again = transfer.import_file(workspace, second, archive, user_id=owner.id)
    assert (again.imported, again.violations) == (FOLDERS[relative], [])
    assert _items(workspace, second) == _items(workspace, first)


def test_exported_files_are_labelme_files_of_the_same_shapes(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    source = corpus_path(f"{EXAMPLES}/primitives/primitives.json")
    folder = _copy(source.parent, tmp_path / "in")
    pid = _project(workspace, owner, "p", _labels(folder))
    transfer.import_file(workspace, pid, folder / "primitives.json", user_id=owner.id)
    out = io.BytesIO()
    transfer.export_project(workspace, pid, "labelme", out)
    with zipfile.ZipFile(out) as z:
        assert sorted(z.namelist()) == ["primitives.jpg", "primitives.json"]
        written = json.loads(z.read("primitives.json"))
        assert z.read("primitives.jpg") == (folder / "primitives.jpg").read_bytes()
    original = json.loads(source.read_bytes())
    assert (written["imagePath"], written["imageData"]) == ("primitives.jpg", None)
    assert (written["imageHeight"], written["imageWidth"]) == (450, 560)
    # the same shapes in the same order, each as LabelMe wrote it; the mask's corner points
    # are whole pixels (LabelMe places the PNG at their rounding) and its pixels the same
    for ours, theirs in zip(written["shapes"], original["shapes"], strict=True):
        assert (ours["label"], ours["shape_type"]) == (theirs["label"], theirs["shape_type"])
        if theirs["shape_type"] == "mask":
            assert ours["points"] == [[417.0, 305.0], [516.0, 404.0]]
            assert _png(ours["mask"]).tolist() == _png(theirs["mask"]).tolist()
        else:
            assert ours["points"] == theirs["points"]


def _png(data: str) -> Any:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))).astype(bool)


def test_the_embedded_image_of_the_tutorial_is_imported(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    # apc2016_obj3.json names itself as imagePath and embeds its JPEG in imageData
    source = corpus_path(f"{EXAMPLES}/tutorial/apc2016_obj3.json")
    path = tmp_path / "apc2016_obj3.json"
    shutil.copyfile(source, path)
    pid = _project(workspace, owner, "t", _labels(tmp_path))
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    [item] = _items(workspace, pid)
    [media] = item["media"]
    assert (media["name"], media["mime"]) == ("apc2016_obj3.jpg", "image/jpeg")
    assert (media["width"], media["height"]) == (1210, 907)
    embedded = json.loads(source.read_bytes())["imageData"]
    assert media["sha256"] == hashlib.sha256(base64.b64decode(embedded)).hexdigest()
    # exported with image_data, the JSON embeds the very same bytes again
    out = io.BytesIO()
    transfer.export_project(workspace, pid, "labelme", out, options={"image_data": True})
    with zipfile.ZipFile(out) as z:
        assert json.loads(z.read("apc2016_obj3.json"))["imageData"] == embedded


def test_a_wrong_image_size_in_the_file_is_reported(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    folder = _copy(corpus_path(f"{EXAMPLES}/bbox_detection/data_annotated"), tmp_path / "in")
    path = folder / "2011_000003.json"
    data = json.loads(path.read_bytes())
    data["imageWidth"] = 501
    path.write_text(json.dumps(data))
    pid = _project(workspace, owner, "b", _labels(folder))
    report = transfer.import_file(workspace, pid, folder, user_id=owner.id, errors="collect")
    assert report.imported == 2
    [problem] = report.violations
    assert problem.location.item == "2011_000003"
    assert "501x338" in problem.message and "500x338" in problem.message


def test_labelme_and_labelme2coco_give_the_same_objects() -> None:
    """labelme2coco made data_dataset_coco/annotations.json from data_annotated: read by our
    COCO reader it holds the objects our LabelMe reader finds (LabelMe's __ignore__ regions
    are left out by labelme2coco), grouped polygons joined alike, vertices equal."""
    base = corpus_path(f"{EXAMPLES}/instance_segmentation")
    policy = ErrorPolicy("collect")
    ours = {
        r.external_id: [
            o for a in r.annotations for o in a.document.objects if o.class_name != "__ignore__"
        ]
        for r in get_format("labelme").read(base / "data_annotated", policy)
    }
    coco_file = base / "data_dataset_coco/annotations.json"
    theirs = {
        Path(str(r.external_id)).stem: [o for a in r.annotations for o in a.document.objects]
        for r in get_format("coco").read(coco_file, policy)
    }
    assert policy.violations == []
    assert sorted(ours) == sorted(theirs) == ["2011_000003", "2011_000006", "2011_000025"]
    total = 0
    for name, objects in ours.items():
        assert [o.class_name for o in objects] == [o.class_name for o in theirs[name]]
        for a, b in zip(objects, theirs[name], strict=True):
            assert a.geometry.kind == b.geometry.kind == "polygon"
            parts_a = [p.exterior for p in a.geometry.parts]  # type: ignore[union-attr]
            parts_b = [p.exterior for p in b.geometry.parts]  # type: ignore[union-attr]
            assert [len(p) for p in parts_a] == [len(p) for p in parts_b]
            for ring_a, ring_b in zip(parts_a, parts_b, strict=True):
                flat_a = [c for point in ring_a for c in point]
                flat_b = [c for point in ring_b for c in point]
                assert flat_a == pytest.approx(flat_b, abs=1e-9)
            total += 1
    assert total == 12


def test_the_mask_primitive_lands_where_labelme_puts_it() -> None:
    """LabelMe's mask shape is a PNG of its region placed at round(points[0]): the octagon
    of primitives.json is a 100x100 patch at (417, 305) on the 560x450 image."""
    source = corpus_path(f"{EXAMPLES}/primitives/primitives.json")
    [record] = get_format("labelme").read(source, ErrorPolicy())
    [octagon] = [o for o in record.annotations[0].document.objects if o.class_name == "octagon"]
    mask = octagon.geometry
    assert (mask.height, mask.width) == (450, 560)  # type: ignore[union-attr]
    pixels = rle_decode(mask)  # type: ignore[arg-type]
    patch = _png(json.loads(source.read_bytes())["shapes"][-1]["mask"])
    assert patch.shape == (100, 100)
    assert (pixels[305:405, 417:517] == patch).all()
    assert rle_area(mask) == int(patch.sum()) == pixels.sum()  # type: ignore[arg-type]


def _zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"{folder.name}/{path.name}")
    return buffer.getvalue()


def test_an_uploaded_zip_imports_and_the_download_imports_again(client: Any) -> None:
    """Over HTTP: LabelMe's instance segmentation example uploaded as a zip (detected),
    exported as a download, and that download uploaded into a second project."""
    folder = corpus_path(f"{EXAMPLES}/instance_segmentation/data_annotated")
    ontology = {
        "name": "voc",
        "classes": [
            {"name": n, "geometry": {"image": ["polygon"]}}
            for n in ("person", "bottle", "__ignore__", "chair", "sofa", "bus", "car")
        ],
    }
    pids = [
        client.post(
            "/api/projects", json={"name": name, "modality": "image", "ontology": ontology}
        ).json()["id"]
        for name in ("first", "second")
    ]
    reply = client.post(
        f"/api/projects/{pids[0]}/import",
        files={"file": ("data_annotated.zip", _zip_of(folder), "application/zip")},
    )
    assert reply.status_code == 200, reply.text
    assert (reply.json()["imported"], reply.json()["errors"]) == (3, [])
    download = client.get(f"/api/projects/{pids[0]}/export?format=labelme")
    assert download.status_code == 200, download.text
    with zipfile.ZipFile(io.BytesIO(download.content)) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in folder.iterdir())
    reply = client.post(
        f"/api/projects/{pids[1]}/import",
        files={"file": ("export.zip", download.content, "application/zip")},
    )
    assert (reply.json()["imported"], reply.json()["errors"]) == (3, [])

    def documents(pid: int) -> list[Any]:
        out = client.get(f"/api/projects/{pid}/export?format=jsonl").content.splitlines()[1:]
        items = [json.loads(line) for line in out]
        return sorted(
            (i["external_id"], i["meta"], [a["document"] for a in i["annotations"]]) for i in items
        )

    assert documents(pids[1]) == documents(pids[0])
    assert sum(len(d[0]["objects"]) for _, _, d in documents(pids[0])) == 14
