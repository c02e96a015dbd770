"""Bulk inserts store exactly what the ORM would store, and skip existing keys on request."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ontolabel.services.workspace import Workspace
from ontolabel.storage.bulk import BulkInsert, reserve_ids
from ontolabel.storage.tables import BlobRow, ItemRow, ProjectRow, table_of


def test_encoded_tuples_read_back_as_the_orm_would_store_them(workspace: Workspace) -> None:
    created = datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=UTC)
    meta = {"Straße": [1, 2.5, None], "nested": {"ok": True, "emoji": "👍🏽"}, "big": 2**62 + 1}
    # on SQLite the rows travel as one JSON array: quotes, escapes and line breaks unharmed
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
