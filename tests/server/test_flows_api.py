"""Projects, items and annotations over HTTP: the user's path, conflicts that lose nothing,
422 with every violation, keyset pages, uploads that fail with a clear 4xx."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from tests.conftest import IMAGE_ONTOLOGY, TEXT_ONTOLOGY

from ontolabel.server.app import create_app
from ontolabel.services.workspace import Settings, Workspace

TEXT = "Ok 👍🏽 meet Ana in Köln"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


def create(client: TestClient, name: str, modality: str, ontology: dict[str, Any]) -> int:
    reply = client.post(
        "/api/projects", json={"name": name, "modality": modality, "ontology": ontology}
    )
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


@pytest.fixture
def text_pid(client: TestClient) -> int:
    return create(client, "News", "text", TEXT_ONTOLOGY)


@pytest.fixture
def image_pid(client: TestClient) -> int:
    return create(client, "Streets", "image", IMAGE_ONTOLOGY)


def add_text(client: TestClient, pid: int, text: str, external_id: str | None = None) -> int:
    reply = client.post(
        f"/api/projects/{pid}/items", json={"text": text, "external_id": external_id}
    )
    assert reply.status_code == 201, reply.text
    return int(reply.json()["items"][0]["id"])


def span(obj_id: str, cls: str, start: int, end: int) -> dict[str, Any]:
    return {
        "id": obj_id,
        "class_name": cls,
        "geometry": {"kind": "span", "start": start, "end": end, "text": TEXT[start:end]},
    }


def test_project_list_shows_progress(client: TestClient, text_pid: int) -> None:
    first = add_text(client, text_pid, TEXT, "a")
    add_text(client, text_pid, "second", "b")
    save = client.put(
        f"/api/items/{first}/annotation",
        json={"base_revision": 0, "document": {"objects": []}, "status": "submitted"},
    )
    assert save.status_code == 200, save.text
    (project,) = client.get("/api/projects").json()
    assert (project["name"], project["item_count"], project["submitted_count"]) == ("News", 2, 1)
    assert project["role"] == "owner"


def test_a_malformed_ontology_is_422_with_every_problem(client: TestClient) -> None:
    bad = {
        "name": "B",
        "classes": [{"name": "A", "parent": "B"}, {"name": "B", "parent": "A"}, {"name": "A"}],
    }
    reply = client.post("/api/projects", json={"name": "P", "modality": "text", "ontology": bad})
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == "OntologyError"
    assert len(body["violations"]) >= 2
    assert all("message" in v for v in body["violations"])
    assert client.get("/api/projects").json() == []


def test_ontology_versions_and_json_schema(client: TestClient, text_pid: int) -> None:
    got = client.get(f"/api/projects/{text_pid}/ontology").json()
    assert got["version"] == 1 and got["document"] == TEXT_ONTOLOGY
    assert got["json_schema"]["$schema"].startswith("https://json-schema.org/")
    newer = {
        **TEXT_ONTOLOGY,
        "classes": [*TEXT_ONTOLOGY["classes"], {"name": "Org", "geometry": {"text": ["span"]}}],
    }
    put = client.put(f"/api/projects/{text_pid}/ontology", json={"document": newer})
    assert put.status_code == 200 and put.json()["version"] == 2
    bad = client.put(f"/api/projects/{text_pid}/ontology", json={"document": {"classes": 3}})
    assert bad.status_code == 422 and bad.json()["violations"]


def test_spans_are_code_points_and_round_trip(client: TestClient, text_pid: int) -> None:
    iid = add_text(client, text_pid, TEXT)
    doc = {"objects": [span("a", "Person", 11, 14), span("k", "Location", 18, 22)]}
    saved = client.put(f"/api/items/{iid}/annotation", json={"base_revision": 0, "document": doc})
    assert saved.status_code == 200, saved.text
    got = client.get(f"/api/items/{iid}/annotation").json()
    spans = {o["class_name"]: o["geometry"] for o in got["document"]["objects"]}
    assert (spans["Person"]["start"], spans["Person"]["end"], spans["Person"]["text"]) == (
        11,
        14,
        "Ana",
    )
    assert (spans["Location"]["start"], spans["Location"]["end"], spans["Location"]["text"]) == (
        18,
        22,
        "Köln",
    )
    assert client.get(f"/api/items/{iid}").json()["content"]["text"] == TEXT


def test_a_stale_save_is_409_with_current_and_yours(client: TestClient, text_pid: int) -> None:
    iid = add_text(client, text_pid, TEXT)
    first = {"objects": [span("a", "Person", 11, 14)]}
    assert (
        client.put(
            f"/api/items/{iid}/annotation", json={"base_revision": 0, "document": first}
        ).status_code
        == 200
    )
    mine = {"objects": [span("k", "Location", 18, 22)]}
    stale = client.put(
        f"/api/items/{iid}/annotation",
        json={"base_revision": 0, "document": mine, "status": "submitted"},
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "Conflict"
    assert body["current"]["revision"] == 1
    assert body["current"]["document"]["objects"][0]["id"] == "a"
    # nothing of the refused edit is lost: it comes back whole
    assert body["yours"]["document"]["objects"][0]["geometry"]["text"] == "Köln"
    assert body["yours"]["status"] == "submitted"
    # merging onto the current revision then succeeds
    merged = {"objects": [*first["objects"], *mine["objects"]]}
    ok = client.put(f"/api/items/{iid}/annotation", json={"base_revision": 1, "document": merged})
    assert ok.status_code == 200 and ok.json()["revision"] == 2
    history = client.get(f"/api/items/{iid}/annotation/revisions").json()
    assert [len(r["document"]["objects"]) for r in history] == [1, 2]


def test_an_invalid_annotation_is_422_listing_every_violation(
    client: TestClient, image_pid: int
) -> None:
    upload = client.post(
        f"/api/projects/{image_pid}/items", files=[("files", ("a.png", png(100, 50), "image/png"))]
    )
    assert upload.status_code == 201, upload.text
    iid = upload.json()["items"][0]["id"]
    doc = {
        "objects": [
            {
                "id": "1",
                "class_name": "Cat",
                "geometry": {"kind": "box", "x1": 1, "y1": 1, "x2": 5, "y2": 5},
            },
            {
                "id": "2",
                "class_name": "Car",
                "geometry": {"kind": "box", "x1": 1, "y1": 1, "x2": 500, "y2": 5},
                "attributes": {"occluded": "maybe"},
            },
        ]
    }
    reply = client.put(f"/api/items/{iid}/annotation", json={"base_revision": 0, "document": doc})
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == "AnnotationInvalid"
    paths = sorted(v["path"] for v in body["violations"])
    assert paths == [
        "objects[0].class_name",
        "objects[1].attributes.occluded",
        "objects[1].geometry.x2",
    ]
    assert client.get(f"/api/items/{iid}/annotation").json()["revision"] == 0


def test_a_request_that_is_not_an_annotation_is_422_with_paths(
    client: TestClient, text_pid: int
) -> None:
    iid = add_text(client, text_pid, TEXT)
    reply = client.put(
        f"/api/items/{iid}/annotation",
        json={
            "base_revision": -1,
            "document": {"objects": [{"id": "x", "geometry": {"kind": "blob"}}]},
        },
    )
    assert reply.status_code == 422
    body = reply.json()
    assert body["error"] == "InvalidRequest"
    assert any(v["path"] == "base_revision" for v in body["violations"])
    assert any((v["path"] or "").startswith("document.objects.0") for v in body["violations"])


def test_keyset_pages_over_http(client: TestClient, text_pid: int) -> None:
    ids = [add_text(client, text_pid, f"t{i}", str(i)) for i in range(7)]
    seen: list[int] = []
    url = f"/api/projects/{text_pid}/items?limit=3"
    while url:
        page = client.get(url).json()
        seen += [i["id"] for i in page["items"]]
        url = (
            page["next_after"]
            and f"/api/projects/{text_pid}/items?limit=3&after={page['next_after']}"
        )
    assert seen == ids
    assert client.get(f"/api/projects/{text_pid}/items?limit=0").status_code == 422


def test_next_item_then_404_when_all_submitted(client: TestClient, text_pid: int) -> None:
    iid = add_text(client, text_pid, "only one")
    assert client.get(f"/api/projects/{text_pid}/next").json()["id"] == iid
    client.put(
        f"/api/items/{iid}/annotation",
        json={"base_revision": 0, "document": {}, "status": "submitted"},
    )
    done = client.get(f"/api/projects/{text_pid}/next")
    assert done.status_code == 404 and done.json()["error"] == "NotFound"


def test_uploaded_images_become_items_with_media_urls(client: TestClient, image_pid: int) -> None:
    data = png(30, 20)
    reply = client.post(
        f"/api/projects/{image_pid}/items",
        files=[
            ("files", ("a.png", data, "image/png")),
            ("files", ("b.png", png(5, 5), "image/png")),
        ],
        data={"external_id": ["img-a", "img-b"], "meta": '{"camera": "front"}'},
    )
    assert reply.status_code == 201, reply.text
    added = reply.json()["items"]
    assert [i["external_id"] for i in added] == ["img-a", "img-b"]
    item = client.get(f"/api/items/{added[0]['id']}").json()
    assert item["content"]["meta"] == {"camera": "front"}
    assert (item["content"]["media"][0]["width"], item["content"]["media"][0]["height"]) == (30, 20)
    media = client.get(item["media_urls"][0])
    assert media.status_code == 200 and media.content == data
    assert media.headers["content-type"] == "image/png"


def test_corrupt_upload_is_415_and_adds_nothing(client: TestClient, image_pid: int) -> None:
    reply = client.post(
        f"/api/projects/{image_pid}/items",
        files=[("files", ("bad.png", png(9, 9)[:50], "image/png"))],
    )
    assert reply.status_code == 415
    assert reply.json()["error"] == "MediaError" and reply.json()["file"] == "bad.png"
    assert client.get(f"/api/projects/{image_pid}/items").json()["items"] == []


def test_oversized_upload_is_413(client: TestClient, workspace: Workspace, image_pid: int) -> None:
    workspace.settings.max_upload_bytes = 20_000
    noise = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(30_000)).save(noise, format="PNG")
    assert len(noise.getvalue()) > 20_000
    reply = client.post(
        f"/api/projects/{image_pid}/items",
        files=[("files", ("big.png", noise.getvalue(), "image/png"))],
    )
    assert reply.status_code == 413, reply.text
    assert reply.json()["error"] == "TooLarge"
    assert client.get(f"/api/projects/{image_pid}/items").json()["items"] == []


def test_a_declared_oversized_body_is_refused_before_reading(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "w", settings=Settings(max_upload_bytes=10))
    try:
        with TestClient(create_app(ws)) as c:
            reply = c.post(
                "/api/projects/1/items",
                content=b"x" * (2 * 1024 * 1024),
                headers={"content-type": "application/octet-stream"},
            )
        assert reply.status_code == 413 and reply.json()["error"] == "TooLarge"
    finally:
        ws.close()
