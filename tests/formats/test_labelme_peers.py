"""The peers' own readers on our exports: LabelMe's ``LabelFile`` and ``shapes_to_label`` on
our LabelMe JSON, datumaro's ``label_me`` importer on our MIT LabelMe XML.

Both are test-only dependencies that the project's requirements do not pin yet (LabelMe 5.x
brings PyQt5 and onnxruntime): each test runs where its reader is installed and says so
when it is not.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus import corpus_path
from ontolabel.services import projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

EXAMPLES = "labelme/examples"
ALL_KINDS = ["box", "rotated_box", "polygon", "mask", "keypoints", "polyline", "tag"]
FOLDERS = [
    "bbox_detection/data_annotated",
    "classification/data_annotated",
    "instance_segmentation/data_annotated",
    "primitives",
    "tutorial",
    "video_annotation/data_annotated",
]


def _export(
    ws: Workspace, owner: UserInfo, folder: Path, fmt: str, ontology: dict[str, Any], out: Path
) -> None:
    pid = projects.create_project(
        ws, name=out.name, modality="image", ontology=ontology, user_id=owner.id
    ).id
    report = transfer.import_file(ws, pid, folder, user_id=owner.id)
    assert report.violations == []
    buffer = io.BytesIO()
    stats = transfer.export_project(ws, pid, fmt, buffer)
    assert stats.skipped == []
    zipfile.ZipFile(buffer).extractall(out)


@pytest.mark.parametrize("relative", FOLDERS)
def test_labelme_rasterises_our_export_as_it_does_the_original(
    relative: str, workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    label_file = pytest.importorskip("labelme.label_file", reason="LabelMe is not installed")
    shape_utils = pytest.importorskip("labelme.utils.shape")
    folder = tmp_path / "in"
    folder.mkdir()
    for path in corpus_path(f"{EXAMPLES}/{relative}").iterdir():
        if path.is_file():
            shutil.copyfile(path, folder / path.name)
    labels: list[str] = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        labels += [s["label"] for s in data["shapes"]] + list(data.get("flags") or {})
    ontology = {
        "name": "labelme",
        "classes": [{"name": n, "geometry": {"image": ALL_KINDS}} for n in dict.fromkeys(labels)],
    }
    _export(workspace, owner, folder, "labelme", ontology, tmp_path / "out")
    originals = sorted(folder.glob("*.json"))
    assert originals
    for original in originals:
        theirs = label_file.LabelFile(str(original))
        ours = label_file.LabelFile(str(tmp_path / "out" / original.name))
        data = json.loads(original.read_bytes())
        size = (data["imageHeight"], data["imageWidth"])
        values = {name: i + 1 for i, name in enumerate(dict.fromkeys(labels))}
        # LabelMe 5.7's shapes_to_label has no mask shapes: those are compared in our tests
        plain = [s for s in theirs.shapes if s["shape_type"] != "mask"]
        cls_a, ins_a = shape_utils.shapes_to_label(size, plain, values)
        plain = [s for s in ours.shapes if s["shape_type"] != "mask"]
        cls_b, ins_b = shape_utils.shapes_to_label(size, plain, values)
        assert (cls_a == cls_b).all(), original.name
        assert len(np.unique(ins_a)) == len(np.unique(ins_b)), original.name
        assert {k: v for k, v in ours.flags.items() if v} == {
            k: v for k, v in theirs.flags.items() if v
        }


def test_datumaro_reads_our_mit_xml_export_as_it_reads_its_own_file(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    dataset = pytest.importorskip("datumaro.components.dataset", reason="datumaro is missing")
    source = corpus_path("datumaro/tests/assets/labelme_dataset")
    flags = ["occluded", "a1", "kj", "hg", "d", "gfd lkj lkj hi"]
    ontology = {
        "name": "mit",
        "classes": [
            {
                "name": n,
                "geometry": {"image": ["box", "polygon", "mask"]},
                "attributes": [{"name": a, "type": "bool"} for a in flags],
            }
            for n in ["window", "license plate", "o1", "q1", "b1", "m1", "hg"]
        ],
        "relations": [{"name": "part_of"}],
    }
    _export(workspace, owner, source, "labelme_xml", ontology, tmp_path / "out")

    def objects(path: Path) -> list[Any]:
        ds = dataset.Dataset.import_from(str(path), "label_me")
        labels = ds.categories()[next(iter(ds.categories()))]
        found = []
        for item in ds:
            for a in sorted(item.annotations, key=lambda a: a.id):
                kind = a.type.name
                shape = (
                    int(a.image.sum())
                    if kind == "mask"
                    else list(a.get_bbox())
                    if kind == "bbox"
                    else list(a.points)
                )
                attributes = {k: v for k, v in a.attributes.items() if k != "username"}
                found.append((a.id, labels[a.label].name, kind, shape, a.group != 0, attributes))
        return found

    theirs = objects(source)
    assert len(theirs) == 7
    assert objects(tmp_path / "out") == theirs
