"""Importing a spaCy file again adds no copies: documents without ids get one from their
text and place, identical documents of one file stay apart, and the ids ride through an
export (v3 and v2 alike) so that importing it finds the items it came from."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ontolabel.formats import ErrorPolicy, get_format
from ontolabel.services import items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

NEWS = {
    "name": "News",
    "classes": [
        {"name": "Person", "geometry": {"text": ["span"]}},
        {"name": "Urgent", "geometry": {"text": ["tag"]}},
    ],
}
ANA, BO = "Ana met Bo.", "Bo left."


def v3_file(path: Path) -> Path:
    docs = [
        {"text": ANA, "ents": [{"start": 0, "end": 3, "label": "Person"}]},
        {"text": BO, "ents": [{"start": 0, "end": 2, "label": "Person"}]},
        {"text": ANA, "ents": [{"start": 0, "end": 3, "label": "Person"}]},  # a twin
        {"text": "Now.", "cats": {"Urgent": 1.0}},
    ]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def v2_paragraph(text: str, tags: list[str]) -> dict[str, Any]:
    words = text.replace(".", " .").split()
    return {
        "raw": text,
        "sentences": [
            {"tokens": [{"orth": w, "ner": t} for w, t in zip(words, tags, strict=True)]}
        ],
    }


def v2_file(path: Path) -> Path:
    ana = v2_paragraph(ANA, ["U-Person", "O", "U-Person", "O"])
    docs = [
        # spaCy's converters number documents from 0 in every file, and put many
        # paragraphs in one document
        {"id": 0, "paragraphs": [ana, v2_paragraph(BO, ["U-Person", "O", "O"]), ana]},
        {"id": 0, "paragraphs": [ana]},
    ]
    path.write_text(json.dumps(docs, indent=1), encoding="utf-8")
    return path


def project(ws: Workspace, user: UserInfo, name: str = "News") -> int:
    return projects.create_project(
        ws, name=name, modality="text", ontology=NEWS, user_id=user.id
    ).id


def stored(ws: Workspace, pid: int, user: UserInfo) -> list[tuple[str | None, str | None]]:
    page = items.list_items(ws, pid, user_id=user.id, limit=1000)
    return [(i.external_id, i.preview) for i in page.items]


@pytest.mark.parametrize(
    ("fmt", "make", "count"), [("spacy", v3_file, 4), ("spacy-v2", v2_file, 4)]
)
def test_importing_the_same_file_twice_adds_no_copies(
    workspace: Workspace, owner: UserInfo, tmp_path: Path, fmt: str, make: Any, count: int
) -> None:
    pid = project(workspace, owner)
    path = make(tmp_path / "news.json")
    first = transfer.import_file(workspace, pid, path, fmt, user_id=owner.id)
    assert (first.imported, first.violations) == (count, [])
    before = stored(workspace, pid, owner)
    # identical documents of the file are items of their own, each with its own id
    assert [p for _, p in before].count(ANA) == (2 if fmt == "spacy" else 3)
    assert len({e for e, _ in before}) == count and None not in {e for e, _ in before}
    again = transfer.import_file(workspace, pid, path, fmt, user_id=owner.id)
    assert (again.imported, again.existing, again.updated, again.violations) == (0, count, 0, [])
    assert stored(workspace, pid, owner) == before


@pytest.mark.parametrize("source", ["spacy", "spacy-v2"])
@pytest.mark.parametrize("target", ["spacy", "spacy-v2"])
def test_importing_an_export_finds_the_items_it_came_from(
    workspace: Workspace, owner: UserInfo, tmp_path: Path, source: str, target: str
) -> None:
    pid = project(workspace, owner)
    path = (v3_file if source == "spacy" else v2_file)(tmp_path / "news.json")
    transfer.import_file(workspace, pid, path, source, user_id=owner.id)
    before = stored(workspace, pid, owner)
    out = io.BytesIO()
    transfer.export_project(workspace, pid, target, out)
    exported = tmp_path / f"export{get_format(target).extension}"
    exported.write_bytes(out.getvalue())
    report = transfer.import_file(workspace, pid, exported, target, user_id=owner.id)
    assert (report.imported, report.existing, report.updated, report.violations) == (
        0,
        len(before),
        0,
        [],
    )
    assert stored(workspace, pid, owner) == before
    # and the export goes into another project as the same items, with the same ids
    other = project(workspace, owner, "Copy")
    transfer.import_file(workspace, other, exported, target, user_id=owner.id)
    assert stored(workspace, other, owner) == before


def test_ids_are_computed_one_document_at_a_time(tmp_path: Path) -> None:
    # an id depends on the document and its place only: a file that starts the same
    # gives its first documents the same ids, whatever follows them
    v3 = get_format("spacy")
    short = tmp_path / "short.jsonl"
    short.write_text(json.dumps({"text": ANA, "ents": []}) + "\n", encoding="utf-8")
    longer = v3_file(tmp_path / "long.jsonl")
    policy = ErrorPolicy("collect")
    [one] = v3.read(short, policy)
    ids = [r.external_id for r in v3.read(longer, policy)]
    assert policy.violations == []
    assert ids[0] == one.external_id and len(set(ids)) == len(ids)
    assert all(i is not None and i.startswith("spacy:") for i in ids)


def test_an_id_the_document_carries_wins(tmp_path: Path) -> None:
    v2 = get_format("spacy-v2")
    path = tmp_path / "train.json"
    paragraph = v2_paragraph(BO, ["U-Person", "O", "O"])
    docs = [{"id": 7, "paragraphs": [paragraph, paragraph], "_": {"external_id": "doc-7"}}]
    path.write_text(json.dumps(docs), encoding="utf-8")
    policy = ErrorPolicy("collect")
    records = list(v2.read(path, policy))
    assert policy.violations == []
    assert [(r.external_id, r.meta["id"]) for r in records] == [("doc-7", 7), ("doc-7#1", 7)]
    path.write_text(json.dumps([{**docs[0], "_": {"external_id": 7}}]), encoding="utf-8")
    assert list(v2.read(path, policy)) == []
    assert [(v.location.path, v.message) for v in policy.violations] == [
        ("[0]._.external_id", "must be a string")
    ]
