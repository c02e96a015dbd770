"""How an import matches, checks and keeps records: batches of bare lines in the file's
order, stored items found again (by id, file name or bytes), media claims the workspace
knows to be wrong, work by annotators who are not members, one annotation per user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import IMAGE_ONTOLOGY, PASSWORD, TEXT_ONTOLOGY
from tests.services.test_transfer import CRLF, TEXT, export, jpeg, lines, new_project, text_line

from corpus import corpus_path
from ontolabel.core.item import MediaInfo
from ontolabel.errors import FormatError
from ontolabel.media import probe
from ontolabel.services import annotations, items, transfer, users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace


def test_bare_records_the_store_lacks_or_the_project_has_keep_the_files_order(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """Bare item lines go in as batches; a record of a batch that needs a closer look (its
    bytes are only beside the file, its item exists, its bytes are nowhere) is taken in
    its place: items are made in the file's order and every problem is at its line."""
    infos = [
        probe(jpeg(tmp_path / f"{n}.jpg", (8 + i, 6)), f"{n}.jpg") for i, n in enumerate("abcde")
    ]
    for info in (infos[0], infos[2], infos[3], infos[4]):
        workspace.blobs.put_bytes((tmp_path / info.name).read_bytes())
    (tmp_path / "media").mkdir()
    (tmp_path / "b.jpg").rename(tmp_path / "media" / infos[1].sha256)
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)

    def line(info: MediaInfo) -> dict[str, Any]:
        return {
            "external_id": info.name,
            "modality": "image",
            "media": [info.model_dump(mode="json")],
        }

    first = tmp_path / "first.jsonl"
    first.write_text(lines(line(infos[3])))
    assert transfer.import_file(workspace, pid, first, user_id=owner.id).imported == 1

    lost = probe(jpeg(tmp_path / "lost" / "z.jpg", (3, 3)), "z.jpg")  # bytes nowhere
    path = tmp_path / "in.jsonl"
    path.write_text(lines(*(line(i) for i in infos), line(lost)))
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert [str(v) for v in refused.value.violations] == [
        f"in.jsonl:7, item z.jpg, media[0]: media 'z.jpg' (sha256 {lost.sha256[:12]}…) "
        "is not in this workspace"
    ]
    assert len(items.list_items(workspace, pid, user_id=owner.id).items) == 1  # nothing added

    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert (report.imported, report.existing, report.skipped) == (4, 1, 1)
    listed = items.list_items(workspace, pid, user_id=owner.id).items
    assert [i.external_id for i in listed] == ["d.jpg", "a.jpg", "b.jpg", "c.jpg", "e.jpg"]
    assert [(m.width, m.height) for i in listed for m in i.media] == [
        (11, 6),
        (8, 6),
        (9, 6),
        (10, 6),
        (12, 6),
    ]


def test_an_import_saves_work_by_annotators_who_are_not_members_alike_for_new_and_stored_items(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """The owner imports labels made elsewhere: whose they are is kept, for items the import
    creates and for items the project has, and the same file again changes nothing."""
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    users.create_user(workspace, "bob", PASSWORD)  # in the workspace, not in the project
    items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id, external_id="s1")
    person = {
        "id": "a",
        "class_name": "Person",
        "geometry": {"kind": "span", "start": 11, "end": 14, "text": "Ana"},
    }
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(
            text_line("s1", TEXT, person, user="bob"),
            text_line("n2", TEXT, person, user="bob"),
            text_line("n3", CRLF),
        )
    )
    report = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (report.imported, report.existing, report.updated, report.violations) == (2, 1, 1, [])
    again = transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert (again.imported, again.existing, again.updated, again.violations) == (0, 3, 0, [])
    listed = {i.external_id: i.id for i in items.list_items(workspace, pid, user_id=owner.id).items}
    bob = users.get_user_by_name(workspace, "bob")
    assert bob is not None
    for ext in ("s1", "n2"):
        state = annotations.get_annotation(
            workspace, listed[ext], user_id=owner.id, annotator_id=bob.id
        )
        assert (state.revision, [o.id for o in state.document.objects]) == (1, ["a"])
    # the project's own export imports back as a no-op, annotators and all
    exported = tmp_path / "out.jsonl"
    exported.write_bytes(export(workspace, pid, "jsonl"))
    back = transfer.import_file(workspace, pid, exported, user_id=owner.id)
    assert (back.imported, back.updated, back.violations) == (0, 0, [])


