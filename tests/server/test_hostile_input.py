"""Input a client should not send still gets a clear 4xx, never a 500: ids past what the
database holds, JSON nested past the parser's limit, a NUL byte in a UI path."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ontolabel.server.app import create_app
from ontolabel.services.workspace import Workspace

HUGE = "9" * 30  # far past 2**63 - 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"/api/items/{HUGE}"),
        ("get", f"/api/projects/{HUGE}"),
        ("get", f"/api/projects/{HUGE}/items"),
        ("get", f"/api/projects/{HUGE}/ontology"),
        ("get", f"/api/items/{HUGE}/annotation"),
        ("get", f"/api/items/{HUGE}/annotation/revisions"),
        ("get", f"/api/items/{HUGE}/waveform"),
    ],
)
def test_an_id_too_large_for_the_database_is_refused_not_a_crash(
    client: TestClient, method: str, path: str
) -> None:
    reply = client.request(method, path)
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["error"] == "InvalidRequest"
    assert "out of range" in body["message"]


def test_a_saved_annotation_on_a_huge_item_id_is_refused(client: TestClient) -> None:
    reply = client.put(
        f"/api/items/{HUGE}/annotation", json={"base_revision": 0, "document": {"objects": []}}
    )
    assert reply.status_code == 422, reply.text


def test_coco_nested_past_the_parser_limit_is_a_format_error(client: TestClient) -> None:
    reply = client.post(
        "/api/projects",
        json={
            "name": "Deep",
            "modality": "image",
            "ontology": {
                "name": "deep",
                "classes": [{"name": "Car", "geometry": {"image": ["box"]}}],
            },
        },
    )
    assert reply.status_code == 201, reply.text
    pid = reply.json()["id"]
    deep = b"[" * 100_000 + b"]" * 100_000
    reply = client.post(
        f"/api/projects/{pid}/import?format=coco",
        files={"file": ("deep.json", deep, "application/json")},
    )
    assert reply.status_code == 422, reply.text
    assert "nested too deeply" in reply.json()["message"]


def test_a_nul_byte_in_a_ui_path_serves_the_app(workspace: Workspace, tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_text("<!doctype html><title>ontolabel</title>")
    with TestClient(create_app(workspace, static_dir=static)) as anon:
        for path in ("/items/%00", "/assets/%00x", "/favicon%00.ico"):
            reply = anon.get(path)
            assert reply.status_code == 200, (path, reply.text)
            assert "<title>ontolabel</title>" in reply.text


@pytest.mark.parametrize(
    ("driver_says", "message"),
    [
        ("PostgreSQL text fields cannot contain NUL (0x00) bytes", "holds a NUL character"),
        ("value too long for type character varying(500)", "longer than the database keeps"),
        ("integer out of range", "out of range"),
    ],
)
def test_what_postgresql_refuses_is_said_in_the_callers_terms(
    driver_says: str, message: str
) -> None:
    from sqlalchemy.exc import DataError

    from ontolabel.server.errors import _out_of_range

    assert message in _out_of_range(DataError("INSERT ...", {}, Exception(driver_says)))
