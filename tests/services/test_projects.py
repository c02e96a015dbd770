"""Projects: creation with a checked ontology, visibility by membership, versions, roles."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import PASSWORD

from ontolabel.core.annotation import Annotation
from ontolabel.errors import AlreadyExists, Forbidden, InvalidError, NotFound, OntologyError
from ontolabel.services import annotations, items, projects, users
from ontolabel.services.access import Role
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace


def make(ws: Workspace, owner: UserInfo, ontology: dict[str, Any], name: str = "Streets") -> int:
    return projects.create_project(
        ws, name=name, modality="image", ontology=ontology, user_id=owner.id
    ).id


def test_the_creator_owns_a_new_project_at_ontology_version_1(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    info = projects.create_project(
        workspace,
        name="Streets",
        modality="image",
        ontology=image_ontology,
        user_id=owner.id,
        guideline="# Boxes\nTight around the visible part.",
    )
    assert (info.role, info.ontology_version, info.modality) == (Role.OWNER, 1, "image")
    assert projects.get_ontology(workspace, info.id, user_id=owner.id).document == image_ontology
    assert projects.get_project_by_name(workspace, "Streets", user_id=owner.id) == info
    assert projects.get_project_by_name(workspace, "Elsewhere", user_id=owner.id) is None


def test_a_malformed_ontology_is_refused_with_every_problem(
    workspace: Workspace, owner: UserInfo
) -> None:
    bad = {
        "name": "Broken",
        "classes": [
            {"name": "A", "attributes": [{"name": "size", "type": "huge"}]},
            {"name": "A"},
        ],
    }
    with pytest.raises(OntologyError) as err:
        projects.create_project(
            workspace, name="P", modality="image", ontology=bad, user_id=owner.id
        )
    assert len(err.value.violations) >= 2
    paths = {v.location.path for v in err.value.violations}
    assert any(p and "classes[0]" in p for p in paths), paths
    assert projects.list_projects(workspace, user_id=owner.id) == []


def test_names_are_unique_and_modalities_known(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    make(workspace, owner, image_ontology)
    with pytest.raises(AlreadyExists):
        make(workspace, owner, image_ontology)
    with pytest.raises(InvalidError):
        projects.create_project(
            workspace, name="X", modality="smell", ontology=image_ontology, user_id=owner.id
        )


def test_only_members_see_a_project_and_admins_see_all(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo, image_ontology: dict[str, Any]
) -> None:
    pid = make(workspace, owner, image_ontology)
    assert projects.list_projects(workspace, user_id=outsider.id) == []
    with pytest.raises(Forbidden):
        projects.get_project(workspace, pid, user_id=outsider.id)
    with pytest.raises(NotFound):
        projects.get_project(workspace, pid + 100, user_id=owner.id)
    admin = users.create_user(workspace, "root", PASSWORD, is_admin=True)
    assert [p.id for p in projects.list_projects(workspace, user_id=admin.id)] == [pid]


def test_list_counts_items_and_the_callers_submissions(
    workspace: Workspace,
    owner: UserInfo,
    image_ontology: dict[str, Any],
    text_ontology: dict[str, Any],
) -> None:
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=text_ontology, user_id=owner.id
    ).id
    empty = make(workspace, owner, image_ontology)
    for i in range(3):
        items.add_text_item(workspace, pid, text=f"text {i}", user_id=owner.id, external_id=str(i))
    first = items.list_items(workspace, pid, user_id=owner.id).items[0]
    annotations.save_annotation(
        workspace, first.id, Annotation(), user_id=owner.id, base_revision=0, status="submitted"
    )
    listed = {
        p.id: (p.item_count, p.submitted_count)
        for p in projects.list_projects(workspace, user_id=owner.id)
    }
    assert listed == {pid: (3, 1), empty: (0, 0)}


def test_roles_gate_what_members_may_do(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo, image_ontology: dict[str, Any]
) -> None:
    pid = make(workspace, owner, image_ontology)
    projects.set_member(workspace, pid, outsider.id, "viewer", user_id=owner.id)
    assert projects.get_project(workspace, pid, user_id=outsider.id).role == Role.VIEWER
    with pytest.raises(Forbidden):
        projects.set_ontology(workspace, pid, image_ontology, user_id=outsider.id)
    with pytest.raises(Forbidden):
        projects.set_member(workspace, pid, outsider.id, "owner", user_id=outsider.id)
    members = projects.list_members(workspace, pid, user_id=outsider.id)
    assert [(m.username, m.role) for m in members] == [("olga", Role.OWNER), ("otto", Role.VIEWER)]
    # the last owner cannot leave or be demoted
    with pytest.raises(InvalidError):
        projects.remove_member(workspace, pid, owner.id, user_id=owner.id)
    projects.remove_member(workspace, pid, outsider.id, user_id=owner.id)
    with pytest.raises(Forbidden):
        projects.get_project(workspace, pid, user_id=outsider.id)


def test_ontology_versions_are_appended(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    pid = make(workspace, owner, image_ontology)
    second = {
        **image_ontology,
        "classes": [*image_ontology["classes"], {"name": "Bus", "parent": "Vehicle"}],
    }
    assert projects.set_ontology(workspace, pid, second, user_id=owner.id).version == 2
    with pytest.raises(OntologyError):
        projects.set_ontology(workspace, pid, {"classes": "nope"}, user_id=owner.id)
    versions = projects.list_ontology_versions(workspace, pid, user_id=owner.id)
    assert [(v.version, v.document) for v in versions] == [(1, image_ontology), (2, second)]
    version, ontology = projects.current_ontology(workspace, pid)
    assert version == 2 and "Bus" in ontology.json_schema().__repr__()


NUL = "holds a NUL character (\\u0000), which ontolabel does not store"
SURROGATE = (
    "holds a lone surrogate escape (\\ud800-\\udfff without its pair), which is not Unicode text"
)


def test_the_name_limit_is_the_columns() -> None:
    from ontolabel.storage.tables import ProjectRow

    assert ProjectRow.__table__.c.name.type.length == projects.MAX_PROJECT_NAME  # type: ignore[attr-defined]


def test_a_name_may_fill_its_column_and_no_more(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    assert projects.create_project(
        workspace, name="名" * 200, modality="image", ontology=image_ontology, user_id=owner.id
    ).name == "名" * 200  # fmt: skip
    with pytest.raises(InvalidError) as refused:
        make(workspace, owner, image_ontology, name="x" * 250)
    assert refused.value.message == "a project name has at most 200 characters; this one has 250"
    assert refused.value.location.path == "name"
    assert [p.name for p in projects.list_projects(workspace, user_id=owner.id)] == ["名" * 200]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Stre\x00ets", f"the name {NUL}"),
        ("name", "Stre\ud83dets", f"the name {SURROGATE}"),
        ("description", "one\x00line", f"the description {NUL}"),
        ("description", "one\udc80line", f"the description {SURROGATE}"),
        ("guideline", "# Boxes\x00", f"the guideline {NUL}"),
        ("guideline", "# Boxes\ud800", f"the guideline {SURROGATE}"),
    ],
)
def test_text_the_database_cannot_keep_is_refused(
    workspace: Workspace,
    owner: UserInfo,
    image_ontology: dict[str, Any],
    field: str,
    value: str,
    message: str,
) -> None:
    fields = {"name": "Streets", "description": "", "guideline": "", field: value}
    with pytest.raises(InvalidError) as refused:
        projects.create_project(
            workspace, modality="image", ontology=image_ontology, user_id=owner.id, **fields
        )
    assert refused.value.message == message
    assert refused.value.location.path == field
    assert projects.list_projects(workspace, user_id=owner.id) == []


def _with_class_named(ontology: dict[str, Any], name: str) -> dict[str, Any]:
    return {**ontology, "classes": [{**ontology["classes"][0], "name": name}]}


def test_an_ontology_the_database_cannot_keep_is_refused_with_its_paths(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    bad = _with_class_named(image_ontology, "Ca\x00r")
    bad["guideline"] = "see\ud800"
    bad["classes"][0]["attributes"] = [{"name": "occluded", "type": "bool", "description": "\x00"}]
    with pytest.raises(OntologyError) as refused:
        make(workspace, owner, bad)
    assert refused.value.message == "the ontology cannot be stored (3 problems)"
    assert [str(v) for v in refused.value.violations] == [
        f"classes[0].name: the value {NUL}",
        f"classes[0].attributes[0].description: the value {NUL}",
        f"guideline: the value {SURROGATE}",
    ]
    assert projects.list_projects(workspace, user_id=owner.id) == []


def test_a_new_ontology_version_the_database_cannot_keep_is_refused(
    workspace: Workspace, owner: UserInfo, image_ontology: dict[str, Any]
) -> None:
    pid = make(workspace, owner, image_ontology)
    with pytest.raises(OntologyError) as refused:
        projects.set_ontology(
            workspace, pid, _with_class_named(image_ontology, "Ca\x00r"), user_id=owner.id
        )
    assert refused.value.message == "the ontology cannot be stored (1 problem)"
    assert [str(v) for v in refused.value.violations] == [f"classes[0].name: the value {NUL}"]
    versions = projects.list_ontology_versions(workspace, pid, user_id=owner.id)
    assert [v.version for v in versions] == [1]
