"""Every COCO file of the shared corpus: it imports, or is refused with the precise reason;
import -> export -> import gives the same data; and pycocotools' COCOeval scores our export
of each file against the original at AP = 1.0."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from corpus import CORPUS, corpus_path
from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.core.ontology import Ontology, parse_ontology
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ExportRecord, ImportRecord, WriteStats, get_format

# the corpus files that are not COCO datasets, and what the import says of each
REFUSED = {
    "cocoapi/results/captions_val2014_fakecap_results.json": "COCO results list",
    "cocoapi/results/instances_val2014_fakebbox100_results.json": "COCO results list",
    "cocoapi/results/instances_val2014_fakesegm100_results.json": "COCO results list",
    "cocoapi/results/person_keypoints_val2014_fakekeypoints100_results.json": "COCO results list",
    "datumaro/tests/assets/coco_dataset/coco/annotations/panoptic_train.json": "panoptic",
    "datumaro/tests/assets/coco_dataset/coco/annotations/panoptic_val.json": "panoptic",
    "datumaro/tests/assets/coco_dataset/coco_panoptic/annotations/panoptic_train.json": "panoptic",
    "datumaro/tests/assets/coco_dataset/coco_panoptic/annotations/panoptic_val.json": "panoptic",
    "datumaro/tests/assets/roboflow_dataset/createml/train/_annotations.createml.json": (
        "a JSON list, not a COCO dataset"
    ),
    "datumaro/tests/assets/roboflow_dataset/createml/val/_annotations.createml.json": (
        "a JSON list, not a COCO dataset"
    ),
    "datumaro/tests/assets/segment_anything_dataset/a.json": "SA-1B",
    "datumaro/tests/assets/segment_anything_dataset/b.json": "SA-1B",
}
# (items, objects) each importable file gives: pinned, so a reader change that drops or
# invents objects shows here
DM = "datumaro/tests/assets/coco_dataset/"
CVAT_DM = "cvat-datumaro/tests/assets/coco_dataset/"
IMPORTED = {
    CVAT_DM + "coco_person_keypoints/annotations/person_keypoints_train.json": (1, 2),
    CVAT_DM + "coco_person_keypoints/annotations/person_keypoints_val.json": (1, 4),
    DM + "coco/annotations/captions_train.json": (1, 0),
    DM + "coco/annotations/captions_val.json": (1, 0),
    DM + "coco/annotations/image_info_train.json": (1, 0),
    DM + "coco/annotations/image_info_val.json": (1, 0),
    DM + "coco/annotations/instances_train.json": (1, 1),
    DM + "coco/annotations/instances_val.json": (1, 2),
    DM + "coco/annotations/labels_train.json": (1, 1),
    DM + "coco/annotations/labels_val.json": (1, 2),
    DM + "coco/annotations/person_keypoints_train.json": (1, 2),
    DM + "coco/annotations/person_keypoints_val.json": (1, 4),
    DM + "coco/annotations/stuff_train.json": (1, 1),
    DM + "coco/annotations/stuff_val.json": (1, 1),
    DM + "coco_captions/annotations/captions_train.json": (1, 0),
    DM + "coco_captions/annotations/captions_val.json": (1, 0),
    DM + "coco_image_info/annotations/image_info_train.json": (1, 0),
    DM + "coco_image_info/annotations/image_info_val.json": (1, 0),
    DM + "coco_instances/annotations/instances_train.json": (1, 1),
    DM + "coco_instances/annotations/instances_val.json": (1, 2),
    DM + "coco_labels/annotations/labels_train.json": (1, 1),
    DM + "coco_labels/annotations/labels_val.json": (1, 2),
    DM + "coco_person_keypoints/annotations/person_keypoints_train.json": (1, 2),
    DM + "coco_person_keypoints/annotations/person_keypoints_val.json": (1, 4),
    DM + "coco_roboflow/train/_annotations.coco.json": (1, 1),
    DM + "coco_roboflow/val/_annotations.coco.json": (1, 2),
    DM + "coco_stuff/annotations/stuff_train.json": (1, 1),
    DM + "coco_stuff/annotations/stuff_val.json": (1, 1),
    DM + "mmdet_coco/annotations/instances_train.json": (1, 1),
    DM + "mmdet_coco/annotations/instances_val.json": (1, 2),
    "datumaro/tests/assets/kaggle_dataset/relaxed_coco/annotations.json": (2, 2),
    "datumaro/tests/assets/roboflow_dataset/coco/train/_annotations.coco.json": (2, 2),
    "datumaro/tests/assets/roboflow_dataset/coco/val/_annotations.coco.json": (1, 2),
    "label-studio-sdk/tests/custom/converter/data/test_import_coco/coco_import_input.json": (2, 2),
    "labelme/examples/instance_segmentation/data_dataset_coco/annotations.json": (3, 12),
    "mmdetection3d/tests/data/kitti/kitti_infos_mono3d.coco.json": (1, 4),
    "mmdetection3d/tests/data/nuscenes/nus_infos_mono3d.coco.json": (6, 11),
}


def manifest_coco_files() -> list[str]:
    """The JSON files MANIFEST.tsv tags as COCO (of any kind)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return sorted([*REFUSED, *IMPORTED])  # the tests themselves skip (or fail in CI)
    found = []
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        local, *_, tag = line.split("\t")
        if "coco" in tag.lower() and local.endswith(".json"):
            found.append(local)
    return sorted(found)


