"""Our Pascal VOC exports, read by datumaro's own VOC importer."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from peer_runner import found, read_with, summarize
from PIL import Image
from test_peers_coco import ONTOLOGY, image_info

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, get_format
from ontolabel.services import annotations, items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace


def box(cls: str, x1: float, y1: float, x2: float, y2: float) -> dict[str, Any]:
    return {"class_name": cls, "geometry": {"kind": "box", "x1": x1, "y1": y1, "x2": x2, "y2": y2}}


IMAGES: list[tuple[str, int, int, list[dict[str, Any]]]] = [
    (
        "straße/東京.jpg",
        640,
        480,
        [box("Car", 0, 0, 640, 480), box("東京タワー", 10, 20, 30, 40), box("Car", 5, 6, 7, 8)],
    ),
    ("café.jpg", 80, 50, [box("Fußgänger", 1, 2, 3, 4), box("Vehicle", 0, 0, 80, 1)]),
]


def document(objects: list[dict[str, Any]]) -> Annotation:
    return Annotation(
        objects=[
            AnnotationObject.model_validate({"id": str(k), **o}) for k, o in enumerate(objects)
        ]
    )


def records() -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[image_info(name, w, h)]),
            annotations=[AnnotationRecord(document=document(objs), user="ana")],
        )
        for i, (name, w, h, objs) in enumerate(IMAGES, start=1)
    ]


def unzip(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    return folder


def export_voc(tmp_path: Path, **options: Any) -> Path:
    fmt = get_format("voc")
    out = io.BytesIO()
    stats = fmt.write(
        records(), out, ontology=parse_ontology(ONTOLOGY), options=fmt.parse_options(options)
    )
    assert (stats.items, stats.objects, stats.skipped) == (2, 5, [])
    return unzip(out.getvalue(), tmp_path / "voc")


def test_datumaro_reads_our_boxes_in_voc_s_one_based_pixels(tmp_path: Path) -> None:
    tree = export_voc(tmp_path)
    peer = read_with("datumaro", "voc_detection", tree, coordinate_mode="voc-one-based")
    assert found(peer) == summarize(records())


def test_the_whole_image_box_is_1_1_640_480_in_the_file(tmp_path: Path) -> None:
    """Read as written (datumaro's default mode takes the numbers as they stand): the box
    over the whole 640x480 image is 1,1,640,480 and no box reaches 641 or starts below 1."""
    tree = export_voc(tmp_path)
    peer = read_with("datumaro", "voc_detection", tree)
    boxes = {o["label"]: o["bbox"] for o in peer["items"]["straße/東京"]["objects"]}
    assert boxes["東京タワー"] == [11.0, 21.0, 30.0, 40.0]
    whole = [o["bbox"] for o in peer["items"]["straße/東京"]["objects"] if o["area"] > 1000]
    assert whole == [[1.0, 1.0, 640.0, 480.0]]
    everything = [o["bbox"] for item in peer["items"].values() for o in item["objects"]]
    assert min(min(b[0], b[1]) for b in everything) >= 1.0
    assert max(b[2] for b in everything) <= 640.0


def test_our_reader_and_datumaro_agree_on_our_file(tmp_path: Path) -> None:
    tree = export_voc(tmp_path)
    policy = ErrorPolicy("fail")
    back = list(get_format("voc").read(tree, policy))
    assert policy.violations == []
    ours = summarize(back)
    assert ours == summarize(records())
    assert (
        found(read_with("datumaro", "voc_detection", tree, coordinate_mode="voc-one-based")) == ours
    )


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def test_a_project_exported_with_its_images_reads_the_same_in_datumaro(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="VOC", modality="image", ontology=ONTOLOGY, user_id=owner.id
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
    stats = transfer.export_project(workspace, pid, "voc", out, options={"include_media": True})
    assert (stats.items, stats.objects, stats.skipped) == (2, 5, [])
    tree = unzip(out.getvalue(), tmp_path / "voc")
    assert (tree / "JPEGImages" / "straße" / "東京.jpg").is_file()
    peer = read_with("datumaro", "voc_detection", tree, coordinate_mode="voc-one-based")
    assert found(peer) == summarize(records())
