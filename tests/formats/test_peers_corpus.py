"""Other projects' files, through ontolabel and back to their reader: datumaro reads a corpus
dataset as it is and as we re-export it (our reader, then our writer), and finds the same.

The datasets are datumaro's own test assets (../shared/corpus, see SOURCES.md).
"""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from peer_runner import found, read_with
from PIL import Image

from corpus import corpus_path
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import parse_ontology
from ontolabel.formats import ErrorPolicy, ExportRecord, ImportRecord, get_format

KINDS = ["box", "rotated_box", "polygon", "mask", "keypoints", "polyline", "tag"]


class Found:
    """A media source of the files our reader found beside the dataset."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def open(self, sha256: str) -> BinaryIO:
        return io.BytesIO(self.data[sha256])


def as_export(record: ImportRecord, item_id: int, files: Found) -> ExportRecord:
    media = []
    for ref in record.media:
        path = next((p for p in ref.paths() if p.is_file()), None)
        assert path is not None, f"{ref.name} is not beside the dataset"
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        files.data[sha] = data
        with Image.open(path) as img:
            width, height = img.size
        media.append(
            MediaInfo(
                modality=Modality.IMAGE,
                mime="image/jpeg",
                sha256=sha,
                size=len(data),
                name=ref.name,
                width=ref.width or width,
                height=ref.height or height,
            )
        )
    return ExportRecord(
        item_id=item_id,
        external_id=record.external_id,
        content=ItemContent(modality=Modality.IMAGE, media=media),
        annotations=record.annotations,
    )


def reexport(fmt_name: str, sources: list[Path], **options: Any) -> tuple[bytes, list[str]]:
    """The sources read by our reader and written by our writer; the reader's complaints."""
    fmt = get_format(fmt_name)
    policy = ErrorPolicy("collect")
    files = Found()
    records = [
        as_export(r, i, files)
        for i, r in enumerate((r for s in sources for r in fmt.read(s, policy)), start=1)
    ]
    classes = list(
        dict.fromkeys(
            o.class_name for r in records for a in r.annotations for o in a.document.objects
        )
    )
    ontology = parse_ontology(
        {"name": "corpus", "classes": [{"name": c, "geometry": {"image": KINDS}} for c in classes]}
    )
    out = io.BytesIO()
    stats = fmt.write(
        records, out, ontology=ontology, options=fmt.parse_options(options), media=files
    )
    assert stats.skipped == []
    return out.getvalue(), [f"{v.location.path}: {v.message}" for v in policy.violations]


def unzip(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    return folder


@pytest.mark.parametrize(
    ("fmt", "peer_format", "relative"),
    [
        ("yolo", "yolo", "cvat-datumaro/tests/assets/yolo_dataset/yolo"),
        ("cvat", "cvat", "cvat-datumaro/tests/assets/cvat_dataset/for_images"),
    ],
)
def test_datumaro_finds_in_our_reexport_what_it_finds_in_the_original(
    fmt: str, peer_format: str, relative: str, tmp_path: Path
) -> None:
    original = corpus_path(relative)
    data, problems = reexport(fmt, [original], include_media=True)
    if fmt == "cvat":
        # two shapes without a label: every ontolabel object has a class (datumaro keeps
        # them as unlabelled shapes, which the summary leaves out)
        assert problems == [
            "image[0].polyline[1]: the polyline has no label (every ontolabel object has a class)",
            "image[1].polygon[0]: the polygon has no label (every ontolabel object has a class)",
        ]
    else:
        assert problems == []
    theirs = found(read_with("datumaro", peer_format, original))
    assert sum(theirs["classes"].values()) > 0
    assert found(read_with("datumaro", peer_format, unzip(data, tmp_path / fmt))) == theirs


def test_a_voc_dataset_reexported_reads_the_same_and_gains_the_size_of_its_bare_image(
    tmp_path: Path,
) -> None:
    original = corpus_path("datumaro/tests/assets/voc_dataset/voc_dataset1")
    data, problems = reexport("voc", [original], include_media=True)
    assert problems == []
    theirs = found(read_with("datumaro", "voc_detection", original))
    ours = found(read_with("datumaro", "voc_detection", unzip(data, tmp_path / "voc")))
    # 2007_000002.jpg has no annotation file: datumaro knows no size for it; our export
    # writes its XML with the size of the image (20x10), and nothing else changes
    assert theirs["items"]["2007_000002"] == {"width": None, "height": None, "objects": []}
    expected = copy.deepcopy(theirs)
    expected["items"]["2007_000002"].update(width=20, height=10)
    assert ours == expected


def test_a_coco_dataset_reexported_reads_the_same_but_for_two_things_we_say(
    tmp_path: Path,
) -> None:
    base = corpus_path("datumaro/tests/assets/coco_dataset/coco_instances")
    data, problems = reexport("coco", sorted((base / "annotations").glob("instances_*.json")))
    assert problems == []
    tree = tmp_path / "coco"
    (tree / "annotations").mkdir(parents=True)
    (tree / "images").mkdir()
    (tree / "annotations" / "instances_default.json").write_bytes(data)
    theirs = found(read_with("datumaro", "coco_instances", base))
    ours = found(read_with("datumaro", "coco_instances", tree))
    expected = copy.deepcopy(theirs)
    # 1. a box-only annotation gets its rectangle as a one-part polygon segmentation
    (box,) = expected["items"]["a"]["objects"]
    box.update(kind="polygon", parts=1, shape_bbox=box["bbox"])
    # 2. the crowd mask's bbox is computed from its pixels: the file's [0, 0, 1, 9] (xywh)
    # gives the last row and column, not the size; its 20 pixels are columns 0-1, rows 0-9
    (mask,) = [o for o in expected["items"]["b"]["objects"] if o["kind"] == "mask"]
    assert (mask["bbox"], mask["area"]) == ([0.0, 0.0, 1.0, 9.0], 20.0)
    mask["bbox"] = [0.0, 0.0, 2.0, 10.0]
    assert ours == expected
