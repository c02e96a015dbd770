"""Our COCO exports, read by the peers' own readers: datumaro and pycocotools (with COCOeval).

Each test exports with ontolabel (through the format, or through the services on a real
workspace with real image files), lets the peer read the file, and compares the peer's
summary (tests/peers/read_with.py) with ours, whole.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from peer_runner import found, in_process_python, read_with, summarize
from PIL import Image

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.mask import counts_to_string, mask_to_counts
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, get_format
from ontolabel.services import annotations, items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

ONTOLOGY: dict[str, Any] = {
    "name": "peers",
    "classes": [
        {"name": "Vehicle", "geometry": {"image": ["box", "rotated_box", "polygon", "mask"]}},
        {"name": "Car", "parent": "Vehicle"},
        {"name": "Fußgänger", "geometry": {"image": ["box", "polygon", "keypoints"]}},
        {"name": "東京タワー", "geometry": {"image": ["box", "polygon"]}},
    ],
}


def square(x1: float, y1: float, x2: float, y2: float) -> list[list[float]]:
    return [[x1, y1], [x2, y1], [x2, y2], [x1, y2]]


def ring_mask(height: int, width: int) -> dict[str, Any]:
    """A 12x12 square with a 4x4 hole at (30, 10): an RLE mask of area 128."""
    pixels = np.zeros((height, width), dtype=np.uint8)
    pixels[10:22, 30:42] = 1
    pixels[14:18, 34:38] = 0
    return {
        "kind": "mask",
        "height": height,
        "width": width,
        "counts": counts_to_string(mask_to_counts(pixels)),
    }


TWO_SQUARES = {
    "kind": "polygon",
    "parts": [{"exterior": square(10, 10, 20, 20)}, {"exterior": square(40, 5, 50, 15)}],
}
HOLED = {
    "kind": "polygon",
    "parts": [{"exterior": square(0, 0, 20, 20), "holes": [square(5, 5, 15, 15)]}],
}


def objects(height: int, width: int) -> list[dict[str, Any]]:
    return [
        {"class_name": "Car", "geometry": {"kind": "box", "x1": 2, "y1": 3, "x2": 12.5, "y2": 8}},
        {"class_name": "Vehicle", "geometry": TWO_SQUARES},
        {"class_name": "Vehicle", "geometry": HOLED},
        {"class_name": "Vehicle", "geometry": ring_mask(height, width)},
        {
            "class_name": "Car",
            "geometry": {"kind": "rotated_box", "cx": 30, "cy": 30, "w": 20, "h": 10, "angle": 90},
        },
        {
            "class_name": "東京タワー",
            "geometry": {"kind": "box", "x1": 0, "y1": 0, "x2": 60, "y2": 40},
        },
        {
            "class_name": "Fußgänger",
            "geometry": {"kind": "polygon", "parts": [{"exterior": [[1, 1], [9, 1], [5, 9]]}]},
        },
    ]


def documents(height: int, width: int) -> Annotation:
    return Annotation(
        objects=[
            AnnotationObject.model_validate({"id": f"o{i}", **o})
            for i, o in enumerate(objects(height, width))
        ]
    )


def image_info(name: str, width: int, height: int) -> MediaInfo:
    return MediaInfo(
        modality=Modality.IMAGE,
        mime="image/jpeg",
        sha256=(name.encode().hex() * 64)[:64],
        size=1,
        name=name,
        width=width,
        height=height,
    )


NAMES = [("straße/東京.jpg", 60, 40), ("café.jpg", 80, 50)]


def records() -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[image_info(name, w, h)]),
            annotations=[AnnotationRecord(document=documents(h, w), user="ana")],
        )
        for i, (name, w, h) in enumerate(NAMES, start=1)
    ]


def as_coco(ours: dict[str, Any]) -> dict[str, Any]:
    """What COCO makes of our objects, as any reader of it must see them: a box is also given
    its rectangle as a one-part polygon, a rotated box its four corners, and a polygon with
    holes becomes an RLE mask of its pixels (a polygon cannot hold a hole)."""
    view = copy.deepcopy(ours)
    for item in view["items"].values():
        for o in item["objects"]:
            if o["kind"] in ("box", "rotated_box"):
                o.update(kind="polygon", parts=1, points=[], shape_bbox=o["bbox"])
        item["objects"].sort(key=lambda o: (o["label"], o["kind"], o["bbox"]))
    return view


def holed_as_mask(view: dict[str, Any]) -> dict[str, Any]:
    # the 20x20 square with its 10x10 hole: area 300 from the mask's pixels
    for item in view["items"].values():
        for o in item["objects"]:
            if o["kind"] == "polygon" and o["bbox"] == [0.0, 0.0, 20.0, 20.0] and o["area"] == 300:
                o.update(kind="mask", parts=0)
                o.pop("shape_bbox")
        item["objects"].sort(key=lambda o: (o["label"], o["kind"], o["bbox"]))
    return view


def write_coco(recs: list[ExportRecord], ontology: Ontology, path: Path) -> Path:
    fmt = get_format("coco")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        stats = fmt.write(recs, out, ontology=ontology, options=fmt.parse_options({}))
    assert stats.skipped == []
    return path


def datumaro_tree(root: Path, coco: bytes | None = None, task: str = "instances") -> Path:
    """The layout datumaro's COCO importer requires: annotations/<task>_<subset>.json and an
    images/ folder (it may be empty: sizes come from the file)."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    if coco is not None:
        (root / "annotations").mkdir(exist_ok=True)
        (root / "annotations" / f"{task}_default.json").write_bytes(coco)
    return root


