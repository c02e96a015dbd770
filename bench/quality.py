"""Quality benchmark: ontolabel.quality against its peers, measured in the same run.

Agreement cases (issue 3), point estimates only (``ci=False``):

- Krippendorff's α, nominal, 5 raters x 1,000,000 units x 10 categories, 10% missing, against
  the ``krippendorff`` package: at least 30x faster;
- Fleiss' κ from raw ratings, 1,000,000 units x 5 raters, against statsmodels'
  ``aggregate_raters`` + ``fleiss_kappa``: at least 10x faster;
- Cohen's κ on 1,000,000 pairs against scikit-learn's ``cohen_kappa_score``: at least as fast.

Each side starts from what its API takes (ours: the integer code array through
``Ratings.from_codes``, which is timed; the peers: their documented inputs, built untimed),
and both answers are compared after the clock stops. Cases from bench/quality_geometry.py run
too when that module is there. ``--scale`` shrinks every input (the fast test uses it).

    .venv/bin/python bench/quality.py                 # full size (about a minute)
    .venv/bin/python bench/quality.py --scale 0.01    # quick
    .venv/bin/python bench/quality.py --json /tmp/quality.json
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The bench package lives at the checkout root, which a script run does not put on sys.path.
if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bench.quality_cases import BenchCase
from ontolabel.quality.agreement import (
    AgreementResult,
    Ratings,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)

PEER_SLOW_S = 2.0  # a peer slower than this is timed once, not `repeat` times


def random_codes(units: int, raters: int, q: int, missing: float, seed: int) -> np.ndarray:
    """Ratings with real agreement: a true category per unit kept by each rater 70% of the
    time, otherwise a random category; ``missing`` of the cells left empty (-1)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, q, units)
    noise = rng.integers(0, q, (units, raters))
    codes = np.where(rng.random((units, raters)) < 0.7, truth[:, None], noise).astype(np.int32)
    if missing:
        codes[rng.random((units, raters)) < missing] = -1
    return codes


def agreement_cases(scale: float = 1.0) -> list[BenchCase]:
    units = max(200, int(1_000_000 * scale))
    inputs: dict[str, Any] = {}

    def build_alpha() -> None:
        if "alpha" not in inputs:
            codes = random_codes(units, 5, 10, 0.10, seed=1)
            reliability = np.where(codes >= 0, codes, np.nan).T.astype(np.float64)
            inputs["alpha"] = (codes, reliability)

    def build_fleiss() -> None:
        if "fleiss" not in inputs:
            inputs["fleiss"] = random_codes(units, 5, 10, 0.0, seed=2)

    def build_cohen() -> None:
        if "cohen" not in inputs:
            codes = random_codes(units, 2, 10, 0.0, seed=3)
            inputs["cohen"] = (codes, codes[:, 0].copy(), codes[:, 1].copy())

    def our_alpha() -> object:
        codes = inputs["alpha"][0]
        return krippendorff_alpha(Ratings.from_codes(codes, range(10)), level="nominal", ci=False)

    def peer_alpha() -> object:
        import krippendorff

        return krippendorff.alpha(
            reliability_data=inputs["alpha"][1],
            level_of_measurement="nominal",
            value_domain=list(range(10)),
        )

    def our_fleiss() -> object:
        return fleiss_kappa(Ratings.from_codes(inputs["fleiss"], range(10)), ci=False)

    def peer_fleiss() -> object:
        from statsmodels.stats.inter_rater import aggregate_raters
        from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

        table, _ = aggregate_raters(inputs["fleiss"])
        return sm_fleiss_kappa(table, method="fleiss")

    def our_cohen() -> object:
        return cohen_kappa(Ratings.from_codes(inputs["cohen"][0], range(10)), ci=False)

    def peer_cohen() -> object:
        from sklearn.metrics import cohen_kappa_score

        return cohen_kappa_score(inputs["cohen"][1], inputs["cohen"][2])

    return [
        BenchCase(
            name=f"Krippendorff α nominal, 5 raters x {units:,} units x 10 cat., 10% missing",
            ours=our_alpha,
            peer=peer_alpha,
            peer_name="krippendorff.alpha",
            target_ratio=30.0,
            setup=build_alpha,
        ),
        BenchCase(
            name=f"Fleiss κ from raw ratings, {units:,} units x 5 raters",
            ours=our_fleiss,
            peer=peer_fleiss,
            peer_name="statsmodels aggregate_raters + fleiss_kappa",
            target_ratio=10.0,
            setup=build_fleiss,
        ),
        BenchCase(
            name=f"Cohen κ, {units:,} pairs",
            ours=our_cohen,
            peer=peer_cohen,
            peer_name="sklearn cohen_kappa_score",
            target_ratio=1.0,
            setup=build_cohen,
        ),
    ]