def test_the_sweep_covers_every_coco_file_of_the_manifest() -> None:
    corpus_path("MANIFEST.tsv")
    assert manifest_coco_files() == sorted([*REFUSED, *IMPORTED])


def read(path: Path) -> list[ImportRecord]:
    policy = ErrorPolicy("fail")
    records = list(get_format("coco").read(path, policy))
    assert policy.violations == []
    return records


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_files_that_are_not_coco_datasets_are_refused_with_the_reason(relative: str) -> None:
    path = corpus_path(relative)
    with pytest.raises(FormatError, match=REFUSED[relative]) as err:
        read(path)
    assert err.value.location is not None and err.value.location.file == path.name


def ontology_for(records: list[ImportRecord]) -> Ontology:
    """An ontology with every class the records use, each allowed every image geometry."""
    names = dict.fromkeys(
        o.class_name for r in records for a in r.annotations for o in a.document.objects
    )
    kinds = [
        k.value
        for k in GeometryKind
        if k.value in {"box", "rotated_box", "polygon", "mask", "keypoints", "tag"}
    ]
    classes = [{"name": n, "geometry": {"image": kinds}} for n in names] or [
        {"name": "none", "geometry": {"image": kinds}}
    ]
    return parse_ontology({"name": "corpus", "classes": classes})


def as_exported(records: list[ImportRecord]) -> list[ExportRecord]:
    """The records as the exporter would hand them over once stored (media as probed)."""
    return [
        ExportRecord(
            item_id=i + 1,
            external_id=r.external_id,
            content=ItemContent(
                modality=r.modality,
                meta=r.meta,
                media=[
                    MediaInfo(
                        modality=Modality.IMAGE,
                        mime="image/jpeg",
                        sha256=f"{i:064x}",
                        size=1,
                        name=m.name,
                        width=m.width,
                        height=m.height,
                    )
                    for m in r.media
                ],
            ),
            annotations=r.annotations,
        )
        for i, r in enumerate(records)
    ]


def export(records: list[ImportRecord], tmp_path: Path) -> tuple[Path, WriteStats]:
    fmt = get_format("coco")
    out = io.BytesIO()
    stats = fmt.write(
        as_exported(records),
        out,
        ontology=ontology_for(records),
        options=fmt.parse_options(None),
    )
    path = tmp_path / "export.json"
    path.write_bytes(out.getvalue())
    return path, stats


def data_of(records: list[ImportRecord]) -> list[Any]:
    """What the records say, object ids included (an export keeps them beside COCO's)."""
    return [
        (
            r.external_id,
            [(m.name, m.width, m.height) for m in r.media],
            r.meta,
            [
                (a.status, a.source, [o.model_dump() for o in a.document.objects])
                for a in r.annotations
            ],
        )
        for r in records
    ]


@pytest.mark.parametrize("relative", sorted(IMPORTED))
def test_import_export_import_gives_the_same_data(relative: str, tmp_path: Path) -> None:
    path = corpus_path(relative)
    assert get_format("coco").detect(path).confidence >= 0.5
    first = read(path)
    objects = sum(len(a.document.objects) for r in first for a in r.annotations)
    assert (len(first), objects) == IMPORTED[relative]
    exported, stats = export(first, tmp_path)
    assert stats.skipped == [] and stats.objects == objects
    second = read(exported)
    assert data_of(second) == data_of(first)
    # crowd regions stay crowd regions (COCOeval ignores them)
    theirs = json.loads(path.read_bytes()).get("annotations", [])
    ours = json.loads(exported.read_bytes())["annotations"]
    # (an annotation with a shape and keypoints is two objects, both in the crowd)
    assert {a["ontolabel_id"].split(":")[0] for a in ours if a.get("iscrowd") == 1} == {
        str(a["id"]) for a in theirs if a.get("iscrowd") == 1
    }


