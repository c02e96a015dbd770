"""bench/formats.py keeps running: both sides, every phase, at a tiny scale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".venv-peers" / "bin" / "python"


def test_formats_bench_runs_every_phase_at_a_tiny_scale(tmp_path: Path) -> None:
    if not PEERS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{PEERS} is missing: make peers")
        pytest.skip("the peers' virtualenv is not built here (make peers)")
    out = tmp_path / "formats.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "formats.py"), "--scale", "0.0005", "--services"]
        + ["--json", str(out), "--workdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout or "FAIL" in done.stdout
    figures = json.loads(out.read_text())
    assert figures["workload"] == {"images": 50, "boxes": 500, "seed": 4}
    rows = {(r["format"], r["phase"]): r for r in figures["results"]}
    phases = ("export", "import", "export via services")
    assert set(rows) == {(f, p) for f in ("coco", "yolo") for p in phases}
    for row in rows.values():
        # every phase of both sides saw every image and box (a miscount is a note)
        assert row["notes"] == [], row
        for side in ("ours", "datumaro"):
            assert row[side]["images"] == 50 and row[side]["boxes"] == 500
            assert row[side]["seconds"] > 0 and row[side]["peak_rss_mb"] > 10
            assert row[side]["cpu_seconds"] > 0
        assert row["ratio"] == pytest.approx(row["datumaro"]["seconds"] / row["ours"]["seconds"])
    # the work folder is removed after the run
    assert [p.name for p in tmp_path.iterdir()] == ["formats.json"]


def test_the_workload_is_seeded_and_every_box_lies_inside_its_image(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import formats  # bench/formats.py, a script
    finally:
        sys.path.pop(0)
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    formats.make_workload(a, 200, 2000)
    formats.make_workload(b, 200, 2000)
    x, y = np.load(a), np.load(b)
    assert all(np.array_equal(x[k], y[k]) for k in x.files)
    starts, boxes, sizes = x["starts"], x["boxes"], x["sizes"]
    assert starts[0] == 0 and starts[-1] == 2000 and len(starts) == 201
    owner = np.repeat(np.arange(200), np.diff(starts))
    assert (boxes[:, 0] < boxes[:, 2]).all() and (boxes[:, 1] < boxes[:, 3]).all()
    assert (boxes[:, 2] <= sizes[owner, 0]).all() and (boxes[:, 3] <= sizes[owner, 1]).all()
