"""The app around the API: the built UI with client-side routes, and the OpenAPI document
that the UI's client is generated from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from ontolabel.server.app import create_app
from ontolabel.server.openapi import openapi_document
from ontolabel.services.workspace import Workspace

SPINE = {
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/auth/me"),
    ("get", "/api/projects"),
    ("post", "/api/projects"),
    ("get", "/api/projects/{project_id}"),
    ("get", "/api/projects/{project_id}/ontology"),
    ("put", "/api/projects/{project_id}/ontology"),
    ("get", "/api/projects/{project_id}/items"),
    ("post", "/api/projects/{project_id}/items"),
    ("get", "/api/projects/{project_id}/next"),
    ("get", "/api/items/{item_id}"),
    ("get", "/api/media/{sha256}"),
    ("get", "/api/items/{item_id}/waveform"),
    ("get", "/api/items/{item_id}/annotation"),
    ("put", "/api/items/{item_id}/annotation"),
    ("get", "/api/items/{item_id}/annotation/revisions"),
    ("post", "/api/projects/{project_id}/import"),
    ("get", "/api/projects/{project_id}/export"),
    ("get", "/api/formats"),
    ("post", "/api/tokens"),
}


def test_the_openapi_document_has_every_spine_endpoint_typed() -> None:
    doc = openapi_document()
    found = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert found >= SPINE
    schemas = doc["components"]["schemas"]
    assert {
        "AnnotationState",
        "ItemPage",
        "ProjectSummary",
        "ErrorBody",
        "SaveConflictBody",
    } <= set(schemas)
    save = doc["paths"]["/api/items/{item_id}/annotation"]["put"]
    assert save["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "SaveConflictBody"
    )
    add = doc["paths"]["/api/projects/{project_id}/items"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(add)
    # every UI route in the catch-all stays out of the API description
    assert not any(p.startswith("/{") for p in doc["paths"])


def test_the_openapi_script_writes_the_document(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ontolabel.server.openapi"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert json.loads(out)["info"]["title"] == "ontolabel"


def test_the_built_ui_is_served_with_deep_links(workspace: Workspace, tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "assets").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>ontolabel</title>")
    (static / "assets" / "app-1234.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside")
    with TestClient(create_app(workspace, static_dir=static)) as c:
        assert c.get("/").text.startswith("<!doctype html>")
        deep = c.get("/projects/3/items/7")
        assert deep.status_code == 200 and "<title>ontolabel</title>" in deep.text
        asset = c.get("/assets/app-1234.js")
        assert asset.text == "console.log(1)" and "immutable" in asset.headers["cache-control"]
        assert "outside" not in c.get("/../secret.txt").text
        assert "outside" not in c.get("/%2e%2e/secret.txt").text
        api = c.get("/api/nothing-here")
        assert api.status_code == 404 and api.json()["error"] == "NotFound"


def test_without_a_built_ui_the_root_says_how_to_build_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    with TestClient(create_app(workspace, static_dir=tmp_path / "none")) as c:
        reply = c.get("/")
        assert reply.status_code == 404 and "make" in reply.json()["hint"]
        assert c.get("/docs").status_code == 200