def load(source: Path | dict[str, Any]) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        if isinstance(source, Path):
            return COCO(str(source))
        coco = COCO()
        coco.dataset = source
        coco.createIndex()
        return coco


def evaluable(relative: str) -> bool:
    data = json.loads(CORPUS.joinpath(relative).read_bytes()) if CORPUS.is_dir() else {}
    anns = data.get("annotations", []) if isinstance(data, dict) else []
    return any(a.get("bbox") and a.get("iscrowd") != 1 for a in anns if isinstance(a, dict))


EVALUATED = [r for r in sorted(IMPORTED) if evaluable(r)]


def segmented(relative: str) -> bool:
    """COCOeval rasterises every ground truth for segm: only files whose shapes all have a
    segmentation can be scored so."""
    data = json.loads(CORPUS.joinpath(relative).read_bytes()) if CORPUS.is_dir() else {}
    return all(a.get("segmentation") for a in data.get("annotations", []))


EVALUATIONS = [(r, "bbox") for r in EVALUATED] + [(r, "segm") for r in EVALUATED if segmented(r)]


@pytest.mark.parametrize(("relative", "iou_type"), EVALUATIONS)
def test_cocoeval_of_our_export_against_the_original_is_perfect(
    relative: str, iou_type: str, tmp_path: Path
) -> None:
    original = corpus_path(relative)
    data = json.loads(original.read_bytes())
    exported, _ = export(read(original), tmp_path)
    ours = json.loads(exported.read_bytes())
    # our ids -> the original's, by file name and category name
    image_ids = {i["file_name"]: i["id"] for i in data["images"]}
    category_ids = {c["name"]: c["id"] for c in data["categories"]}
    our_images = {i["id"]: image_ids[i["file_name"]] for i in ours["images"]}
    our_categories = {c["id"]: category_ids[c["name"]] for c in ours["categories"]}
    results = [
        dict(
            {k: v for k, v in a.items() if k in ("bbox", "segmentation", "area")},
            image_id=our_images[a["image_id"]],
            category_id=our_categories[a["category_id"]],
            score=1.0,
        )
        for a in ours["annotations"]
        if a.get("bbox") and "keypoints" not in a
    ]
    for a in data["annotations"]:
        # Label Studio writes iscrowd "false": not a crowd, as we read it (pycocotools would
        # take any non-empty string for one)
        a["iscrowd"] = 1 if a.get("iscrowd") == 1 else 0
    if any(a["id"] == 0 for a in data["annotations"]):
        # COCOeval takes annotation id 0 for "no match" (its matches are ids, 0 = none), so
        # a ground truth with id 0 could never be found: the ids are shifted, nothing else
        for a in data["annotations"]:
            a["id"] += 1
    gt = load(data)
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    if iou_type == "bbox" and relative.startswith("label-studio-sdk/"):
        # the fault issue 4 pins, in Label Studio's own test file: object 1000 has two parts
        # and its bbox [5040, 1686, 89, 89] covers the first one only; ours covers both, so
        # only the one-part object can match the original's boxes
        (two,) = [a for a in ours["annotations"] if a["ontolabel_id"] == "1000"]
        assert len(two["segmentation"]) == 2 and two["bbox"] == [4787, 1362, 341, 412]
        assert ev.stats[0] == pytest.approx(0.5)
        return
    if iou_type == "bbox" and relative.startswith("labelme/"):
        # labelme2coco writes each bbox as the pixel extent of the rasterised polygon, we
        # write the polygon's own extent: the boxes overlap at IoU 0.93 to 0.99, so they
        # match perfectly at 0.5 and 0.75 (COCO's AP50, AP75), not at the strictest 0.95
        assert (ev.stats[1], ev.stats[2]) == (pytest.approx(1.0), pytest.approx(1.0))
        assert ev.stats[0] > 0.95
        return
    assert ev.stats[0] == pytest.approx(1.0)
