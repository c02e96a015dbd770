"""The save route reads its caller, body and workspace by hand (it is the editor's
autosave, the busiest route): it must answer exactly as a route declared the FastAPI way,
and its OpenAPI operation must say the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ontolabel.server.openapi import openapi_document
from ontolabel.services import items, projects, users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

TEXT = "Ana lives in Köln"
ANA = {
    "id": "a",
    "class_name": "Person",
    "geometry": {"kind": "span", "start": 0, "end": 3, "text": "Ana"},
}


@pytest.fixture
def iid(workspace: Workspace, owner: UserInfo, text_ontology: dict[str, Any]) -> int:
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=text_ontology, user_id=owner.id
    ).id
    return items.add_text_item(workspace, pid, text=TEXT, user_id=owner.id).id


def body(revision: int = 0, **extra: Any) -> dict[str, Any]:
    return {"base_revision": revision, "document": {"objects": [ANA]}, **extra}


def test_a_bearer_token_or_the_session_cookie_lets_one_save(
    app: FastAPI, client: TestClient, owner: UserInfo, workspace: Workspace, iid: int
) -> None:
    assert client.put(f"/api/items/{iid}/annotation", json=body(0)).json()["revision"] == 1
    token = users.create_token(workspace, owner.id, "script").token
    with TestClient(app) as script:
        saved = script.put(
            f"/api/items/{iid}/annotation",
            json=body(1, status="submitted"),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 2 and saved.json()["status"] == "submitted"
    assert saved.json()["document"]["objects"][0]["geometry"]["text"] == "Ana"


@pytest.mark.parametrize(
    "authorization", [None, "Basic b2xnYTpwdw==", "Bearer", "Bearer    ", "Bearer olt_made_up"]
)
def test_without_valid_credentials_a_save_is_401_before_its_body_is_read(
    anon: TestClient, iid: int, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    for payload in (body(0), {"not": "a save"}):
        reply = anon.put(f"/api/items/{iid}/annotation", json=payload, headers=headers)
        assert reply.status_code == 401, reply.text
        assert reply.json()["error"] == "AuthError"
        assert reply.headers["www-authenticate"] == "Bearer"


def test_a_token_that_is_not_bearer_falls_back_to_the_session_cookie(
    client: TestClient, iid: int
) -> None:
    reply = client.put(
        f"/api/items/{iid}/annotation", json=body(0), headers={"Authorization": "Basic eDp5"}
    )
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize(
    ("content", "content_type", "paths"),
    [
        (b"", "application/json", [None]),
        (b"{not json", "application/json", [None]),
        (b'{"base_revision": 0, "document": {}}', "text/plain", [None]),
        (b'{"base_revision": 0, "document": {}}', None, [None]),
        (
            b'{"base_revision": "x", "document": {"objects": 3}}',
            "application/json",
            ["base_revision", "document.objects"],
        ),
        (b"[]", "application/json", [None]),
    ],
)
def test_a_body_that_is_not_a_save_is_422_naming_each_field(
    client: TestClient, iid: int, content: bytes, content_type: str | None, paths: list[str | None]
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    reply = client.put(f"/api/items/{iid}/annotation", content=content, headers=headers)
    assert reply.status_code == 422, reply.text
    answer = reply.json()
    assert answer["error"] == "InvalidRequest"
    assert [v.get("path") for v in answer["violations"]] == paths
    assert client.get(f"/api/items/{iid}/annotation").json()["revision"] == 0


def test_a_json_subtype_is_read_as_json(client: TestClient, iid: int) -> None:
    reply = client.put(
        f"/api/items/{iid}/annotation",
        content=b'{"base_revision": 0, "document": {}}',
        headers={"Content-Type": "application/vnd.api+json; charset=utf-8"},
    )
    assert reply.status_code == 200, reply.text


def test_an_outsider_gets_403_and_an_unknown_item_404(
    outsider_client: TestClient, client: TestClient, iid: int
) -> None:
    assert outsider_client.put(f"/api/items/{iid}/annotation", json=body()).status_code == 403
    assert client.put(f"/api/items/{iid + 999}/annotation", json=body()).status_code == 404


def test_the_operation_documents_the_body_and_the_security_of_a_declared_route() -> None:
    document = openapi_document()
    schemes = document["components"]["securitySchemes"]
    save = document["paths"]["/api/items/{item_id}/annotation"]["put"]
    read = document["paths"]["/api/items/{item_id}/annotation"]["get"]
    assert save["security"] == read["security"] == [{"HTTPBearer": []}, {"APIKeyCookie": []}]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert schemes["APIKeyCookie"] == {
        "type": "apiKey",
        "description": "set by login",
        "in": "cookie",
        "name": "ontolabel_session",
    }
    assert save["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SaveRequest"}}},
    }
    assert [p["name"] for p in save["parameters"]] == ["item_id"]


def test_every_security_requirement_names_a_declared_scheme() -> None:
    document = openapi_document()
    declared = set(document["components"]["securitySchemes"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for requirement in operation.get("security", []):
                assert set(requirement) <= declared, (method, path, requirement)


def test_the_shortcut_answers_a_save_as_the_declared_route_does(
    client: TestClient, iid: int
) -> None:
    # a JSON subtype is left to the declared route; plain application/json takes the
    # shortcut in front of the router: both answers must be alike in all but the numbers
    declared = client.put(
        f"/api/items/{iid}/annotation",
        content=b'{"base_revision": 0, "document": {"objects": []}}',
        headers={"Content-Type": "application/vnd.api+json"},
    )
    shortcut = client.put(f"/api/items/{iid}/annotation", json=body(1, status="submitted"))
    assert declared.status_code == shortcut.status_code == 200
    assert dict(declared.headers) | {"content-length": ""} == dict(shortcut.headers) | {
        "content-length": ""
    }
    assert list(declared.json()) == list(shortcut.json())
    assert shortcut.json() == client.get(f"/api/items/{iid}/annotation").json()
    assert shortcut.json()["revision"] == 2 and shortcut.json()["status"] == "submitted"


def test_a_stale_or_streamed_save_is_answered_by_the_declared_route(
    client: TestClient, iid: int
) -> None:
    assert client.put(f"/api/items/{iid}/annotation", json=body(0)).status_code == 200
    stale = client.put(f"/api/items/{iid}/annotation", json=body(0, status="submitted"))
    assert stale.status_code == 409
    assert stale.json()["current"]["revision"] == 1
    assert stale.json()["yours"]["status"] == "submitted"  # the body read was handed over

    def chunks() -> Iterator[bytes]:  # no content-length: the shortcut steps aside
        yield json.dumps(body(1)).encode()

    streamed = client.put(
        f"/api/items/{iid}/annotation",
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 200, streamed.text
    assert streamed.json()["revision"] == 2
    assert client.get(f"/api/items/{iid}/annotation/revisions").json()[-1]["revision"] == 2
