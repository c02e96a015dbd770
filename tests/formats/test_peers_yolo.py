"""Our YOLO exports (Darknet and Ultralytics detect), read by datumaro's own YOLO importer.

YOLO coordinates are fractions of the image size, so the peer needs the images: the exports
bundle them (include_media, the default), from a media source of real JPEG bytes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from peer_runner import found, read_with, summarize
from test_peers_coco import ONTOLOGY
from test_peers_voc import box, document, jpeg

from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ExportRecord, get_format
from ontolabel.services import annotations, items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

# the box: Label Studio's x=20, y=10, w=25, h=20 (percent), rotation 90, on 800x400
# is 200x80 px turned about its top-left corner (160, 40): centre (120, 140), hull 80x200
TURNED = {
    "class_name": "Car",
    "geometry": {"kind": "rotated_box", "cx": 120, "cy": 140, "w": 200, "h": 80, "angle": 90},
}
IMAGES: list[tuple[str, int, int, list[dict[str, Any]]]] = [
    (
        "straße/東京.jpg",
        640,
        480,
        [box("Car", 0, 0, 640, 480), box("東京タワー", 10, 20, 30, 40), box("Car", 5, 6, 7, 8)],
    ),
    ("café.jpg", 80, 50, [box("Fußgänger", 1, 2, 3, 4)]),
    ("wide.jpg", 800, 400, [TURNED]),
]


class Blobs:
    """A media source of real JPEG bytes, by sha256 (what the exporter hands a writer)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def add(self, name: str, width: int, height: int) -> MediaInfo:
        data = jpeg(width, height)
        sha = hashlib.sha256(data).hexdigest()
        self.data[sha] = data
        return MediaInfo(
            modality=Modality.IMAGE,
            mime="image/jpeg",
            sha256=sha,
            size=len(data),
            name=name,
            width=width,
            height=height,
        )

    def open(self, sha256: str) -> BinaryIO:
        return io.BytesIO(self.data[sha256])


def records(
    blobs: Blobs, images: list[tuple[str, int, int, list[dict[str, Any]]]]
) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[blobs.add(name, w, h)]),
            annotations=[AnnotationRecord(document=document(objs), user="ana")],
        )
        for i, (name, w, h, objs) in enumerate(images, start=1)
    ]


def as_yolo(ours: dict[str, Any]) -> dict[str, Any]:
    """YOLO detect holds axis-aligned boxes: a rotated box is its hull, computed in pixels."""
    view = copy.deepcopy(ours)
    for item in view["items"].values():
        for o in item["objects"]:
            if o["kind"] == "rotated_box":
                x1, y1, x2, y2 = o["bbox"]
                o.update(kind="box", points=[], area=round((x2 - x1) * (y2 - y1), 1))
        item["objects"].sort(key=lambda o: (o["label"], o["kind"], o["bbox"]))
    return view


def export(
    fmt_name: str, recs: list[ExportRecord], blobs: Blobs, tmp_path: Path, **options: Any
) -> Path:
    fmt = get_format(fmt_name)
    out = io.BytesIO()
    stats = fmt.write(
        recs,
        out,
        ontology=parse_ontology(ONTOLOGY),
        options=fmt.parse_options(options),
        media=blobs,
    )
    assert stats.skipped == []
    tree = tmp_path / fmt_name
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        archive.extractall(tree)
    return tree


def test_datumaro_reads_our_darknet_tree(tmp_path: Path) -> None:
    blobs = Blobs()
    recs = records(blobs, IMAGES)
    tree = export("yolo", recs, blobs, tmp_path)
    peer = read_with("datumaro", "yolo", tree)
    assert found(peer) == as_yolo(summarize(recs))
    # the turned box's hull in pixels: 80..160 x 40..240, i.e. the line 0 0.15 0.35 0.1 0.5
    assert [o["bbox"] for o in peer["items"]["wide"]["objects"]] == [[80.0, 40.0, 160.0, 240.0]]


def test_datumaro_reads_our_ultralytics_detect_tree(tmp_path: Path) -> None:
    # datumaro's Ultralytics reader takes a label file's folder for its split, so it cannot
    # read images in sub-folders of images/train (Ultralytics itself can): names are flat here
    flat = [(name.replace("/", "_"), w, h, objs) for name, w, h, objs in IMAGES]
    blobs = Blobs()
    recs = records(blobs, flat)
    tree = export("ultralytics", recs, blobs, tmp_path, task="detect")
    assert (tree / "data.yaml").is_file()
    peer = read_with("datumaro", "yolo", tree)
    assert found(peer) == as_yolo(summarize(recs))


def test_a_project_exported_by_the_services_reads_the_same_in_datumaro(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="YOLO", modality="image", ontology=ONTOLOGY, user_id=owner.id
    ).id
    files = [(name, io.BytesIO(jpeg(w, h))) for name, w, h, _ in IMAGES]
    added = items.add_media_items(workspace, pid, files, user_id=owner.id)
    for item, (_, _, _, objs) in zip(added, IMAGES, strict=True):
        annotations.save_annotation(
            workspace,
            item.id,
            document(objs),
            user_id=owner.id,
            base_revision=0,
            status="submitted",
        )
    out = io.BytesIO()
    stats = transfer.export_project(workspace, pid, "yolo", out)
    assert (stats.items, stats.objects, stats.skipped) == (3, 5, [])
    tree = tmp_path / "tree"
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        archive.extractall(tree)
    peer = read_with("datumaro", "yolo", tree)
    assert found(peer) == as_yolo(summarize(records(Blobs(), IMAGES)))
