"""Running a record stream ahead of its consumer on a second thread.

A bulk import has two halves of about equal cost: reading and checking records (Python:
the JSON parser, the record's checks, a stat of each media file) and writing them (the
database's own work). The writes are statements that each insert a whole chunk, during
which the driver releases the GIL (see ``storage.bulk``), so producing the next chunk
while the previous one is written lets the halves share the machine's cores.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

# items handed over at once (a queue operation per item would cost more than it saves)
BATCH = 500
# batches produced ahead of the consumer: bounds the memory the stream holds
AHEAD = 4


class _End:
    """The end of the stream, or the exception that ended it."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def prefetched(source: Iterator[T], *, batch: int = BATCH, ahead: int = AHEAD) -> Iterator[T]:
    """The items of ``source`` in order, produced by a worker thread up to ``ahead``
    batches before they are consumed. An exception raised by ``source`` is raised here,
    where the consumer would have met it; a consumer that stops early stops the worker."""
    handoff: queue.Queue[list[T] | _End] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(value: list[T] | _End) -> bool:
        while not stop.is_set():
            try:
                handoff.put(value, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        chunk: list[T] = []
        try:
            for item in source:
                chunk.append(item)
                if len(chunk) == batch:
                    if not put(chunk):
                        return
                    chunk = []
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer's thread
            # what came before the error is delivered first, as a plain loop would
            if not chunk or put(chunk):
                put(_End(exc))
            return
        if not chunk or put(chunk):
            put(_End())

    worker = threading.Thread(target=produce, name="import-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            got = handoff.get()
            if isinstance(got, _End):
                if got.error is not None:
                    raise got.error
                return
            yield from got
    finally:
        stop.set()
        worker.join()
