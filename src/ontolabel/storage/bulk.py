"""Bulk writes: many rows of plain tuples in few statements, on SQLite and PostgreSQL.

SQLAlchemy's ``insert(table)`` with a list of dicts builds and type-processes parameters
row by row in Python, which costs more than the database's own work for a 10,000-item
import. ``BulkInsert`` renders its INSERT once, resolves each column's bind processor once
(so JSON and timestamps are stored exactly as the ORM would store them), and hands the
driver the tuples: on SQLite as multi-row VALUES statements, on PostgreSQL as one
executemany (which psycopg pipelines).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from pydantic_core import to_json
from sqlalchemy import JSON, Connection, Table, text
from sqlalchemy.orm import Session

from ontolabel.storage.database import driver_errors

# rows in one INSERT on SQLite (an import's chunk; 1,000 measured no faster)
ROWS_PER_STATEMENT = 500


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
        self._sqlite = dialect.name == "sqlite"
        if self._sqlite:
            # rows per statement: SQLite binds at most SQLITE_LIMIT_VARIABLE_NUMBER values
            # in one statement (32,766 since 3.32; 999 before)
            limit = connection.connection.dbapi_connection.getlimit(  # type: ignore[union-attr]
                sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
            )
            self._per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
            self._row_marks = f"({', '.join(placeholders)})"
            self._head = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES "
            self._conflicts = conflicts
            self._multi_sql: dict[int, str] = {}

    def encoder(self, column: str) -> Callable[[Any], Any]:
        """The column's own conversion to its stored form (JSON text, a timestamp string on
        SQLite, ...); apply it to the values of that column before ``run``."""
        return self._encoders[column]

    def run(self, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert ``rows`` (tuples in column order, values already encoded: str, int,
        float, None); the number of rows inserted (fewer when conflicts were skipped)."""
        if not rows:
            return 0
        # the driver's own cursor, inside the connection's transaction: exec_driver_sql
        # would walk every row once more before handing them over
        cursor = self.connection.connection.cursor()
        try:
            if self._sqlite:
                return self._run_sqlite(cursor, rows)
            with driver_errors(self.connection, self.sql, rows[:1]):
                cursor.executemany(self.sql, rows)
            # psycopg sums what each row's statement affected
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _run_sqlite(self, cursor: Any, rows: Sequence[tuple[Any, ...]]) -> int:
        # Many rows in one multi-row VALUES statement: the values are bound in C and the
        # whole insert is one step, during which the sqlite3 module releases the GIL. An
        # executemany takes the GIL back after every row (so the import's reader thread
        # and the inserts take turns), and a JSON array unpacked by json_each costs SQLite
        # ~40% more than binding (measured at 10,000 items: 6.1 against 10.3 us an item).
        step = self._per_statement
        inserted = 0
        for start in range(0, len(rows), step):
            batch = rows[start : start + step]
            sql = self._multi_sql.get(len(batch))
            if sql is None:
                sql = self._head + ", ".join([self._row_marks] * len(batch)) + self._conflicts
                self._multi_sql[len(batch)] = sql
            values = [value for row in batch for value in row]
            with driver_errors(self.connection, sql, batch[:1]):
                cursor.execute(sql, values)
            inserted += cursor.rowcount
        return inserted


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


class IdReserver:
    """Fresh primary keys for ``table`` through one write transaction, batch by batch.

    SQLite's largest id is read once: the transaction holds the write lock, so only its
    own inserts (of the ids handed out here) move it. PostgreSQL draws each batch from the
    sequence."""

    def __init__(self, session: Session, table: Table) -> None:
        self.session = session
        self.table = table
        self._next: int | None = None  # SQLite: the next id to hand out
        self._sqlite = session.connection().dialect.name == "sqlite"

    def take(self, count: int) -> list[int]:
        if count <= 0:
            return []
        if not self._sqlite:
            return reserve_ids(self.session, self.table, count)
        if self._next is None:
            self._next = reserve_ids(self.session, self.table, 1)[0]
        first = self._next
        self._next += count
        return list(range(first, first + count))


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


# How the workspace's items describe media files, by sha256: the first row found for each
# (one index probe a file; grouping all of a file's rows cost ~3x more), the sha256s bound
# as one parameter, as above.
_INFO_BY_SHA = {
    "sqlite": "SELECT sha256, info FROM (SELECT value AS sha256, (SELECT info FROM item_media"
    " WHERE item_media.sha256 = value LIMIT 1) AS info FROM json_each(?)) WHERE info IS NOT NULL",
    "postgresql": "SELECT sha256, info FROM (SELECT s AS sha256, (SELECT CAST(info AS TEXT)"
    " FROM item_media WHERE item_media.sha256 = s LIMIT 1) AS info"
    " FROM unnest(CAST(%s AS TEXT[])) AS s) AS found WHERE info IS NOT NULL",
}


def media_info_by_sha256(connection: Connection, wanted: list[str]) -> dict[str, str]:
    """The stored media info (JSON text) of each of ``wanted`` that some item holds."""
    if not wanted:
        return {}
    dialect = connection.dialect.name
    shas: Any = to_json(wanted).decode() if dialect == "sqlite" else wanted
    sql = _INFO_BY_SHA[dialect]
    cursor = connection.connection.cursor()
    try:
        with driver_errors(connection, sql, (shas,)):
            cursor.execute(sql, (shas,))
        return {str(sha): str(info) for sha, info in cursor.fetchall()}
    finally:
        cursor.close()
