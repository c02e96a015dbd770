"""Engines for SQLite and PostgreSQL, and running the packaged Alembic migrations."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Dialect, Engine, Select, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from ontolabel.storage.checkpoints import checkpoint_soon

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# An execution option asking for a write transaction. On SQLite, a write transaction
# starts with BEGIN IMMEDIATE: a deferred transaction that reads and then writes can fail
# with "database is locked" when another writer committed in between, even with a busy
# timeout; taking the write lock up front makes concurrent saves wait instead.
WRITE_OPTION = "ontolabel_write"


def create_database_engine(url: str) -> Engine:
    """An engine for ``url`` with SQLite tuned for one-file, many-thread serving."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL + NORMAL is durable against application crashes and only risks the last
        # transactions on power loss; FULL would cost an fsync per save.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # commits do not checkpoint: storage.checkpoints does it off the request's thread
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        # 16 MB of page cache (2 MB by default): a bulk insert's index pages stay in memory
        # instead of spilling to the log mid-transaction (10,000 items into a workspace of
        # 20,000: 122 -> 98 ms of SQLite's work); a pooled connection holds at most that
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()

    @event.listens_for(engine, "commit")
    def on_commit(_connection: Connection) -> None:
        checkpoint_soon(engine)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # straight to the driver: through exec_driver_sql, every transaction's BEGIN paid
        # SQLAlchemy's statement bookkeeping (a save's fifth statement)
        driver = connection.connection.driver_connection
        assert driver is not None
        if connection.get_execution_options().get(WRITE_OPTION):
            driver.execute("BEGIN IMMEDIATE")
        else:
            driver.execute("BEGIN")


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the database schema up to the newest migration (a no-op when it is there)."""
    if current_revision(engine) == head_revision():
        return
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")


@contextmanager
def driver_errors(connection: Connection, sql: str, params: Any) -> Iterator[None]:
    """Raise what the driver raises inside as SQLAlchemy raises it (DataError,
    IntegrityError, ...), for statements run on the driver's own cursor: callers and the
    server's error handlers then see what ``Connection.execute`` would have raised."""
    error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except error as exc:
        raise DBAPIError.instance(sql, params, exc, error) from exc


@dataclass(frozen=True)
class DriverStatement:
    """A Core statement rendered once for one dialect and run on the driver's own cursor,
    inside the connection's transaction. A hot path (the autosave) runs a few of these per
    request; through ``Connection.execute`` each cost ~0.1 ms of SQLAlchemy bookkeeping,
    ten times the statement itself. Parameters and result columns go through the columns'
    own processors, so what is stored and read is what the ORM stores and reads."""

    sql: str
    positions: tuple[str, ...] | None  # parameter names in order; None: named parameters
    encoders: Mapping[str, Callable[[Any], Any]]
    decoders: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def render(
        cls, statement: ClauseElement, dialect: Dialect, keys: Sequence[str] = ()
    ) -> DriverStatement:
        """``keys``: the columns an INSERT's values are given for."""
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) or None)
        assert isinstance(compiled, SQLCompiler)
        encoders: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                encoders[name] = process
        decoders = (
            tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None)
                for c in statement.selected_columns
            )
            if isinstance(statement, Select)
            else ()
        )
        positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        return cls(compiled.string, positions, encoders, decoders)

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` (by parameter name); the open DBAPI cursor, to read
        ``rowcount``/``fetchone()`` from and close."""
        encoders = self.encoders
        params = {k: encoders[k](v) if k in encoders else v for k, v in values.items()}
        cursor = connection.connection.cursor()
        try:
            with driver_errors(connection, self.sql, params):
                if self.positions is None:
                    cursor.execute(self.sql, params)
                else:
                    cursor.execute(self.sql, [params[name] for name in self.positions])
        except BaseException:
            cursor.close()
            raise
        return cursor

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """A SELECT's rows, each column decoded as the ORM decodes it."""
        cursor = self.run(connection, values)
        try:
            raw = cursor.fetchall()
        finally:
            cursor.close()
        decoders = self.decoders
        if not any(decoders):
            return [tuple(r) for r in raw]
        return [
            tuple(v if d is None or v is None else d(v) for v, d in zip(r, decoders, strict=True))
            for r in raw
        ]
