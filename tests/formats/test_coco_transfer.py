"""COCO through the import and export use cases: a project's own export imported back
changes nothing (object ids, crowd regions and keypoint categories survive)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.services import annotations, items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

ONTOLOGY = {
    "name": "people",
    "classes": [
        {"name": "Person", "geometry": {"image": ["box", "polygon", "keypoints", "tag"]}},
        {"name": "東京", "geometry": {"image": ["box"]}},
    ],
}


def export(ws: Workspace, pid: int) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, "coco", out)
    return out.getvalue()


def test_a_project_s_own_export_imports_back_as_no_change(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="P", modality="image", ontology=ONTOLOGY, user_id=owner.id
    ).id
    path = tmp_path / "café.jpg"
    Image.new("RGB", (60, 40), (1, 2, 3)).save(path, "JPEG")
    (item,) = items.add_media_items(workspace, pid, [(path.name, path)], user_id=owner.id)
    objects = [
        AnnotationObject.model_validate(o)
        for o in [
            {"id": "p-1", "class_name": "Person", "geometry": {"kind": "tag"}},
            {
                "id": "b-7",
                "class_name": "東京",
                "geometry": {"kind": "box", "x1": 1, "y1": 2, "x2": 30, "y2": 20},
            },
            {
                "id": "k",
                "class_name": "Person",
                "geometry": {
                    "kind": "keypoints",
                    "points": [
                        {"name": "nose", "x": 5, "y": 5},
                        {"name": "hip", "x": 6, "y": 20, "visibility": 1},
                    ],
                },
            },
        ]
    ]
    annotations.save_annotation(
        workspace,
        item.id,
        Annotation(objects=objects),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    first = export(workspace, pid)
    coco = tmp_path / "coco.json"
    coco.write_bytes(first)
    data = json.loads(first)
    assert data["images"][0]["file_name"] == "café.jpg"
    report = transfer.import_file(workspace, pid, coco, user_id=owner.id)
    assert (report.imported, report.existing, report.updated, report.violations) == (0, 1, 0, [])
    state = annotations.get_annotation(workspace, item.id, user_id=owner.id)
    assert state.revision == 1 and state.document.objects == objects
    # into a new project with the same image: the same objects, and the same file again
    other = projects.create_project(
        workspace, name="Q", modality="image", ontology=ONTOLOGY, user_id=owner.id
    ).id
    (copy,) = items.add_media_items(workspace, other, [(path.name, path)], user_id=owner.id)
    report = transfer.import_file(workspace, other, coco, user_id=owner.id)
    assert (report.existing, report.updated, report.violations) == (1, 1, [])
    assert annotations.get_annotation(workspace, copy.id, user_id=owner.id).document.objects == (
        objects
    )
    assert export(workspace, other) == first
