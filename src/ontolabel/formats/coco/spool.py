"""A COCO file's annotations kept on disk, grouped by image, until the whole file is read.

COCO files put the annotations of all images in one array, in any order, and may put
``images`` after it, so no image's record can be made before the file's end. Holding the
annotations as Python objects until then costs ~2 KB a box; here they go to temporary files
instead, a few at a time: consecutive annotations of one image (the usual layout) as one
*run*, marshalled (exact for every JSON value, and ~6x faster to load back than JSON).
An image is named by a *bucket*, a small number per distinct ``image_id`` in order of first
appearance, since the images may not be known yet when its annotations are spooled.

Most files list the annotations grouped by image: their runs come in bucket order, and are
appended to a plain file that is read back front to back. Only runs out of that order (an
image's annotations again after another image's) go to an SQLite table, which sorts them;
the two are merged when read. The plain file costs a third of the table, whose rows and
index cost more than the marshalling.
"""

from __future__ import annotations

import heapq
import marshal
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ontolabel.formats.coco.packing import (
    Columns,
    Packed,
    RunPart,
    entries,
    first_index,
    whole,
)

# one annotation as spooled: (section, index in its list, the annotation, maybe packed)
Entry = tuple[int, int, dict[str, Any] | Packed]
# consecutive annotations of one image in one section: (index, annotation) each, or a
# packed run's columns, or (read back) a part of a packed run spooled whole (packing.py)
Run = list[tuple[int, dict[str, Any] | Packed]] | Columns | RunPart
# a run and its section
Piece = tuple[int, Run]
# a run as stored: (bucket, section, index of its first annotation, the run)
_Row = tuple[int, int, int, Run]
RUN = 64  # annotations per run at most, so a run of big masks stays small in memory
BATCH = 1 << 18  # bytes of runs held before they are written (more saves no time)
# before each run in the plain file: its marshalled length, its bucket (so that a few
# buckets are found without loading the others) and whether it is a packed run of several
# buckets (the first one's given)
_HEAD = struct.Struct("<Iq?")
_READ = 1 << 20
NO_BUCKET = -2  # below every bucket (NO_IMAGE, the bucket of no image, is -1)


def _key(row: _Row) -> tuple[int, int, int]:
    return row[0], row[1], row[2]


def _parts(
    buckets: list[int], section: int, run: Columns, sizes: list[int], wanted: set[int] | None
) -> Iterator[_Row]:
    """The rows of a packed run spooled whole: a part of it per bucket."""
    start = 0
    for bucket, size in zip(buckets, sizes, strict=True):
        if wanted is None or bucket in wanted:
            # (tuple.__new__: the named tuple's own __new__ is Python, once an image)
            part = tuple.__new__(RunPart, (run, start, start + size))
            yield bucket, section, run[0] + start, part
        start += size


