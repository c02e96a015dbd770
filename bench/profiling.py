"""Where a server spends each phase: py-spy samples the server's process tree per phase.

`--profile DIR` writes, for every peer and phase, DIR/<peer>-<phase>.txt (collapsed stacks,
one `frame;frame;... count` per line, the input of flamegraph tools) and DIR/<peer>-<phase>.svg,
and prints the functions with the most inclusive samples. py-spy is a bench-only tool
(`.venv/bin/pip install py-spy`); it attaches to the already running server, so the server
runs unmodified. Sampling costs the server a little time: profiled figures are not the
benchmark's figures.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RATE = 250  # samples per second


def py_spy() -> str | None:
    return shutil.which("py-spy") or next(
        (str(p) for p in [Path(__file__).resolve().parents[1] / ".venv" / "bin" / "py-spy"]
         if p.is_file()), None)


class Profiler:
    def __init__(self, out_dir: Path, executable: str) -> None:
        self.out_dir = out_dir
        self.executable = executable
        out_dir.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def phase(self, peer: str, pid: int, name: str) -> Iterator[None]:
        stem = self.out_dir / f"{re.sub(r'[^a-z0-9]+', '-', peer.lower())}-{name}"
        recorders = [
            subprocess.Popen(
                [self.executable, "record", "-p", str(pid), "--subprocesses", "--nonblocking",
                 "-r", str(RATE), "-f", fmt, "-o", f"{stem}.{ext}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for fmt, ext in (("raw", "txt"), ("flamegraph", "svg"))
        ]
        time.sleep(0.5)  # let py-spy attach before the phase starts
        try:
            yield
        finally:
            for rec in recorders:
                rec.send_signal(signal.SIGINT)
            for rec in recorders:
                try:
                    rec.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    rec.kill()
                    rec.wait()


def _stacks(collapsed: Path) -> Iterator[tuple[list[str], int]]:
    for line in collapsed.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack and n.isdigit():
            yield stack.split(";"), int(n)


def inclusive(collapsed: Path, top: int = 25, only: str = "") -> tuple[int, list[tuple[str, int]]]:
    """Total samples and the `top` frames (containing `only`) by inclusive samples; each
    frame counts once per stack, so recursion does not inflate it."""
    counts: Counter[str] = Counter()
    total = 0
    for frames, n in _stacks(collapsed):
        total += n
        for frame in set(frames):
            if only in frame:
                counts[frame] += n
    return total, counts.most_common(top)


def self_time(collapsed: Path, top: int = 10) -> list[tuple[str, int]]:
    """The `top` leaf frames: where the samples actually were."""
    counts: Counter[str] = Counter()
    for frames, n in _stacks(collapsed):
        counts[frames[-1]] += n
    return counts.most_common(top)
