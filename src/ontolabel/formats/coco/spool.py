"""A COCO file's annotations kept on disk, grouped by image, until the whole file is read.

COCO files put the annotations of all images in one array, in any order, and may put
``images`` after it, so no image's record can be made before the file's end. Holding the
annotations as Python objects until then costs ~2 KB a box; here they go to a temporary
SQLite file instead, a few at a time: consecutive annotations of one image (the usual layout)
share one row, marshalled (exact for every JSON value, and ~6x faster to load back than JSON).
An image is named by a *bucket*, a small number per distinct ``image_id``, since the images
may not be known yet when its annotations are spooled.
"""

from __future__ import annotations

import marshal
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ontolabel.formats.coco.packing import Packed

# one annotation as spooled: (section, index in its list, the annotation, maybe packed)
Entry = tuple[int, int, dict[str, Any] | Packed]
# consecutive annotations of one image in one section: (index, annotation) each
Run = list[tuple[int, dict[str, Any] | Packed]]
# a run and its section
Piece = tuple[int, Run]
RUN = 64  # annotations per row at most, so a row of big masks stays small in memory
BATCH = 1 << 18  # bytes of rows held before they are written (more saves no time)


class AnnotationSpool:
    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="ontolabel-coco-"))
        self._db = sqlite3.connect(self._dir / "spool.db", isolation_level=None)
        # a scratch file, deleted at the end: nothing to recover after a crash
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA temp_store=FILE")  # the index build sorts on disk too
        self._db.execute(
            "CREATE TABLE runs (bucket INTEGER NOT NULL, section INTEGER NOT NULL, "
            "first INTEGER NOT NULL, data BLOB NOT NULL)"
        )
        self._db.execute("BEGIN")
        self._rows: list[tuple[int, int, int, bytes]] = []
        self._held = 0
        self._indexed = False

    def add(self, bucket: int, section: int, run: Run) -> None:
        """Spool consecutive annotations of one bucket, (index in the section, annotation)
        each, RUN at most (one row)."""
        data = marshal.dumps(run)
        self._rows.append((bucket, section, run[0][0], data))
        self._held += len(data)
        if self._held >= BATCH:
            self._write()

    def _write(self) -> None:
        self._db.executemany("INSERT INTO runs VALUES (?, ?, ?, ?)", self._rows)
        self._rows = []
        self._held = 0

    def clear(self, section: int) -> None:
        """Forget a section (a key given twice: as in json.loads, the last one counts)."""
        self.flush()
        self._db.execute("DELETE FROM runs WHERE section = ?", (section,))

    def flush(self) -> None:
        if self._rows:
            self._write()

    def _index(self) -> None:
        if not self._indexed:
            self.flush()
            self._db.execute("CREATE INDEX runs_order ON runs (bucket, section, first)")
            self._indexed = True

    def of(self, bucket: int) -> list[Piece]:
        """One bucket's annotations in file order (sections in order)."""
        self._index()
        rows = self._db.execute(
            "SELECT section, data FROM runs WHERE bucket = ? ORDER BY section, first", (bucket,)
        )
        return [(section, marshal.loads(data)) for section, data in rows]

    def by_bucket(self) -> Iterator[tuple[int, list[Piece]]]:
        """Every bucket's annotations, in bucket order, each in file order."""
        self._index()
        rows = self._db.execute(
            "SELECT bucket, section, data FROM runs ORDER BY bucket, section, first"
        )
        loads = marshal.loads
        current: int | None = None
        pieces: list[Piece] = []
        for bucket, section, data in rows:
            if bucket != current:
                if current is not None:
                    yield current, pieces
                current, pieces = bucket, []
            pieces.append((section, loads(data)))
        if current is not None:
            yield current, pieces

    def of_many(self, buckets: Iterable[int]) -> Iterator[Entry]:
        """The annotations of the given buckets, in no particular order."""
        self._index()
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (bucket INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((b,) for b in buckets))
        rows = self._db.execute(
            "SELECT section, data FROM runs JOIN wanted USING (bucket) ORDER BY section, first"
        )
        for section, data in rows:
            for index, ann in marshal.loads(data):
                yield section, index, ann

    def close(self) -> None:
        self._db.close()
        shutil.rmtree(self._dir, ignore_errors=True)
