"""A workspace: one database plus one data directory (media, staging, caches)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ontolabel.storage.blobs import BlobStore
from ontolabel.storage.database import WRITE_OPTION, create_database_engine, migrate

DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024**3


@dataclass
class Settings:
    # largest media file or import file accepted, in bytes
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    # argon2id cost; the defaults follow RFC 9106's second recommended option (64 MiB, t=3).
    # Tests lower them: hashing strength is not what they check.
    argon2_memory_kib: int = 65536
    argon2_time_cost: int = 3
    session_days: int = 14


@dataclass
class Workspace:
    data_dir: Path
    database_url: str
    engine: Engine
    blobs: BlobStore
    settings: Settings = field(default_factory=Settings)
    # parsed ontologies by (project id, version): versions are immutable once written, so
    # parsing each once keeps validation off the hot path of every save
    ontology_cache: dict[tuple[int, int], Any] = field(default_factory=dict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)
    _writer: sessionmaker[Session] = field(init=False, repr=False)
    _reader: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._writer = sessionmaker(
            bind=self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @classmethod
    def open(
        cls, data_dir: Path, database_url: str | None = None, *, settings: Settings | None = None
    ) -> Workspace:
        """Open (creating if needed) the workspace at ``data_dir`` and migrate its database.
        Without ``database_url`` the database is ``data_dir/ontolabel.db`` (SQLite)."""
        data_dir = Path(data_dir).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        url = database_url or f"sqlite:///{data_dir / 'ontolabel.db'}"
        engine = create_database_engine(url)
        migrate(engine)
        ws = cls(
            data_dir=data_dir,
            database_url=url,
            engine=engine,
            blobs=BlobStore(data_dir / "media"),
            settings=settings or Settings(),
        )
        ws.tmp_dir.mkdir(parents=True, exist_ok=True)
        return ws

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work that may write: committed on success, rolled back on error."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work (on SQLite it does not take the write lock)."""
        with self._reader() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
