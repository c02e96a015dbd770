"""Label Studio JSON through a real project: import with the images, export, import again."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from tests.conftest import PASSWORD

from corpus import corpus_path
from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.errors import FormatError
from ontolabel.services import annotations, items, projects, transfer, users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

SDK_COCO = "label-studio-sdk/tests/custom/converter/data/test_export_coco/data.json"
TEXT = "Ok 👍🏽 meet Ana in Köln, 東京"


def export(ws: Workspace, pid: int, **options: Any) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, "labelstudio", out, options=options or None)
    return out.getvalue()


def results(tasks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [[r for a in t.get("annotations", []) for r in a["result"]] for t in tasks]


def test_a_label_studio_export_imports_with_its_image_and_exports_the_same_regions(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    source = json.loads(corpus_path(SDK_COCO).read_text())
    folder = tmp_path / "ls"
    folder.mkdir()
    Image.new("RGB", (500, 320), (9, 9, 9)).save(folder / "test_image1.jpg")
    path = folder / "project-1.json"
    path.write_text(json.dumps(source))
    ontology = {
        "name": "sdk",
        "classes": [
            {"name": "rectangle_label", "geometry": {"image": ["box"]}},
            {"name": "polygon_label", "geometry": {"image": ["polygon"]}},
            {"name": "keypoint_label1", "geometry": {"image": ["keypoints"]}},
            {"name": "keypoint_label2", "geometry": {"image": ["keypoints"]}},
        ],
    }
    pid = projects.create_project(
        workspace, name="sdk", modality="image", ontology=ontology, user_id=owner.id
    ).id
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    tasks = json.loads(export(workspace, pid))
    assert tasks[0]["data"] == {"image": "test_image1.jpg"}
    assert tasks[0]["annotations"][0]["completed_by"] == {"email": "olga"}
    [ours], [theirs] = results(tasks), results(source)
    assert [(r["id"], r["type"]) for r in ours] == [(r["id"], r["type"]) for r in theirs]
    for mine, peer in zip(ours, theirs, strict=True):
        assert (mine["original_width"], mine["original_height"]) == (500, 320)
        for key, value in peer["value"].items():
            if key == "width" and peer["type"] == "keypointlabels":
                continue  # the size a point is drawn at in the editor, not a label
            if key in ("x", "y", "width", "height"):
                assert mine["value"][key] == pytest.approx(value, rel=1e-12), (peer["id"], key)
            elif key == "points":
                assert mine["value"][key] == [pytest.approx(p, rel=1e-12) for p in value]
            else:
                assert mine["value"][key] == value, (peer["id"], key)
    # and our export imports into a fresh project with the same image: the same again
    again = folder / "again.json"
    again.write_bytes(export(workspace, pid))
    fresh = projects.create_project(
        workspace, name="sdk 2", modality="image", ontology=ontology, user_id=owner.id
    ).id
    assert transfer.import_file(workspace, fresh, again, user_id=owner.id).violations == []
    assert results(json.loads(export(workspace, fresh))) == results(tasks)


NEWS: dict[str, Any] = {
    "name": "News",
    "classes": [
        {"name": "Person", "geometry": {"text": ["span"]}},
        {"name": "Location", "geometry": {"text": ["span"]}},
    ],
}


@pytest.fixture
def text_project(workspace: Workspace, owner: UserInfo) -> int:
    ontology = NEWS
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=ontology, user_id=owner.id
    ).id
    bea = users.create_user(workspace, "bea", PASSWORD)
    projects.set_member(workspace, pid, bea.id, "annotator", user_id=owner.id)
    item = items.add_text_item(
        workspace, pid, text=TEXT, user_id=owner.id, external_id="n1", meta={"src": "wire"}
    )

    def span(oid: str, cls: str, start: int, end: int) -> AnnotationObject:
        geometry = Span(start=start, end=end, text=TEXT[start:end])
        return AnnotationObject(id=oid, class_name=cls, geometry=geometry)

    annotations.save_annotation(
        workspace,
        item.id,
        Annotation(objects=[span("a", "Person", 11, 14), span("k", "Location", 18, 22)]),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    annotations.save_annotation(
        workspace,
        item.id,
        Annotation(objects=[span("t", "Location", 24, 26)]),
        user_id=bea.id,
        base_revision=0,
    )
    return pid


def test_text_spans_go_out_and_come_back_in_code_points(
    workspace: Workspace, owner: UserInfo, text_project: int, tmp_path: Path
) -> None:
    first = export(workspace, text_project)
    [task] = json.loads(first)
    assert task["data"] == {"src": "wire", "text": TEXT}
    assert task["meta"] == {"ontolabel_external_id": "n1"}
    spans = [
        (r["value"]["start"], r["value"]["end"], r["value"]["text"])
        for r in task["annotations"][0]["result"]
    ]
    # code points, as the editor counts them (not the emoji's UTF-16 units)
    assert spans == [(11, 14, "Ana"), (18, 22, "Köln")]
    assert task["drafts"][0]["user"] == {"email": "bea"}
    path = tmp_path / "news.json"
    path.write_bytes(first)
    fresh = projects.create_project(
        workspace,
        name="News copy",
        modality="text",
        ontology=NEWS,
        user_id=owner.id,
    ).id
    report = transfer.import_file(workspace, fresh, path, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    [again] = json.loads(export(workspace, fresh))
    assert {k: v for k, v in again.items() if k != "id"} == {
        k: v for k, v in task.items() if k != "id"
    }
    stored = items.list_items(workspace, fresh, user_id=owner.id).items[0]
    state = annotations.get_annotation(workspace, stored.id, user_id=owner.id)
    assert state.document.objects[1].geometry == Span(start=18, end=22, text="Köln")


def test_bad_tasks_are_reported_and_collect_imports_the_good_ones(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    def labels(rid: str, start: int, end: int, quote: str) -> dict[str, Any]:
        value = {"start": start, "end": end, "text": quote, "labels": ["Person"]}
        return {
            "id": rid,
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": value,
        }

    tasks = [
        {
            "id": 1,
            "data": {"text": "Ana in Köln"},
            "annotations": [{"id": 10, "result": [labels("a", 0, 3, "Ana")]}],
        },
        {
            "id": 2,
            "data": {"text": "<b>Bo</b>"},
            "annotations": [
                {
                    "id": 20,
                    "result": [
                        {
                            "id": "h",
                            "type": "hypertextlabels",
                            "value": {"start": "/b[1]", "end": "/b[1]"},
                        }
                    ],
                }
            ],
        },
        {
            "id": 3,
            "data": {"text": "Cy"},
            "annotations": [{"id": 30, "result": [labels("c", 0, 2, "Bo")]}],
        },
    ]
    path = tmp_path / "export.json"
    text = json.dumps(tasks, indent=1)
    path.write_text(text)
    # each task's object opens on a line of its own: " {"
    starts = [n for n, line in enumerate(text.split("\n"), start=1) if line == " {"]
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=NEWS, user_id=owner.id
    ).id
    with pytest.raises(FormatError) as failed:
        transfer.import_file(workspace, pid, path, user_id=owner.id, errors="fail")
    assert len(failed.value.violations) == 2
    assert items.list_items(workspace, pid, user_id=owner.id).items == []
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert (report.imported, report.skipped) == (1, 2)
    said = [(v.location.line, v.location.item, v.message) for v in report.violations]
    assert said == [
        (
            starts[1],
            "2",
            "task 2, annotation 20, result 'h' (hypertextlabels): ontolabel cannot "
            "carry HTML spans (XPath ranges) yet",
        ),
        (
            starts[2],
            "3",
            "task 3, annotation 30, result 'c' (labels): span [0, 2) does not quote 'Bo' "
            "in the task's text (it reads 'Cy'; counted in UTF-16 units neither)",
        ),
    ]


def test_labels_from_label_studio_attach_to_the_images_already_uploaded(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    # the usual path: the images are in the project; Label Studio kept its upload as
    # "<8 hex digits>-<name>", and its labels find the item by the name the user gave
    photo = tmp_path / "Straße 1.jpg"
    Image.new("RGB", (800, 400), (1, 2, 3)).save(photo)
    ontology = {"name": "n", "classes": [{"name": "Car", "geometry": {"image": ["rotated_box"]}}]}
    pid = projects.create_project(
        workspace, name="cars", modality="image", ontology=ontology, user_id=owner.id
    ).id
    [item] = items.add_media_items(workspace, pid, [(photo.name, photo)], user_id=owner.id)
    task = {
        "id": 31,
        "data": {"image": "/data/upload/3/0a1b2c3d-Stra%C3%9Fe%201.jpg"},
        "annotations": [
            {
                "id": 1,
                "completed_by": 1,
                "result": [
                    {
                        "id": "r",
                        "type": "rectanglelabels",
                        "from_name": "label",
                        "to_name": "image",
                        "original_width": 800,
                        "original_height": 400,
                        "value": {
                            "x": 20,
                            "y": 10,
                            "width": 25,
                            "height": 20,
                            "rotation": 90,
                            "rectanglelabels": ["Car"],
                        },
                    }
                ],
            }
        ],
    }
    labels = tmp_path / "labels" / "export.json"
    labels.parent.mkdir()
    labels.write_text(json.dumps([task]))
    report = transfer.import_file(workspace, pid, labels, user_id=owner.id)
    assert (report.imported, report.existing, report.updated, report.violations) == (0, 1, 1, [])
    state = annotations.get_annotation(workspace, item.id, user_id=owner.id)
    [obj] = state.document.objects
    # the pinned box: centre (120, 140), 200 x 80, turned 90° (its hull is x 80..160, y 40..240)
    geometry = obj.geometry.model_dump()
    assert {k: geometry[k] for k in ("cx", "cy", "w", "h", "angle")} == pytest.approx(
        {"cx": 120, "cy": 140, "w": 200, "h": 80, "angle": 90}
    )
