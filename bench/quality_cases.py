"""The shape of one quality benchmark case, shared by bench/quality.py and its peers' modules.

A module that contributes cases (bench/quality_geometry.py, ...) exposes
``def cases(scale: float = 1.0) -> list[BenchCase]``; ``scale`` below 1 shrinks the inputs so the
fast test in tests/bench/ can run every case in seconds. bench/quality.py times ``ours`` and
``peer`` in the same run and prints ours, peer, their ratio and PASS/FAIL against the target.

A case has a ratio target (``peer time / our time`` at least ``target_ratio``; 1.0 means "at
least as fast") or an absolute one (``target_ms``: our time at most this many milliseconds).
A case with no peer (``peer is None``) can only have an absolute target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchCase:
    name: str
    ours: Callable[[], object]
    peer: Callable[[], object] | None = None
    peer_name: str = ""
    target_ratio: float | None = None
    target_ms: float | None = None
    # Runs before timing, not timed: building inputs, warming imports and caches.
    setup: Callable[[], object] | None = None
    repeat: int = 3  # best of `repeat` runs is reported for each side

    def __post_init__(self) -> None:
        if (self.target_ratio is None) == (self.target_ms is None):
            raise ValueError(f"{self.name}: give exactly one of target_ratio or target_ms")
        if self.target_ratio is not None and self.peer is None:
            raise ValueError(f"{self.name}: a ratio target needs a peer")
