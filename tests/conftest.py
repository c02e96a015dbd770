"""Shared fixtures: a fresh workspace per test (SQLite, or PostgreSQL when
ONTOLABEL_TEST_DATABASE_URL is set: each test gets its own schema, dropped afterwards),
users with cheap password hashing, and an API client logged in as a project owner."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from ontolabel.server.app import create_app
from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Settings, Workspace
from ontolabel.storage.database import create_database_engine, migrate
from ontolabel.storage.tables import Base

PG_URL = os.environ.get("ONTOLABEL_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"

# argon2's minimum cost: tests check behaviour, not hashing strength
TEST_SETTINGS = dict(argon2_memory_kib=64, argon2_time_cost=1)

# CI machines have 2 cores shared by two test workers and a browser: a per-example deadline
# would turn a busy moment into a failure that says nothing about the code.
settings.register_profile("ontolabel", deadline=None, print_blob=True)
settings.load_profile("ontolabel")


@pytest.fixture(scope="session")
def _pg_schema_url(worker_id: str) -> Iterator[str | None]:
    """One PostgreSQL schema per test worker, migrated once (migrating per test costs most
    of a second of DDL); dropped when the worker ends."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = create_database_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database that each test copies instead of migrating."""
    folder = tmp_path_factory.mktemp("template")
    engine = create_database_engine(f"sqlite:///{folder / 'ontolabel.db'}")
    migrate(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file
    return folder / "ontolabel.db"


@pytest.fixture
def database_url(_pg_schema_url: str | None) -> Iterator[str | None]:
    """None (SQLite in the data dir) or the worker's PostgreSQL schema, emptied after each test."""
    yield _pg_schema_url
    if _pg_schema_url is None:
        return
    engine = create_engine(_pg_schema_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def workspace(
    tmp_path: Path, database_url: str | None, _sqlite_template: Path
) -> Iterator[Workspace]:
    data = tmp_path / "data"
    if database_url is None:
        data.mkdir()
        shutil.copyfile(_sqlite_template, data / "ontolabel.db")
    ws = Workspace.open(data, database_url, settings=Settings(**TEST_SETTINGS))
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


@pytest.fixture
def owner(workspace: Workspace) -> UserInfo:
    """A plain user (no admin rights) who will own the projects made in tests."""
    return users.create_user(workspace, "olga", PASSWORD)


@pytest.fixture
def outsider(workspace: Workspace) -> UserInfo:
    """A user who is a member of no project."""
    return users.create_user(workspace, "otto", PASSWORD)


@pytest.fixture
def app(workspace: Workspace) -> FastAPI:
    return create_app(workspace)


@pytest.fixture
def anon(app: FastAPI) -> Iterator[TestClient]:
    """An API client that has not logged in."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def client(app: FastAPI, owner: UserInfo) -> Iterator[TestClient]:
    """An API client logged in (session cookie) as ``owner``."""
    with TestClient(app) as client:
        reply = client.post(
            "/api/auth/login", json={"username": owner.username, "password": PASSWORD}
        )
        assert reply.status_code == 200, reply.text
        yield client


@pytest.fixture
def outsider_client(app: FastAPI, outsider: UserInfo) -> Iterator[TestClient]:
    """An API client logged in as a user who is a member of no project."""
    with TestClient(app) as client:
        reply = client.post(
            "/api/auth/login", json={"username": outsider.username, "password": PASSWORD}
        )
        assert reply.status_code == 200, reply.text
        yield client
