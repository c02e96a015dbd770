"""Multi-row inserts that skip rows whose key exists, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_existing(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, one executemany for all ``rows``."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
        session.execute(pg, list(rows))
    elif dialect == "sqlite":
        lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
        session.execute(lite, list(rows))
    else:
        raise NotImplementedError(f"no conflict-skipping insert for {dialect}")


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` fresh primary keys for ``table``, to insert rows with ids known up front
    (so children can be inserted in the same batch without RETURNING row by row).

    PostgreSQL draws them from the column's sequence. SQLite continues after the largest
    id, which is safe because every write transaction holds the database's write lock
    (see storage.database: writes BEGIN IMMEDIATE).
    """
    if count <= 0:
        return []
    connection = session.connection()
    dialect = connection.dialect.name
    name = table.name
    if dialect == "postgresql":
        rows = connection.execute(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{name}', 'id'))"
                " FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return [int(r[0]) for r in rows]
    if dialect == "sqlite":
        top = connection.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')).scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))
    raise NotImplementedError(f"no id reservation for {dialect}")
