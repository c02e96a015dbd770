"""CPU time and peak resident memory of a server's whole process tree.

CPU seconds spent by the server per phase are the load-independent figure: wall-clock
latency on a shared 2-core machine also measures everybody else's work, CPU time much less.

Peak RSS is sampled while the workload runs.
A per-process high-water mark (VmHWM) cannot be summed: the workers of a pre-forking server
peak at different moments. So the sum of RSS over the tree is sampled on a background thread;
the interval is short against the phases measured (seconds) and the sampler costs well under
1% of a core, which matters on the 2-core benchmark machine.
"""

from __future__ import annotations

import threading
import time

import psutil  # type: ignore[import-untyped]  # bench-only, no stubs installed


def tree_rss_bytes(root_pid: int) -> int:
    """Sum of RSS of `root_pid` and all its descendants; vanished processes count as 0."""
    try:
        root = psutil.Process(root_pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds of `root_pid` and its live descendants (plus the children
    they have already waited for)."""
    try:
        root = psutil.Process(root_pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


class PeakRss:
    """Samples tree_rss_bytes(root_pid) every `interval_s` until stopped; keeps the peak."""

    def __init__(self, root_pid: int, interval_s: float = 0.1) -> None:
        self.root_pid = root_pid
        self.interval_s = interval_s
        self.peak_bytes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> PeakRss:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def sample(self) -> int:
        rss = tree_rss_bytes(self.root_pid)
        self.peak_bytes = max(self.peak_bytes, rss)
        self.samples += 1
        return rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()


def wait_rss_settled(root_pid: int, timeout_s: float = 5.0) -> int:
    """RSS of the tree once it stops changing by more than 1% (or after timeout_s)."""
    deadline = time.monotonic() + timeout_s
    last = tree_rss_bytes(root_pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = tree_rss_bytes(root_pid)
        if abs(now - last) <= 0.01 * max(last, 1):
            return now
        last = now
    return last
