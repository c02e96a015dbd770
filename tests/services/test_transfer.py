"""Import and export use cases, end to end through a real workspace and real image files."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pycocotools.coco import COCO
from tests.conftest import IMAGE_ONTOLOGY, PASSWORD, TEXT_ONTOLOGY

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box, Span
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import Forbidden, FormatError
from ontolabel.formats import all_formats, get_format
from ontolabel.media import probe
from ontolabel.services import (
    annotations,
    exporter,
    import_records,
    items,
    projects,
    transfer,
    users,
)
from ontolabel.services.item_rows import NewAnnotation, NewItem
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

TEXT = "Ok 👍🏽 meet Ana in Köln"
CRLF = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"
CORPUS = Path("/work/shared/corpus/datumaro/tests/assets/coco_dataset")


def span(obj_id: str, cls: str, text: str, start: int, end: int) -> AnnotationObject:
    return AnnotationObject(
        id=obj_id, class_name=cls, geometry=Span(start=start, end=end, text=text[start:end])
    )


def export(ws: Workspace, pid: int, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, fmt, out, options=options or None)
    return out.getvalue()


def new_project(
    ws: Workspace, user: UserInfo, name: str, modality: str, ontology: dict[str, Any]
) -> int:
    return projects.create_project(
        ws, name=name, modality=modality, ontology=ontology, user_id=user.id
    ).id


@pytest.fixture
def text_project(workspace: Workspace, owner: UserInfo) -> int:
    """Two texts, one labelled by two people (one still drafting), one by nobody."""
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    bea = users.create_user(workspace, "bea", PASSWORD)
    projects.set_member(workspace, pid, bea.id, "annotator", user_id=owner.id)
    first = items.add_text_item(
        workspace, pid, text=TEXT, user_id=owner.id, external_id="n1", meta={"src": "wire"}
    )
    items.add_text_item(workspace, pid, text=CRLF, user_id=owner.id)
    annotations.save_annotation(
        workspace,
        first.id,
        Annotation(
            objects=[span("a", "Person", TEXT, 11, 14), span("k", "Location", TEXT, 18, 22)]
        ),
        user_id=owner.id,
        base_revision=0,
        status="submitted",
    )
    annotations.save_annotation(
        workspace,
        first.id,
        Annotation(objects=[span("a", "Person", TEXT, 11, 14)]),
        user_id=bea.id,
        base_revision=0,
    )
    return pid


def test_jsonl_export_import_export_is_byte_identical(
    workspace: Workspace, owner: UserInfo, text_project: int, tmp_path: Path
) -> None:
    first = export(workspace, text_project, "jsonl")
    path = tmp_path / "news.jsonl"
    path.write_bytes(first)
    header = json.loads(first.splitlines()[0])
    fresh = new_project(workspace, owner, "News copy", "text", header["ontology"])
    report = transfer.import_file(workspace, fresh, path, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (2, 0, [])
    assert export(workspace, fresh, "jsonl") == first
    # the pinned offsets survive: Köln is [18, 22) and Ana [11, 14) in code points
    line = json.loads(first.splitlines()[1])
    spans = {o["class_name"]: o["geometry"] for o in line["annotations"][0]["document"]["objects"]}
    assert (spans["Location"]["start"], spans["Location"]["end"]) == (18, 22)
    assert TEXT[18:22] == "Köln"
    assert json.loads(first.splitlines()[2])["text"] == CRLF


def test_revision_numbers_survive_the_round_trip(
    workspace: Workspace, owner: UserInfo, text_project: int, tmp_path: Path
) -> None:
    item = items.list_items(workspace, text_project, user_id=owner.id).items[0]
    annotations.save_annotation(
        workspace, item.id, Annotation(), user_id=owner.id, base_revision=1, status="submitted"
    )
    first = export(workspace, text_project, "jsonl")
    path = tmp_path / "news.jsonl"
    path.write_bytes(first)
    fresh = new_project(workspace, owner, "News copy", "text", TEXT_ONTOLOGY)
    transfer.import_file(workspace, fresh, path, user_id=owner.id)
    assert export(workspace, fresh, "jsonl").splitlines()[1:] == first.splitlines()[1:]


def lines(*objs: dict[str, Any]) -> str:
    return (
        "\n".join(json.dumps(o) for o in [{"format": "ontolabel.jsonl", "version": 1}, *objs])
        + "\n"
    )


def text_line(
    ext: str, text: str, *objects: dict[str, Any], user: str | None = None
) -> dict[str, Any]:
    anns = [{"user": user, "document": {"objects": list(objects)}}] if objects else []
    return {"external_id": ext, "modality": "text", "text": text, "annotations": anns}


def span_obj(cls: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {
        "id": f"{cls}{start}",
        "class_name": cls,
        "geometry": {"kind": "span", "start": start, "end": end, "text": text},
    }


BAD_FILE = lines(
    text_line("ok1", "Ana", span_obj("Person", 0, 3, "Ana")),
    text_line("bad-class", "Ana", span_obj("Drug", 0, 3, "Ana")),
    text_line("bad-text", "Ana", span_obj("Person", 0, 3, "Bob")),
    text_line("bad-user", "Ana", span_obj("Person", 0, 3, "Ana"), user="nobody"),
    {"external_id": "bad-modality", "modality": "image"},
    text_line("ok2", "Oslo", span_obj("Location", 0, 4, "Oslo")),
)


def test_fail_mode_reports_every_bad_record_and_writes_nothing(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(BAD_FILE)
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, "jsonl", user_id=owner.id, errors="fail")
    got = {(v.location.line, v.location.item) for v in err.value.violations}
    assert got == {(3, "bad-class"), (4, "bad-text"), (5, "bad-user"), (6, "bad-modality")}
    assert all(v.location.file == "in.jsonl" for v in err.value.violations)
    paths = {v.location.item: v.location.path for v in err.value.violations}
    assert paths["bad-user"] == "annotations[0].user" and paths["bad-modality"] == "modality"
    assert paths["bad-class"] is not None and paths["bad-class"].startswith(
        "annotations[0].objects[0]"
    )
    assert items.list_items(workspace, pid, user_id=owner.id).items == []


def test_collect_mode_imports_the_good_records_and_reports_the_rest(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(BAD_FILE)
    report = transfer.import_file(
        workspace, pid, path, user_id=owner.id, errors="collect", display_name="mine.jsonl"
    )
    assert (report.imported, report.skipped) == (2, 4)
    assert {v.location.item for v in report.violations} == {
        "bad-class",
        "bad-text",
        "bad-user",
        "bad-modality",
    }
    assert {v.location.file for v in report.violations} == {"mine.jsonl"}
    listed = items.list_items(workspace, pid, user_id=owner.id).items
    assert [i.external_id for i in listed] == ["ok1", "ok2"]
    assert [i.status for i in listed] == ["submitted", "submitted"]
    # importing again is a no-op for the items already there
    again = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert (again.imported, again.existing) == (0, 2)


def jpeg(path: Path, size: tuple[int, int], orientation: int = 1) -> Path:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


def test_exif_rotated_jpeg_exports_to_coco_in_displayed_pixels(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    # stored 400x300 with orientation 6 (turn 90 degrees clockwise): displayed 300x400
    jpeg(tmp_path / "photos" / "turned.jpg", (400, 300), orientation=6)
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    box = {
        "id": "1",
        "class_name": "Car",
        "geometry": {"kind": "box", "x1": 10, "y1": 250, "x2": 290, "y2": 390},
    }
    path = tmp_path / "photos" / "in.jsonl"
    path.write_text(
        lines(
            {
                "external_id": "turned",
                "modality": "image",
                "media": [{"name": "turned.jpg", "path": "turned.jpg"}],
                "annotations": [{"document": {"objects": [box]}}],
            }
        )
    )
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    data = json.loads(export(workspace, pid, "coco"))
    assert data["images"] == [{"id": 1, "file_name": "turned.jpg", "width": 300, "height": 400}]
    assert data["annotations"][0]["bbox"] == [10, 250, 280, 140]
    # a box below y=300 only fits the displayed (portrait) image: it was validated there
    coco_path = tmp_path / "coco.json"
    coco_path.write_bytes(export(workspace, pid, "coco"))
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(coco_path))
    assert coco.annToMask(coco.anns[1]).shape == (400, 300)


def coco_folder(root: Path) -> Path:
    """A COCO dataset laid out as annotations/instances_val.json + images/val/*.jpg."""
    jpeg(root / "images" / "val" / "a.jpg", (60, 40))
    jpeg(root / "images" / "val" / "b.jpg", (30, 20))
    data = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 60, "height": 40},
            {"id": 2, "file_name": "b.jpg", "width": 30, "height": 20},
        ],
        "categories": [
            {"id": 1, "name": "Car", "supercategory": "Vehicle"},
            {"id": 2, "name": "Pedestrian"},
        ],
        "annotations": [
            {
                "id": 1,
                "image_id": 1,
                "category_id": 1,
                "bbox": [2, 3, 10, 5],
                "area": 50,
                "iscrowd": 0,
            },
            {
                "id": 2,
                "image_id": 1,
                "category_id": 1,
                "bbox": [10, 10, 40, 15],
                "iscrowd": 0,
                "segmentation": [[10, 10, 20, 10, 20, 20, 10, 20], [40, 5, 50, 5, 50, 15, 40, 15]],
            },
            {"id": 3, "image_id": 2, "category_id": 2, "bbox": [1, 1, 5, 5], "iscrowd": 0},
        ],
    }
    path = root / "annotations" / "instances_val.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))
    return path


def test_coco_dataset_folder_imports_with_its_images_and_exports_back(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    path = coco_folder(tmp_path / "dataset")
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.violations) == (2, [])
    data = json.loads(export(workspace, pid, "coco"))
    assert [(i["file_name"], i["width"], i["height"]) for i in data["images"]] == [
        ("a.jpg", 60, 40),
        ("b.jpg", 30, 20),
    ]
    assert [(a["image_id"], a["bbox"], a["area"]) for a in data["annotations"]] == [
        (1, [2, 3, 10, 5], 50),
        (1, [10, 5, 40, 15], 200),
        (2, [1, 1, 5, 5], 25),
    ]


def test_coco_size_that_disagrees_with_the_image_is_reported(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    path = coco_folder(tmp_path / "dataset")
    data = json.loads(path.read_text())
    data["images"][1]["width"] = 20  # b.jpg is 30 wide
    path.write_text(json.dumps(data))
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert report.imported == 1
    (problem,) = report.violations
    assert (
        problem.location.item == "b.jpg"
        and "20x20" in problem.message
        and "30x20" in problem.message
    )


def test_missing_media_and_files_outside_the_import_folder_are_refused(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    jpeg(tmp_path / "secret.jpg", (10, 10))
    inside = tmp_path / "a" / "b" / "c"
    inside.mkdir(parents=True)
    path = inside / "in.jsonl"
    path.write_text(
        lines(
            {"modality": "image", "media": [{"name": "secret.jpg", "path": "../../../secret.jpg"}]},
            {"modality": "image", "media": [{"name": "gone.jpg"}]},
            {
                "modality": "image",
                "media": [
                    {
                        "name": "x.jpg",
                        "sha256": "0" * 64,
                        "mime": "image/jpeg",
                        "size": 1,
                        "modality": "image",
                    }
                ],
            },
        )
    )
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert report.imported == 0
    messages = [v.message for v in report.violations]
    assert "not found" in messages[0] and "not found" in messages[1]
    assert "not in this workspace" in messages[2]
    assert [v.location.path for v in report.violations] == ["media[0]"] * 3


def test_uploads_spooled_in_the_workspace_reach_no_files(
    workspace: Workspace, owner: UserInfo
) -> None:
    jpeg(workspace.tmp_dir / "other-upload.jpg", (10, 10))
    path = workspace.tmp_dir / "upload123.jsonl"
    path.write_text(lines({"modality": "image", "media": [{"name": "other-upload.jpg"}]}))
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert report.imported == 0 and "not found" in report.violations[0].message


def test_only_owners_import_and_only_members_export(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo, text_project: int, tmp_path: Path
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(text_line("x", "hi")))
    with pytest.raises(Forbidden):
        transfer.import_file(workspace, text_project, path, user_id=outsider.id)
    with pytest.raises(Forbidden):
        transfer.export_project(workspace, text_project, "jsonl", io.BytesIO(), user_id=outsider.id)


def test_export_pages_through_the_items_in_order(
    workspace: Workspace, owner: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporter, "EXPORT_PAGE", 2)
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    for i in range(5):
        items.add_text_item(workspace, pid, text=f"t{i}", user_id=owner.id, external_id=f"e{i}")
    seen: list[tuple[int, int | None]] = []
    out = io.BytesIO()
    stats = transfer.export_project(
        workspace, pid, "jsonl", out, progress=lambda d, t: seen.append((d, t))
    )
    assert [json.loads(x)["external_id"] for x in out.getvalue().splitlines()[1:]] == [
        f"e{i}" for i in range(5)
    ]
    assert seen == [(i, 5) for i in range(1, 6)] and stats.items == 5


def test_auto_detection_and_its_refusal(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, user_id=owner.id)
    # every readable format says why it refused
    readable = {f.name for f in all_formats() if f.can_read}
    assert {v.message.split(":")[0] for v in err.value.violations} == readable


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not on this machine")
def test_corpus_coco_instances_import_with_their_images(
    workspace: Workspace, owner: UserInfo
) -> None:
    ontology = {
        "name": "abc",
        "classes": [
            {
                "name": n,
                "geometry": {"image": ["box", "polygon", "mask"]},
                "attributes": [{"name": "x", "type": "int"}, {"name": "y", "type": "text"}],
            }
            for n in "abc"
        ],
    }
    pid = new_project(workspace, owner, "Corpus", "image", ontology)
    report = transfer.import_file(
        workspace, pid, CORPUS / "coco_instances/annotations/instances_val.json", user_id=owner.id
    )
    assert (report.imported, report.violations) == (1, [])
    data = json.loads(export(workspace, pid, "coco"))
    assert data["images"] == [{"id": 1, "file_name": "b.jpg", "width": 5, "height": 10}]
    assert [(a["category_id"], a["bbox"], a["area"]) for a in data["annotations"]] == [
        (1, [0, 0, 1, 2], 2),
        # the file says [0, 0, 1, 9], but its RLE (20 pixels down the first two columns of a
        # 10-high image) covers x 0..2 and y 0..10: the bbox is computed from the mask
        (2, [0, 0, 2, 10], 20),
    ]


def test_coco_labels_attach_to_images_already_in_the_project(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    # the usual path: upload the images, then import labels made elsewhere (an upload,
    # spooled in the workspace, so matched by file name and never read from disk)
    coco = coco_folder(tmp_path / "dataset")
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    uploaded = items.add_media_items(
        workspace,
        pid,
        [(n, tmp_path / "dataset" / "images" / "val" / n) for n in ("a.jpg", "b.jpg")],
        user_id=owner.id,
    )
    spooled = workspace.tmp_dir / "upload-77.json"
    spooled.write_bytes(coco.read_bytes())
    report = transfer.import_file(
        workspace, pid, spooled, user_id=owner.id, display_name="coco.json"
    )
    assert (report.imported, report.existing, report.updated, report.violations) == (0, 2, 2, [])
    state = annotations.get_annotation(workspace, uploaded[0].id, user_id=owner.id)
    assert (state.revision, state.status) == (1, "submitted")
    assert [o.geometry.kind for o in state.document.objects] == ["box", "polygon"]
    # the same labels again change nothing: no new revision
    again = transfer.import_file(workspace, pid, spooled, user_id=owner.id)
    assert (again.existing, again.updated) == (2, 0)
    assert len(annotations.list_revisions(workspace, uploaded[0].id, user_id=owner.id)) == 1
    # edited labels become a new revision, the old one stays in the history
    data = json.loads(coco.read_text())
    data["annotations"][0]["bbox"] = [3, 3, 10, 5]
    spooled.write_text(json.dumps(data))
    edited = transfer.import_file(workspace, pid, spooled, user_id=owner.id)
    assert edited.updated == 1
    state = annotations.get_annotation(workspace, uploaded[0].id, user_id=owner.id)
    assert state.revision == 2 and state.document.objects[0].geometry == Box(
        x1=3, y1=3, x2=13, y2=8
    )


def test_labels_for_a_file_name_held_by_two_items_are_refused(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    coco = coco_folder(tmp_path / "dataset")
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    a = tmp_path / "dataset" / "images" / "val" / "a.jpg"
    items.add_media_items(workspace, pid, [("a.jpg", a), ("a.jpg", a)], user_id=owner.id)
    spooled = workspace.tmp_dir / "upload-78.json"
    spooled.write_bytes(coco.read_bytes())
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, spooled, user_id=owner.id)
    messages = {(v.location.item, v.message) for v in err.value.violations}
    assert ("a.jpg", "2 items of the project have a file named 'a.jpg'") in messages
    # b.jpg is neither in the project nor reachable from an upload
    assert any(item == "b.jpg" and "not found" in m for item, m in messages)


def test_ontology_problems_in_a_coco_file_point_at_the_coco_annotation(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    path = coco_folder(tmp_path / "dataset")
    data = json.loads(path.read_text())
    data["categories"].append({"id": 3, "name": "Drone"})
    data["annotations"].append({"id": 9, "image_id": 2, "category_id": 3, "bbox": [0, 0, 2, 2]})
    data["annotations"][0]["bbox"] = [50, 30, 30, 30]  # runs off the 60x40 image
    path.write_text(json.dumps(data))
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, user_id=owner.id)
    found = {(v.location.item, (v.location.path or "").split(".")[0]) for v in err.value.violations}
    assert found == {("a.jpg", "annotations[0]"), ("b.jpg", "annotations[3]")}
    assert all(v.location.file == "instances_val.json" for v in err.value.violations)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"status": "submitted"},
        {"annotator": "bea"},
        {"status": "submitted", "annotator": "olga"},
    ],
)
def test_jsonl_from_stored_json_is_what_the_writer_makes_of_core_records(
    workspace: Workspace, owner: UserInfo, text_project: int, options: dict[str, Any]
) -> None:
    """Canonical JSONL is exported from the stored JSON without core objects per item: it
    must be byte for byte the file the format writes from the same items as core records."""
    pid = new_project(workspace, owner, "Streets", "image", IMAGE_ONTOLOGY)
    sha = workspace.blobs.put_bytes(b"pixels")
    info = MediaInfo(
        modality=Modality.IMAGE,
        mime="image/png",
        sha256=sha,
        size=6,
        name="Straße.png",
        width=64,
        height=48,
        extra={"camera": {"fx": 1.5e-05, "k": [0.1, None]}},
    )
    box = AnnotationObject(
        id="b",
        class_name="Car",
        geometry=Box(x1=1.5, y1=2, x2=30, y2=40),
        attributes={"occluded": True},
    )
    records = [
        NewItem(
            Modality.IMAGE,
            external_id="a",
            media=[info],
            meta={"ß": [1, 2.5]},
            annotations=[NewAnnotation(Annotation(objects=[box]), owner.id, "draft")],
        ),
        NewItem(Modality.IMAGE, media=[info, info.model_copy(update={"name": "b.png"})]),
    ]
    items.add_items_bulk(workspace, pid, records, user_id=owner.id)
    fmt = get_format("jsonl")
    parsed = fmt.parse_options(options)
    for project in (text_project, pid):
        _, ontology = projects.current_ontology(workspace, project)
        core = list(exporter._each(workspace, project, None, exporter._export_records))
        by_writer = io.BytesIO()
        fmt.write(core, by_writer, ontology=ontology, options=parsed)
        assert export(workspace, project, "jsonl", **options) == by_writer.getvalue()


@pytest.mark.parametrize("body", [b"", bytes(range(256)) * 4], ids=["empty", "binary"])
def test_an_undetectable_upload_is_named_by_its_uploaded_name_never_its_spool_file(
    workspace: Workspace, owner: UserInfo, body: bytes
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    spool = workspace.tmp_dir / "tmp_5xv66um.jsonl"
    spool.write_bytes(body)
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, spool, user_id=owner.id, display_name="notes.jsonl")
    said = json.dumps(err.value.to_dict())
    assert err.value.message == "cannot tell the format of notes.jsonl"
    assert err.value.location.file == "notes.jsonl"
    assert {v.location.file for v in err.value.violations} == {"notes.jsonl"}
    assert "tmp_5xv66um" not in said and str(workspace.tmp_dir) not in said


def test_a_record_of_another_modality_is_refused_in_plain_words(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(lines(text_line("x", "hi")))
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert [v.message for v in report.violations] == ["a text item cannot join an image project"]


def test_stored_media_missing_from_the_workspace_are_found_beside_the_import_file(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """Full media entries name their bytes by sha256; bytes the store lacks are looked for
    in the content-addressed ``media/`` folder, then under the file's own name."""
    a = probe(jpeg(tmp_path / "a.jpg", (12, 8)), "a.jpg")
    b = probe(jpeg(tmp_path / "b.jpg", (6, 4)), "b.jpg")
    (tmp_path / "media").mkdir()
    (tmp_path / "a.jpg").rename(tmp_path / "media" / a.sha256)
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(
            *(
                {"external_id": i.name, "modality": "image", "media": [i.model_dump(mode="json")]}
                for i in (a, b)
            )
        )
    )
    assert not workspace.blobs.existing([a.sha256, b.sha256])
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.violations) == (2, [])
    assert workspace.blobs.existing([a.sha256, b.sha256]) == {a.sha256, b.sha256}
    listed = items.list_items(workspace, pid, user_id=owner.id).items
    assert [(m.name, m.width, m.height) for i in listed for m in i.media] == [
        ("a.jpg", 12, 8),
        ("b.jpg", 6, 4),
    ]


def test_importing_the_same_conll_file_again_adds_no_copies(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Tags", "text", TEXT_ONTOLOGY)
    path = tmp_path / "news.conll"
    # two identical sentences: two items, kept apart
    path.write_text("Ana B-Person\nleft O\n\nAna B-Person\nleft O\n\nin O\nOslo B-Location\n")
    first = transfer.import_file(workspace, pid, path, "conll", user_id=owner.id)
    again = transfer.import_file(workspace, pid, path, "conll", user_id=owner.id)
    assert (first.imported, first.existing) == (3, 0)
    assert (again.imported, again.existing, again.updated) == (0, 3, 0)


def test_a_text_record_without_its_text_is_one_bad_record_in_collect_mode(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Texts", "text", TEXT_ONTOLOGY)
    path = tmp_path / "mixed.jsonl"
    lines = [
        {"format": "ontolabel.jsonl", "version": 1},
        {"external_id": "a", "modality": "text", "text": "Ana"},
        {"external_id": "b", "modality": "text"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = transfer.import_file(workspace, pid, path, "jsonl", user_id=owner.id, errors="collect")
    assert (report.imported, report.skipped) == (1, 1)
    [problem] = report.violations
    assert (problem.location.line, problem.location.path) == (3, "text")
    with pytest.raises(FormatError):
        transfer.import_file(workspace, pid, path, "jsonl", user_id=owner.id)


def test_an_image_record_without_media_is_refused_at_its_line(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Pictures", "image", IMAGE_ONTOLOGY)
    path = tmp_path / "empty.jsonl"
    lines = [
        {"format": "ontolabel.jsonl", "version": 1},
        {"external_id": "x", "modality": "image", "media": []},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, "jsonl", user_id=owner.id)
    [problem] = err.value.violations
    assert (problem.location.line, problem.location.path) == (2, "media")
    assert "needs its image file" in problem.message


def test_a_coco_box_that_overflows_to_infinity_is_a_located_error_not_a_crash(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Huge", "image", IMAGE_ONTOLOGY)
    data = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1e308] * 4}],
    }
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data))
    Image.new("RGB", (10, 10)).save(tmp_path / "a.jpg")
    with pytest.raises(FormatError) as err:
        transfer.import_file(workspace, pid, path, "coco", user_id=owner.id)
    [problem] = err.value.violations
    assert problem.location.path is not None and "bbox" in problem.location.path
    assert "finite" in problem.message


def test_a_text_longer_than_an_item_may_hold_is_refused_at_its_line(
    workspace: Workspace, owner: UserInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_records, "MAX_TEXT_CHARS", 10)
    pid = new_project(workspace, owner, "Long", "text", TEXT_ONTOLOGY)
    path = tmp_path / "long.jsonl"
    lines = [
        {"format": "ontolabel.jsonl", "version": 1},
        {"external_id": "ok", "modality": "text", "text": "short"},
        {"external_id": "long", "modality": "text", "text": "far too long a text"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = transfer.import_file(workspace, pid, path, "jsonl", user_id=owner.id, errors="collect")
    assert (report.imported, report.skipped) == (1, 1)
    [problem] = report.violations
    assert (problem.location.line, problem.location.path) == (3, "text")
    assert "at most 10" in problem.message


def test_a_zip_of_a_coco_file_and_its_images_imports_with_the_images(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Zipped COCO", "image", IMAGE_ONTOLOGY)
    data = {
        "images": [
            {"id": 1, "file_name": "東京.jpg", "width": 20, "height": 10},
            {"id": 2, "file_name": "b.jpg", "width": 20, "height": 10},
        ],
        "categories": [{"id": 1, "name": "Car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}],
    }
    packed = tmp_path / "dataset.zip"
    pixels = io.BytesIO()
    Image.new("RGB", (20, 10)).save(pixels, "JPEG")
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("dataset/annotations/instances_val.json", json.dumps(data))
        archive.writestr(
            "dataset/annotations/captions_val.json", json.dumps({**data, "annotations": []})
        )
        for name in ("東京.jpg", "b.jpg"):
            archive.writestr(f"dataset/images/{name}", pixels.getvalue())
    report = transfer.import_file(workspace, pid, packed, user_id=owner.id)
    assert (report.format, report.imported, report.violations) == ("coco", 2, [])
    assert report.detected is not None and "instances_val.json" in report.detected.reason
    listed = items.list_items(workspace, pid, user_id=owner.id).items
    assert sorted(i.media[0].name for i in listed) == ["b.jpg", "東京.jpg"]
