"""The packaged migrations build exactly the schema the ORM models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from ontolabel.services.workspace import Workspace
from ontolabel.storage.database import current_revision, head_revision
from ontolabel.storage.tables import Base

SPINE_TABLES = {
    "users",
    "api_tokens",
    "projects",
    "project_members",
    "ontology_versions",
    "blobs",
    "items",
    "item_media",
    "annotations",
    "annotation_revisions",
}


def test_migrated_schema_equals_the_models(workspace: Workspace) -> None:
    with workspace.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_table_of_the_spine_exists_and_is_at_head(workspace: Workspace) -> None:
    names = set(inspect(workspace.engine).get_table_names())
    assert names >= SPINE_TABLES
    assert current_revision(workspace.engine) == head_revision()


def test_reopening_a_workspace_keeps_its_data(workspace: Workspace) -> None:
    with workspace.session() as s:
        s.execute(
            text("INSERT INTO blobs (sha256, size, mime) VALUES (:s, 1, 'x/y')"), {"s": "a" * 64}
        )
    again = Workspace.open(workspace.data_dir, workspace.database_url)
    with again.read_session() as s:
        assert s.execute(text("SELECT size FROM blobs")).scalar_one() == 1
    again.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "d")
    try:
        assert ws.database_url == f"sqlite:///{tmp_path / 'd' / 'ontolabel.db'}"
        with ws.read_session() as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert s.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        ws.close()


def test_foreign_keys_are_enforced(workspace: Workspace) -> None:
    with pytest.raises(IntegrityError), workspace.session() as s:
        s.execute(
            text(
                "INSERT INTO item_media (item_id, position, sha256, name, info)"
                " VALUES (999, 0, :s, 'x', '{}')"
            ),
            {"s": "b" * 64},
        )
