"""SQLite's WAL is checkpointed by the background thread, never inside a commit."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from ontolabel.storage.checkpoints import checkpoint
from ontolabel.storage.database import create_database_engine


def _wait_for(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_commits_leave_the_log_to_the_checkpointing_thread(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = create_database_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as c:
            assert c.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
            c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        empty = path.stat().st_size
        # ~4 MB of rows: past the 1,000 pages at which SQLite's own commit would checkpoint
        with engine.begin() as c:
            c.execute(
                text("INSERT INTO t (body) VALUES (:body)"),
                [{"body": f"{i:08d}" * 50} for i in range(10_000)],
            )
        # the rows reach the database file, by the thread, without anyone checkpointing here
        assert _wait_for(lambda: path.stat().st_size > empty + 3_000_000)
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM t").scalar() == 10_000
    finally:
        engine.dispose()


def test_a_database_that_went_away_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = create_database_engine(f"sqlite:///{folder / 'db.sqlite'}")
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    engine.dispose()
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    assert checkpoint(engine) is None  # said, not raised
