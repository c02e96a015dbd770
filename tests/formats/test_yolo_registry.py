"""The YOLO formats in the registry: what they are offered for, and their typed options."""

from __future__ import annotations

import pytest

from ontolabel.core.modality import GeometryKind, Modality
from ontolabel.errors import FormatError
from ontolabel.formats import formats_for, get_format


def test_offered_for_image_projects_of_the_kinds_they_carry() -> None:
    boxes = {f.name for f in formats_for(Modality.IMAGE, [GeometryKind.BOX])}
    assert {"yolo", "ultralytics"} <= boxes
    pose = {f.name for f in formats_for(Modality.IMAGE, [GeometryKind.BOX, GeometryKind.KEYPOINTS])}
    assert "ultralytics" in pose and "yolo" not in pose
    text = {f.name for f in formats_for(Modality.TEXT, [GeometryKind.SPAN])}
    assert not {"yolo", "ultralytics"} & text
    lines = {f.name for f in formats_for(Modality.IMAGE, [GeometryKind.POLYLINE])}
    assert not {"yolo", "ultralytics"} & lines


def test_options_come_from_flags_and_query_strings() -> None:
    fmt = get_format("ultralytics")
    options = fmt.parse_options({"task": "pose", "include_media": "false", "clip": "0"})
    assert (options.task, options.include_media, options.clip) == ("pose", False, False)
    assert fmt.parse_options(None).task == "detect"
    with pytest.raises(FormatError) as caught:
        fmt.parse_options({"task": "track"})
    assert caught.value.violations[0].location.path == "task"
    with pytest.raises(FormatError):
        get_format("yolo").parse_options({"task": "segment"})  # Darknet files are boxes


def test_described_with_the_schema_the_ui_renders() -> None:
    described = get_format("ultralytics").describe()
    assert described["inputs"] == ["folder"]
    assert described["extension"] == ".zip"
    task = described["options_schema"]["properties"]["task"]
    assert task["enum"] == ["detect", "segment", "pose", "obb", "classify"]
    assert task["default"] == "detect"
