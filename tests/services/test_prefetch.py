"""The record stream read ahead on a second thread: same items, same order, same errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ontolabel.services.prefetch import prefetched


def test_items_come_in_order_across_batches() -> None:
    assert list(prefetched(iter(range(2_345)), batch=100, ahead=2)) == list(range(2_345))
    assert list(prefetched(iter([]))) == []


def test_the_source_runs_on_another_thread() -> None:
    def source() -> Iterator[str]:
        yield threading.current_thread().name

    (name,) = prefetched(source())
    assert name != threading.current_thread().name


def test_an_error_of_the_source_is_raised_where_the_consumer_meets_it() -> None:
    def source() -> Iterator[int]:
        yield from range(5)
        raise ValueError("line 6 is bad")

    seen: list[int] = []
    with pytest.raises(ValueError, match="line 6 is bad"):
        for value in prefetched(source(), batch=2):
            seen.append(value)
    assert seen == [0, 1, 2, 3, 4]  # everything before the error was delivered first


def test_a_consumer_that_stops_early_stops_the_worker() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for value in range(1_000_000):
            produced.append(value)
            yield value

    stream = prefetched(source(), batch=10, ahead=2)
    assert next(stream) == 0
    stream.close()  # joins the worker
    # it stopped after filling the queue, far from the million it could have made
    assert len(produced) < 100
    assert not any(t.name == "import-prefetch" for t in threading.enumerate())
