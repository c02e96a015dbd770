"""brat and doccano through the import and export use cases: a real workspace and project."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

from corpus import corpus_path
from ontolabel.errors import Location
from ontolabel.formats import ErrorPolicy, ImportRecord
from ontolabel.formats.brat import BratFormat, ontology_from_conf
from ontolabel.formats.doccano import DoccanoFormat
from ontolabel.services import items, projects, transfer
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

NEWS = "brat/example-data/tutorials/news"
CRLF = "Name: Bo\r\nCity: Oslo\r\n"


def read(fmt: BratFormat | DoccanoFormat, path: Path) -> list[ImportRecord]:
    policy = ErrorPolicy("fail")
    records = list(fmt.read(path, policy))
    assert policy.violations == []
    return records


def data(records: list[ImportRecord]) -> list[tuple[Any, ...]]:
    return sorted(
        (r.external_id, r.text, [a.document.model_dump() for a in r.annotations]) for r in records
    )


def export(ws: Workspace, pid: int, fmt: str) -> bytes:
    out = io.BytesIO()
    transfer.export_project(ws, pid, fmt, out)
    return out.getvalue()


def project(ws: Workspace, owner: UserInfo, ontology: dict[str, Any]) -> int:
    return projects.create_project(
        ws, name=ontology["name"], modality="text", ontology=ontology, user_id=owner.id
    ).id


def test_brat_zip_imports_and_exports_through_the_services(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    news = corpus_path(NEWS)
    ontology = ontology_from_conf((news / "annotation.conf").read_text(), "news")
    pid = project(workspace, owner, ontology)
    upload = Path(shutil.make_archive(str(tmp_path / "news"), "zip", news.parent, news.name))
    report = transfer.import_file(workspace, pid, upload, user_id=owner.id)
    assert (report.imported, report.skipped, report.violations) == (13, 0, [])
    payload = export(workspace, pid, "brat")
    out = tmp_path / "out"
    zipfile.ZipFile(io.BytesIO(payload)).extractall(out)
    assert data(read(BratFormat(), out)) == data(read(BratFormat(), news))
    # and once more through a fresh project, from the exported archive
    again = project(
        workspace, owner, ontology_from_conf((out / "annotation.conf").read_text(), "n2")
    )
    path = tmp_path / "again.zip"
    path.write_bytes(payload)
    assert transfer.import_file(workspace, again, path, user_id=owner.id).imported == 13
    first, second = (
        zipfile.ZipFile(io.BytesIO(p)) for p in (payload, export(workspace, again, "brat"))
    )
    names = [n for n in first.namelist() if n != "annotation.conf"]  # it names the ontology
    assert [second.read(n) for n in names] == [first.read(n) for n in names]


def test_brat_fail_mode_refuses_the_whole_import_and_names_the_line(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Ana met Bo.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPerson 0 3\tAna\n", encoding="utf-8")
    (folder / "b.txt").write_text("Bo met Ana.", encoding="utf-8")
    (folder / "b.ann").write_text("T1\tPerson 0 2\tBo\nT2\tPerson 7 10\tAnn\n", encoding="utf-8")
    pid = project(
        workspace,
        owner,
        {"name": "p", "classes": [{"name": "Person", "geometry": {"text": ["span"]}}]},
    )
    refused = transfer.import_file(
        workspace, pid, folder, "brat", user_id=owner.id, errors="collect"
    )
    assert (refused.imported, refused.skipped) == (1, 1)
    (problem,) = refused.violations
    assert problem.location == Location(file="b.ann", line=2, item="b")
    assert "covered text 'Ann' differs from the .txt's 'Ana'" in problem.message


def test_crlf_text_survives_doccano_and_brat(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    ontology = {"name": "crlf", "classes": [{"name": "City", "geometry": {"text": ["span"]}}]}
    pid = project(workspace, owner, ontology)
    items.add_text_item(workspace, pid, text=CRLF, user_id=owner.id, external_id="c1")
    brat = zipfile.ZipFile(io.BytesIO(export(workspace, pid, "brat")))
    assert brat.read("c1.txt") == CRLF.encode()
    doccano = tmp_path / "c.jsonl"
    doccano.write_bytes(export(workspace, pid, "doccano"))
    (record,) = read(DoccanoFormat(), doccano)
    assert record.text == CRLF


def test_non_ascii_file_names_round_trip_through_an_uploaded_zip(
    workspace: Workspace, owner: UserInfo, tmp_path: Path
) -> None:
    ontology = {"name": "villes", "classes": [{"name": "Städte", "geometry": {"text": ["span"]}}]}
    pid = project(workspace, owner, ontology)
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("東京/café.txt", "Köln und 東京")
        archive.writestr("東京/café.ann", "T1\tStädte 0 4\tKöln\nT2\tStädte 9 11\t東京\n")
        # beside the folder, so the archive's root is the collection (not 東京/ alone)
        archive.writestr("annotation.conf", "[entities]\nStädte\n")
    report = transfer.import_file(workspace, pid, upload, user_id=owner.id)
    assert (report.imported, report.violations) == (1, [])
    exported = zipfile.ZipFile(io.BytesIO(export(workspace, pid, "brat")))
    assert exported.namelist() == ["東京/café.txt", "東京/café.ann", "annotation.conf"]
    assert (
        exported.read("東京/café.ann").decode() == "T1\tStädte 0 4\tKöln\nT2\tStädte 9 11\t東京\n"
    )
    assert exported.read("東京/café.txt") == "Köln und 東京".encode()
