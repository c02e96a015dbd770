"""Peak RSS covers a server's whole process tree (pre-forking servers such as gunicorn)."""

import subprocess
import sys
import time

import psutil
from bench.resources import PeakRss, tree_cpu_seconds, tree_rss_bytes

MB = 2**20
# a child holding 150 MB that starts a grandchild holding 100 MB (pages touched, so resident)
TREE = """
import subprocess, sys, time
mine = bytearray(150 * 2**20)
grandchild = subprocess.Popen([sys.executable, "-c",
    "import time; b = bytearray(100 * 2**20); print('ready', flush=True); time.sleep(30)"],
    stdout=subprocess.PIPE)
grandchild.stdout.readline()
print("ready", flush=True)
time.sleep(30)
"""


def test_tree_rss_counts_children_and_grandchildren() -> None:
    proc = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        with PeakRss(proc.pid, interval_s=0.05) as peak:
            time.sleep(0.2)
        rss = tree_rss_bytes(proc.pid)
        assert rss >= 250 * MB
        # two interpreters plus 250 MB of buffers: well under 400 MB
        assert rss < 400 * MB
        assert peak.peak_bytes >= 250 * MB
        assert peak.samples >= 3
    finally:
        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.kill()
        proc.wait()


def test_a_vanished_process_has_no_memory() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert tree_rss_bytes(proc.pid) == 0


def test_tree_cpu_counts_a_busy_grandchild() -> None:
    # the child only waits; its child spins 0.6 s of CPU then sleeps so it is still alive
    spin = ("import time; t = time.process_time()\n"
            "while time.process_time() - t < 0.6: pass\n"
            "print('done', flush=True); time.sleep(30)")
    tree = ("import subprocess, sys, time\n"
            f"g = subprocess.Popen([sys.executable, '-c', {spin!r}], stdout=subprocess.PIPE)\n"
            "g.stdout.readline(); print('ready', flush=True); time.sleep(30)")
    proc = subprocess.Popen([sys.executable, "-c", tree], stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        cpu = tree_cpu_seconds(proc.pid)
        # 0.6 s of spinning plus two interpreter start-ups, well under 3 s; the kernel counts
        # user and system time in 10 ms ticks each, so the spin may read up to 20 ms short
        assert 0.58 <= cpu < 3.0
    finally:
        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.kill()
        proc.wait()
