"""bench/quality.py keeps running: every case at a tiny scale, answers equal to the peers'."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench.quality_cases import BenchCase

ROOT = Path(__file__).resolve().parents[2]


def test_quality_bench_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "quality.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "quality.py"),
            "--scale",
            "0.001",
            "--repeat",
            "1",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS" in result.stdout or "FAIL" in result.stdout
    figures = json.loads(out.read_text())
    names = [r["case"] for r in figures["results"]]
    assert any(n.startswith("Krippendorff α nominal") for n in names)
    assert any(n.startswith("Fleiss κ") for n in names)
    assert any(n.startswith("Cohen κ") for n in names)
    for row in figures["results"]:
        assert row["ours_ms"] > 0
        if row["peer"] is not None:
            assert row["peer_ms"] > 0 and row["ratio"] > 0
        # The agreement cases compare answers: ours must equal the peer's.
        if row["same_answer"] is not None:
            assert row["same_answer"], row


def test_bench_case_needs_one_target() -> None:
    with pytest.raises(ValueError):
        BenchCase(name="x", ours=lambda: None)
    with pytest.raises(ValueError):
        BenchCase(name="x", ours=lambda: None, target_ratio=2.0)
    assert BenchCase(name="x", ours=lambda: None, target_ms=5.0).target_ms == 5.0