def contributed_cases(scale: float) -> list[BenchCase]:
    """Cases of other quality modules (bench/quality_geometry.py, ...) that exist."""
    out: list[BenchCase] = []
    for name in ("bench.quality_geometry",):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        cases: Callable[..., list[BenchCase]] = module.cases
        out.extend(cases(scale) if inspect.signature(cases).parameters else cases())
    return out


@dataclass
class Measured:
    case: BenchCase
    ours_ms: float
    peer_ms: float | None
    same_answer: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.peer_ms is None or self.ours_ms <= 0:
            return None
        return self.peer_ms / self.ours_ms

    @property
    def passed(self) -> bool:
        if self.case.target_ms is not None:
            return self.ours_ms <= self.case.target_ms
        return self.ratio is not None and self.ratio >= (self.case.target_ratio or 0.0)

    def target(self) -> str:
        if self.case.target_ms is not None:
            return f"< {self.case.target_ms:g} ms"
        return f">= {self.case.target_ratio:g}x"

    def to_dict(self) -> dict[str, object]:
        return {
            "case": self.case.name,
            "ours_ms": self.ours_ms,
            "peer": self.case.peer_name or None,
            "peer_ms": self.peer_ms,
            "ratio": self.ratio,
            "target": self.target(),
            "pass": self.passed,
            "same_answer": self.same_answer,
            "note": self.note,
        }


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        if best > PEER_SLOW_S:
            break
    return best * 1000.0, result


def as_number(value: object) -> float | None:
    if isinstance(value, AgreementResult):
        return value.value
    if isinstance(value, int | float | np.floating):
        return float(value)
    return None


def measure(case: BenchCase, repeat: int | None) -> Measured:
    if case.setup is not None:
        case.setup()
    times = repeat if repeat is not None else case.repeat
    case.ours()  # warm: imports, caches
    if case.peer is None:
        ours_ms, ours = best_of(case.ours, times)
        return Measured(case, ours_ms, None, None)
    # the two sides take turns, so a change in the machine's load during the case falls on
    # both alike (timing all of ours and then all of the peer's let drift pick a winner)
    ours_ms = peer_ms = math.inf
    ours = theirs = None
    for _ in range(max(1, times)):
        ran_ms, ours = best_of(case.ours, 1)
        ours_ms = min(ours_ms, ran_ms)
        ran_ms, theirs = best_of(case.peer, 1)
        peer_ms = min(peer_ms, ran_ms)
        if peer_ms > PEER_SLOW_S * 1000.0:
            break
    a, b = as_number(ours), as_number(theirs)
    same = None if a is None or b is None else bool(abs(a - b) <= 1e-9 * max(1.0, abs(b)))
    note = "" if a is None or b is None else f"ours {a:.6f}, peer {b:.6f}"
    return Measured(case, ours_ms, peer_ms, same, note)


def render(results: list[Measured]) -> str:
    header = ("case", "ours ms", "peer ms", "peer", "ratio", "target", "result")
    rows = [
        (
            r.case.name,
            f"{r.ours_ms:,.1f}",
            "-" if r.peer_ms is None else f"{r.peer_ms:,.1f}",
            r.case.peer_name or "-",
            "-" if r.ratio is None else f"{r.ratio:,.1f}x",
            r.target(),
            ("PASS" if r.passed else "FAIL")
            + ("" if r.same_answer is not False else " (answers differ)"),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="input size factor (1 = issue's)")
    parser.add_argument("--repeat", type=int, default=None, help="best of N runs per side")
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    cases = agreement_cases(args.scale) + contributed_cases(args.scale)
    cases = [c for c in cases if args.only.lower() in c.name.lower()]
    load_before = os.getloadavg()
    results = []
    for case in cases:
        print(f"... {case.name}", file=sys.stderr, flush=True)
        results.append(measure(case, args.repeat))
    load_after = os.getloadavg()
    print(render(results))
    for r in results:
        if r.note:
            print(f"  {r.case.name}: {r.note}")
    print(
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}; numpy {np.__version__}"
    )
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "load_average": [load_before[0], load_after[0]],
                    "results": [r.to_dict() for r in results],
                },
                indent=2,
            )
        )
    failed = [r for r in results if r.same_answer is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
