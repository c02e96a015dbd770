"""Other projects' own readers, run on our exports (tests/peers/read_with.py in .venv-peers).

``read_with`` runs a peer on a file or folder and returns its JSON summary; ``summarize``
makes the same summary from ontolabel records (what we exported, or what our own reader
reads back), so a test compares the two dictionaries whole. The peers live in their own
virtualenv because they pin old dependencies (``make peers`` builds it; ``make test`` does
first). Without it the peer tests skip on a user's clone and fail in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from ontolabel.core.geometry import Box, Keypoints, Mask, Polygon, Polyline, RotatedBox
from ontolabel.core.geometry.box import rotated_box_hull
from ontolabel.core.geometry.keypoints import keypoints_bbox
from ontolabel.core.geometry.mask import rle_area, rle_bbox
from ontolabel.core.geometry.polygon import part_area, polygon_bbox, polyline_bbox
from ontolabel.formats import ExportRecord, ImportRecord

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tests" / "peers" / "read_with.py"
PEERS_PYTHON = REPO / ".venv-peers" / "bin" / "python"


def peers_python() -> Path:
    if not PEERS_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the peers' virtualenv is missing ({PEERS_PYTHON}): run `make peers`")
        pytest.skip("the peers' virtualenv is not built here (make peers)")
    return PEERS_PYTHON


def read_with(
    peer: str,
    fmt: str,
    path: Path,
    *,
    config: str | None = None,
    python: Path | None = None,
    **options: str,
) -> dict[str, Any]:
    """What ``peer`` finds in ``path`` read as ``fmt`` (see tests/peers/read_with.py);
    ``options`` go to the peer's importer."""
    exe = python or peers_python()
    argv = [str(exe), str(SCRIPT), peer, fmt, str(path)]
    if config is not None:
        argv += ["--config", config]
    for key, value in options.items():
        argv += ["--option", f"{key}={value}"]
    done = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{peer} could not read our {fmt} export {path.name}:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def in_process_python() -> Path:
    """This interpreter, for peers that ontolabel's own test dependencies include
    (pycocotools)."""
    return Path(sys.executable)


def _round(values: Iterable[float]) -> list[float]:
    return [round(float(v), 2) + 0.0 for v in values]


def _xyxy(box: Box | None) -> list[float]:
    return [0.0, 0.0, 0.0, 0.0] if box is None else [box.x1, box.y1, box.x2, box.y2]


def summarize_object(geometry: Any, label: str) -> dict[str, Any]:
    """The peer summary of one of our objects (the fields of read_with.py's objects)."""
    obj: dict[str, Any] = {"label": label, "kind": geometry.kind, "parts": 0, "points": []}
    if isinstance(geometry, Box):
        obj["bbox"], obj["area"] = (
            _xyxy(geometry),
            (geometry.x2 - geometry.x1) * (geometry.y2 - geometry.y1),
        )
    elif isinstance(geometry, Polygon):
        obj["bbox"] = _xyxy(polygon_bbox(geometry))
        obj["shape_bbox"] = _round(obj["bbox"])
        obj["parts"] = len(geometry.parts)
        obj["area"] = sum(part_area(p) for p in geometry.parts)
    elif isinstance(geometry, Mask):
        obj["bbox"], obj["area"] = _xyxy(rle_bbox(geometry)), float(rle_area(geometry))
    elif isinstance(geometry, RotatedBox):
        obj["bbox"] = _xyxy(rotated_box_hull(geometry))
        obj["area"] = geometry.w * geometry.h
        obj["points"] = _round([geometry.cx, geometry.cy, geometry.w, geometry.h, geometry.angle])
    elif isinstance(geometry, Keypoints):
        obj["bbox"], obj["area"] = _xyxy(keypoints_bbox(geometry)), 0.0
        obj["points"] = [[*_round([p.x, p.y]), p.visibility] for p in geometry.points]
    elif isinstance(geometry, Polyline):
        obj["bbox"], obj["area"] = _xyxy(polyline_bbox(geometry)), 0.0
    else:
        raise AssertionError(f"no peer summary for a {geometry.kind}")
    obj["bbox"] = _round(obj["bbox"])
    obj["area"] = round(float(obj["area"]), 1) + 0.0
    return obj


def item_key(name: str) -> str:
    return str(PurePosixPath(name).with_suffix(""))


def summarize(records: Iterable[ExportRecord | ImportRecord]) -> dict[str, Any]:
    """``{"items": ..., "classes": ...}`` of our records, as read_with.py prints a peer's."""
    items: dict[str, dict[str, Any]] = {}
    for record in records:
        if isinstance(record, ExportRecord):
            sizes = [(m.name, m.width, m.height) for m in record.content.media]
        else:
            sizes = [(m.name, m.width, m.height) for m in record.media]
        objects: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for annotation in record.annotations:
            for o in annotation.document.objects:
                objects[o.media_index].append(summarize_object(o.geometry, o.class_name))
        for index, (name, width, height) in enumerate(sizes):
            items[item_key(name)] = {
                "width": width,
                "height": height,
                "objects": sorted(objects[index], key=lambda o: (o["label"], o["kind"], o["bbox"])),
            }
    classes = Counter(o["label"] for item in items.values() for o in item["objects"])
    return {"items": items, "classes": dict(sorted(classes.items()))}


def found(summary: dict[str, Any]) -> dict[str, Any]:
    """The part of a peer's summary that ours is compared with."""
    return {"items": summary["items"], "classes": summary["classes"]}
