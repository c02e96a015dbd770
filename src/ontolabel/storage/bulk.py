"""Bulk writes: many rows as one executemany of plain tuples, on SQLite and PostgreSQL alike.

SQLAlchemy's ``insert(table)`` with a list of dicts builds and type-processes parameters
row by row in Python, which costs more than the database's own work for a 10,000-item
import. ``BulkInsert`` renders its INSERT once, resolves each column's bind processor once
(so JSON and timestamps are stored exactly as the ORM would store them), and hands the
driver a list of tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic_core import to_json
from sqlalchemy import JSON, Connection, Table, text
from sqlalchemy.orm import Session

from ontolabel.storage.database import driver_errors


def _identity(value: Any) -> Any:
    return value


def _json_text(value: Any) -> str:
    # what the JSON column stores: the document as JSON text (NaN and infinities written
    # as json.dumps writes them, which is what the ORM's own serialiser would store)
    return to_json(value).decode()


class BulkInsert:
    """``INSERT INTO table (columns) VALUES (...)`` for one connection's dialect, optionally
    skipping rows whose ``skip_conflicts_on`` key exists (ON CONFLICT DO NOTHING, which both
    SQLite and PostgreSQL spell the same)."""

    def __init__(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        *,
        skip_conflicts_on: Sequence[str] = (),
    ) -> None:
        self.connection = connection
        dialect = connection.dialect
        if dialect.name not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"no bulk insert for {dialect.name}")
        marker = "?" if dialect.paramstyle == "qmark" else "%s"
        preparer = dialect.identifier_preparer
        self._encoders: dict[str, Callable[[Any], Any]] = {}
        placeholders = []
        for name in columns:
            impl = table.c[name].type.dialect_impl(dialect)
            is_json = isinstance(impl, JSON)
            process = _json_text if is_json else impl.bind_processor(dialect)
            self._encoders[name] = process or _identity
            # JSON arrives as text: on PostgreSQL, say what it is
            cast = is_json and dialect.name == "postgresql"
            placeholders.append(f"CAST({marker} AS JSONB)" if cast else marker)
        names = ", ".join(preparer.quote(c) for c in columns)
        self.sql = (
            f"INSERT INTO {preparer.format_table(table)} ({names}) "
            f"VALUES ({', '.join(placeholders)})"
        )
        conflicts = ""
        if skip_conflicts_on:
            keys = ", ".join(preparer.quote(c) for c in skip_conflicts_on)
            conflicts = f" ON CONFLICT ({keys}) DO NOTHING"
        self.sql += conflicts
        self._json_sql: str | None = None
        if dialect.name == "sqlite":
            picks = ", ".join(f"json_extract(value, '$[{k}]')" for k in range(len(columns)))
            # WHERE true: SQLite's parser needs it before an upsert clause on a SELECT
            self._json_sql = (
                f"INSERT INTO {preparer.format_table(table)} ({names}) "
                f"SELECT {picks} FROM json_each(?) WHERE true{conflicts}"
            )

    def encoder(self, column: str) -> Callable[[Any], Any]:
        """The column's own conversion to its stored form (JSON text, a timestamp string on
        SQLite, ...); apply it to the values of that column before ``run``."""
        return self._encoders[column]

    def run(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (tuples in column order, values already encoded: str, int,
        float, None) in one statement."""
        if not rows:
            return
        # the driver's own cursor, inside the connection's transaction: exec_driver_sql
        # would walk every row once more before handing them over
        cursor = self.connection.connection.cursor()
        try:
            if self._json_sql is not None:
                # SQLite: the rows as ONE JSON array parameter, unpacked by json_each in
                # one statement, during which the sqlite3 module releases the GIL (an
                # executemany takes it back after every row, so nothing else can run)
                data = to_json(rows).decode()
                with driver_errors(self.connection, self._json_sql, rows[:1]):
                    cursor.execute(self._json_sql, (data,))
            else:
                with driver_errors(self.connection, self.sql, rows[:1]):
                    cursor.executemany(self.sql, rows)
        finally:
            cursor.close()


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


# Items of a project by external id, the ids bound as ONE parameter (a JSON array on
# SQLite, an array on PostgreSQL): an expanding IN of 500 values costs SQLAlchemy a bound
# parameter per value on every chunk, more than the indexed lookups themselves.
_BY_EXTERNAL = {
    "sqlite": "SELECT id, external_id FROM items WHERE project_id = ?"
    " AND external_id IN (SELECT value FROM json_each(?))",
    "postgresql": "SELECT id, external_id FROM items WHERE project_id = %s"
    " AND external_id = ANY(%s)",
}


def items_by_external_id(
    connection: Connection, project_id: int, wanted: list[str]
) -> list[tuple[int, str]]:
    """(id, external_id) of the project's items whose external id is in ``wanted``."""
    dialect = connection.dialect.name
    ids: Any = to_json(wanted).decode() if dialect == "sqlite" else wanted
    sql = _BY_EXTERNAL[dialect]
    cursor = connection.connection.cursor()
    try:
        with driver_errors(connection, sql, (project_id, ids)):
            cursor.execute(sql, (project_id, ids))
        return [(int(item_id), str(external_id)) for item_id, external_id in cursor.fetchall()]
    finally:
        cursor.close()
