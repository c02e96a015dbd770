"""`GET /api/projects/{id}/formats`: the exports and imports that fit a project, computed
from the formats' declarations and the kinds the project's ontology allows."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TEXT_ONTOLOGY

from ontolabel.formats import all_formats
from ontolabel.services.users import UserInfo

ROADS: dict[str, Any] = {
    "name": "Roads",
    "classes": [
        {"name": "Car", "geometry": {"image": ["box"]}},
        {"name": "Lane", "geometry": {"image": ["polyline"]}},
    ],
}


def create(client: TestClient, name: str, modality: str, ontology: dict[str, Any]) -> int:
    reply = client.post(
        "/api/projects", json={"name": name, "modality": modality, "ontology": ontology}
    )
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


@pytest.fixture
def roads(client: TestClient) -> dict[str, Any]:
    pid = create(client, "Roads", "image", ROADS)
    reply = client.get(f"/api/projects/{pid}/formats")
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def by_name(choices: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in choices}


def test_an_image_project_with_boxes_and_polylines_gets_coco_flagged_as_losing_polylines(
    roads: dict[str, Any],
) -> None:
    assert roads["modality"] == "image"
    assert roads["kinds"] == ["box", "polyline"]
    exports = by_name(roads["exports"])
    assert exports["coco"]["lost_kinds"] == ["polyline"]
    assert exports["jsonl"]["lost_kinds"] == []


def test_lossless_exports_come_before_lossy_ones(roads: dict[str, Any]) -> None:
    lost = [bool(c["lost_kinds"]) for c in roads["exports"]]
    assert lost == sorted(lost), "every lossless export is listed before any lossy one"
    assert roads["exports"][0]["lost_kinds"] == []


def test_each_export_carries_what_the_ui_renders_its_form_and_link_from(
    roads: dict[str, Any],
) -> None:
    coco = by_name(roads["exports"])["coco"]
    assert coco["title"] and coco["extension"] == ".json" and coco["inputs"] == ["file", "folder"]
    schema = coco["options_schema"]
    assert schema["type"] == "object"
    assert schema["properties"]["status"]["enum"] == ["any", "submitted"]
    assert schema["properties"]["status"]["description"]


def test_only_formats_of_the_modality_are_offered_for_import(roads: dict[str, Any]) -> None:
    offered = {c["name"] for c in roads["imports"]}
    readable_images = {f.name for f in all_formats() if f.can_read and "image" in f.modalities}
    assert offered == readable_images
    assert {"coco", "jsonl"} <= offered
    folders = {c["name"] for c in roads["imports"] if "folder" in c["inputs"]}
    assert folders == {f.name for f in all_formats() if "folder" in f.inputs} & offered


def test_a_text_project_is_not_offered_coco(client: TestClient) -> None:
    pid = create(client, "News", "text", TEXT_ONTOLOGY)
    body = client.get(f"/api/projects/{pid}/formats").json()
    assert body["kinds"] == ["span"]
    assert "coco" not in by_name(body["exports"])
    assert "coco" not in by_name(body["imports"])
    assert by_name(body["exports"])["jsonl"]["lost_kinds"] == []


def test_the_owner_may_import_and_export(client: TestClient, roads: dict[str, Any]) -> None:
    assert (roads["can_export"], roads["can_import"]) == (True, True)


def test_an_annotator_sees_the_formats_but_may_neither_import_nor_export(
    client: TestClient, outsider: UserInfo, outsider_client: TestClient
) -> None:
    pid = create(client, "Roads", "image", ROADS)
    added = client.put(
        f"/api/projects/{pid}/members", json={"username": outsider.username, "role": "annotator"}
    )
    assert added.status_code == 200, added.text
    body = outsider_client.get(f"/api/projects/{pid}/formats").json()
    assert (body["can_export"], body["can_import"]) == (False, False)
    assert "coco" in by_name(body["exports"])


def test_a_non_member_is_denied(client: TestClient, outsider_client: TestClient) -> None:
    pid = create(client, "Roads", "image", ROADS)
    reply = outsider_client.get(f"/api/projects/{pid}/formats")
    assert reply.status_code == 403
    assert "member" in reply.json()["message"]


def test_an_unknown_project_is_404(client: TestClient) -> None:
    assert client.get("/api/projects/999/formats").status_code == 404


def test_a_new_ontology_version_changes_what_fits(client: TestClient) -> None:
    pid = create(client, "Cars", "image", {"name": "Cars", "classes": [ROADS["classes"][0]]})
    before = by_name(client.get(f"/api/projects/{pid}/formats").json()["exports"])
    assert before["coco"]["lost_kinds"] == []
    updated = client.put(f"/api/projects/{pid}/ontology", json={"document": ROADS})
    assert updated.status_code == 200, updated.text
    after = by_name(client.get(f"/api/projects/{pid}/formats").json()["exports"])
    assert after["coco"]["lost_kinds"] == ["polyline"]
