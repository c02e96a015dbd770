"""Read a dataset with another project's own reader and print what it found, as JSON.

    .venv-peers/bin/python tests/peers/read_with.py PEER FORMAT PATH [--config XML] [--option K=V]

PEER is ``datumaro`` (FORMAT: coco, voc, yolo, yolo_ultralytics, cvat, label_me: any of its
importers), ``pycocotools`` (FORMAT coco; also runs COCOeval of the file against itself) or
``labelstudio`` (Label Studio's own converter, label-studio-sdk: FORMAT is what it converts our
Label Studio JSON to, ``coco`` or ``conll``; ``--config`` is the labeling config XML).

The summary is the same for every peer, so a test compares it with what ontolabel exported:

    {"peer": "datumaro 1.13.12", "format": "coco",
     "items": {"sub/東京": {"width": 60, "height": 40, "objects": [
        {"label": "Car", "kind": "box", "bbox": [x1, y1, x2, y2], "area": 50.0,
         "parts": 0, "points": []}, ...]}},
     "classes": {"Car": 1}}

Items are keyed by their image path without extension, as datumaro names them (subsets, i.e.
splits, are not part of the key). Objects are
sorted by (label, kind, bbox). Coordinates are rounded to 2 decimals, areas to 1.

This script runs in the peers' own virtualenv (.venv-peers: they pin old dependencies), so it
imports nothing of ontolabel and nothing outside the standard library but the peer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

# Which shape wins when one peer object has several (datumaro's COCO reader gives every
# annotation its bbox beside its polygons or mask; they share the annotation's group).
RANK = {"mask": 5, "polygon": 4, "keypoints": 3, "rotated_box": 2, "polyline": 2, "box": 1}


def rounded(values: Iterable[float], digits: int = 2) -> list[float]:
    return [round(float(v), digits) + 0.0 for v in values]  # + 0.0: never -0.0


def shoelace(xy: list[float]) -> float:
    xs, ys = xy[0::2], xy[1::2]
    n = len(xs)
    return abs(sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))) / 2


def xyxy_of(xy: list[float]) -> list[float]:
    xs, ys = xy[0::2], xy[1::2]
    return [min(xs), min(ys), max(xs), max(ys)]


def union(boxes: list[list[float]]) -> list[float]:
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def item_key(path: str) -> str:
    return str(PurePosixPath(path.replace("\\", "/")).with_suffix(""))


def finish(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for o in objects:
        o["bbox"] = rounded(o["bbox"])
        o["area"] = round(o["area"], 1) + 0.0
    return sorted(objects, key=lambda o: (o["label"], o["kind"], o["bbox"]))


def summary(peer: str, fmt: str, items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    classes = Counter(o["label"] for item in items.values() for o in item["objects"])
    return {"peer": peer, "format": fmt, "items": items, "classes": dict(sorted(classes.items()))}


# --- datumaro ---------------------------------------------------------------------------


def datumaro_object(anns: list[Any], names: list[str]) -> dict[str, Any]:
    """One object from the datumaro annotations that share a group."""
    from datumaro.components.annotation import AnnotationType as T

    kinds = {
        T.bbox: "box",
        T.polygon: "polygon",
        T.mask: "mask",
        T.points: "keypoints",
        T.rotated_bbox: "rotated_box",
        T.polyline: "polyline",
    }
    kind = max((kinds.get(a.type, a.type.name) for a in anns), key=lambda k: RANK.get(k, 0))
    shapes = [a for a in anns if kinds.get(a.type) == kind]
    boxes = [a for a in anns if a.type == T.bbox]
    obj: dict[str, Any] = {"label": names[anns[0].label], "kind": kind, "parts": 0, "points": []}
    if kind == "polygon":
        obj["parts"] = len(shapes)
        obj["area"] = sum(shoelace(list(s.points)) for s in shapes)
        shape_box = union([xyxy_of(list(s.points)) for s in shapes])
    elif kind == "mask":
        obj["area"] = float(sum(int(s.get_area()) for s in shapes))
        x, y, w, h = shapes[0].get_bbox()
        shape_box = [x, y, x + w, y + h]
    elif kind == "keypoints":
        p = shapes[0]
        # only the labelled points: COCO pads a category's unlabelled ones with (0, 0, 0)
        obj["points"] = [
            [*rounded(p.points[2 * i : 2 * i + 2]), int(v)] for i, v in enumerate(p.visibility) if v
        ]
        obj["area"] = 0.0
        x, y, w, h = p.get_bbox() if any(p.visibility) else (0, 0, 0, 0)
        shape_box = [x, y, x + w, y + h]
    elif kind == "rotated_box":
        r = shapes[0]
        obj["points"] = rounded([r.cx, r.cy, r.w, r.h, r.r])
        obj["area"] = float(r.w * r.h)
        shape_box = xyxy_of([c for xy in r.as_polygon() for c in xy])
    else:
        x, y, w, h = shapes[0].get_bbox()
        obj["area"] = float(w * h) if kind == "box" else 0.0
        shape_box = [x, y, x + w, y + h]
    obj["bbox"] = shape_box
    if boxes and kind != "box":
        # the box the file states beside the shape (COCO's bbox), checked against the shape
        x, y, w, h = boxes[0].get_bbox()
        obj["bbox"] = [x, y, x + w, y + h]
    if kind == "polygon":
        obj["shape_bbox"] = rounded(shape_box)
    return obj


def read_datumaro(fmt: str, path: Path, options: dict[str, str]) -> dict[str, Any]:
    import datumaro as dm
    from datumaro.components.annotation import AnnotationType

    dataset = dm.Dataset.import_from(str(path), fmt, **options)
    names = [c.name for c in dataset.categories()[AnnotationType.label].items]
    items: dict[str, dict[str, Any]] = {}
    for item in dataset:
        groups: dict[Any, list[Any]] = defaultdict(list)
        for n, ann in enumerate(item.annotations):
            if ann.type == AnnotationType.label or getattr(ann, "label", None) is None:
                continue
            # annotations of one object share a non-zero group; the others stand alone
            groups[("g", ann.group) if ann.group else ("n", n)].append(ann)
        size = item.media.size if item.media is not None and item.media.has_size else None
        items[item.id] = {
            "width": size[1] if size else None,
            "height": size[0] if size else None,
            "objects": finish([datumaro_object(g, names) for g in groups.values()]),
        }
    return summary(f"datumaro {version('datumaro')}", fmt, items)


# --- COCO files (pycocotools; Label Studio's COCO output) ---------------------------------


def coco_items(data: dict[str, Any], masks: Any | None) -> dict[str, dict[str, Any]]:
    """Summary of a COCO dict; ``masks`` (pycocotools.mask) computes RLE areas when given."""
    names = {c["id"]: c["name"] for c in data["categories"]}
    images = {im["id"]: im for im in data["images"]}
    objects: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for ann in data["annotations"]:
        x, y, w, h = ann["bbox"]
        seg = ann.get("segmentation") or []
        obj: dict[str, Any] = {
            "label": names[ann["category_id"]],
            "kind": "box",
            "bbox": [x, y, x + w, y + h],
            "area": float(ann["area"]),
            "parts": 0,
            "points": [],
        }
        if isinstance(seg, dict):
            obj["kind"] = "mask"
            if masks is not None:
                rle = seg
                if isinstance(seg["counts"], list):
                    rle = masks.frPyObjects(seg, *seg["size"])
                obj["area"] = float(masks.area(rle))
        elif seg:
            obj["kind"] = "polygon"
            obj["parts"] = len(seg)
            obj["shape_bbox"] = rounded(union([xyxy_of(p) for p in seg]))
        if ann.get("keypoints"):
            kp = ann["keypoints"]
            obj.update(kind="keypoints", area=0.0, parts=0)
            obj["points"] = [
                [*rounded(kp[i : i + 2]), int(kp[i + 2])] for i in range(0, len(kp), 3) if kp[i + 2]
            ]
        objects[ann["image_id"]].append(obj)
    return {
        item_key(im["file_name"]): {
            "width": im.get("width"),
            "height": im.get("height"),
            "objects": finish(objects[im_id]),
        }
        for im_id, im in images.items()
    }


def read_pycocotools(path: Path) -> dict[str, Any]:
    import contextlib
    import io

    from pycocotools import mask as masks
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(path))
    out = summary(f"pycocotools {version('pycocotools')}", "coco", coco_items(gt.dataset, masks))
    # the file scored against itself: every box and shape is found, so AP is 1 where defined
    evaluation: dict[str, float] = {}
    anns = gt.dataset["annotations"]
    for iou_type in ("bbox", "segm"):
        usable = [a for a in anns if iou_type == "bbox" or a.get("segmentation")]
        if not usable:
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            truth = gt
            if len(usable) < len(anns):
                # boxes and keypoints have no segmentation ([]), which segm evaluation cannot
                # rasterise: it is scored on the objects that have one
                truth = COCO()
                truth.dataset = {**gt.dataset, "annotations": usable}
                truth.createIndex()
            dt = truth.loadRes([{**a, "score": 1.0} for a in usable])
            ev = COCOeval(truth, dt, iou_type)
            ev.params.imgIds = sorted({a["image_id"] for a in usable})
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
        evaluation[f"{iou_type}_AP"] = round(float(ev.stats[0]), 4)
    out["eval"] = evaluation
    return out


# --- Label Studio's converter -------------------------------------------------------------


def read_labelstudio(fmt: str, path: Path, config: str) -> dict[str, Any]:
    from label_studio_sdk.converter import Converter

    with tempfile.TemporaryDirectory() as tmp:
        converter = Converter(config=config, project_dir=tmp, download_resources=False)
        peer = f"label-studio-sdk {version('label-studio-sdk')} converter"
        if fmt == "coco":
            converter.convert(str(path), tmp, "COCO", is_dir=False)
            data = json.loads((Path(tmp) / "result.json").read_text(encoding="utf-8"))
            return summary(peer, fmt, coco_items(data, None))
        if fmt == "conll":
            converter.convert(str(path), tmp, "CONLL2003", is_dir=False)
            text = (Path(tmp) / "result.conll").read_text(encoding="utf-8")
            return {"peer": peer, "format": fmt, "conll": text}
    raise SystemExit(f"Label Studio's converter is not set up here for {fmt!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=["datumaro", "pycocotools", "labelstudio"])
    parser.add_argument("format")
    parser.add_argument("path", type=Path)
    parser.add_argument("--config", help="Label Studio labeling config (XML text or file)")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an importer option (datumaro: e.g. coordinate_mode=voc-one-based)",
    )
    args = parser.parse_args(argv)
    options = dict(o.split("=", 1) for o in args.option)
    if args.peer == "datumaro":
        result = read_datumaro(args.format, args.path, options)
    elif args.peer == "pycocotools":
        result = read_pycocotools(args.path)
    else:
        result = read_labelstudio(args.format, args.path, args.config or "")
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
