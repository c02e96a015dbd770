"""Side-by-side server benchmark: ontolabel against Label Studio, one workload, one run.

    .venv/bin/python bench/server.py                    # full run (10,000 items, 1,000 saves)
    .venv/bin/python bench/server.py --items 500 --saves 100 --json out.json   # quick run

See bench/README.md for what is measured, how, and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from typing import Any

# run as a script (python bench/server.py) or as a module (python -m bench.server): the bench
# package lives at the checkout root, which a script run does not put on sys.path
if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console
from rich.table import Table

from bench.labelstudio import (
    LabelStudio,
    RunningLabelStudio,
    default_scripts_dir,
    unavailable_reason,
)
from bench.ontolabel_peer import Ontolabel, RunningOntolabel
from bench.profiling import RATE, Profiler, inclusive, py_spy, self_time
from bench.report import compare, render, rows_as_json
from bench.workload import Peer, PeerResult, PhaseHook, make_tasks, no_hook, run_workload

# a pipe or a log file gets the full table, not one squeezed to 80 columns
console = Console(width=None if sys.stdout.isatty() else 132)


def log(message: str) -> None:
    console.log(message)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    root = Path(__file__).resolve().parents[1]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--items", type=int, default=10_000, help="image items imported (10000)")
    p.add_argument("--saves", type=int, default=1_000, help="annotation saves of 3 boxes (1000)")
    p.add_argument("--pages", type=int, default=100,
                   help="100-item pages of the item list walked in order (100)")
    p.add_argument("--warmup", type=int, default=10,
                   help="unmeasured saves and page reads before measuring (10)")
    p.add_argument("--json", type=Path, help="save all figures (and raw timings) to this file")
    p.add_argument("--only", choices=("ontolabel", "labelstudio"),
                   help="run one side only (no ratios)")
    p.add_argument("--phase-timeout", type=float, default=600.0,
                   help="seconds any one phase may take (bounds the run; 600)")
    p.add_argument("--start-timeout", type=float, default=600.0,
                   help="seconds a server may take to start (600)")
    p.add_argument("--profile", type=Path, metavar="DIR",
                   help="sample each phase of each server with py-spy into DIR (see profiling.py)")
    p.add_argument("--keep-data", action="store_true", help="keep the servers' data directories")
    g = p.add_argument_group("ontolabel")
    g.add_argument("--ontolabel", type=Path, default=root / ".venv" / "bin" / "ontolabel",
                   help="the ontolabel executable (the checkout's .venv)")
    g.add_argument("--ontolabel-url", help="use an ontolabel already serving here")
    g.add_argument("--ontolabel-pid", type=int, help="its server pid (for RSS)")
    g.add_argument("--ontolabel-token", help="its API token")
    g = p.add_argument_group("Label Studio")
    g.add_argument("--ls-scripts", type=Path, default=default_scripts_dir(),
                   help="folder with ls_start.sh, ls_start_gunicorn.sh, ls_stop.sh")
    g.add_argument("--ls-venv", type=Path, default=Path(os.environ.get("LS_VENV", "/tmp/lsvenv")),
                   help="virtualenv where label-studio is installed (/tmp/lsvenv)")
    g.add_argument("--ls-workers", type=int, default=4, help="gunicorn workers (4)")
    g.add_argument("--ls-devserver", action="store_true",
                   help="use Label Studio's development server instead of gunicorn (unfair to it)")
    g.add_argument("--ls-url", help="use a Label Studio already serving here (token auth)")
    g.add_argument("--ls-pid", type=int, help="its server root pid (for RSS)")
    args = p.parse_args(argv)
    if args.items < 1 or args.saves < 1 or args.pages < 1:
        p.error("--items, --saves and --pages must be positive")
    if args.ontolabel_url and not (args.ontolabel_pid and args.ontolabel_token):
        p.error("--ontolabel-url needs --ontolabel-pid and --ontolabel-token")
    if args.ls_url and not args.ls_pid:
        p.error("--ls-url needs --ls-pid")
    return args


def make_ontolabel(args: argparse.Namespace) -> Peer:
    if args.ontolabel_url:
        return RunningOntolabel(args.ontolabel_url, args.ontolabel_pid, args.ontolabel_token)
    return Ontolabel(args.ontolabel, keep_data=args.keep_data, start_timeout_s=args.start_timeout)


def make_labelstudio(args: argparse.Namespace) -> tuple[Peer | None, str]:
    if args.ls_url:
        peer = RunningLabelStudio(args.ls_url, args.ls_pid)
        return peer, peer.describe()
    reason = unavailable_reason(args.ls_scripts, args.ls_venv)
    if reason:
        return None, reason
    fresh = LabelStudio(args.ls_scripts, args.ls_venv, args.ls_workers, not args.ls_devserver,
                        args.keep_data, args.start_timeout)
    return fresh, fresh.describe()


def phase_hook(peer: Peer, profiler: Profiler | None) -> PhaseHook:
    if profiler is None:
        return no_hook
    return lambda name: profiler.phase(peer.name, peer.root_pid, name)


def print_profile(profiler: Profiler, console: Console) -> None:
    """Per phase: ontolabel's own functions by inclusive share, then the hottest leaves."""
    for collapsed in sorted(profiler.out_dir.glob("*.txt")):
        own = "ontolabel/" if collapsed.stem.startswith("ontolabel") else ""
        total, top = inclusive(collapsed, top=15, only=own)
        table = Table(title=f"{collapsed.stem}: {total} samples at {RATE}/s "
                            f"(flame graph: {collapsed.with_suffix('.svg')})")
        table.add_column("share", justify="right")
        table.add_column("frame (inclusive)" if own else "frame (inclusive, all)")
        for frame, n in top:
            table.add_row(f"{100.0 * n / max(total, 1):.0f}%", frame)
        table.add_section()
        for frame, n in self_time(collapsed, top=8):
            table.add_row(f"{100.0 * n / max(total, 1):.0f}%", f"[dim]self:[/] {frame}")
        console.print(table)


