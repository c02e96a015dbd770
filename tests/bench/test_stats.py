"""Percentiles are numpy's default ("linear") definition, so saved raw timings reproduce them."""

import numpy as np
import pytest
from bench.stats import percentile, summarize


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([5.0], 99, 5.0),
        ([3.0, 1.0, 2.0], 0, 1.0),
        ([3.0, 1.0, 2.0], 100, 3.0),
        (list(range(1, 101)), 99, 99.01),
        (list(range(1, 101)), 95, 95.05),
    ],
)
def test_percentile_known_values(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_agrees_with_numpy_linear() -> None:
    rng = np.random.default_rng(3)
    for size in (2, 7, 100, 1001):
        values = rng.lognormal(3.0, 1.0, size).tolist()
        for q in (1, 50, 90, 95, 99, 99.9):
            assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_refuses_empty_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary_in_milliseconds_and_throughput_over_the_wall_time() -> None:
    s = summarize([0.010, 0.020, 0.030, 0.040], wall_s=0.2)
    assert s.count == 4
    assert s.per_s == pytest.approx(20.0)
    assert s.p50_ms == pytest.approx(25.0)
    assert s.max_ms == pytest.approx(40.0)
    assert s.p99_ms == pytest.approx(39.7)
