"""One timed phase of bench/formats.py, run in a process of its own (its peak RSS is its own).

    python bench/formats_worker.py SIDE PHASE FORMAT WORKLOAD TARGET

SIDE ``ours`` runs under ontolabel's virtualenv (ontolabel.formats, the code `ontolabel
export`/`import` run), ``services`` too (the export use case on a filled workspace); SIDE
``datumaro`` runs under .venv-peers (datumaro pins its own numpy and opencv, so it never
shares a process with ontolabel). PHASE ``export`` writes the workload (an .npz from
bench/formats.py) to TARGET; ``import`` reads TARGET back and counts every image and box.
It prints one JSON line: seconds, CPU seconds, peak RSS, the images and boxes it saw. The
clocks start once the workload is loaded: an export's covers building the side's own
objects (datumaro's Dataset from the arrays, ``build_seconds`` says how long it took; ours
the records the exporter hands the format, see ``our_stored_records``) and writing the
file; an import's covers reading to the last box.

Each side imports its own library inside its own functions: no interpreter has both.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


class Workload:
    """The seeded dataset bench/formats.py saved: per image a name and size, per box its
    image, class and xyxy pixels (images' boxes are contiguous)."""

    def __init__(self, path: Path) -> None:
        data = np.load(path)
        self.names: list[str] = [str(n) for n in data["names"]]
        self.classes: list[str] = [str(c) for c in data["classes"]]
        self.sizes = data["sizes"]  # (images, 2): width, height
        self.starts = data["starts"]  # (images + 1,): box index range of each image
        self.labels = data["labels"]
        self.boxes = data["boxes"]  # (boxes, 4) xyxy float64

    def __len__(self) -> int:
        return len(self.names)


# --- ours -------------------------------------------------------------------------------


def our_records(w: Workload) -> Iterator[Any]:
    """The workload as core objects, one ExportRecord per image (what the exporter hands a
    format that takes core objects, and what the services bench fills its workspace with)."""
    from ontolabel.core.annotation import Annotation, AnnotationObject
    from ontolabel.core.geometry import Box
    from ontolabel.core.item import ItemContent, MediaInfo
    from ontolabel.core.modality import Modality
    from ontolabel.formats import AnnotationRecord, ExportRecord

    classes = w.classes
    for i, name in enumerate(w.names):
        width, height = (int(v) for v in w.sizes[i])
        first, last = int(w.starts[i]), int(w.starts[i + 1])
        # per image, so the workload is never a million Python lists at once
        boxes, labels = w.boxes[first:last].tolist(), w.labels[first:last].tolist()
        media = MediaInfo(
            modality=Modality.IMAGE,
            mime="image/jpeg",
            sha256=f"{i:064x}",
            size=1,
            name=name,
            width=width,
            height=height,
        )
        objects = [
            AnnotationObject(
                id=str(k),
                class_name=classes[label],
                geometry=Box(x1=x1, y1=y1, x2=x2, y2=y2),
            )
            for k, ((x1, y1, x2, y2), label) in enumerate(zip(boxes, labels, strict=True))
        ]
        yield ExportRecord(
            item_id=i + 1,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[media]),
            annotations=[AnnotationRecord(document=Annotation(objects=objects), user="bench")],
        )


def write_stored_documents(w: Workload, path: Path) -> None:
    """Each image's annotation as the database stores it (the core document's JSON, written
    as the bulk insert writes it), one a line: made before the clock, like the filled
    workspace the exporter reads."""
    from pydantic_core import to_json

    from ontolabel.storage.mappers import annotation_to_json

    with path.open("wb") as out:
        for record in our_records(w):
            out.write(to_json(annotation_to_json(record.annotations[0].document)) + b"\n")


