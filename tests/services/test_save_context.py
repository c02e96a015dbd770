"""What a save reads in its one context query: every media file of the item, in order
(an object is checked against the file at its media_index), and nothing of other items."""

from __future__ import annotations

from typing import Any

import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Box
from ontolabel.core.item import MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.errors import AnnotationInvalid
from ontolabel.services import annotations, items, projects
from ontolabel.services.item_rows import NewItem
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace


def image(ws: Workspace, n: int, width: int, height: int) -> MediaInfo:
    sha = ws.blobs.put_bytes(f"image {n}".encode())
    return MediaInfo(
        modality=Modality.IMAGE,
        mime="image/png",
        sha256=sha,
        size=7,
        name=f"{n}.png",
        width=width,
        height=height,
    )


@pytest.fixture
def three_images(workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]) -> int:
    pid = projects.create_project(
        workspace, name="Rig", modality="image", ontology=image_ontology, user_id=owner.id
    ).id
    media = [
        image(workspace, 0, 640, 480),
        image(workspace, 1, 100, 50),
        image(workspace, 2, 800, 600),
    ]
    records = [
        NewItem(Modality.IMAGE, media=media),
        NewItem(Modality.IMAGE, media=[image(workspace, 3, 10, 10)]),
    ]
    return items.add_items_bulk(workspace, pid, records, user_id=owner.id).item_ids[0]


def box(n: int, media_index: int, x2: float) -> AnnotationObject:
    return AnnotationObject(
        id=f"b{n}",
        class_name="Car",
        geometry=Box(x1=0, y1=0, x2=x2, y2=40),
        media_index=media_index,
    )


def test_each_object_is_checked_against_its_own_media_file(
    workspace: Workspace, owner: UserInfo, three_images: int
) -> None:
    fits = Annotation(objects=[box(0, 0, 600), box(1, 1, 90), box(2, 2, 790)])
    saved = annotations.save_annotation(
        workspace, three_images, fits, user_id=owner.id, base_revision=0
    )
    assert saved.revision == 1
    wrong = Annotation(objects=[box(0, 1, 600), box(1, 0, 90), box(2, 3, 10)])
    with pytest.raises(AnnotationInvalid) as refused:
        annotations.save_annotation(
            workspace, three_images, wrong, user_id=owner.id, base_revision=1
        )
    paths = [v.location.path for v in refused.value.violations]
    # 600 is outside the 100-wide second image; the item has three files, not four
    assert paths == ["objects[0].geometry.x2", "objects[2].media_index"]
    assert annotations.get_annotation(workspace, three_images, user_id=owner.id).revision == 1
