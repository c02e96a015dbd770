"""Autosave sends half-filled work: a draft may miss required attributes, a submission
may not (422 naming each one), and a draft is refused for anything actually wrong."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

TEXT = "Dose: 500 mg ibuprofen"

ONTOLOGY: dict[str, Any] = {
    "name": "Clinic",
    "classes": [
        {
            "name": "Drug",
            "geometry": {"text": ["span"]},
            "attributes": [
                {"name": "Route", "type": "enum", "options": ["oral", "iv"], "required": True},
                {"name": "Dose", "type": "float", "units": ["mg", "g"], "min": 0},
            ],
        }
    ],
}


@pytest.fixture
def item_id(client: TestClient) -> int:
    project = client.post(
        "/api/projects", json={"name": "Clinic", "modality": "text", "ontology": ONTOLOGY}
    )
    assert project.status_code == 201, project.text
    added = client.post(f"/api/projects/{project.json()['id']}/items", json={"text": TEXT})
    assert added.status_code == 201, added.text
    return int(added.json()["items"][0]["id"])


def drug(**attributes: Any) -> dict[str, Any]:
    start = TEXT.index("ibuprofen")
    return {
        "objects": [
            {
                "id": "d1",
                "class_name": "Drug",
                "geometry": {"kind": "span", "start": start, "end": len(TEXT), "text": "ibuprofen"},
                "attributes": attributes,
            }
        ]
    }


def save(client: TestClient, iid: int, base: int, document: Any, status: str) -> Any:
    return client.put(
        f"/api/items/{iid}/annotation",
        json={"base_revision": base, "document": document, "status": status},
    )


def test_a_half_filled_draft_saves_and_submitting_it_names_what_is_missing(
    client: TestClient, item_id: int
) -> None:
    half = drug(Dose={"value": 500, "unit": "mg"})
    draft = save(client, item_id, 0, half, "draft")
    assert draft.status_code == 200, draft.text
    assert (draft.json()["revision"], draft.json()["status"]) == (1, "draft")
    assert client.get(f"/api/items/{item_id}/annotation").json()["document"]["objects"][0][
        "attributes"
    ] == {"Dose": {"value": 500, "unit": "mg"}}

    submit = save(client, item_id, 1, half, "submitted")
    assert submit.status_code == 422
    body = submit.json()
    assert body["error"] == "AnnotationInvalid"
    assert [(v["path"], v["message"]) for v in body["violations"]] == [
        ("objects[0].attributes.Route", "required attribute 'Route' of class 'Drug' is missing")
    ]
    assert client.get(f"/api/items/{item_id}/annotation").json()["revision"] == 1

    done = save(
        client, item_id, 1, drug(Route="oral", Dose={"value": 500, "unit": "mg"}), "submitted"
    )
    assert done.status_code == 200, done.text
    assert (done.json()["revision"], done.json()["status"]) == (2, "submitted")


def test_a_draft_with_a_wrong_value_is_still_422(client: TestClient, item_id: int) -> None:
    wrong = drug(Dose={"value": -1, "unit": "kg"})
    wrong["objects"][0]["geometry"]["text"] = "Ibuprofen"
    reply = save(client, item_id, 0, wrong, "draft")
    assert reply.status_code == 422
    assert sorted(v["path"] for v in reply.json()["violations"]) == [
        "objects[0].attributes.Dose.unit",
        "objects[0].attributes.Dose.value",
        "objects[0].geometry.text",
    ]
    assert client.get(f"/api/items/{item_id}/annotation").json()["revision"] == 0
