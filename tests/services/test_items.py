"""Items: adding text and media (probed, content-addressed, upright), idempotent external
ids, bulk insert in one transaction, keyset pages with the caller's status, next item."""

from __future__ import annotations

import io
import json
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import func, select

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import AnnotationInvalid, Forbidden, InvalidError, MediaError, NotFound
from ontolabel.media.pointcloud import pcd_binary_bytes
from ontolabel.services import annotations, items, media, projects
from ontolabel.services.item_rows import NewAnnotation, NewItem
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import BlobRow, ItemRow


def png(width: int, height: int, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """400×300 pixels as stored, with EXIF orientation 6 (displayed turned: 300×400)."""
    img = Image.new("RGB", (400, 300), (10, 120, 200))
    img.paste((250, 250, 0), (0, 0, 40, 30))  # a marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


@pytest.fixture
def image_project(workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]) -> int:
    return projects.create_project(
        workspace, name="Streets", modality="image", ontology=image_ontology, user_id=owner.id
    ).id


@pytest.fixture
def text_project(workspace: Workspace, owner: UserInfo, text_ontology: dict[str, Any]) -> int:
    return projects.create_project(
        workspace, name="News", modality="text", ontology=text_ontology, user_id=owner.id
    ).id


def test_text_is_stored_exactly_and_external_ids_make_re_adding_a_no_op(
    workspace: Workspace, owner: UserInfo, text_project: int
) -> None:
    text = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"
    first = items.add_text_item(
        workspace, text_project, text=text, user_id=owner.id, external_id="a"
    )
    again = items.add_text_item(
        workspace, text_project, text="changed", user_id=owner.id, external_id="a"
    )
    assert again.id == first.id
    view = items.get_item(workspace, first.id, user_id=owner.id)
    assert view.content.text == text  # CRLF kept, nothing normalised
    assert view.content.modality is Modality.TEXT
    assert items.list_items(workspace, text_project, user_id=owner.id).items == [first]