def our_stored_records(w: Workload, documents: Path) -> Iterator[Any]:
    """The workload as the exporter hands it to a format that writes the stored JSON (COCO:
    formats/stored.py), built inside the clock as the exporter builds them from a page of
    rows: the page's stored documents read as text, each item's decoded as it is handed over
    by the exporter's own function (``documents_from_json_text``), the item's media info and
    content as core objects."""
    from ontolabel.core.item import ItemContent, MediaInfo
    from ontolabel.core.modality import Modality
    from ontolabel.formats.stored import StoredAnnotation, StoredRecord
    from ontolabel.services.exporter import EXPORT_PAGE
    from ontolabel.storage.mappers import documents_from_json_text

    with documents.open("rb") as lines:
        for first in range(0, len(w), EXPORT_PAGE):
            page = range(first, min(first + EXPORT_PAGE, len(w)))
            texts = [lines.readline().decode() for _ in page]
            for i, text in zip(page, texts, strict=True):
                width, height = (int(v) for v in w.sizes[i])
                media = MediaInfo(
                    modality=Modality.IMAGE,
                    mime="image/jpeg",
                    sha256=f"{i:064x}",
                    size=1,
                    name=w.names[i],
                    width=width,
                    height=height,
                )
                yield StoredRecord(
                    item_id=i + 1,
                    external_id=w.names[i],
                    content=ItemContent(modality=Modality.IMAGE, media=[media], meta={}),
                    annotations=[
                        StoredAnnotation(document=d, user="bench")
                        for d in documents_from_json_text([text])
                    ],
                )


def our_ontology(w: Workload) -> Any:
    from ontolabel.core.ontology import parse_ontology

    return parse_ontology(
        {
            "name": "bench",
            "classes": [{"name": c, "geometry": {"image": ["box"]}} for c in w.classes],
        }
    )


def ours(phase: str, fmt_name: str, w: Workload, target: Path) -> dict[str, Any]:
    from ontolabel.formats import ErrorPolicy, get_format
    from ontolabel.formats.stored import StoredWriter

    fmt = get_format(fmt_name)
    if phase == "export":
        ontology = our_ontology(w)
        options = fmt.parse_options({"include_media": False} if fmt_name != "coco" else {})
        # the exporter's choice: the stored JSON for a format that writes it, else core objects
        stored = isinstance(fmt, StoredWriter)
        documents = target.with_name(target.name + ".documents")
        if stored:
            write_stored_documents(w, documents)
            # imported before both clocks (our_stored_records takes the exporter's page size)
            import ontolabel.services.exporter  # noqa: F401

        def records() -> Iterator[Any]:
            return our_stored_records(w, documents) if stored else our_records(w)

        # what building the records alone costs (a pass of its own, not in "seconds")
        start = time.perf_counter()
        for _ in records():
            pass
        records_seconds = time.perf_counter() - start
        start = time.perf_counter()
        cpu = time.process_time()
        with target.open("wb") as out:
            if isinstance(fmt, StoredWriter):
                stats = fmt.write_stored(records(), out, ontology=ontology, options=options)
            else:
                stats = fmt.write(records(), out, ontology=ontology, options=options)
        seconds = time.perf_counter() - start
        documents.unlink(missing_ok=True)
        cpu = time.process_time() - cpu
        if stats.skipped:
            raise SystemExit(f"the export skipped {len(stats.skipped)}: {stats.skipped[0]}")
        return {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "records_seconds": records_seconds,
            "stored_documents": stored,
            "images": stats.items,
            "boxes": stats.objects,
        }
    policy = ErrorPolicy("collect")
    images = boxes = 0
    start = time.perf_counter()
    cpu = time.process_time()
    for record in fmt.read(target, policy):
        images += 1
        boxes += sum(len(a.document.objects) for a in record.annotations)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    if policy.violations:
        raise SystemExit(f"the import reported {len(policy.violations)}: {policy.violations[0]}")
    return {"seconds": seconds, "cpu_seconds": cpu, "images": images, "boxes": boxes}