def _storable(run: Run) -> Run:
    return whole(run) if type(run) is RunPart else run


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
        self._in_table = 0  # runs
        self._rows: list[tuple[int, int, int, bytes]] = []
        self._held = 0
        self._indexed = False
        self._file: BinaryIO = (self._dir / "runs.bin").open("w+b")
        self._parts: list[bytes] = []  # for the plain file, not written yet
        self._parts_held = 0
        # the bucket and section of the last run in the plain file: a run goes there only
        # after it in (bucket, section, first) order, so the file stays sorted
        self._last = (NO_BUCKET, -1)
        self._count = 0  # runs in the plain file
        # per section given twice: the plain file's runs before this number are void
        self._void: dict[int, int] = {}

    def add(self, bucket: int, section: int, run: Run) -> None:
        """Spool consecutive annotations of one bucket, (index in the section, annotation)
        each, RUN at most, in file order."""
        if self._follows(bucket, section):
            # (marshal version 2: no table of shared objects, a third of version 4's time)
            self._append(marshal.dumps((bucket, section, first_index(run), run), 2), bucket)
            self._last = (bucket, section)
            return
        data = marshal.dumps(run)
        self._rows.append((bucket, section, first_index(run), data))
        self._in_table += 1
        self._held += len(data)
        if self._held >= BATCH:
            self._write_rows()

    def add_packed(self, section: int, run: Columns, groups: list[tuple[int, int]]) -> None:
        """Spool a packed run (packing.py) of consecutive annotations of several buckets,
        (bucket, count) each in file order: whole when they come in bucket order (it is read
        back a part per bucket), else a run per bucket."""
        buckets = [bucket for bucket, _ in groups]
        if self._follows(buckets[0], section) and all(map(int.__lt__, buckets, buckets[1:])):
            sizes = [size for _, size in groups]
            self._append(marshal.dumps((buckets, section, run, sizes), 2), buckets[0], True)
            self._last = (buckets[-1], section)
            return
        start = 0
        for bucket, size in groups:
            self.add(bucket, section, whole(RunPart(run, start, start + size)))
            start += size

    def _follows(self, bucket: int, section: int) -> bool:
        """Whether a run of this bucket keeps the plain file in (bucket, section) order."""
        return bucket > self._last[0] or (bucket, section) == self._last

    def _append(self, data: bytes, bucket: int, several: bool = False) -> None:
        self._parts += (_HEAD.pack(len(data), bucket, several), data)
        self._count += 1
        self._parts_held += len(data)
        if self._parts_held >= BATCH:
            self._write_parts()

    def _write_parts(self) -> None:
        self._file.write(b"".join(self._parts))
        self._parts = []
        self._parts_held = 0

    def _write_rows(self) -> None:
        self._db.executemany("INSERT INTO runs VALUES (?, ?, ?, ?)", self._rows)
        self._rows = []
        self._held = 0

    def clear(self, section: int) -> None:
        """Forget a section (a key given twice: as in json.loads, the last one counts)."""
        self.flush()
        self._db.execute("DELETE FROM runs WHERE section = ?", (section,))
        self._void[section] = self._count

    def flush(self) -> None:
        if self._rows:
            self._write_rows()
        if self._parts:
            self._write_parts()

    def _index(self) -> None:
        if not self._indexed:
            self.flush()
            self._db.execute("CREATE INDEX runs_order ON runs (bucket, section, first)")
            self._indexed = True

    def _plain(self, wanted: set[int] | None = None) -> Iterator[_Row]:
        """The plain file's runs (of the ``wanted`` buckets only), in order (bucket order)."""
        self.flush()
        self._file.seek(0)
        void = self._void
        data, pos, number = b"", 0, 0
        while True:
            if len(data) - pos < _HEAD.size:
                data = data[pos:] + self._file.read(_READ)
                pos = 0
                if not data:
                    return
            size, bucket, several = _HEAD.unpack_from(data, pos)
            if len(data) - pos < _HEAD.size + size:
                data = data[pos:] + self._file.read(max(_READ, _HEAD.size + size))
                pos = 0
                continue
            start = pos + _HEAD.size
            pos = start + size
            number += 1
            if several:
                buckets, section, run, sizes = marshal.loads(data[start:pos])
                if number > void.get(section, 0):
                    yield from _parts(buckets, section, run, sizes, wanted)
            elif wanted is None or bucket in wanted:
                row: _Row = marshal.loads(data[start:pos])
                if number > void.get(row[1], 0):
                    yield row

    def _table(self, query: str, args: tuple[Any, ...] = ()) -> Iterator[_Row]:
        for bucket, section, first, data in self._db.execute(query, args):
            yield bucket, section, first, marshal.loads(data)

    def _sorted(self) -> Iterator[_Row]:
        """Every run in (bucket, section, first) order: the file's and the table's merged."""
        if not self._in_table:
            return self._plain()
        self._index()
        table = self._table("SELECT * FROM runs ORDER BY bucket, section, first")
        return heapq.merge(self._plain(), table, key=_key)

    def of(self, bucket: int) -> list[Piece]:
        """One bucket's annotations in file order (sections in order)."""
        if self._count:
            # asked for one bucket at a time (images listed in another order than their
            # annotations): the plain file's runs move to the table, which finds them
            moved = ((b, s, f, marshal.dumps(_storable(run))) for b, s, f, run in self._plain())
            self._db.executemany("INSERT INTO runs VALUES (?, ?, ?, ?)", moved)
            self._in_table += self._count
            self._count = 0
            self._file.truncate(0)
        self._index()
        found = self._db.execute(
            "SELECT section, data FROM runs WHERE bucket = ? ORDER BY section, first", (bucket,)
        )
        return [(section, marshal.loads(data)) for section, data in found]

    def in_order(self, buckets: Iterable[int | None]) -> Iterator[list[Piece]]:
        """The annotations of each of the given buckets in turn (None: of no bucket, none),
        read in one pass over the runs: the buckets must be ascending. (``by_bucket`` and a
        walk along it in one: a generator fewer for each image.)"""
        rows = self._sorted()
        row = next(rows, None)
        for bucket in buckets:
            pieces: list[Piece] = []
            if bucket is not None:
                while row is not None and row[0] < bucket:  # buckets not asked for
                    row = next(rows, None)
                while row is not None and row[0] == bucket:
                    pieces.append((row[1], row[3]))
                    row = next(rows, None)
            yield pieces

    def by_bucket(self) -> Iterator[tuple[int, list[Piece]]]:
        """Every bucket's annotations, in bucket order, each in file order."""
        current: int | None = None
        pieces: list[Piece] = []
        for bucket, section, _, run in self._sorted():
            if bucket != current:
                if current is not None:
                    yield current, pieces
                current, pieces = bucket, []
            pieces.append((section, run))
        if current is not None:
            yield current, pieces

    def of_many(self, buckets: Iterable[int]) -> Iterator[Entry]:
        """The annotations of the given buckets, in no particular order."""
        wanted = set(buckets)
        for _, section, _, run in self._plain(wanted):
            for index, ann in entries(run):
                yield section, index, ann
        self._index()
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (bucket INTEGER PRIMARY KEY)")
        self._db.execute("DELETE FROM wanted")
        self._db.executemany("INSERT INTO wanted VALUES (?)", ((b,) for b in wanted))
        rows = self._db.execute("SELECT section, data FROM runs JOIN wanted USING (bucket)")
        for section, data in rows:
            for index, ann in entries(marshal.loads(data)):
                yield section, index, ann

    def close(self) -> None:
        self._file.close()
        self._db.close()
        shutil.rmtree(self._dir, ignore_errors=True)
