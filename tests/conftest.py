"""Shared fixtures: a fresh workspace per test (SQLite, or PostgreSQL when
ONTOLABEL_TEST_DATABASE_URL is set: each test gets its own schema, dropped afterwards),
users with cheap password hashing, and an API client logged in as a project owner."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from ontolabel.services.workspace import Settings, Workspace

PG_URL = os.environ.get("ONTOLABEL_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"

# argon2's minimum cost: tests check behaviour, not hashing strength
TEST_SETTINGS = dict(argon2_memory_kib=64, argon2_time_cost=1)


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None (SQLite in the data dir) or a PostgreSQL URL bound to a private schema."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def workspace(tmp_path: Path, database_url: str | None) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "data", database_url, settings=Settings(**TEST_SETTINGS))
    try:
        yield ws
    finally:
        ws.close()


IMAGE_ONTOLOGY: dict[str, Any] = {
    "name": "Driving",
    "classes": [
        {
            "name": "Vehicle",
            "geometry": {"image": ["box", "polygon"]},
            "attributes": [{"name": "occluded", "type": "bool"}],
        },
        {"name": "Car", "parent": "Vehicle"},
        {"name": "Truck", "parent": "Vehicle"},
        {
            "name": "Pedestrian",
            "geometry": {"image": ["box"]},
            "attributes": [{"name": "age", "type": "int", "min": 0, "max": 120}],
        },
    ],
}

TEXT_ONTOLOGY: dict[str, Any] = {
    "name": "News",
    "classes": [
        {"name": "Person", "geometry": {"text": ["span"]}},
        {"name": "Location", "geometry": {"text": ["span"]}},
    ],
}


@pytest.fixture
def image_ontology() -> dict[str, Any]:
    return IMAGE_ONTOLOGY


@pytest.fixture
def text_ontology() -> dict[str, Any]:
    return TEXT_ONTOLOGY