def run_peer(peer: Peer, args: argparse.Namespace,
             profiler: Profiler | None = None) -> PeerResult | str:
    """The peer's figures, or why it could not be measured (the run goes on without it)."""
    tasks = make_tasks(args.items)
    t0 = time.perf_counter()
    try:
        log(f"starting {peer.name}")
        peer.start()
        log(f"{peer.name} up after {time.perf_counter() - t0:.1f} s at {peer.base_url} "
            f"(pid {peer.root_pid})")
        started_s = time.perf_counter() - t0
        load_before = os.getloadavg()[0]
        result = run_workload(peer, tasks, args.saves, args.pages, args.phase_timeout, log,
                              warmup=args.warmup, phase=phase_hook(peer, profiler))
        result.figures["start_s"] = started_s
        # other work on the machine skews every figure: say how busy it was
        result.figures["load_avg_1min"] = [load_before, os.getloadavg()[0]]
        return result
    except Exception as exc:  # a failed side is reported, the other side's figures still count
        console.print(f"[bold red]{peer.name} failed:[/] {exc}")
        traceback.print_exc()
        return f"failed: {exc}"
    finally:
        try:
            peer.stop()
        except Exception as exc:
            console.print(f"[red]stopping {peer.name} failed:[/] {exc}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console.print(f"workload: {args.items:,} image items, {args.saves:,} saves of 3 boxes, "
                  f"{args.pages} list pages, JSON and COCO export; "
                  f"{os.cpu_count()} CPUs, Python {platform.python_version()}")
    out: dict[str, Any] = {
        "workload": {"items": args.items, "saves": args.saves, "pages": args.pages,
                     "warmup": args.warmup},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "peers": {},
    }
    results: dict[str, PeerResult | str] = {}
    profiler = None
    if args.profile:
        spy = py_spy()
        if spy is None:
            console.print("[red]--profile needs py-spy (.venv/bin/pip install py-spy)[/]")
            return 2
        profiler = Profiler(args.profile, spy)
    if args.only != "labelstudio":
        results["ontolabel"] = run_peer(make_ontolabel(args), args, profiler)
    if args.only != "ontolabel":
        ls, description = make_labelstudio(args)
        if ls is None:
            console.print(f"[yellow]Label Studio skipped:[/] {description}")
            results["labelstudio"] = f"skipped: {description}"
        else:
            console.print(f"peer: {description}")
            results["labelstudio"] = run_peer(ls, args, profiler)

    for key, res in results.items():
        if isinstance(res, PeerResult):
            out["peers"][key] = {"figures": res.figures, "notes": res.notes, "raw": res.raw}
            for note in res.notes:
                console.print(f"[yellow]{res.name}:[/] {note}")
        else:
            out["peers"][key] = {"status": res}
    ours = results.get("ontolabel")
    theirs = results.get("labelstudio")
    rows = compare(ours.figures if isinstance(ours, PeerResult) else None,
                   theirs.figures if isinstance(theirs, PeerResult) else None)
    render(rows, f"{args.items:,} image items, {args.saves:,} saves, loopback, one client thread",
           "Label Studio", console)
    for key, res in results.items():
        if isinstance(res, str):
            console.print(f"[yellow]{key}:[/] {res}")
    for res in results.values():
        if isinstance(res, PeerResult):
            load = res.figures.get("load_avg_1min", [0.0, 0.0])
            console.print(f"{res.name}: machine load average {load[0]:.1f} before, "
                          f"{load[1]:.1f} after ({os.cpu_count()} CPUs)")
    if profiler is not None:
        print_profile(profiler, console)
    out["comparison"] = rows_as_json(rows)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
        console.print(f"figures saved to {args.json}")
    failed = any(isinstance(r, str) and r.startswith("failed") for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
