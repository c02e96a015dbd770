"""A peer's own reader on our LabelMe exports: datumaro's ``label_me`` importer reads our MIT
LabelMe XML export of its own test file as it reads the file itself (in the peers'
virtualenv, see tests/peers/read_with.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from peer_runner import read_with

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


def test_datumaro_reads_our_mit_xml_export_as_it_reads_its_own_file(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
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

    theirs = read_with("datumaro", "label_me", source)
    ours = read_with("datumaro", "label_me", tmp_path / "out")
    # 7 annotations, the parts of one object grouped as datumaro groups them: 4 objects
    assert sum(len(item["objects"]) for item in theirs["items"].values()) == 4
    assert ours["items"] == theirs["items"]
    assert ours["classes"] == theirs["classes"]