def test_media_are_probed_stored_once_and_listed(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    data = png(64, 48)
    added = items.add_media_items(
        workspace,
        image_project,
        [("a.png", io.BytesIO(data)), ("b.png", io.BytesIO(data))],
        user_id=owner.id,
    )
    assert len(added) == 2
    (m,) = added[0].media
    assert (m.name, m.mime, m.width, m.height) == ("a.png", "image/png", 64, 48)
    assert added[1].media[0].sha256 == m.sha256
    assert workspace.blobs.path(m.sha256).read_bytes() == data
    with workspace.read_session() as s:
        assert s.scalar(select(func.count()).select_from(BlobRow)) == 1


def test_an_exif_rotated_jpeg_is_stored_upright_in_displayed_size(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    (item,) = items.add_media_items(
        workspace, image_project, [("phone.jpg", io.BytesIO(rotated_jpeg()))], user_id=owner.id
    )
    (m,) = item.media
    assert (m.width, m.height) == (300, 400)
    with Image.open(workspace.blobs.path(m.sha256)) as stored:
        assert stored.size == (300, 400)
        # orientation 6 turns the picture clockwise: the stored top-left marker is now top-right
        assert stored.getpixel((295, 5))[0] > 200 and stored.getpixel((5, 5))[0] < 100
    info = items.get_item(workspace, item.id, user_id=owner.id).content.media[0]
    assert info.extra["source_orientation"] == 6


def test_corrupt_media_is_a_media_error_and_adds_nothing(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    with pytest.raises(MediaError) as err:
        items.add_media_items(
            workspace, image_project, [("broken.png", io.BytesIO(png(8, 8)[:40]))], user_id=owner.id
        )
    assert "broken.png" in str(err.value)
    assert items.list_items(workspace, image_project, user_id=owner.id).items == []
    assert list(workspace.blobs.staging.iterdir()) == []


def test_media_of_another_modality_is_refused(
    workspace: Workspace, owner: UserInfo, text_project: int
) -> None:
    with pytest.raises(MediaError):
        items.add_media_items(
            workspace, text_project, [("a.png", io.BytesIO(png(4, 4)))], user_id=owner.id
        )


def test_bulk_add_is_all_or_nothing_and_reports_every_bad_annotation(
    workspace: Workspace, owner: UserInfo, text_project: int
) -> None:
    good = Annotation(
        objects=[
            AnnotationObject(id="p", class_name="Person", geometry=Span(start=0, end=3, text="Ana"))
        ]
    )
    bad = Annotation(
        objects=[
            AnnotationObject(id="p", class_name="Robot", geometry=Span(start=0, end=3, text="Bob"))
        ]
    )
    records = [
        NewItem(
            Modality.TEXT,
            external_id=f"r{i}",
            text="Ana is here",
            annotations=[NewAnnotation(good, owner.id)],
        )
        for i in range(1500)
    ]
    records[10].annotations = [NewAnnotation(bad, owner.id)]
    records[1400].annotations = [NewAnnotation(bad, owner.id)]
    with pytest.raises(AnnotationInvalid) as err:
        items.add_items_bulk(workspace, text_project, records, user_id=owner.id)
    assert {v.location.item for v in err.value.violations} >= {"r10", "r1400"}
    with workspace.read_session() as s:
        assert s.scalar(select(func.count()).select_from(ItemRow)) == 0

    records[10].annotations = records[1400].annotations = []
    result = items.add_items_bulk(workspace, text_project, records, user_id=owner.id)
    assert (result.created, result.skipped, len(result.item_ids)) == (1500, 0, 1500)
    state = annotations.get_annotation(workspace, result.item_ids[0], user_id=owner.id)
    assert (state.revision, state.status, state.document) == (1, "submitted", good)
    again = items.add_items_bulk(workspace, text_project, records[:5], user_id=owner.id)
    assert (again.created, again.skipped, again.item_ids) == (0, 5, result.item_ids[:5])


def test_keyset_pages_walk_every_item_once_with_the_callers_status(
    workspace: Workspace, owner: UserInfo, text_project: int
) -> None:
    ids = items.add_items_bulk(
        workspace,
        text_project,
        [NewItem(Modality.TEXT, text=f"t{i}") for i in range(25)],
        user_id=owner.id,
    ).item_ids
    annotations.save_annotation(workspace, ids[3], Annotation(), user_id=owner.id, base_revision=0)
    annotations.save_annotation(
        workspace, ids[4], Annotation(), user_id=owner.id, base_revision=0, status="submitted"
    )
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        page = items.list_items(workspace, text_project, user_id=owner.id, after=after, limit=10)
        seen += [i.id for i in page.items]
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == ids and pages == 3
    first = items.list_items(workspace, text_project, user_id=owner.id, limit=5).items
    assert [i.status for i in first] == ["new", "new", "new", "draft", "submitted"]
    assert [i.revision for i in first] == [0, 0, 0, 1, 1]
    assert first[0].preview == "t0"
    drafts = items.list_items(workspace, text_project, user_id=owner.id, status="draft")
    assert [i.id for i in drafts.items] == [ids[3]]
    new = items.list_items(workspace, text_project, user_id=owner.id, status="new", limit=100)
    assert len(new.items) == 23 and new.next_after is None


def test_the_json_page_is_the_page_model_as_json(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    """The REST API's page body is serialised straight from the rows: it must be exactly
    the ItemPage the models give (every key, in order, same values; extra info left out)."""
    shas = [workspace.blobs.put_bytes(f"bytes {i}".encode()) for i in range(3)]
    clip = MediaInfo(
        modality=Modality.IMAGE,
        mime="image/png",
        sha256=shas[0],
        size=7,
        name='é "q".png',
        width=640,
        height=480,
        duration=1e-05,
        extra={"camera": {"fx": 1.5}},
    )
    pair = [
        clip.model_copy(update={"sha256": shas[1], "name": "b.png", "duration": None}),
        clip.model_copy(update={"sha256": shas[2], "name": "c.png", "width": 3}),
    ]
    records = [
        NewItem(Modality.IMAGE, external_id="one", media=[clip]),
        NewItem(Modality.IMAGE, external_id="pair 👍🏽", media=pair, meta={"k": "v"}),
        NewItem(Modality.IMAGE, text="line\r\nnext\t" + "x" * 300),  # no media at all
    ]
    ids = items.add_items_bulk(workspace, image_project, records, user_id=owner.id).item_ids
    annotations.save_annotation(workspace, ids[1], Annotation(), user_id=owner.id, base_revision=0)
    for after, limit in ((None, 100), (None, 2), (ids[0], 1), (ids[2], 5)):
        body = items.list_items_json(
            workspace, image_project, user_id=owner.id, after=after, limit=limit
        )
        page = items.list_items(
            workspace, image_project, user_id=owner.id, after=after, limit=limit
        )
        assert json.loads(body) == page.model_dump(mode="json")
        assert body == page.model_dump_json().encode()
    page = items.list_items(workspace, image_project, user_id=owner.id)
    assert [len(i.media) for i in page.items] == [1, 2, 0]
    assert [(m.name, m.width, m.duration) for m in page.items[1].media] == [
        ("b.png", 640, None),
        ("c.png", 3, 1e-05),
    ]
    assert page.items[2].preview == "line\r\nnext\t" + "x" * 189
    assert [i.status for i in page.items] == ["new", "draft", "new"]


def test_next_item_skips_what_the_caller_submitted(
    workspace: Workspace, owner: UserInfo, text_project: int
) -> None:
    ids = items.add_items_bulk(
        workspace,
        text_project,
        [NewItem(Modality.TEXT, text=f"t{i}") for i in range(3)],
        user_id=owner.id,
    ).item_ids
    assert items.next_item(workspace, text_project, user_id=owner.id).id == ids[0]
    for item_id in ids[:2]:
        annotations.save_annotation(
            workspace, item_id, Annotation(), user_id=owner.id, base_revision=0, status="submitted"
        )
    assert items.next_item(workspace, text_project, user_id=owner.id).id == ids[2]
    annotations.save_annotation(
        workspace, ids[2], Annotation(), user_id=owner.id, base_revision=0, status="submitted"
    )
    with pytest.raises(NotFound):
        items.next_item(workspace, text_project, user_id=owner.id)


def test_outsiders_reach_neither_items_nor_media(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo, image_project: int
) -> None:
    (item,) = items.add_media_items(
        workspace, image_project, [("a.png", io.BytesIO(png(4, 4)))], user_id=owner.id
    )
    sha = item.media[0].sha256
    assert media.blob_for(workspace, sha, user_id=owner.id).path == workspace.blobs.path(sha)
    for attempt in (
        lambda: items.get_item(workspace, item.id, user_id=outsider.id),
        lambda: items.list_items(workspace, image_project, user_id=outsider.id),
        lambda: media.blob_for(workspace, sha, user_id=outsider.id),
        lambda: items.add_text_item(workspace, image_project, text="x", user_id=outsider.id),
    ):
        with pytest.raises(Forbidden):
            attempt()
    with pytest.raises(NotFound):
        media.blob_for(workspace, "0" * 64, user_id=owner.id)


def test_media_from_a_path(
    workspace: Workspace, owner: UserInfo, image_project: int, tmp_path: Path
) -> None:
    source = tmp_path / "disk.png"
    source.write_bytes(png(10, 20))
    (item,) = items.add_media_items(
        workspace, image_project, [("disk.png", source)], user_id=owner.id
    )
    assert (item.media[0].width, item.media[0].height) == (10, 20)
    assert source.exists()  # the caller's file is copied, never moved


def wav() -> bytes:
    """A quarter second of 8 kHz mono tone."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(8000)
        writer.writeframes(b"\x00\x10" * 2000)
    return out.getvalue()


def test_a_text_item_cannot_join_an_image_project(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    with pytest.raises(InvalidError) as err:
        items.add_text_item(workspace, image_project, text="hello", user_id=owner.id)
    assert err.value.message == "a text item cannot join an image project"
    assert items.list_items(workspace, image_project, user_id=owner.id).items == []


def test_bulk_records_of_another_modality_are_refused_whoever_adds_them(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    with pytest.raises(AnnotationInvalid) as err:
        items.add_items_bulk(
            workspace,
            image_project,
            [NewItem(Modality.TEXT, external_id="t", text="hello")],
            user_id=owner.id,
        )
    assert [(v.message, v.location.item) for v in err.value.violations] == [
        ("a text item cannot join an image project", "t")
    ]


def test_a_grouped_item_needs_its_first_media_of_the_projects_modality(
    workspace: Workspace, owner: UserInfo, image_project: int
) -> None:
    with pytest.raises(MediaError) as err:
        items.add_media_items(
            workspace,
            image_project,
            [("tone.wav", io.BytesIO(wav()))],
            user_id=owner.id,
            as_one_item=True,
        )
    assert err.value.message == "tone.wav is audio, but this is an image project"
    with pytest.raises(MediaError):  # a companion first, the image second: not an image item
        items.add_media_items(
            workspace,
            image_project,
            [("tone.wav", io.BytesIO(wav())), ("a.png", io.BytesIO(png(4, 4)))],
            user_id=owner.id,
            as_one_item=True,
        )
    assert items.list_items(workspace, image_project, user_id=owner.id).items == []


def test_a_point_cloud_item_groups_its_cloud_with_camera_images(
    workspace: Workspace, owner: UserInfo
) -> None:
    ontology = {
        "name": "Lidar",
        "classes": [{"name": "Car", "geometry": {"pointcloud": ["cuboid"]}}],
    }
    pid = projects.create_project(
        workspace, name="Lidar", modality="pointcloud", ontology=ontology, user_id=owner.id
    ).id
    cloud = pcd_binary_bytes(np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]))
    (item,) = items.add_media_items(
        workspace,
        pid,
        [("scan.pcd", io.BytesIO(cloud)), ("left.png", io.BytesIO(png(8, 6)))],
        user_id=owner.id,
        as_one_item=True,
    )
    assert item.modality is Modality.POINTCLOUD
    assert [(m.name, m.modality) for m in item.media] == [
        ("scan.pcd", Modality.POINTCLOUD),
        ("left.png", Modality.IMAGE),
    ]
    with pytest.raises(MediaError) as err:  # the camera image alone is no point-cloud item
        items.add_media_items(
            workspace, pid, [("left.png", io.BytesIO(png(8, 6)))], user_id=owner.id
        )
    assert err.value.message == "left.png is image, but this is a pointcloud project"


def test_repeated_and_existing_external_ids_map_to_the_stored_item_across_chunks(
    workspace: Workspace, owner: UserInfo, text_project: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chunks of 4: repeats fall in the same chunk, in a later one, and on stored items
    monkeypatch.setattr(items, "CHUNK", 4)
    first = items.add_items_bulk(
        workspace,
        text_project,
        [NewItem(Modality.TEXT, external_id="old", text="o")],
        user_id=owner.id,
    )
    note = Annotation(
        objects=[
            AnnotationObject(id="p", class_name="Person", geometry=Span(start=0, end=1, text="a"))
        ]
    )
    names = ["a", "old", "a", None, "b", None, "a", "c", "b", "old", "d"]
    records = [
        NewItem(
            Modality.TEXT,
            external_id=name,
            text=f"a{k}",
            annotations=[NewAnnotation(note, owner.id)],
        )
        for k, name in enumerate(names)
    ]
    result = items.add_items_bulk(workspace, text_project, records, user_id=owner.id)
    assert (result.created, result.skipped) == (6, 5)  # a, None, b, None, c, d
    by_name: dict[str | None, int] = {"old": first.item_ids[0]}
    for name, item_id in zip(names, result.item_ids, strict=True):
        if name is not None:
            assert by_name.setdefault(name, item_id) == item_id
    assert len(set(result.item_ids)) == 7  # old, a, b, c, d and the two without an id
    with workspace.read_session() as s:
        stored = {row.id: row.text for row in s.execute(select(ItemRow.id, ItemRow.text))}
    # each item keeps the text of its first record; the skipped records changed nothing
    assert stored == {
        first.item_ids[0]: "o",
        result.item_ids[0]: "a0",
        result.item_ids[3]: "a3",
        result.item_ids[4]: "a4",
        result.item_ids[5]: "a5",
        result.item_ids[7]: "a7",
        result.item_ids[10]: "a10",
    }
    # annotations went to the new items only, one each
    for item_id in set(result.item_ids) - {first.item_ids[0]}:
        state = annotations.get_annotation(workspace, item_id, user_id=owner.id)
        assert (state.revision, state.document) == (1, note)
    untouched = annotations.get_annotation(workspace, first.item_ids[0], user_id=owner.id)
    assert untouched.revision == 0
