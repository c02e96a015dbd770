"""Annotations: append-only revisions, optimistic concurrency, validation with every violation."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.conftest import PASSWORD

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.modality import Modality
from ontolabel.errors import AnnotationInvalid, Conflict, Forbidden
from ontolabel.services import annotations, items, projects, users
from ontolabel.services.annotations import AnnotationState
from ontolabel.services.item_rows import NewItem
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from ontolabel.storage.tables import AnnotationRevisionRow

TEXT = "Ok 👍🏽 meet Ana in Köln"


def span(obj_id: str, cls: str, start: int, end: int, text: str = TEXT) -> AnnotationObject:
    return AnnotationObject(
        id=obj_id, class_name=cls, geometry=Span(start=start, end=end, text=text[start:end])
    )


@pytest.fixture
def item_id(workspace: Workspace, owner: UserInfo, text_ontology: dict[str, Any]) -> int:
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=text_ontology, user_id=owner.id
    ).id
    return items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id).id


def test_nothing_saved_reads_as_revision_0_and_empty(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    state = annotations.get_annotation(workspace, item_id, user_id=owner.id)
    assert (state.revision, state.status, state.document, state.updated_at) == (
        0,
        "draft",
        Annotation(),
        None,
    )


def test_every_save_appends_a_revision_and_history_keeps_them_all(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    # code points: "Ana" is [11, 14) and "Köln" [18, 22) whatever UTF-16 says
    one = Annotation(objects=[span("a", "Person", 11, 14)])
    two = Annotation(objects=[span("a", "Person", 11, 14), span("k", "Location", 18, 22)])
    assert TEXT[11:14] == "Ana" and TEXT[18:22] == "Köln"
    s1 = annotations.save_annotation(workspace, item_id, one, user_id=owner.id, base_revision=0)
    s2 = annotations.save_annotation(
        workspace, item_id, two, user_id=owner.id, base_revision=1, status="submitted"
    )
    assert (s1.revision, s2.revision, s2.status) == (1, 2, "submitted")
    assert annotations.get_annotation(workspace, item_id, user_id=owner.id) == s2
    history = annotations.list_revisions(workspace, item_id, user_id=owner.id)
    assert [
        (r.revision, r.document, r.status, r.source, r.author_id, r.ontology_version)
        for r in history
    ] == [
        (1, one, "draft", "human", owner.id, 1),
        (2, two, "submitted", "human", owner.id, 1),
    ]


def test_a_stale_save_is_a_conflict_carrying_the_current_state(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    mine = Annotation(objects=[span("a", "Person", 11, 14)])
    stored = annotations.save_annotation(
        workspace, item_id, mine, user_id=owner.id, base_revision=0
    )
    theirs = Annotation(objects=[span("k", "Location", 18, 22)])
    with pytest.raises(Conflict) as err:
        annotations.save_annotation(workspace, item_id, theirs, user_id=owner.id, base_revision=0)
    assert err.value.current == stored
    with pytest.raises(Conflict):
        annotations.save_annotation(workspace, item_id, theirs, user_id=owner.id, base_revision=5)
    with workspace.read_session() as s:
        assert s.scalar(select(func.count()).select_from(AnnotationRevisionRow)) == 1


def test_an_invalid_annotation_lists_every_violation_and_stores_nothing(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    bad = Annotation(
        objects=[
            span("a", "Robot", 11, 14),
            # offsets that split the emoji's surrogate-free code points but not its text
            AnnotationObject(
                id="k", class_name="Location", geometry=Span(start=17, end=22, text="Köln")
            ),
        ]
    )
    with pytest.raises(AnnotationInvalid) as err:
        annotations.save_annotation(workspace, item_id, bad, user_id=owner.id, base_revision=0)
    paths = sorted(v.location.path or "" for v in err.value.violations)
    assert paths == ["objects[0].class_name", "objects[1].geometry.text"]
    assert annotations.get_annotation(workspace, item_id, user_id=owner.id).revision == 0


def test_each_annotator_has_their_own_annotation_and_reviewers_read_others(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo, item_id: int
) -> None:
    pid = items.get_item(workspace, item_id, user_id=owner.id).project_id
    projects.set_member(workspace, pid, outsider.id, "annotator", user_id=owner.id)
    annotations.save_annotation(
        workspace,
        item_id,
        Annotation(objects=[span("a", "Person", 11, 14)]),
        user_id=owner.id,
        base_revision=0,
    )
    theirs = annotations.save_annotation(
        workspace, item_id, Annotation(), user_id=outsider.id, base_revision=0
    )
    assert theirs.revision == 1  # not 2: their own history
    assert (
        annotations.get_annotation(workspace, item_id, user_id=owner.id, annotator_id=outsider.id)
        == theirs
    )
    with pytest.raises(Forbidden):
        annotations.get_annotation(workspace, item_id, user_id=outsider.id, annotator_id=owner.id)
    viewer = users.create_user(workspace, "vera", PASSWORD)
    projects.set_member(workspace, pid, viewer.id, "viewer", user_id=owner.id)
    with pytest.raises(Forbidden):
        annotations.save_annotation(
            workspace, item_id, Annotation(), user_id=viewer.id, base_revision=0
        )


def test_concurrent_saves_on_one_base_let_exactly_one_win(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    results: list[AnnotationState | Conflict] = []
    barrier = threading.Barrier(6)

    def save(i: int) -> None:
        barrier.wait()
        doc = Annotation(objects=[span(f"o{i}", "Person", 11, 14)])
        try:
            results.append(
                annotations.save_annotation(
                    workspace, item_id, doc, user_id=owner.id, base_revision=0
                )
            )
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if isinstance(r, AnnotationState)]
    assert len(results) == 6 and len(wins) == 1
    assert annotations.get_annotation(workspace, item_id, user_id=owner.id) == wins[0]


def test_saves_on_an_item_of_many_keep_items_apart(
    workspace: Workspace, owner: UserInfo, item_id: int
) -> None:
    pid = items.get_item(workspace, item_id, user_id=owner.id).project_id
    other = items.add_items_bulk(
        workspace, pid, [NewItem(Modality.TEXT, text=TEXT)], user_id=owner.id
    ).item_ids[0]
    annotations.save_annotation(workspace, other, Annotation(), user_id=owner.id, base_revision=0)
    assert annotations.get_annotation(workspace, item_id, user_id=owner.id).revision == 0


CLINICAL: dict[str, Any] = {
    "name": "Clinic",
    "classes": [
        {
            "name": "Person",
            "geometry": {"text": ["span"]},
            "attributes": [
                {
                    "name": "Role",
                    "type": "enum",
                    "options": ["patient", "doctor"],
                    "required": True,
                },
                {"name": "Age", "type": "int", "min": 0, "max": 120},
            ],
        },
    ],
}


@pytest.fixture
def clinical_item(workspace: Workspace, owner: UserInfo) -> int:
    pid = projects.create_project(
        workspace, name="Clinic", modality="text", ontology=CLINICAL, user_id=owner.id
    ).id
    return items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id).id


def test_a_draft_may_miss_required_attributes_but_a_submission_may_not(
    workspace: Workspace, owner: UserInfo, clinical_item: int
) -> None:
    half = Annotation(objects=[span("a", "Person", 11, 14)])  # Role not chosen yet
    draft = annotations.save_annotation(
        workspace, clinical_item, half, user_id=owner.id, base_revision=0
    )
    assert (draft.revision, draft.status, draft.document) == (1, "draft", half)
    with pytest.raises(AnnotationInvalid) as err:
        annotations.save_annotation(
            workspace, clinical_item, half, user_id=owner.id, base_revision=1, status="submitted"
        )
    assert [(v.location.path, v.message) for v in err.value.violations] == [
        ("objects[0].attributes.Role", "required attribute 'Role' of class 'Person' is missing")
    ]
    assert err.value.location.item == str(clinical_item)
    # refused: the draft is still the current revision
    assert annotations.get_annotation(workspace, clinical_item, user_id=owner.id) == draft
    done = half.model_copy(
        update={"objects": [half.objects[0].model_copy(update={"attributes": {"Role": "doctor"}})]}
    )
    submitted = annotations.save_annotation(
        workspace, clinical_item, done, user_id=owner.id, base_revision=1, status="submitted"
    )
    assert (submitted.revision, submitted.status) == (2, "submitted")


def test_a_draft_is_refused_for_anything_wrong_in_it(
    workspace: Workspace, owner: UserInfo, clinical_item: int
) -> None:
    wrong = Annotation(
        objects=[
            span("a", "Person", 11, 14).model_copy(update={"attributes": {"Age": 300}}),
            span("k", "Place", 18, 22),
        ]
    )
    with pytest.raises(AnnotationInvalid) as err:
        annotations.save_annotation(
            workspace, clinical_item, wrong, user_id=owner.id, base_revision=0
        )
    # the range and the unknown class, but not the missing Role: a draft may wait for that
    assert sorted(v.location.path or "" for v in err.value.violations) == [
        "objects[0].attributes.Age",
        "objects[1].class_name",
    ]
