"""Bulk inserts store exactly what the ORM would store, and skip existing keys on request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from ontolabel.services.workspace import Workspace
from ontolabel.storage import bulk
from ontolabel.storage.bulk import BulkInsert, reserve_ids
from ontolabel.storage.tables import BlobRow, ItemRow, ProjectRow, table_of


def test_encoded_tuples_read_back_as_the_orm_would_store_them(workspace: Workspace) -> None:
    created = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)
    meta = {"Straße": [1, 2.5, None], "nested": {"ok": True, "emoji": "👍🏽"}, "big": 2**62 + 1}
    # quotes, escapes and line breaks unharmed on the way to the driver
    text = 'say "hi"\\n\r\n\ttab \\ back\\slash \u2028 0.1'

    with workspace.session() as session:
        session.add(ProjectRow(name="p", modality="text"))
        session.flush()
        pid = session.scalars(select(ProjectRow.id)).one()
        ids = reserve_ids(session, table_of(ItemRow), 2)
        rows = BulkInsert(
            session.connection(),
            table_of(ItemRow),
            ("id", "project_id", "external_id", "modality", "text", "meta", "created_at"),
        )
        encode, when = rows.encoder("meta"), rows.encoder("created_at")
        rows.run(
            [
                (ids[0], pid, "a", "text", text, encode(meta), when(created)),
                (ids[1], pid, None, "text", "y", encode({}), when(created)),
            ]
        )
        blobs = BulkInsert(
            session.connection(),
            table_of(BlobRow),
            ("sha256", "size", "mime"),
            skip_conflicts_on=("sha256",),
        )
        blobs.run([("a" * 64, 1, "image/png"), ("b" * 64, 2, "image/png")])
        blobs.run([("a" * 64, 99, "text/plain")])  # already there: kept as it was
    with workspace.read_session() as session:
        stored = session.scalars(select(ItemRow).order_by(ItemRow.id)).all()
        assert [(r.id, r.external_id, r.text, r.meta, r.created_at) for r in stored] == [
            (ids[0], "a", text, meta, created),
            (ids[1], None, "y", {}, created),
        ]
        assert session.execute(
            select(BlobRow.sha256, BlobRow.size).order_by(BlobRow.sha256)
        ).all() == [
            ("a" * 64, 1),
            ("b" * 64, 2),
        ]


def test_rows_past_one_statement_all_arrive_in_order_and_conflicts_are_skipped_in_each(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 rows per statement: 10 rows take four statements, the last one shorter
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 3)
    shas = [f"{i:064x}" for i in range(10)]
    with workspace.session() as session:
        blobs = BulkInsert(
            session.connection(),
            table_of(BlobRow),
            ("sha256", "size", "mime"),
            skip_conflicts_on=("sha256",),
        )
        blobs.run([(sha, i, "image/png") for i, sha in enumerate(shas[:4])])
        # the first four exist: each statement of the next run skips its share of them
        blobs.run([(sha, 100 + i, "image/jpeg") for i, sha in enumerate(shas)])
    with workspace.read_session() as session:
        stored = session.execute(select(BlobRow.sha256, BlobRow.size).order_by(BlobRow.sha256))
        assert stored.all() == [(sha, i if i < 4 else 100 + i) for i, sha in enumerate(shas)]
