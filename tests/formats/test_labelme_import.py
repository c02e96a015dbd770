"""LabelMe JSON import: each shape type to its core geometry, grouping, flags, detection,
and every bad file reported with its place and cause (the good files still read)."""

from __future__ import annotations

import base64
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from corpus import corpus_path
from ontolabel.core.geometry import Box, Keypoints, Polygon, Polyline, RotatedBox, Tag
from ontolabel.core.geometry.box import rotated_box_corners
from ontolabel.core.geometry.mask import rle_area, rle_decode
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord, detect_all, detect_format, get_format
from ontolabel.services import projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

LABELME = get_format("labelme")
EXAMPLES = "labelme/examples"


def read(path: Path, mode: str = "collect") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(LABELME.read(path, policy)), policy


def objects(record: ImportRecord) -> list[Any]:
    return [o for a in record.annotations for o in a.document.objects]


def labelme_file(shapes: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {
        "version": "5.7.0",
        "flags": {},
        "shapes": shapes,
        "imagePath": "a.jpg",
        "imageData": None,
        "imageHeight": 40,
        "imageWidth": 60,
        **top,
    }


def shape(shape_type: str | None, points: list[list[float]], **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"label": "thing", "points": points, "group_id": None}
    if shape_type is not None:
        found["shape_type"] = shape_type
    return {**found, "flags": {}, **extra}


def write(folder: Path, name: str, data: dict[str, Any] | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def png(pixels: np.ndarray[Any, Any]) -> str:
    buffer = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_each_primitive_becomes_its_core_geometry() -> None:
    [record] = read(corpus_path(f"{EXAMPLES}/primitives/primitives.json"))[0]
    found = {o.class_name: o for o in objects(record)}
    assert [o.class_name for o in objects(record)] == [
        "rectangle",
        "circle",
        "rectangle",
        "polygon",
        "line",
        "point",
        "line_strip",
        "octagon",
    ]
    assert objects(record)[0].geometry == Box(x1=32, y1=35, x2=132, y2=135)
    assert found["polygon"].geometry.parts[0].exterior == [
        (69, 318),
        (45, 403),
        (173, 406),
        (198, 321),
    ]
    assert found["line"].geometry == Polyline(points=[(188, 178), (160, 224)])
    assert len(found["line_strip"].geometry.points) == 3
    assert found["point"].geometry == Keypoints.model_validate(
        {"points": [{"name": "1", "x": 345, "y": 174}]}
    )
    # the circle (centre 195,84, rim 225,125) is a polygon on its rim, starting at the rim
    # point, close to the true circle; the circle itself is kept in the item's meta
    ring = found["circle"].geometry.parts[0].exterior
    radius = math.dist((195, 84), (225, 125))
    assert ring[0] == (225, 125)
    assert all(math.dist((195, 84), p) == pytest.approx(radius, abs=1e-9) for p in ring)
    sagitta = radius * (1 - math.cos(math.pi / len(ring)))
    assert sagitta <= 0.25 and len(ring) == 32
    assert record.meta == {"labelme": {"circles": {found["circle"].id: [195, 84, 225, 125]}}}
    assert found["octagon"].geometry.kind == "mask"
    assert [o.id for o in objects(record)] == [str(i) for i in range(1, 9)]
    assert record.annotations[0].origins == tuple(f"shapes[{i}]" for i in range(8))


def test_polygons_of_one_group_are_one_object_of_several_parts() -> None:
    records, policy = read(corpus_path(f"{EXAMPLES}/instance_segmentation/data_annotated"))
    assert policy.violations == []
    by_name = {r.external_id: r for r in records}
    # 2011_000003: a person split by an occluder, shapes 1 and 2 with group_id 0
    people = [o for o in objects(by_name["2011_000003"]) if o.class_name == "person"]
    assert [[len(p.exterior) for p in o.geometry.parts] for o in people] == [[41], [41, 4]]
    assert by_name["2011_000003"].meta == {"labelme": {"groups": {people[1].id: 0}}}
    # 2011_000006: a sofa in four pieces
    [sofa] = [o for o in objects(by_name["2011_000006"]) if o.class_name == "sofa"]
    assert [len(p.exterior) for p in sofa.geometry.parts] == [9, 3, 9, 4]
    assert by_name["2011_000006"].annotations[0].origins[-1] == "shapes[6]"


def test_true_image_flags_are_whole_image_tags() -> None:
    records, _ = read(corpus_path(f"{EXAMPLES}/classification/data_annotated"))
    assert [[(o.class_name, o.geometry) for o in objects(r)] for r in records] == [
        [("cat", Tag())],
        [("dog", Tag())],
    ]
    assert [r.external_id for r in records] == ["0001", "0002"]
    assert [r.media[0].candidates[0].name for r in records] == ["0001.jpg", "0002.jpg"]
    assert (records[0].media[0].width, records[0].media[0].height) == (640, 480)


def test_an_embedded_image_is_handed_over_as_bytes() -> None:
    [record] = read(corpus_path(f"{EXAMPLES}/tutorial/apc2016_obj3.json"))[0]
    [media] = record.media
    # imagePath names the JSON itself: the bytes are named after the JSON, by their kind
    assert (media.name, media.candidates, media.width, media.height) == (
        "apc2016_obj3.jpg",
        (),
        1210,
        907,
    )
    assert media.data is not None
    assert Image.open(io.BytesIO(media.data)).size == (1210, 907)


def test_every_corpus_labelme_file_reads_without_problems() -> None:
    files = sorted(corpus_path(EXAMPLES).glob("*/**/*.json"))
    files = [f for f in files if "data_dataset_coco" not in f.parts]
    assert len(files) == 15
    shapes = 0
    for file in files:
        assert LABELME.detect(file).confidence >= 0.9, file
        [record], policy = read(file, "fail")
        assert policy.violations == [], file
        shapes += len(json.loads(file.read_bytes())["shapes"])
    assert shapes == 54


def test_shape_attributes_and_an_oriented_rectangle(tmp_path: Path) -> None:
    box = RotatedBox(cx=30, cy=20, w=16, h=8, angle=30)
    corners = [list(c) for c in rotated_box_corners(box)]
    path = write(
        tmp_path,
        "a.json",
        labelme_file(
            [
                shape(
                    "oriented_rectangle",
                    corners,
                    flags={"occluded": True, "truncated": False},
                    description="behind the tree",
                ),
                shape("points", [[1, 2], [3, 4]], description=""),
                shape(None, [[1, 1], [9, 1], [9, 9]]),  # LabelMe 3: no shape_type
                shape("rectangle", [[20, 30], [10, 5]]),  # corners in any order
            ]
        ),
    )
    [record], policy = read(path)
    assert policy.violations == []
    rotated, points, polygon, rectangle = objects(record)
    assert rotated.geometry.model_dump() == pytest.approx(box.model_dump())
    assert rotated.attributes == {
        "occluded": True,
        "truncated": False,
        "description": "behind the tree",
    }
    assert [(p.name, p.x, p.y) for p in points.geometry.points] == [("1", 1, 2), ("2", 3, 4)]
    assert points.attributes == {}
    assert polygon.geometry == Polygon.model_validate(
        {"parts": [{"exterior": [[1, 1], [9, 1], [9, 9]]}]}
    )
    assert rectangle.geometry == Box(x1=10, y1=5, x2=20, y2=30)


def test_a_mask_is_placed_at_its_rounded_corner_and_clipped_to_the_image(
    tmp_path: Path,
) -> None:
    patch = np.zeros((6, 8), dtype=np.uint8)
    patch[1:5, 2:7] = 1
    path = write(
        tmp_path,
        "a.json",
        labelme_file(
            [
                shape("mask", [[10.4, 3.6], [17.4, 8.6]], mask=png(patch)),
                # half outside the 60-wide image: the part inside is kept, as LabelMe does
                shape("mask", [[57, 0], [64, 5]], mask=png(patch)),
            ]
        ),
    )
    [record], _ = read(path)
    inside, clipped = (rle_decode(o.geometry) for o in objects(record))
    assert inside.shape == (40, 60)
    assert (inside[4:10, 10:18] == patch).all() and rle_area(objects(record)[0].geometry) == 20
    assert (clipped[0:6, 57:60] == patch[:, :3]).all() and clipped.sum() == 4


BAD_SHAPES = [
    (shape("hexagon", [[1, 1]]), "shapes[0].shape_type", "unknown shape_type 'hexagon'"),
    (shape("rectangle", [[1, 1], [2, 2], [3, 3]]), "shapes[0].points", "2 points, got 3"),
    (shape("polygon", [[1, 1], [2, 2]]), "shapes[0].points", "at least 3 points, got 2"),
    (shape("point", [[1, "a"]]), "shapes[0].points[0]", "a point must be [x, y]"),
    (shape("circle", [[5, 5], [5, 5]]), "shapes[0].points[1]", "radius 0"),
    (shape("mask", [[0, 0], [1, 1]], mask="not base64!"), "shapes[0].mask", "not valid base64"),
    (
        shape("mask", [[0, 0], [1, 1]], mask=base64.b64encode(b"GIF").decode()),
        "shapes[0].mask",
        "not a readable PNG",
    ),
    (shape("polygon", [[1, 1], [2, 2], [3, 1]], flags={"x": 1}), "shapes[0].flags", "true or"),
    (shape("polygon", [[1, 1], [2, 2], [3, 1]], group_id="a"), "shapes[0].group_id", "integer"),
    ({"points": [[1, 1]], "shape_type": "point"}, "shapes[0].label", "needs a 'label'"),
    (
        shape("oriented_rectangle", [[0, 0], [10, 0], [10, 5], [3, 9]]),
        "shapes[0].points",
        "do not form one",
    ),
]


@pytest.mark.parametrize(("bad", "path", "message"), BAD_SHAPES)
def test_a_bad_shape_is_reported_and_its_file_skipped(
    bad: dict[str, Any], path: str, message: str, tmp_path: Path
) -> None:
    write(tmp_path, "good.json", labelme_file([shape("rectangle", [[1, 1], [5, 5]])]))
    write(tmp_path, "sub/bad.json", labelme_file([bad, shape("rectangle", [[1, 1], [5, 5]])]))
    records, policy = read(tmp_path)
    assert [r.external_id for r in records] == ["good"]
    [problem] = policy.violations
    assert (problem.location.file, problem.location.item, problem.location.path) == (
        "sub/bad.json",
        "sub/bad",
        path,
    )
    assert message in problem.message


BAD_FILES = [
    ('{"shapes": [', 1, None, "not valid JSON"),
    ('{\n  "version": "5",\n  "shapes": [}', 3, None, "not valid JSON"),
    (json.dumps({"images": []}), None, None, "not a LabelMe file"),
    (json.dumps(labelme_file([], imageWidth=-3)), None, "imageWidth", "positive integer"),
    (json.dumps(labelme_file([], imageData="%%%")), None, "imageData", "not valid base64"),
    (json.dumps(labelme_file([], imagePath="")), None, None, "names no image"),
    (json.dumps(labelme_file([], flags={"cat": "yes"})), None, "flags", "true or false"),
    (
        json.dumps(
            labelme_file(
                [shape("mask", [[0, 0], [1, 1]], mask=png(np.ones((2, 2))))], imageHeight=None
            )
        ),
        None,
        "shapes[0].mask",
        "imageHeight and imageWidth",
    ),
]


@pytest.mark.parametrize(("text", "line", "path", "message"), BAD_FILES)
def test_a_bad_file_is_reported_with_its_place(
    text: str, line: int | None, path: str | None, message: str, tmp_path: Path
) -> None:
    write(tmp_path, "bad.json", text)
    records, policy = read(tmp_path / "bad.json")
    assert records == []
    [problem] = policy.violations
    assert (problem.location.file, problem.location.line, problem.location.path) == (
        "bad.json",
        line,
        path,
    )
    assert message in problem.message


def test_images_are_looked_for_where_labelme_looks_then_beside_the_json(tmp_path: Path) -> None:
    path = write(tmp_path, "labels/a.json", labelme_file([], imagePath="..\\images\\é 東京.jpg"))
    [record], _ = read(path)
    [media] = record.media
    assert media.name == "é 東京.jpg"
    assert media.candidates == (
        tmp_path / "labels/../images/é 東京.jpg",
        tmp_path / "labels/é 東京.jpg",
    )


def test_detection(tmp_path: Path) -> None:
    labelme = write(tmp_path, "one/a.json", labelme_file([]))
    assert LABELME.detect(labelme).confidence == 0.95
    assert LABELME.detect(tmp_path / "one").confidence == 0.9
    assert detect_format(labelme).name == "labelme"
    assert detect_format(tmp_path / "one").name == "labelme"
    coco = corpus_path(f"{EXAMPLES}/instance_segmentation/data_dataset_coco/annotations.json")
    assert LABELME.detect(coco).confidence == 0.0
    assert detect_format(coco).name == "coco"
    assert LABELME.detect(write(tmp_path, "b.json", "[1, 2]")).reason == "not a JSON object"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert LABELME.detect(empty).reason == "no JSON files in the folder"


@pytest.mark.parametrize(
    "relative",
    [
        "datumaro/tests/assets/labelme_dataset",
        "datumaro/tests/assets/labelme_dataset/Annotations/subset1/img1.xml",
        "cvat-datumaro/tests/assets/labelme_dataset",
    ],
)
def test_the_old_mit_labelme_xml_is_refused_with_the_reason(relative: str) -> None:
    path = corpus_path(relative)
    verdict = LABELME.detect(path)
    assert verdict.confidence == 0.0 and "MIT LabelMe XML" in verdict.reason
    if path.is_dir():
        with pytest.raises(FormatError, match="MIT LabelMe XML"):
            list(LABELME.read(path, ErrorPolicy()))
        reasons = {fmt.name: d.reason for fmt, d in detect_all(path)}
        assert "MIT LabelMe XML" in reasons["labelme"]


def test_undeclared_shape_flags_are_reported_by_the_ontology(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    Image.new("RGB", (60, 40)).save(tmp_path / "a.jpg")
    write(
        tmp_path,
        "a.json",
        labelme_file(
            [
                shape("rectangle", [[1, 1], [5, 5]], flags={"occluded": True}),
                shape("rectangle", [[1, 1], [5, 5]], flags={"blurry": False}),
            ]
        ),
    )
    ontology = {
        "name": "o",
        "classes": [
            {
                "name": "thing",
                "geometry": {"image": ["box"]},
                "attributes": [{"name": "occluded", "type": "bool"}],
            }
        ],
    }
    pid = projects.create_project(
        workspace, name="p", modality="image", ontology=ontology, user_id=owner.id
    ).id
    with pytest.raises(FormatError) as caught:
        transfer.import_file(workspace, pid, tmp_path, user_id=owner.id)
    [problem] = caught.value.violations
    assert (problem.location.file, problem.location.item) == ("a.json", "a")
    assert problem.location.path is not None and problem.location.path.startswith("shapes[1]")
    assert "blurry" in problem.message


def test_files_are_read_one_at_a_time(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        write(tmp_path, f"{name}.json", labelme_file([shape("rectangle", [[1, 1], [5, 5]])]))
    policy = ErrorPolicy("collect")
    records = LABELME.read(tmp_path, policy)
    assert next(records).external_id == "a"
    # c.json is only opened when its turn comes: a change now is what gets read
    write(tmp_path, "c.json", "{broken")
    assert [r.external_id for r in records] == ["b"]
    assert [v.location.file for v in policy.violations] == ["c.json"]