def services(phase: str, fmt_name: str, w: Workload, target: Path) -> dict[str, Any]:
    """Ours through the export use case, as `ontolabel export` runs it: a workspace (SQLite
    in a folder beside ``target``) holding the workload, filled before the clock; the clock
    covers ``transfer.export_project`` (keyset pages of items read from the database, the
    records built from the stored JSON, the format's writer)."""
    import io

    from PIL import Image

    from ontolabel.core.annotation import Annotation
    from ontolabel.formats import get_format
    from ontolabel.services import items, projects, transfer, users
    from ontolabel.services.item_rows import NewAnnotation, NewItem
    from ontolabel.services.workspace import Workspace

    if phase != "export":
        raise SystemExit("the services are measured on export only")
    ws = Workspace.open(target.parent / f"workspace-{fmt_name}")
    try:
        user = users.create_user(ws, "bench", "a bench password")
        ontology = {
            "name": "bench",
            "classes": [{"name": c, "geometry": {"image": ["box"]}} for c in w.classes],
        }
        pid = projects.create_project(
            ws, name="bench", modality="image", ontology=ontology, user_id=user.id
        ).id
        blobs: dict[tuple[int, int], str] = {}
        for width, height in {(int(a), int(b)) for a, b in w.sizes}:
            out = io.BytesIO()
            Image.new("L", (width, height)).save(out, "JPEG")
            blobs[(width, height)] = ws.blobs.put_bytes(out.getvalue())

        def new_items() -> Iterator[NewItem]:
            for record in our_records(w):
                media = record.content.media[0]
                sha = blobs[(media.width or 0, media.height or 0)]
                yield NewItem(
                    record.content.modality,
                    external_id=record.external_id,
                    media=[media.model_copy(update={"sha256": sha})],
                    annotations=[
                        NewAnnotation(Annotation(objects=a.document.objects), user.id, "submitted")
                        for a in record.annotations
                    ],
                )

        filled = time.perf_counter()
        items.add_items_bulk(ws, pid, new_items(), user_id=user.id)
        fill_seconds = time.perf_counter() - filled
        options = {"include_media": False} if fmt_name != "coco" else None
        get_format(fmt_name)  # the registry loaded before the clock, as for ``ours``
        start = time.perf_counter()
        cpu = time.process_time()
        with target.open("wb") as out_file:
            stats = transfer.export_project(ws, pid, fmt_name, out_file, options=options)
        cpu = time.process_time() - cpu
        seconds = time.perf_counter() - start
    finally:
        ws.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "fill_seconds": fill_seconds,
        "images": stats.items,
        "boxes": stats.objects,
    }


# --- datumaro ---------------------------------------------------------------------------

DATUMARO_FORMATS = {"coco": "coco_instances", "yolo": "yolo"}


def datumaro_dataset(w: Workload) -> Any:
    import datumaro as dm

    items = []
    for i, name in enumerate(w.names):
        width, height = (int(v) for v in w.sizes[i])
        first, last = int(w.starts[i]), int(w.starts[i + 1])
        boxes, labels = w.boxes[first:last].tolist(), w.labels[first:last].tolist()
        anns = [
            dm.Bbox(x1, y1, x2 - x1, y2 - y1, label=label, id=first + k + 1)
            for k, ((x1, y1, x2, y2), label) in enumerate(zip(boxes, labels, strict=True))
        ]
        items.append(
            dm.DatasetItem(
                id=name.rsplit(".", 1)[0],
                subset="train",
                media=dm.Image.from_file(path=name, size=(height, width)),
                annotations=anns,
            )
        )
    return dm.Dataset.from_iterable(items, categories=w.classes)


def datumaro(phase: str, fmt_name: str, w: Workload, target: Path) -> dict[str, Any]:
    import datumaro as dm

    fmt = DATUMARO_FORMATS[fmt_name]
    if phase == "export":
        # datumaro exports from its in-memory Dataset, built from the same arrays ours builds
        # its records from: both clocks run from the loaded workload to the written file
        start = time.perf_counter()
        cpu = time.process_time()
        dataset = datumaro_dataset(w)
        built = time.perf_counter()
        dataset.export(str(target), fmt, save_media=False)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        boxes = sum(len(item.annotations) for item in dataset)
        return {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "build_seconds": built - start,
            "images": len(dataset),
            "boxes": boxes,
        }
    start = time.perf_counter()
    cpu = time.process_time()
    dataset = dm.Dataset.import_from(str(target), fmt)
    images = boxes = 0
    for item in dataset:
        images += 1
        boxes += len(item.annotations)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "images": images, "boxes": boxes}


def main(argv: list[str]) -> int:
    side, phase, fmt_name, workload, target = argv
    if phase not in ("export", "import"):
        raise SystemExit(f"unknown phase {phase!r}")
    w = Workload(Path(workload))
    run = {"ours": ours, "services": services, "datumaro": datumaro}[side]
    result = run(phase, fmt_name, w, Path(target))
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
