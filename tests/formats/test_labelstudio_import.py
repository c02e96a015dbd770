"""Reading Label Studio JSON: the corpus's own exports, pinned values, and precise refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from corpus import corpus_path
from ontolabel.core.geometry import Box, Keypoints, Mask, Polygon, RotatedBox, Span, Tag
from ontolabel.core.geometry.box import rotated_box_corners
from ontolabel.core.modality import Modality
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord, detect_format, get_format
from ontolabel.formats.labelstudio.reader import media_name

FORMAT = get_format("labelstudio")
CONVERTER = "label-studio-converter/"
SDK = "label-studio-sdk/tests/custom/converter/data/"
FRONTEND = "label-studio-frontend/examples/"
NO_SIZE = "has no original_width/original_height"
NO_DATA = "has no image and no 'text' field"


def read(path: Path) -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy("collect")
    return list(FORMAT.read(path, policy)), policy


# file, records, annotation records, objects, problems, what every problem says
CORPUS = [
    (CONVERTER + "test/fixtures/completions/348.json", 1, 1, 38, 0, ""),
    (CONVERTER + "tests/data/test_export_csv/csv_test.json", 2, 4, 5, 0, ""),
    (CONVERTER + "tests/data/test_export_csv/csv_test_history.json", 1, 1, 1, 0, ""),
    (CONVERTER + "tests/data/test_export_json_min/data.json", 1, 1, 1, 0, ""),
    (CONVERTER + "tests/data/test_export_yolo/data.json", 2, 3, 6, 0, ""),
    (CONVERTER + "tests/data/test_export_yolo/data_obb.json", 3, 3, 25, 0, ""),
    (CONVERTER + "tests/data/test_export_yolo/data_polygons.json", 1, 1, 1, 0, ""),
    (SDK + "test_export_coco/data.json", 1, 1, 4, 0, ""),
    (SDK + "test_export_yolo/data_keypoints.json", 1, 1, 2, 0, ""),
    (SDK + "test_export_csv/csv_test_colliding_keys.json", 1, 1, 1, 0, ""),
    (SDK + "test_export_csv/csv_test_colliding_keys_mixed.json", 2, 1, 1, 0, ""),
    (FRONTEND + "image_bbox_large/annotations/1.json", 1, 3, 202, 0, ""),
    # the editor's example pairs an image list's regions (item_index 212...) with one image
    (FRONTEND + "image_list_large/annotations/1.json", 0, 0, 0, 1, "names an image the task"),
    (FRONTEND + "image_magic_wand/annotations/1.json", 1, 1, 2, 0, ""),
    (FRONTEND + "named_entity/annotations/1.json", 1, 1, 1, 0, ""),
    (FRONTEND + "named_entity/tasks.json", 1, 1, 1, 0, ""),
    (FRONTEND + "references/tasks.json", 2, 1, 1, 0, ""),
    (FRONTEND + "required/tasks.json", 2, 1, 1, 0, ""),
    (FRONTEND + "image_segmentation/tasks.json", 3, 0, 0, 0, ""),
    # percent regions of images whose size nobody wrote down (the editor's example files)
    (FRONTEND + "image_bbox/annotations/1.json", 0, 0, 0, 3, NO_SIZE),
    (FRONTEND + "image_polygons/annotations/0.json", 0, 0, 0, 1, NO_SIZE),
    (FRONTEND + "image_keypoints/annotations/0.json", 0, 0, 0, 1, NO_SIZE),
    (SDK + "test_export_doclang/data.json", 1, 1, 1, 2, NO_SIZE),
    # result types ontolabel has no geometry for yet
    (FRONTEND + "image_ellipses/annotations/1.json", 0, 0, 0, 1, "cannot carry ellipses yet"),
    (FRONTEND + "html_document/annotations/1.json", 0, 0, 0, 1, "HTML spans (XPath ranges)"),
    (FRONTEND + "rich_text_html/tasks.json", 0, 0, 0, 1, "HTML spans (XPath ranges)"),
    # tasks of other modalities
    (CONVERTER + "tests/pathtrack/ls-video.json", 0, 0, 0, 1, "its data (video) " + NO_DATA),
    (FRONTEND + "audio_regions/tasks.json", 0, 0, 0, 2, "its data (url) " + NO_DATA),
    (FRONTEND + "timeseries_single/tasks.json", 0, 0, 0, 1, "its data (csv) " + NO_DATA),
    (FRONTEND + "sentiment_analysis/tasks.json", 0, 0, 0, 100, NO_DATA),
    (FRONTEND + "pairwise/tasks.json", 0, 0, 0, 1, "its data (text1, text2) " + NO_DATA),
    (SDK + "test_export_json_min/chat_data.json", 0, 0, 0, 1, NO_DATA),
    # annotation files of the editor's examples that leave the task's data out
    (FRONTEND + "image_tools/annotations/1.json", 0, 0, 0, 1, "has no 'data' object"),
    (FRONTEND + "video_bboxes/annotations/1.json", 0, 0, 0, 1, "has no 'data' object"),
]


@pytest.mark.parametrize(
    ("file", "n_records", "n_annotations", "n_objects", "n_problems", "says"),
    CORPUS,
    ids=[c[0].split("/", 1)[1] for c in CORPUS],
)
def test_corpus_files_import_or_are_refused_precisely(
    file: str, n_records: int, n_annotations: int, n_objects: int, n_problems: int, says: str
) -> None:
    records, policy = read(corpus_path(file))
    assert len(records) == n_records
    assert sum(len(r.annotations) for r in records) == n_annotations
    assert sum(len(a.document.objects) for r in records for a in r.annotations) == n_objects
    assert len(policy.violations) == n_problems, [str(v) for v in policy.violations]
    for violation in policy.violations:
        assert says in violation.message
        assert violation.location.file == Path(file).name
        assert violation.location.line is not None


def test_labelled_corpus_exports_are_detected_as_label_studio() -> None:
    for file in (
        CONVERTER + "tests/data/test_export_yolo/data_obb.json",
        FRONTEND + "image_bbox_large/annotations/1.json",
        FRONTEND + "named_entity/annotations/1.json",
    ):
        path = corpus_path(file)
        assert FORMAT.detect(path).confidence >= 0.9
        assert detect_format(path).name == "labelstudio"
    coco = corpus_path(
        "cvat-datumaro/tests/assets/coco_dataset/coco_person_keypoints/annotations/"
        "person_keypoints_train.json"
    )
    assert FORMAT.detect(coco).confidence == 0.0


def test_obb_rectangles_become_rotated_boxes_about_their_centre() -> None:
    file = corpus_path(CONVERTER + "tests/data/test_export_yolo/data_obb.json")
    raw = json.loads(file.read_text())[0]["annotations"][0]["result"][0]
    records, _ = read(file)
    first = records[0]
    assert (first.external_id, first.media[0].name) == ("10959", "image1")
    assert (first.media[0].width, first.media[0].height) == (597, 768)
    obj = first.annotations[0].document.objects[0]
    assert (obj.id, obj.class_name) == ("veUGPaahTw", "Butterfly")
    assert isinstance(obj.geometry, RotatedBox)
    v = raw["value"]
    x, y, w, h = v["x"] * 5.97, v["y"] * 7.68, v["width"] * 5.97, v["height"] * 7.68
    assert (obj.geometry.w, obj.geometry.h, obj.geometry.angle) == pytest.approx(
        (w, h, v["rotation"])
    )
    # the corner Label Studio gives is the corner the rotated box has first (its top-left)
    assert rotated_box_corners(obj.geometry)[0] == pytest.approx((x, y))


def test_boxes_polygons_and_keypoints_are_in_pixels_of_the_original_size() -> None:
    records, _ = read(corpus_path(SDK + "test_export_coco/data.json"))
    objects = {o.class_name: o.geometry for o in records[0].annotations[0].document.objects}
    box = objects["rectangle_label"]
    assert isinstance(box, Box)  # 500 x 320 image
    assert (box.x1, box.y1) == pytest.approx((31.941923774954628 * 5, 4.113475177304964 * 3.2))
    assert (box.x2 - box.x1, box.y2 - box.y1) == pytest.approx(
        (6.352087114337568 * 5, 9.929078014184398 * 3.2)
    )
    polygon = objects["polygon_label"]
    assert isinstance(polygon, Polygon)
    assert polygon.parts[0].exterior[0] == pytest.approx(
        (41.74228675136116 * 5, 3.546099290780142 * 3.2)
    )
    assert len(polygon.parts[0].exterior) == 3
    point = objects["keypoint_label1"]
    assert isinstance(point, Keypoints)
    assert (point.points[0].name, point.points[0].x, point.points[0].y) == pytest.approx(
        ("keypoint_label1", 22.595281306715066 * 5, 31.773049645390074 * 3.2)
    )


def test_a_skeleton_becomes_one_pose_beside_its_box_with_its_relations() -> None:
    file = corpus_path(SDK + "test_export_yolo/data_keypoints.json")
    raw = {r.get("id"): r for r in json.loads(file.read_text())[0]["annotations"][0]["result"]}
    records, _ = read(file)
    annotation = records[0].annotations[0]
    assert annotation.user == "sergei@heartex.test"
    assert records[0].media[0].name == "image1.jpg"  # from /data/upload/18/image1.jpg
    document = annotation.document
    # three points whose parentID is the person's box: one Keypoints object of that class
    assert [(o.id, o.class_name, o.geometry.kind) for o in document.objects] == [
        ("hplPm0Szvc", "person", "box"),
        ("hplPm0Szvc:keypoints", "person", "keypoints"),
    ]
    pose = document.objects[1].geometry
    assert isinstance(pose, Keypoints)
    for point, rid in zip(pose.points, ("YuLAREYKpq", "gD9Q-39A_4", "qwGtX1L1Nm"), strict=True):
        value = raw[rid]["value"]
        assert (point.name, point.x, point.y) == pytest.approx(
            (value["keypointlabels"][0], value["x"] * 2.16, value["y"] * 1.74)
        )
    # relations to the points now name the pose; two link the same pair, ids stay unique
    pairs = [(r.source, r.target) for r in document.relations]
    assert pairs == [
        ("hplPm0Szvc", "hplPm0Szvc:keypoints"),
        ("hplPm0Szvc", "hplPm0Szvc"),
        ("hplPm0Szvc:keypoints", "hplPm0Szvc"),
        ("hplPm0Szvc:keypoints", "hplPm0Szvc"),
        ("hplPm0Szvc:keypoints", "hplPm0Szvc"),
    ]
    assert len({r.id for r in document.relations}) == 5


def test_named_entity_spans_quote_the_text() -> None:
    records, _ = read(corpus_path(FRONTEND + "named_entity/annotations/1.json"))
    record = records[0]
    assert record.modality is Modality.TEXT
    span = record.annotations[0].document.objects[0]
    assert span.geometry == Span(start=343, end=354, text="February 22")
    assert record.text is not None and record.text[343:354] == "February 22"
    legacy, _ = read(corpus_path(CONVERTER + "test/fixtures/completions/348.json"))
    text = legacy[0].text or ""
    for obj in legacy[0].annotations[0].document.objects:
        assert isinstance(obj.geometry, Span)
        assert text[obj.geometry.start : obj.geometry.end] == obj.geometry.text


def test_magic_wand_masks_are_read_from_the_brush_rle() -> None:
    records, _ = read(corpus_path(FRONTEND + "image_magic_wand/annotations/1.json"))
    objects = records[0].annotations[0].document.objects
    assert [o.class_name for o in objects] == ["Cloud", "Cloud Shadow"]
    mask = objects[0].geometry
    assert isinstance(mask, Mask) and (mask.width, mask.height) == (3000, 2860)


def _task(results: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    return {
        "id": 7,
        "data": data or {"image": "a.jpg"},
        "annotations": [{"id": 70, "completed_by": 3, "result": results}],
    }


def _write(tmp_path: Path, tasks: Any, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _rect(rid: str, label: str, **value: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "type": "rectanglelabels",
        "from_name": "box",
        "to_name": "image",
        "original_width": 800,
        "original_height": 400,
        "value": {
            "x": 20,
            "y": 10,
            "width": 25,
            "height": 20,
            "rotation": 90,
            "rectanglelabels": [label],
            **value,
        },
    }


def test_image_tools_task_reads_every_tool_and_reports_the_ellipse(tmp_path: Path) -> None:
    # the editor's example keeps its task's data in tasks.json: put the two together
    annotations = json.loads(corpus_path(FRONTEND + "image_tools/annotations/1.json").read_text())
    data = json.loads(corpus_path(FRONTEND + "image_tools/tasks.json").read_text())[0]["data"]
    task = {**annotations, "data": data}
    records, policy = read(_write(tmp_path, [task]))
    assert records == []
    [problem] = policy.violations
    assert problem.message == (
        "task 1, annotation 1001, result 'YnhRme7NvX' (ellipse): "
        "ontolabel cannot carry ellipses yet"
    )
    assert problem.location.path == "[0].annotations[0]"
    # without the ellipse, every other tool comes in: rectangles, points, polygon, brush
    task["annotations"][0]["result"] = [
        r
        for r in task["annotations"][0]["result"]
        if "YnhRme7NvX" not in (r.get("id"), r.get("from_id"), r.get("to_id"))
    ]
    records, policy = read(_write(tmp_path, [task]))
    assert policy.violations == []
    objects = records[0].annotations[0].document.objects
    kinds = [(o.class_name, o.geometry.kind) for o in objects]
    assert kinds == [
        ("Moonwalker", "box"),
        ("Moonwalker", "box"),
        ("Moonwalker", "keypoints"),
        ("Moonwalker", "keypoints"),
        ("Moonwalker", "keypoints"),
        ("Planet", "polygon"),
        ("Planet", "mask"),
        ("Moonwalker", "box"),
        ("Planet", "box"),
    ]
    golden = json.loads(
        (Path(__file__).parent / "golden/labelstudio/brush_masks.json").read_text()
    )[0]
    assert objects[6].geometry == Mask(height=2802, width=2242, counts=golden["counts"])
    [relation] = records[0].annotations[0].document.relations  # the other one left with it
    assert (relation.source, relation.target) == ("wkl8d6uPq5", "kuZf2E5DRQ")


def test_an_image_beside_the_file_gives_the_size_the_results_lack(tmp_path: Path) -> None:
    task = json.loads(corpus_path(FRONTEND + "image_polygons/annotations/0.json").read_text())
    name = task["data"]["image"].rsplit("/", 1)[-1]
    Image.new("RGB", (640, 480)).save(tmp_path / name)
    records, policy = read(_write(tmp_path, task))
    assert policy.violations == []
    polygon = records[0].annotations[0].document.objects[0].geometry
    assert isinstance(polygon, Polygon)
    x, y = task["annotations"][0]["result"][0]["value"]["points"][0]
    assert polygon.parts[0].exterior[0] == pytest.approx((x * 6.4, y * 4.8))


def test_several_labels_on_one_region_give_one_object_each(tmp_path: Path) -> None:
    records, policy = read(_write(tmp_path, [_task([_rect("r1", "Car")])]))
    records, policy = read(
        _write(
            tmp_path,
            [
                _task(
                    [
                        {
                            **_rect("r1", "Car"),
                            "value": {
                                **_rect("r1", "Car")["value"],
                                "rectanglelabels": ["Car", "Truck"],
                            },
                        }
                    ]
                )
            ],
        )
    )
    objects = records[0].annotations[0].document.objects
    assert [(o.id, o.class_name) for o in objects] == [("r1", "Car"), ("r1:2", "Truck")]
    assert objects[0].geometry == objects[1].geometry


def test_choices_textareas_and_per_region_controls(tmp_path: Path) -> None:
    results = [
        _rect("r1", "Car"),
        {
            "id": "r1",
            "type": "textarea",
            "from_name": "plate",
            "to_name": "image",
            "value": {"text": ["B-AB", "123"]},
        },
        {
            "id": "r1",
            "type": "choices",
            "from_name": "colour",
            "to_name": "image",
            "value": {"choices": ["red"]},
        },
        {
            "id": "c1",
            "type": "choices",
            "from_name": "scene",
            "to_name": "image",
            "value": {"choices": ["Urban", "Night"]},
        },
        {
            "id": "t1",
            "type": "textarea",
            "from_name": "caption",
            "to_name": "image",
            "value": {"text": ["a red car"]},
        },
    ]
    records, policy = read(_write(tmp_path, [_task(results)]))
    assert policy.violations == []
    objects = records[0].annotations[0].document.objects
    assert objects[0].attributes == {"plate": "B-AB\n123", "colour": "red"}
    tags = [(o.id, o.class_name, o.attributes) for o in objects[1:]]
    assert tags == [
        ("c1", "Urban", {}),
        ("c1:2", "Night", {}),
        ("t1", "caption", {"text": "a red car"}),
    ]
    assert all(isinstance(o.geometry, Tag) for o in objects[1:])


def test_spans_are_code_points_as_the_editor_counts_them(tmp_path: Path) -> None:
    # Label Studio's own e2e test ("NER - Emoji - Text"): "test" after a cat emoji is [21, 25)
    text = "🐱 Warning: This is a test text"
    results = [
        {
            "id": "t",
            "type": "labels",
            "from_name": "tag",
            "to_name": "text",
            "value": {"start": 21, "end": 25, "text": "test", "labels": ["region"]},
        },
        {
            "id": "u",
            "type": "labels",
            "from_name": "tag",
            "to_name": "text",
            "value": {"start": 26, "end": 30, "labels": ["region"]},
        },  # no quote: code points
    ]
    records, policy = read(_write(tmp_path, [_task(results, text=text)]))
    assert policy.violations == []
    spans = [o.geometry for o in records[0].annotations[0].document.objects]
    assert spans == [Span(start=21, end=25, text="test"), Span(start=26, end=30, text="text")]


def test_spans_of_older_versions_in_utf16_units_are_recognised_by_their_quote(
    tmp_path: Path,
) -> None:
    # Label Studio before its 2022 fix counted JavaScript's UTF-16 units: the emoji and its
    # skin tone take two each, so Köln [18, 22) and 東京 [24, 26) were [20, 24) and [26, 28)
    text = "Ok 👍🏽 meet Ana in Köln, 東京"
    results = [
        {
            "id": "s1",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 20, "end": 24, "text": "Köln", "labels": ["Location"]},
        },
        {
            "id": "s2",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 26, "end": 28, "text": "東京", "labels": ["Location"]},
        },
    ]
    records, policy = read(_write(tmp_path, [_task(results, text=text)]))
    assert policy.violations == []
    spans = [o.geometry for o in records[0].annotations[0].document.objects]
    assert spans == [Span(start=18, end=22, text="Köln"), Span(start=24, end=26, text="東京")]


def test_spans_counted_in_code_points_are_recognised_by_their_quote(tmp_path: Path) -> None:
    text = "Ok 👍🏽 meet Ana in Köln"
    results = [
        {
            "id": "s1",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 18, "end": 22, "text": "Köln", "labels": ["Location"]},
        }
    ]
    records, _ = read(_write(tmp_path, [_task(results, text=text)]))
    assert records[0].annotations[0].document.objects[0].geometry == Span(
        start=18, end=22, text="Köln"
    )


def test_a_span_that_quotes_other_text_is_refused(tmp_path: Path) -> None:
    results = [
        {
            "id": "s1",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 0, "end": 2, "text": "Köln", "labels": ["Location"]},
        }
    ]
    records, policy = read(_write(tmp_path, [_task(results, text="Ok then")]))
    assert records == []
    assert policy.violations[0].message == (
        "task 7, annotation 70, result 's1' (labels): span [0, 2) does not quote 'Köln' in the "
        "task's text (it reads 'Ok'; counted in UTF-16 units neither)"
    )


@pytest.mark.parametrize(
    ("result", "says"),
    [
        (
            {"id": "v", "type": "videorectangle", "value": {"sequence": []}},
            "result 'v' (videorectangle): ontolabel cannot carry video tracks yet",
        ),
        (
            {"id": "r", "type": "ranker", "value": {"ranker": {}}},
            "result 'r' (ranker): ontolabel cannot carry rankings yet",
        ),
        (
            {
                "id": "p",
                "type": "polygonlabels",
                "original_width": 10,
                "original_height": 10,
                "value": {"points": [[1, 1], [2, 2]], "polygonlabels": ["Car"]},
            },
            "a polygon needs at least 3 points, this one has 2",
        ),
        (
            {
                "id": "b",
                "type": "brushlabels",
                "original_width": 10,
                "original_height": 10,
                "value": {"format": "rle", "rle": [0, 0, 1], "brushlabels": ["Car"]},
            },
            "value.rle: the rle data ends inside a field",
        ),
        (
            {
                "id": "x",
                "type": "rectanglelabels",
                "original_width": 10,
                "original_height": 10,
                "value": {"x": "1", "y": 0, "width": 1, "height": 1, "rectanglelabels": ["Car"]},
            },
            "value.x must be a number, got '1'",
        ),
        (
            {
                "id": "u",
                "type": "rectangle",
                "original_width": 10,
                "original_height": 10,
                "value": {"x": 1, "y": 0, "width": 1, "height": 1},
            },
            "the region has no label, so it has no class",
        ),
        (
            {
                "id": "t",
                "type": "rectanglelabels",
                "original_width": 10,
                "original_height": 10,
                "image_rotation": 90,
                "value": {"x": 1, "y": 0, "width": 1, "height": 1, "rectanglelabels": ["Car"]},
            },
            "the image was turned by 90° in the editor",
        ),
        (
            {"type": "relation", "from_id": "nope", "to_id": "nope"},
            "a relation names region 'nope', which is not a region",
        ),
    ],
)
def test_bad_results_are_reported_with_task_annotation_and_result(
    tmp_path: Path, result: dict[str, Any], says: str
) -> None:
    good = _rect("ok", "Car")
    tasks = [_task([good, result]), {"id": 8, "data": {"image": "b.jpg"}}]
    records, policy = read(_write(tmp_path, tasks))
    # the bad task is skipped whole; the next one still comes in
    assert [r.external_id for r in records] == ["8"]
    [problem] = policy.violations
    assert problem.message.startswith("task 7, annotation 70, ")
    assert says in problem.message
    assert (problem.location.file, problem.location.line, problem.location.item) == (
        "export.json",
        2,
        "7",
    )


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[\n{"id": 1, "data": {"text": "a"}},\n{"id": 2, "data": {"text": ')
    records: list[ImportRecord] = []
    with pytest.raises(FormatError) as caught:
        records.extend(FORMAT.read(path, ErrorPolicy("collect")))
    assert [r.external_id for r in records] == ["1"]  # the complete task came first
    assert caught.value.location is not None and caught.value.location.line == 3
    assert "not valid JSON" in str(caught.value)


def test_a_large_export_is_read_task_by_task(tmp_path: Path) -> None:
    # tasks far larger than one read chunk, and many of them: each is parsed as it completes
    text = "x" * 200_000
    tasks = [{"id": i, "data": {"text": f"{i} {text}"}} for i in range(30)]
    path = _write(tmp_path, tasks)
    seen = [r.external_id for r in FORMAT.read(path, ErrorPolicy())]
    assert seen == [str(i) for i in range(30)]


def test_users_come_from_completed_by_and_predictions_are_model_drafts(tmp_path: Path) -> None:
    task = {
        "id": 1,
        "data": {"image": "/data/local-files/?d=photos/Straße%201.jpg"},
        "annotations": [
            {
                "id": 1,
                "completed_by": {"id": 4, "email": "zoë@example.org"},
                "result": [_rect("a", "Car")],
            },
            {"id": 2, "completed_by": 9, "result": [_rect("b", "Car")]},
        ],
        "predictions": [{"model_version": "v1", "score": 0.5, "result": [_rect("p", "Car")]}],
        "drafts": [{"user": {"email": "bo@example.org"}, "result": [_rect("d", "Car")]}],
    }
    records, policy = read(_write(tmp_path, [task]))
    assert policy.violations == []
    anns = records[0].annotations
    assert [(a.user, a.status, a.source) for a in anns] == [
        ("zoë@example.org", "submitted", "human"),
        (None, "submitted", "human"),  # a bare id: the importing user's
        ("bo@example.org", "draft", "human"),
        (None, "draft", "model"),
    ]
    assert anns[3].document.objects[0].score == 0.5
    assert records[0].media[0].name == "Straße 1.jpg"


def test_whole_item_controls_become_tags(tmp_path: Path) -> None:
    results = [
        {
            "id": "n",
            "type": "number",
            "from_name": "count",
            "to_name": "image",
            "value": {"number": 3},
        },
        {
            "id": "r",
            "type": "rating",
            "from_name": "quality",
            "to_name": "image",
            "value": {"rating": 4},
        },
        {
            "id": "d",
            "type": "datetime",
            "from_name": "taken",
            "to_name": "image",
            "value": {"datetime": "2021-05-04"},
        },
        {
            "id": "t",
            "type": "taxonomy",
            "from_name": "kind",
            "to_name": "image",
            "value": {"taxonomy": [["Vehicle", "Car"], ["Animal"]]},
        },
    ]
    records, policy = read(_write(tmp_path, [_task(results)]))
    assert policy.violations == []
    tags = [(o.id, o.class_name, o.attributes) for o in records[0].annotations[0].document.objects]
    assert tags == [
        ("n", "count", {"number": 3}),
        ("r", "quality", {"rating": 4}),
        ("d", "taken", {"datetime": "2021-05-04"}),
        ("t", "Car", {}),
        ("t:2", "Animal", {}),
    ]


@pytest.mark.parametrize("value", [5, "x", {"a": 1}])
def test_annotation_lists_of_the_wrong_type_are_reported(tmp_path: Path, value: Any) -> None:
    task = {"id": 4, "data": {"text": "a"}, "annotations": value}
    records, policy = read(_write(tmp_path, [task]))
    assert records == []
    assert [v.message for v in policy.violations] == ["task 4: annotations must be a list"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/data/upload/7/0a1b2c3d-Straße 1.jpg", "Straße 1.jpg"),  # an upload: its own name
        ("/data/upload/18/image1.jpg", "image1.jpg"),
        ("/data/local-files/?d=photos/0a1b2c3d-x.jpg", "0a1b2c3d-x.jpg"),  # not an upload
        ("https://host/i/%E6%9D%B1%E4%BA%AC.png?token=1", "東京.png"),
        ("s3://bucket/a/b/c.jpg", "c.jpg"),
        ("c d.jpg", "c d.jpg"),
    ],
)
def test_image_urls_name_the_file_the_user_gave(url: str, name: str) -> None:
    assert media_name(url) == name
