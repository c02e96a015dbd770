"""Values no database keeps (a NUL, a lone surrogate, an id past its column) are bad
records in every format and in every save, on SQLite as on PostgreSQL: reported where they
are, never a crash at the insert, never kept by SQLite to be lost on a move."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import TEXT_ONTOLOGY
from tests.services.test_transfer import new_project

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry import Span
from ontolabel.core.storable import NUL, SURROGATE
from ontolabel.errors import AnnotationInvalid, FormatError
from ontolabel.services import annotations, items, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

NOTES: dict[str, Any] = {
    "name": "Notes",
    "classes": [
        {
            "name": "Person",
            "geometry": {"text": ["span"]},
            "attributes": [{"name": "note", "type": "text"}],
        }
    ],
}


def _doccano(path: Path, *rows: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_doccano_rows_with_a_nul_or_a_long_id_are_reported_and_the_rest_imports(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    path = _doccano(
        tmp_path / "rows.jsonl",
        {"id": 1, "text": "Ana met Bo", "label": [[0, 3, "Person"]]},
        {"id": 2, "text": "Ana\u0000 met Bo", "label": []},
        {"id": "x" * 501, "text": "Bo left", "label": []},
        {"id": 4, "text": "lone \ud800 half", "label": []},
    )
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, path, "doccano", user_id=owner.id)
    assert [(v.location.line, v.location.path) for v in refused.value.violations] == [
        (2, "text"),
        (3, "external_id"),
        (4, "text"),
    ]
    assert items.list_items(workspace, pid, user_id=owner.id).items == []  # nothing written

    report = transfer.import_file(
        workspace, pid, path, "doccano", user_id=owner.id, errors="collect"
    )
    assert (report.imported, report.skipped) == (1, 3)
    assert [v.message for v in report.violations] == [
        f"the text {NUL}",
        "the item id has 501 characters; ontolabel keeps at most 500 (shorten it)",
        f"the text {SURROGATE}",
    ]


def test_a_label_studio_annotation_holding_a_nul_is_refused_with_its_item(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    pid = new_project(workspace, owner, "Notes", "text", NOTES)
    region = {
        "id": "r1",
        "type": "labels",
        "from_name": "label",
        "to_name": "text",
        "value": {"start": 0, "end": 3, "text": "Ana", "labels": ["Person"]},
    }
    note = {
        "id": "r1",
        "type": "textarea",
        "from_name": "note",
        "to_name": "text",
        "value": {"text": ["see\u0000 file"]},
    }
    tasks = [
        {"id": 7, "data": {"text": "Ana met Bo"}, "annotations": [{"result": [region, note]}]},
        {"id": 8, "data": {"text": "Bo left"}, "annotations": []},
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = transfer.import_file(
        workspace, pid, path, "labelstudio", user_id=owner.id, errors="collect"
    )
    assert [(v.location.item, v.message) for v in report.violations] == [
        ("7", f"the annotation {NUL}")
    ]
    assert report.imported == 1  # task 8; task 7 is left out whole, as any bad record
    (kept,) = items.list_items(workspace, pid, user_id=owner.id).items
    assert kept.external_id == "8"


def test_a_save_with_a_nul_in_a_text_attribute_is_invalid_and_stores_nothing(
    workspace: Workspace, owner: UserInfo
) -> None:
    pid = new_project(workspace, owner, "Notes", "text", NOTES)
    item = items.add_text_item(workspace, pid, text="Ana met Bo", user_id=owner.id)

    def doc(note: str) -> Annotation:
        return Annotation(
            objects=[
                AnnotationObject(
                    id="a",
                    class_name="Person",
                    geometry=Span(start=0, end=3, text="Ana"),
                    attributes={"note": note},
                )
            ]
        )

    for bad, problem in (("see\x00 file", NUL), ("half \udc00", SURROGATE)):
        with pytest.raises(AnnotationInvalid) as err:
            annotations.save_annotation(
                workspace, item.id, doc(bad), user_id=owner.id, base_revision=0
            )
        assert err.value.message == f"the annotation {problem}"
    assert annotations.get_annotation(workspace, item.id, user_id=owner.id).revision == 0
    # a backslash and "u0000" typed as text are six plain characters
    saved = annotations.save_annotation(
        workspace, item.id, doc("C:\\u0000"), user_id=owner.id, base_revision=0
    )
    assert saved.revision == 1


def test_a_refused_reimport_changes_no_annotation_of_the_good_records(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    """Fail mode writes nothing: not even the updates of the records that were fine."""
    pid = new_project(workspace, owner, "News", "text", TEXT_ONTOLOGY)
    first = _doccano(
        tmp_path / "first.jsonl",
        {"id": "d1", "text": "Ana met Bo", "label": []},
        {"id": "d2", "text": "Bo left", "label": []},
    )
    assert transfer.import_file(workspace, pid, first, "doccano", user_id=owner.id).imported == 2
    again = _doccano(
        tmp_path / "again.jsonl",
        {"id": "d1", "text": "Ana met Bo", "label": [[0, 3, "Person"]]},
        {"id": "d2", "text": "Bo left", "label": [[0, 2, "Person"]], "note": "a\u0000b"},
    )
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, again, "doccano", user_id=owner.id)
    assert [(v.location.line, v.location.path) for v in refused.value.violations] == [(2, "meta")]
    for item in items.list_items(workspace, pid, user_id=owner.id).items:
        assert annotations.get_annotation(workspace, item.id, user_id=owner.id).revision == 0
