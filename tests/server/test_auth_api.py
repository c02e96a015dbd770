"""Authentication over HTTP: session cookie flags, Bearer tokens, 401 and 403 everywhere."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.conftest import PASSWORD

from ontolabel.services import items, projects
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

SHA = "ab" * 32


def login_cookie(client: TestClient, username: str) -> Any:
    reply = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    cookie = SimpleCookie()
    cookie.load(reply.headers["set-cookie"])
    return cookie["ontolabel_session"]


def test_login_sets_an_httponly_lax_cookie_secure_only_over_https(
    app: FastAPI, owner: UserInfo
) -> None:
    with TestClient(app) as plain:
        morsel = login_cookie(plain, "olga")
        assert morsel["httponly"] is True
        assert morsel["samesite"].lower() == "lax"
        assert morsel["path"] == "/"
        assert not morsel["secure"]
        assert plain.get("/api/auth/me").json()["username"] == "olga"
    with TestClient(app, base_url="https://testserver") as tls:
        assert login_cookie(tls, "olga")["secure"] is True


def test_wrong_password_is_401_in_the_error_shape(anon: TestClient, owner: UserInfo) -> None:
    reply = anon.post("/api/auth/login", json={"username": "olga", "password": "nope nope"})
    assert reply.status_code == 401
    assert reply.json()["error"] == "AuthError"
    assert "set-cookie" not in reply.headers


def test_logout_ends_the_session(client: TestClient) -> None:
    cookie = client.cookies.get("ontolabel_session")
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    # the old cookie value is dead on the server, not just forgotten by this client
    client.cookies.set("ontolabel_session", cookie or "")
    assert client.get("/api/auth/me").status_code == 401


def test_bearer_tokens_for_scripts(client: TestClient, anon: TestClient) -> None:
    made = client.post("/api/tokens", json={"name": "ci"})
    assert made.status_code == 201
    token = made.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert anon.get("/api/auth/me", headers=headers).json()["username"] == "olga"
    listed = client.get("/api/tokens").json()
    assert [t["name"] for t in listed] == ["ci"] and "token" not in listed[0]
    assert client.delete(f"/api/tokens/{made.json()['id']}").status_code == 204
    assert anon.get("/api/auth/me", headers=headers).status_code == 401
    assert anon.get("/api/auth/me", headers={"Authorization": "Bearer olt_x"}).status_code == 401


# one request of every endpoint family; {pid}/{iid} are filled in with real ids
ENDPOINTS = [
    ("GET", "/api/auth/me"),
    ("GET", "/api/projects"),
    ("POST", "/api/projects"),
    ("GET", "/api/projects/{pid}"),
    ("GET", "/api/projects/{pid}/ontology"),
    ("PUT", "/api/projects/{pid}/ontology"),
    ("GET", "/api/projects/{pid}/members"),
    ("GET", "/api/projects/{pid}/items"),
    ("POST", "/api/projects/{pid}/items"),
    ("GET", "/api/projects/{pid}/next"),
    ("GET", "/api/items/{iid}"),
    ("GET", "/api/items/{iid}/annotation"),
    ("PUT", "/api/items/{iid}/annotation"),
    ("GET", "/api/items/{iid}/annotation/revisions"),
    ("GET", "/api/items/{iid}/waveform"),
    ("GET", "/api/media/{sha}"),
    ("POST", "/api/projects/{pid}/import"),
    ("GET", "/api/projects/{pid}/export"),
    ("GET", "/api/formats"),
    ("POST", "/api/tokens"),
    ("GET", "/api/tokens"),
    ("POST", "/api/users"),
]

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", "/api/items/{iid}/annotation"): {"base_revision": 0, "document": {}},
    ("POST", "/api/projects/{pid}/items"): {"text": "x"},
    ("PUT", "/api/projects/{pid}/ontology"): {"document": {"name": "x", "classes": []}},
}


@pytest.fixture
def ids(workspace: Workspace, owner: UserInfo, text_ontology: dict[str, Any]) -> dict[str, Any]:
    pid = projects.create_project(
        workspace, name="News", modality="text", ontology=text_ontology, user_id=owner.id
    ).id
    iid = items.add_text_item(workspace, pid, text="Ana", user_id=owner.id).id
    return {"pid": pid, "iid": iid, "sha": SHA}


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_credentials(
    anon: TestClient, ids: dict[str, Any], method: str, path: str
) -> None:
    reply = anon.request(method, path.format(**ids), json=BODIES.get((method, path)))
    assert reply.status_code == 401, reply.text
    assert reply.json()["error"] == "AuthError"


PROJECT_ENDPOINTS = [e for e in ENDPOINTS if "{pid}" in e[1] or "{iid}" in e[1]]


@pytest.mark.parametrize(("method", "path"), PROJECT_ENDPOINTS)
def test_every_project_endpoint_refuses_non_members(
    outsider_client: TestClient, ids: dict[str, Any], method: str, path: str
) -> None:
    files = {"file": ("a.jsonl", b"{}\n")} if path.endswith("/import") else None
    body = None if files else BODIES.get((method, path))
    reply = outsider_client.request(method, path.format(**ids), json=body, files=files)
    assert reply.status_code == 403, reply.text
    assert reply.json()["error"] == "Forbidden"


def test_unknown_ids_are_404(client: TestClient) -> None:
    for path in ("/api/projects/999", "/api/items/999", "/api/media/" + SHA, "/api/media/nothex"):
        reply = client.get(path)
        assert reply.status_code == 404, path
        assert reply.json()["error"] == "NotFound"


def test_only_admins_create_users(client: TestClient) -> None:
    reply = client.post("/api/users", json={"username": "new", "password": "long enough pw"})
    assert reply.status_code == 403