def test_datumaro_finds_the_objects_we_exported(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    path = write_coco(records(), ontology, tmp_path / "coco.json")
    peer = read_with(
        "datumaro", "coco_instances", datumaro_tree(tmp_path / "dm", path.read_bytes())
    )
    expected = holed_as_mask(as_coco(summarize(records())))
    assert found(peer) == expected
    first = peer["items"]["straße/東京"]["objects"]
    squares = next(o for o in first if o["parts"] == 2)
    # one object of two squares: bbox and area from both parts, not the first
    assert squares["bbox"] == [10.0, 5.0, 50.0, 20.0] and squares["area"] == 200.0
    masks = sorted(o["area"] for o in first if o["kind"] == "mask")
    assert masks == [128.0, 300.0]  # the hole is not filled: never 144 or 400
    assert peer["classes"] == {"Car": 4, "Fußgänger": 2, "Vehicle": 6, "東京タワー": 2}


def test_pycocotools_loads_it_and_cocoeval_scores_it_perfectly(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    path = write_coco(records(), ontology, tmp_path / "coco.json")
    peer = read_with("pycocotools", "coco", path, python=in_process_python())
    assert found(peer) == holed_as_mask(as_coco(summarize(records())))
    # every box and every shape found again at every IoU threshold: AP 1 (not 0.8 from
    # masks shifted by a pixel, or boxes read as xyxy)
    assert peer["eval"] == {"bbox_AP": 1.0, "segm_AP": 1.0}


def test_our_reader_sees_in_our_file_what_the_peer_sees(tmp_path: Path) -> None:
    ontology = parse_ontology(ONTOLOGY)
    path = write_coco(records(), ontology, tmp_path / "coco.json")
    policy = ErrorPolicy("fail")
    back = list(get_format("coco").read(path, policy))
    assert policy.violations == []
    # our reader restores what we wrote exactly; the peer's view of it is the COCO view
    assert summarize(back) == summarize(records())
    peer = read_with(
        "datumaro", "coco_instances", datumaro_tree(tmp_path / "dm", path.read_bytes())
    )
    assert found(peer) == holed_as_mask(as_coco(summarize(back)))


def test_datumaro_reads_keypoints_in_the_category_order(tmp_path: Path) -> None:
    # datumaro's person-keypoints reader requires "keypoints" on every category, so the
    # project holds only the keypoint class (our categories without points have none)
    ontology = parse_ontology(
        {"name": "pose", "classes": [{"name": "Fußgänger", "geometry": {"image": ["keypoints"]}}]}
    )
    person = {
        "kind": "keypoints",
        "points": [
            {"name": "head", "x": 30, "y": 5},
            {"name": "hip", "x": 34, "y": 20, "visibility": 1},
        ],
    }
    knee = {"kind": "keypoints", "points": [{"name": "knee", "x": 7, "y": 30}]}
    recs = [
        ExportRecord(
            item_id=i,
            external_id=None,
            content=ItemContent(modality=Modality.IMAGE, media=[image_info(f"p{i}.jpg", 60, 40)]),
            annotations=[
                AnnotationRecord(
                    document=Annotation(
                        objects=[
                            AnnotationObject.model_validate(
                                {"id": "k", "class_name": "Fußgänger", "geometry": g}
                            )
                        ]
                    )
                )
            ],
        )
        for i, g in enumerate([person, knee], start=1)
    ]
    path = write_coco(recs, ontology, tmp_path / "coco.json")
    tree = datumaro_tree(tmp_path / "dm", path.read_bytes(), task="person_keypoints")
    peer = read_with("datumaro", "coco_person_keypoints", tree)
    by_item = {
        k: [(o["kind"], o["points"]) for o in v["objects"]] for k, v in peer["items"].items()
    }
    # the third point of the category (knee) is absent in p1; head and hip absent in p2
    assert by_item == {
        "p1": [("keypoints", [[30.0, 5.0, 2], [34.0, 20.0, 1]])],
        "p2": [("keypoints", [[7.0, 30.0, 2]])],
    }
    assert found(peer) == summarize(recs)


# --- through the services: a real workspace, real image files --------------------------


def jpeg_bytes(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def test_a_project_exported_by_the_services_reads_the_same_in_datumaro_and_pycocotools(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = projects.create_project(
        workspace, name="Peers", modality="image", ontology=ONTOLOGY, user_id=owner.id
    ).id
    files = [(name, io.BytesIO(jpeg_bytes(w, h))) for name, w, h in NAMES]
    added = items.add_media_items(workspace, pid, files, user_id=owner.id)
    for summary_, (_, w, h) in zip(added, NAMES, strict=True):
        annotations.save_annotation(
            workspace,
            summary_.id,
            documents(h, w),
            user_id=owner.id,
            base_revision=0,
            status="submitted",
        )
    out = io.BytesIO()
    stats = transfer.export_project(workspace, pid, "coco", out)
    assert (stats.items, stats.objects, stats.skipped) == (2, 14, [])
    data = json.loads(out.getvalue())
    assert [im["file_name"] for im in data["images"]] == [name for name, _, _ in NAMES]
    coco = tmp_path / "coco.json"
    coco.write_bytes(out.getvalue())
    expected = holed_as_mask(as_coco(summarize(records())))
    dm = read_with("datumaro", "coco_instances", datumaro_tree(tmp_path / "dm", out.getvalue()))
    assert found(dm) == expected
    pc = read_with("pycocotools", "coco", coco, python=in_process_python())
    assert found(pc) == expected and pc["eval"] == {"bbox_AP": 1.0, "segm_AP": 1.0}


def test_a_file_the_peer_refuses_fails_with_the_peer_s_message(tmp_path: Path) -> None:
    """The harness can fail: a polygon of 4 numbers (a ring of two points) is refused."""
    bad = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
        "annotations": [
            {
                "id": 1,
                "image_id": 1,
                "category_id": 1,
                "bbox": [1, 1, 2, 2],
                "area": 4,
                "iscrowd": 0,
                "segmentation": [[1, 1, 3, 3]],
            }
        ],
        "categories": [{"id": 1, "name": "Car"}],
    }
    tree = datumaro_tree(tmp_path / "dm", json.dumps(bad).encode())
    with pytest.raises(pytest.fail.Exception, match="Expected at least 3"):
        read_with("datumaro", "coco_instances", tree)
