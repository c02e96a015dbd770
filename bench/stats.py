"""Latency summaries: percentiles and throughput from a list of per-request durations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks.

    This is the "linear" definition (numpy's default, Excel's PERCENTILE.INC), so the
    figures can be reproduced from the raw timings saved with --json by any of those tools.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile {q} outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class LatencySummary:
    """Per-request latencies in milliseconds and the throughput of the whole sequence."""

    count: int
    wall_s: float
    per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def summarize(durations_s: Sequence[float], wall_s: float) -> LatencySummary:
    """Summarise request durations (seconds) measured one after another over `wall_s`."""
    ms = [d * 1000.0 for d in durations_s]
    return LatencySummary(
        count=len(ms),
        wall_s=wall_s,
        per_s=len(ms) / wall_s if wall_s > 0 else math.inf,
        p50_ms=percentile(ms, 50),
        p95_ms=percentile(ms, 95),
        p99_ms=percentile(ms, 99),
        max_ms=max(ms),
    )
