"""SQLite's WAL checkpoints on a background thread, never in a request.

In WAL mode a commit appends to the write-ahead log; a checkpoint copies the log back into
the database file (and syncs it). By default SQLite runs one inside whichever commit pushes
the log past 1,000 pages, so that request pays for everybody's writes: a 10,000-item import
spent 20 of its ~75 ms of database work checkpointing (3 ms without).

Here connections do not checkpoint on commit; a commit asks this module's one thread to
checkpoint that database, at most once per ``INTERVAL``. A passive checkpoint waits for no
one: it copies what no reader still needs and leaves the rest for the next. The log is so
kept to about what ``INTERVAL`` of writes add to it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine

# seconds between checkpoints of one database, at most
INTERVAL = 1.0

_log = logging.getLogger(__name__)


class _Checkpointer:
    """The process's one checkpointing thread, started by the first request."""

    def __init__(self) -> None:
        self._due: dict[weakref.ref[Engine], float] = {}
        self._last: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def request(self, engine: Engine) -> None:
        with self._wake:
            key = weakref.ref(engine)
            if key in self._due:
                return  # one is planned already
            self._due[key] = self._last.get(engine, 0.0) + INTERVAL
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="sqlite-checkpoints", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._due:
                    self._wake.wait()
                now = time.monotonic()
                key, due = min(self._due.items(), key=lambda kv: kv[1])
                if due > now:
                    self._wake.wait(due - now)
                    continue
                del self._due[key]
            engine = key()
            if engine is None:
                continue  # its workspace is gone
            checkpoint(engine)
            with self._wake:
                self._last[engine] = time.monotonic()


def checkpoint(engine: Engine) -> Any:
    """A passive checkpoint of ``engine``'s database now: (busy, log pages, checkpointed),
    or None when it could not run (a database closed or removed meanwhile, say)."""
    try:
        raw = engine.raw_connection()
        try:
            return raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()  # type: ignore[union-attr]
        finally:
            raw.close()
    except Exception as exc:  # noqa: BLE001 - a later checkpoint or SQLite's own on close catch up
        _log.debug("checkpoint of %s skipped: %s", engine.url, exc)
        return None


_checkpointer = _Checkpointer()


def checkpoint_soon(engine: Engine) -> None:
    """Ask for a checkpoint of ``engine``'s database off this thread (see the module)."""
    _checkpointer.request(engine)