def test_media_info_that_the_bytes_contradict_is_refused_at_its_line(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """A canonical line names its bytes by sha256 and says what they are; where the
    workspace knows better (an item holds the same bytes, or the bytes are read from the
    import's folder and probed), a claim they contradict is that line's error."""
    held = probe(jpeg(tmp_path / "held.jpg", (12, 8)), "held.jpg")
    beside = probe(jpeg(tmp_path / "beside.jpg", (6, 4)), "beside.jpg")
    (tmp_path / "media").mkdir()
    (tmp_path / "beside.jpg").rename(tmp_path / "media" / beside.sha256)
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)

    def entry(info: MediaInfo, ext: str, **claims: Any) -> dict[str, Any]:
        media = {**info.model_dump(mode="json"), **claims}
        return {"external_id": ext, "modality": "image", "media": [media]}

    first = tmp_path / "first.jsonl"
    first.write_text(lines(entry(held, "held")))
    assert transfer.import_file(workspace, pid, first, user_id=owner.id).imported == 1
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(
            entry(held, "big", width=9999, height=7777),
            entry(held, "audio", modality="audio", mime="audio/wav", width=None, height=None),
            entry(beside, "beside", width=60),
            entry(held, "same", name="other name.jpg"),  # a name of its own is fine
        )
    )
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    size = held.size
    assert [str(v) for v in report.violations] == [
        f"in.jsonl:2, item big, media[0]: the file says 'held.jpg' (sha256 {held.sha256[:12]}…) "
        f"is image (image/jpeg) 9999x7777, {size:,} bytes, but the workspace holds these bytes "
        f"as image (image/jpeg) 12x8, {size:,} bytes",
        f"in.jsonl:3, item audio, media[0]: the file says 'held.jpg' (sha256 {held.sha256[:12]}…)"
        f" is audio (audio/wav), {size:,} bytes, but the workspace holds these bytes as image "
        f"(image/jpeg) 12x8, {size:,} bytes",
        f"in.jsonl:4, item beside, media[0]: the file says 'beside.jpg' (sha256 "
        f"{beside.sha256[:12]}…) is image (image/jpeg) 60x4, {beside.size:,} bytes, but probing "
        f"finds these bytes as image (image/jpeg) 6x4, {beside.size:,} bytes",
    ]
    assert report.imported == 1


def test_items_without_ids_are_found_again_by_their_file(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """A canonical export of items that have no external id names each item's bytes by
    sha256: importing it again finds the items by those bytes and adds no copies."""
    infos = [probe(jpeg(tmp_path / f"{n}.jpg", (5 + i, 4)), f"{n}.jpg") for i, n in enumerate("ab")]
    for info in infos:
        workspace.blobs.put_bytes((tmp_path / info.name).read_bytes())
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(*({"modality": "image", "media": [i.model_dump(mode="json")]} for i in infos))
    )
    assert transfer.import_file(workspace, pid, path, user_id=owner.id).imported == 2
    exported = tmp_path / "out.jsonl"
    exported.write_bytes(export(workspace, pid, "jsonl"))
    for again in (path, exported):
        report = transfer.import_file(workspace, pid, again, user_id=owner.id)
        assert (report.imported, report.existing, report.violations) == (0, 2, [])
    assert len(items.list_items(workspace, pid, user_id=owner.id).items) == 2


