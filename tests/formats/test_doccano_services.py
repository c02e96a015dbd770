"""doccano through the import and export use cases: a real workspace and project."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from corpus import corpus_path
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord
from ontolabel.formats.doccano import DoccanoFormat
from ontolabel.services import items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

DATA = "doccano/backend/data_import/tests/data"


def read(path: Path) -> list[ImportRecord]:
    policy = ErrorPolicy("fail")
    records = list(DoccanoFormat().read(path, policy))
    assert policy.violations == []
    return records


def data(records: list[ImportRecord]) -> list[tuple[Any, ...]]:
    return [
        (r.external_id, r.text, r.meta, [a.document.model_dump() for a in r.annotations])
        for r in records
    ]


def export(ws: Workspace, pid: int, **options: Any) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, "doccano", out, options=options or None)
    return out.getvalue()


def project(ws: Workspace, owner: UserInfo, ontology: dict[str, Any]) -> int:
    return projects.create_project(
        ws, name=ontology["name"], modality="text", ontology=ontology, user_id=owner.id
    ).id


def test_doccano_relation_file_through_the_services(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    source = corpus_path(f"{DATA}/relation_extraction/example.jsonl")
    ontology = {
        "name": "re",
        "classes": [{"name": n, "geometry": {"text": ["span"]}} for n in ("ORG", "DATE", "PERSON")],
        "relations": [
            {"name": "foundedAt", "sources": ["ORG"], "targets": ["DATE"]},
            {"name": "foundedBy", "sources": ["ORG"], "targets": ["PERSON"]},
        ],
    }
    pid = project(workspace, owner, ontology)
    report = transfer.import_file(workspace, pid, source, user_id=owner.id)  # auto-detected
    assert (report.imported, report.violations) == (1, [])
    exported = tmp_path / "out.jsonl"
    exported.write_bytes(export(workspace, pid))
    assert data(read(exported)) == data(read(source))


def test_doccano_bad_lines_fail_or_are_collected(workspace: Workspace, owner: UserInfo) -> None:
    source = corpus_path(f"{DATA}/intent/example.jsonl")
    ontology = {
        "name": "intent",
        "classes": [
            {"name": "LOC", "geometry": {"text": ["span"]}},
            {"name": "positive", "geometry": {"text": ["tag"]}},
        ],
    }
    pid = project(workspace, owner, ontology)
    with pytest.raises(FormatError) as refused:
        transfer.import_file(workspace, pid, source, "doccano", user_id=owner.id)
    assert [str(v) for v in refused.value.violations] == [
        "example.jsonl:5: no 'text' field (keys: 'entities', 'cats')"
    ]
    assert items.list_items(workspace, pid, user_id=owner.id).items == []
    report = transfer.import_file(
        workspace, pid, source, "doccano", user_id=owner.id, errors="collect"
    )
    assert (report.imported, report.skipped) == (4, 1)
    assert export(workspace, pid, form="label").decode().splitlines() == [
        '{"text": "exampleA", "label": [[0, 1, "LOC"], "positive"]}',
        '{"text": "exampleB", "label": ["positive"]}',
        '{"text": "exampleC", "label": [[0, 1, "LOC"]]}',
        '{"text": "exampleD", "label": []}',
    ]
