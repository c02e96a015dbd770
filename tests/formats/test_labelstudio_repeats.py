"""Label Studio tasks that name one item twice: the repeat is said where it is, never lost
unsaid; the rows of one task in a JSON-MIN export are that task's annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ontolabel.core.geometry import Span
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format
from ontolabel.services import items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

FORMAT = get_format("labelstudio")
EXTERNAL_ID = "ontolabel_external_id"


def write(tmp_path: Path, tasks: list[dict[str, Any]]) -> Path:
    # one task a line: each task's line is its place in the array plus 2
    path = tmp_path / "export.json"
    path.write_text("[\n" + ",\n".join(json.dumps(t) for t in tasks) + "\n]\n")
    return path


def read(path: Path) -> tuple[list[ImportRecord], list[tuple[str, Any, Any, Any]]]:
    policy = ErrorPolicy("collect")
    records = list(FORMAT.read(path, policy))
    where = [
        (v.message, v.location.line, v.location.item, v.location.path) for v in policy.violations
    ]
    return records, where


def text_task(task_id: object, text: str, **extra: Any) -> dict[str, Any]:
    return {"id": task_id, "data": {"text": text}, "annotations": []} | extra


def span_row(task_id: object, text: str, annotator: str, start: int, end: int) -> dict[str, Any]:
    """A JSON-MIN row: one annotator's one span of a text task."""
    label = {"start": start, "end": end, "text": text[start:end], "labels": ["Person"]}
    return {
        "id": task_id,
        "text": text,
        "annotator": annotator,
        "annotation_id": len(annotator),
        "label": [label],
    }


def test_a_second_task_of_an_id_is_reported_there_and_left_out(tmp_path: Path) -> None:
    path = write(tmp_path, [text_task(7, "Hello world"), text_task(7, "Hello there")])
    records, problems = read(path)
    assert [(r.external_id, r.text) for r in records] == [("7", "Hello world")]
    assert problems == [("task id 7 repeats task [0]", 3, "7", "[1].id")]


def test_a_repeated_string_id_is_quoted(tmp_path: Path) -> None:
    tasks = [text_task("a", "one"), text_task("b", "two"), text_task("a", "three")]
    records, problems = read(write(tmp_path, tasks))
    assert [r.external_id for r in records] == ["a", "b"]
    assert problems == [("task id 'a' repeats task [0]", 4, "a", "[2].id")]


def test_an_item_id_kept_in_the_tasks_meta_is_the_one_that_must_not_repeat(
    tmp_path: Path,
) -> None:
    # ontolabel's own export keeps an item's external id in the task's meta
    tasks = [
        text_task(1, "one", meta={EXTERNAL_ID: "doc"}),
        text_task(2, "two", meta={EXTERNAL_ID: "doc"}),
    ]
    records, problems = read(write(tmp_path, tasks))
    assert [r.text for r in records] == ["one"]
    assert problems == [
        (
            "task meta.ontolabel_external_id 'doc' repeats task [0]",
            3,
            "doc",
            "[1].meta.ontolabel_external_id",
        )
    ]


def labels(record: ImportRecord) -> list[tuple[str | None, list[str]]]:
    return [
        (a.user, [o.geometry.text for o in a.document.objects if isinstance(o.geometry, Span)])
        for a in record.annotations
    ]


def test_the_rows_of_a_task_in_json_min_are_its_annotations(tmp_path: Path) -> None:
    text = "Ana met Bo"
    rows = [
        span_row(7, text, "ana@x.org", 0, 3),
        span_row(7, text, "bo@x.org", 8, 10),
        span_row(8, "Cy", "ana@x.org", 0, 2),
        span_row(7, text, "cy@x.org", 0, 3),  # task 7 again, after another task: a repeat
    ]
    records, problems = read(write(tmp_path, rows))
    assert [(r.external_id, labels(r)) for r in records] == [
        ("7", [("ana@x.org", ["Ana"]), ("bo@x.org", ["Bo"])]),
        ("8", [("ana@x.org", ["Cy"])]),
    ]
    assert problems == [("task id 7 repeats task [0]", 5, "7", "[3].id")]


def test_a_json_min_row_of_its_task_with_other_data_is_a_repeat(tmp_path: Path) -> None:
    rows = [span_row(8, "Cy", "ana@x.org", 0, 2), span_row(8, "Dee", "bo@x.org", 0, 3)]
    records, problems = read(write(tmp_path, rows))
    assert [(r.external_id, labels(r)) for r in records] == [("8", [("ana@x.org", ["Cy"])])]
    assert problems == [("task id 8 repeats task [0] with other data", 3, "8", "[1].id")]


def test_a_bad_json_min_row_leaves_its_whole_task_out(tmp_path: Path) -> None:
    text = "Ana met Bo"
    bad = span_row(7, text, "bo@x.org", 8, 10)
    bad["label"][0]["end"] = 99
    rows = [span_row(7, text, "ana@x.org", 0, 3), bad, span_row(8, "Cy", "ana@x.org", 0, 2)]
    records, problems = read(write(tmp_path, rows))
    assert [r.external_id for r in records] == ["8"]
    assert [(line, item, path) for _, line, item, path in problems] == [
        (3, "7", "[1].annotations[0]")
    ]


def test_the_import_refuses_a_repeat_or_collects_the_first(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    path = write(tmp_path, [text_task(7, "Hello world"), text_task(7, "Hello there")])
    ontology = {"name": "ner", "classes": [{"name": "Person", "geometry": {"text": ["span"]}}]}
    pid = projects.create_project(
        workspace, name="ner", modality="text", ontology=ontology, user_id=owner.id
    ).id
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, path, "labelstudio", user_id=owner.id)
    assert [str(v) for v in refused.value.violations] == [
        "export.json:3, item 7, [1].id: task id 7 repeats task [0]"
    ]
    assert items.list_items(workspace, pid, user_id=owner.id).items == []
    report = transfer.import_file(
        workspace, pid, path, "labelstudio", user_id=owner.id, errors="collect"
    )
    assert (report.imported, report.existing, report.skipped) == (1, 0, 1)
    [item] = items.list_items(workspace, pid, user_id=owner.id).items
    assert item.external_id == "7"
