"""Formats benchmark: ontolabel.formats against datumaro on the same dataset, in one run.

Workload (issue 4): 100,000 images with 1,000,000 boxes (seeded), exported to COCO and to
YOLO (Darknet layout) and imported back. Each side reads back its own export. Targets: ours
at least 3x faster than datumaro on each of the four phases, and our peak RSS under 1 GB.

Every phase runs in a fresh process of its own (bench/formats_worker.py), so each peak RSS
is that phase's alone: ours under ontolabel's virtualenv, datumaro under .venv-peers (it pins
its own numpy and opencv; `make peers` builds it). What is measured on our side is the code
`ontolabel export` and `ontolabel import` run for the file: the format's ``write`` (COCO:
``write_stored``) over the records the exporter hands it, built inside the clock as the
exporter builds them (COCO's from the documents' stored JSON text, decoded as the exporter
decodes it), and its ``read`` to the last record (the database is not in it: a
100,000-image project would be timed with the media store and SQLite, not the format).

    .venv/bin/python bench/formats.py                   # full size (about 15 min)
    .venv/bin/python bench/formats.py --scale 0.01      # quick
    .venv/bin/python bench/formats.py --json /tmp/formats.json --only ontolabel
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "bench" / "formats_worker.py"
PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
TARGET_RATIO = 3.0
TARGET_RSS_MB = 1024.0
SIZES = ((640, 480), (1280, 720), (1920, 1080))
CLASSES = ("car", "truck", "bus", "person", "bicycle", "Fußgänger", "東京", "sign", "light", "dog")


def make_workload(path: Path, images: int, boxes: int, seed: int = 4) -> dict[str, Any]:
    """Seeded images (name, size) and boxes (image, class, xyxy inside the image)."""
    rng = np.random.default_rng(seed)
    sizes = np.array(SIZES)[rng.integers(0, len(SIZES), images)]
    per_image = rng.multinomial(boxes, np.full(images, 1.0 / images))
    owner = np.repeat(np.arange(images), per_image)
    wh = sizes[owner].astype(np.float64)
    x1 = np.round(rng.uniform(0, 0.8, boxes) * wh[:, 0], 1)
    y1 = np.round(rng.uniform(0, 0.8, boxes) * wh[:, 1], 1)
    x2 = np.minimum(np.round(x1 + rng.uniform(0.02, 0.2, boxes) * wh[:, 0], 1), wh[:, 0])
    y2 = np.minimum(np.round(y1 + rng.uniform(0.02, 0.2, boxes) * wh[:, 1], 1), wh[:, 1])
    np.savez(
        path,
        names=np.array([f"img_{i:06d}.jpg" for i in range(images)]),
        classes=np.array(CLASSES),
        sizes=sizes,
        starts=np.concatenate([[0], np.cumsum(per_image)]),
        labels=rng.integers(0, len(CLASSES), boxes),
        boxes=np.stack([x1, y1, x2, y2], axis=1),
    )
    return {"images": images, "boxes": boxes, "seed": seed}


def jpeg(width: int, height: int) -> bytes:
    # JPEG, as most detection datasets are: a reader takes its size from the header (a PNG's
    # EXIF may follow its pixels, so PIL decodes a PNG whole to look for it)
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "JPEG")
    return out.getvalue()


def link_images(tree: Path, workload: Path) -> int:
    """Put each image beside its label file (YOLO's readers take the image size from it):
    hard links to one small JPEG per size, made before the clock."""
    data = np.load(workload)
    sizes = {
        str(n).rsplit(".", 1)[0]: tuple(int(v) for v in s)
        for n, s in zip(data["names"], data["sizes"], strict=True)
    }
    blobs = tree / ".blobs"
    blobs.mkdir()
    files = {}
    for w, h in SIZES:
        files[(w, h)] = blobs / f"{w}x{h}.jpg"
        files[(w, h)].write_bytes(jpeg(w, h))
    linked = 0
    for label in list(tree.rglob("*.txt")):
        size = sizes.get(label.stem)
        if size is not None:
            os.link(files[size], label.with_suffix(".jpg"))
            linked += 1
    return linked


@dataclass
class Phase:
    fmt: str
    phase: str
    ours: dict[str, Any] | None = None
    peer: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if not self.ours or not self.peer:
            return None
        return float(self.peer["seconds"]) / max(float(self.ours["seconds"]), 1e-9)

    @property
    def cpu_ratio(self) -> float | None:
        """The same on CPU seconds, which a busy machine moves less than wall-clock ones."""
        if not self.ours or not self.peer or "cpu_seconds" not in self.ours:
            return None
        return float(self.peer["cpu_seconds"]) / max(float(self.ours["cpu_seconds"]), 1e-9)

    def passed(self) -> bool:
        if self.ours is None or self.notes:
            return False
        rss_ok = float(self.ours["peak_rss_mb"]) < TARGET_RSS_MB
        ratio = self.ratio
        return rss_ok and (ratio is None or ratio >= TARGET_RATIO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "phase": self.phase,
            "ours": self.ours,
            "datumaro": self.peer,
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "target": f">= {TARGET_RATIO:g}x and our peak RSS < {TARGET_RSS_MB:g} MB",
            "pass": self.passed(),
            "notes": self.notes,
        }


def run_worker(
    python: Path, side: str, phase: str, fmt: str, workload: Path, target: Path, timeout: float
) -> tuple[dict[str, Any] | None, str]:
    argv = [str(python), str(WORKER), side, phase, fmt, str(workload), str(target)]
    env = {**os.environ, "PYTHONPATH": "" if side == "datumaro" else str(ROOT / "src")}
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return None, f"{side} {fmt} {phase}: stopped after {timeout:g} s"
    if done.returncode != 0:
        return (
            None,
            f"{side} {fmt} {phase} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}",
        )
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def check_counts(result: dict[str, Any] | None, expected: dict[str, Any], who: str) -> str:
    if result is None:
        return ""
    if (result["images"], result["boxes"]) != (expected["images"], expected["boxes"]):
        return (
            f"{who} saw {result['images']:,} images and {result['boxes']:,} boxes, "
            f"not {expected['images']:,} and {expected['boxes']:,}"
        )
    return ""


def prepare_import(side: str, fmt: str, export: Path, work: Path, workload: Path) -> Path:
    """What each side imports: its own export, as a user would hand it over (untimed)."""
    if fmt == "coco":
        if side == "ours":
            return export
        (export / "images").mkdir(exist_ok=True)  # datumaro's COCO reader wants the folder
        return export
    tree = export
    if side == "ours":  # our YOLO export is one zip; the importer unpacks uploads into a folder
        tree = work / f"{side}-{fmt}-tree"
        with zipfile.ZipFile(export) as archive:
            archive.extractall(tree)
    link_images(tree, workload)
    return tree


def run(args: argparse.Namespace) -> tuple[list[Phase], dict[str, Any]]:
    images = max(10, int(round(100_000 * args.scale)))
    boxes = max(images, int(round(1_000_000 * args.scale)))
    work = Path(tempfile.mkdtemp(prefix="ontolabel-bench-formats-", dir=args.workdir))
    results: list[Phase] = []
    try:
        workload = work / "workload.npz"
        expected = make_workload(workload, images, boxes)
        sides = [("ours", Path(sys.executable))]
        if args.only != "ontolabel":
            if PEERS_PYTHON.exists():
                sides.append(("datumaro", PEERS_PYTHON))
            else:
                print(f"datumaro skipped: {PEERS_PYTHON} is missing (make peers)", file=sys.stderr)
        for fmt in args.formats:
            export_row, import_row = Phase(fmt, "export"), Phase(fmt, "import")
            for side, python in sides:
                print(f"... {side} {fmt} export", file=sys.stderr, flush=True)
                # ours writes one file (COCO's JSON, YOLO's zip), datumaro a folder
                if side == "datumaro":
                    target = work / f"datumaro-{fmt}"
                else:
                    target = work / ("ours-coco.json" if fmt == "coco" else f"ours-{fmt}.zip")
                out, error = run_worker(python, side, "export", fmt, workload, target, args.timeout)
                row_put(export_row, side, out, error, expected)
                if out is None:
                    continue
                source = prepare_import(side, fmt, target, work, workload)
                print(f"... {side} {fmt} import", file=sys.stderr, flush=True)
                out, error = run_worker(python, side, "import", fmt, workload, source, args.timeout)
                row_put(import_row, side, out, error, expected)
                if not args.keep:  # a side's 100,000 files go before the next side writes
                    for path in {target, source}:
                        remove(path)
            results += [export_row, import_row]
            if args.services:
                print(f"... services {fmt} export", file=sys.stderr, flush=True)
                row = Phase(fmt, "export via services", peer=export_row.peer)
                target = work / f"services-{fmt}" / ("out.json" if fmt == "coco" else "out.zip")
                target.parent.mkdir()
                out, error = run_worker(
                    Path(sys.executable), "services", "export", fmt, workload, target, args.timeout
                )
                row_put(row, "ours", out, error, expected)
                if not args.keep:
                    remove(target.parent)
                results.append(row)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return results, expected


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def row_put(
    row: Phase, side: str, out: dict[str, Any] | None, error: str, expected: dict[str, Any]
) -> None:
    if side == "ours":
        row.ours = out
    else:
        row.peer = out
    for note in (error, check_counts(out, expected, side)):
        if note:
            row.notes.append(note)


def render(results: list[Phase]) -> str:
    header = (
        "phase",
        "ours s",
        "ours RSS MB",
        "datumaro s",
        "datumaro RSS MB",
        "ratio",
        "CPU ratio",
        "target",
        "result",
    )
    rows = []
    for r in results:
        rows.append(
            (
                f"{r.fmt.upper()} {r.phase}",
                "-" if r.ours is None else f"{r.ours['seconds']:,.2f}",
                "-" if r.ours is None else f"{r.ours['peak_rss_mb']:,.0f}",
                "-" if r.peer is None else f"{r.peer['seconds']:,.2f}",
                "-" if r.peer is None else f"{r.peer['peak_rss_mb']:,.0f}",
                "-" if r.ratio is None else f"{r.ratio:,.1f}x",
                "-" if r.cpu_ratio is None else f"{r.cpu_ratio:,.1f}x",
                f">= {TARGET_RATIO:g}x, < {TARGET_RSS_MB:g} MB",
                "PASS" if r.passed() else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size factor (1 = 100,000 images, 1,000,000 boxes)"
    )
    parser.add_argument("--formats", nargs="+", default=["coco", "yolo"], choices=["coco", "yolo"])
    parser.add_argument("--only", choices=["ontolabel", "both"], default="both")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per phase and side")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the files go (a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the exported files")
    parser.add_argument(
        "--services",
        action="store_true",
        help="also time our export through the services on a workspace holding the workload",
    )
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    started = time.perf_counter()
    results, expected = run(args)
    load_after = os.getloadavg()
    print(
        f"{expected['images']:,} images, {expected['boxes']:,} boxes (seed {expected['seed']}); "
        "ours = ontolabel.formats write/read (the file path of `ontolabel export/import`, "
        "no database)"
        + (
            "; 'via services': transfer.export_project on a SQLite workspace"
            if args.services
            else ""
        )
    )
    print(render(results))
    for r in results:
        if r.phase == "export" and r.ours and r.peer:
            ours_what = (
                "records from the stored documents' JSON text"
                if r.ours.get("stored_documents")
                else "ExportRecords from the arrays"
            )
            print(
                f"  {r.fmt} export: building the objects (inside both clocks) takes ours "
                f"{r.ours['records_seconds']:,.1f} s ({ours_what}, timed in a pass of its "
                f"own), datumaro {r.peer['build_seconds']:,.1f} s (its Dataset, from the arrays)"
            )
        for note in r.notes:
            print(f"  {r.fmt} {r.phase}: {note}")
    print(
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
        f"{os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {time.perf_counter() - started:,.0f} s in all"
    )
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "workload": expected,
                    "measured": "ontolabel.formats write/read",
                    "load_average": [load_before[0], load_after[0]],
                    "results": [r.to_dict() for r in results],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    broken = [
        r for r in results if any("failed" in n or "saw" in n or "stopped" in n for n in r.notes)
    ]
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