def test_problems_are_listed_in_the_files_order(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    # the reader finds the repeated id (line 4) before the importer looks for line 2's file
    lost = probe(jpeg(tmp_path / "lost.jpg", (3, 3)), "lost.jpg")
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(
            {
                "external_id": "img",
                "modality": "text",
                "text": "x",
                "media": [lost.model_dump(mode="json")],
            },
            text_line("a", TEXT),
            text_line("a", CRLF),
        )
    )
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, path, user_id=owner.id)
    assert [v.location.line for v in refused.value.violations] == [2, 4]


def test_a_hand_written_media_entry_may_give_the_size_it_expects(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    jpeg(tmp_path / "b.jpg", (6, 4))
    pid = new_project(workspace, owner, "Street", "image", IMAGE_ONTOLOGY)
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines(
            {
                "external_id": "right",
                "modality": "image",
                "media": [{"name": "b.jpg", "path": "b.jpg", "width": 6, "height": 4}],
            },
            {
                "external_id": "wrong",
                "modality": "image",
                "media": [{"name": "b.jpg", "path": "b.jpg", "width": 65, "height": 49}],
            },
        )
    )
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert report.imported == 1
    assert [str(v) for v in report.violations] == [
        "in.jsonl:3, item wrong, media[0]: the file says 'b.jpg' is 65x49, but the image is "
        "6x4 (as displayed, EXIF orientation applied)"
    ]


def test_a_label_studio_task_with_predictions_and_nameless_annotators_keeps_its_best_work(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """Label Studio's editor example: one human annotation and two predictions, none with a
    user name, so all three are the importer's. The human one is kept and the item comes
    in (collect); each prediction left out is said; fail mode refuses the file saying so."""
    source = corpus_path("label-studio-frontend/examples/image_bbox_large/annotations/1.json")
    task = json.loads(source.read_text())
    for ann in (*task["annotations"], *task["predictions"]):
        for result in ann["result"]:
            result.update(original_width=1000, original_height=800)
    task["data"]["image"] = "photo.jpg"
    jpeg(tmp_path / "photo.jpg", (1000, 800))
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]))
    pid = new_project(
        workspace,
        owner,
        "Street",
        "image",
        {
            "name": "street",
            "classes": [
                {"name": n, "geometry": {"image": ["box", "rotated_box", "polygon", "keypoints"]}}
                for n in ("Airplane", "Car", "Hello", "Moonwalker", "Planet")
            ],
        },
    )
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, path, "labelstudio", user_id=owner.id)
    assert [v.message[:36] for v in refused.value.violations] == [
        "left out: a second annotation by 'th"
    ] * 2
    report = transfer.import_file(
        workspace, pid, path, "labelstudio", user_id=owner.id, errors="collect"
    )
    assert (report.imported, report.skipped, len(report.violations)) == (1, 0, 2)
    (item,) = items.list_items(workspace, pid, user_id=owner.id).items
    state = annotations.get_annotation(workspace, item.id, user_id=owner.id)
    assert (state.status, len(state.document.objects)) == (
        "submitted",
        len([r for r in task["annotations"][0]["result"] if r.get("type") != "relation"]),
    )


def test_a_bad_record_for_a_stored_item_is_counted_as_skipped_not_as_there(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id, external_id="s1")
    items.add_text_item(workspace, pid, text=CRLF, user_id=owner.id, external_id="s2")
    dragon = {
        "id": "d",
        "class_name": "Dragon",
        "geometry": {"kind": "span", "start": 0, "end": 2, "text": TEXT[:2]},
    }
    path = tmp_path / "in.jsonl"
    path.write_text(lines(text_line("s1", TEXT, dragon), text_line("s2", CRLF)))
    report = transfer.import_file(workspace, pid, path, user_id=owner.id, errors="collect")
    assert (report.imported, report.existing, report.skipped) == (0, 1, 1)
