"""Our CVAT for images 1.1 exports, read by datumaro's own CVAT importer.

datumaro looks for each image under images/, so the exports bundle them (include_media).
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any

from peer_runner import found, read_with, summarize
from test_peers_coco import NAMES, ONTOLOGY, documents, holed_as_mask
from test_peers_yolo import Blobs

from ontolabel.core.item import ItemContent
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import AnnotationRecord, ErrorPolicy, ExportRecord, get_format


def records(blobs: Blobs) -> list[ExportRecord]:
    return [
        ExportRecord(
            item_id=i,
            external_id=name,
            content=ItemContent(modality=Modality.IMAGE, media=[blobs.add(name, w, h)]),
            annotations=[AnnotationRecord(document=documents(h, w), user="ana")],
        )
        for i, (name, w, h) in enumerate(NAMES, start=1)
    ]


def as_cvat(ours: dict[str, Any]) -> dict[str, Any]:
    """CVAT polygons have no holes: a polygon with holes is written as a mask of its pixels
    (the 20x20 square with its 10x10 hole: 300 pixels); everything else keeps its kind."""
    return holed_as_mask(copy.deepcopy(ours))


def export(tmp_path: Path) -> tuple[Path, list[ExportRecord]]:
    blobs = Blobs()
    recs = records(blobs)
    fmt = get_format("cvat")
    out = io.BytesIO()
    stats = fmt.write(
        recs,
        out,
        ontology=parse_ontology(ONTOLOGY),
        options=fmt.parse_options({"include_media": True}),
        media=blobs,
    )
    assert (stats.items, stats.objects, stats.skipped) == (2, 14, [])
    tree = tmp_path / "cvat"
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        archive.extractall(tree)
    return tree, recs


def test_datumaro_finds_the_objects_of_our_cvat_file(tmp_path: Path) -> None:
    tree, recs = export(tmp_path)
    peer = read_with("datumaro", "cvat", tree)
    assert found(peer) == as_cvat(summarize(recs))
    objects = peer["items"]["straße/東京"]["objects"]
    # the two squares are one object: two <polygon>s of one group, bbox from both parts
    squares = [o for o in objects if o["parts"] == 2]
    assert [(o["bbox"], o["area"]) for o in squares] == [([10.0, 5.0, 50.0, 20.0], 200.0)]
    # the holed square and the ring: masks whose holes stay empty
    assert sorted(o["area"] for o in objects if o["kind"] == "mask") == [128.0, 300.0]
    # the box turned 90 degrees clockwise about its centre, as CVAT's rotation says
    turned = [o["points"] for o in objects if o["kind"] == "rotated_box"]
    assert turned == [[30.0, 30.0, 20.0, 10.0, 90.0]]


def test_our_reader_and_datumaro_agree_on_our_cvat_file(tmp_path: Path) -> None:
    tree, recs = export(tmp_path)
    policy = ErrorPolicy("fail")
    back = list(get_format("cvat").read(tree, policy))
    assert policy.violations == []
    peer = read_with("datumaro", "cvat", tree)
    assert found(peer) == summarize(back)
