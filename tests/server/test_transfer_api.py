"""Import and export over HTTP: reports with every bad line, all-or-nothing by default,
exports as downloads that re-import to the same data."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TEXT_ONTOLOGY

from ontolabel.errors import Location, Violation
from ontolabel.formats import WriteStats
from ontolabel.services import transfer
from ontolabel.services.workspace import Workspace

HEADER = {"format": "ontolabel.jsonl", "version": 1}


def jsonl(*records: dict[str, Any]) -> bytes:
    return (
        "\n".join(json.dumps(r, ensure_ascii=False) for r in [HEADER, *records]) + "\n"
    ).encode()


def text_record(ext: str, text: str, *objects: dict[str, Any]) -> dict[str, Any]:
    anns = [{"document": {"objects": list(objects)}}] if objects else []
    return {"external_id": ext, "modality": "text", "text": text, "annotations": anns}


def person(start: int, end: int, text: str) -> dict[str, Any]:
    return {
        "id": f"p{start}",
        "class_name": "Person",
        "geometry": {"kind": "span", "start": start, "end": end, "text": text[start:end]},
    }


@pytest.fixture
def pid(client: TestClient) -> int:
    reply = client.post(
        "/api/projects", json={"name": "News", "modality": "text", "ontology": TEXT_ONTOLOGY}
    )
    return int(reply.json()["id"])


GOOD = [text_record("a", "Ana wrote", person(0, 3, "Ana wrote")), text_record("b", "Bo read")]
BAD = text_record(
    "c",
    "Cy",
    {
        "id": "x",
        "class_name": "Robot",
        "geometry": {"kind": "span", "start": 0, "end": 2, "text": "Cy"},
    },
)


def test_formats_are_listed(client: TestClient) -> None:
    names = {f["name"]: f for f in client.get("/api/formats").json()}
    assert {"jsonl", "coco"} <= set(names)
    assert "image" in names["coco"]["modalities"] and "box" in names["coco"]["kinds"]


def test_import_fail_mode_writes_nothing_and_names_the_bad_line(
    client: TestClient, pid: int
) -> None:
    body = jsonl(*GOOD, BAD)
    reply = client.post(
        f"/api/projects/{pid}/import?format=jsonl", files={"file": ("news.jsonl", body)}
    )
    assert reply.status_code == 422, reply.text
    violations = reply.json()["violations"]
    assert violations and all(v.get("file") == "news.jsonl" for v in violations)
    assert {v.get("line") for v in violations} == {4}
    assert client.get(f"/api/projects/{pid}/items").json()["items"] == []


def test_import_collect_mode_keeps_the_good_rows(client: TestClient, pid: int) -> None:
    body = jsonl(*GOOD, BAD)
    reply = client.post(
        f"/api/projects/{pid}/import?format=jsonl&errors=collect",
        files={"file": ("news.jsonl", body)},
    )
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert (report["imported"], report["skipped"]) == (2, 1)
    assert [e["line"] for e in report["errors"]] == [4]
    listed = client.get(f"/api/projects/{pid}/items").json()["items"]
    assert [i["external_id"] for i in listed] == ["a", "b"]


def test_export_is_a_download_that_re_imports_identically(client: TestClient, pid: int) -> None:
    client.post(f"/api/projects/{pid}/import", files={"file": ("news.jsonl", jsonl(*GOOD))})
    exported = client.get(f"/api/projects/{pid}/export?format=jsonl")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert "News" in exported.headers["content-disposition"]
    lines = exported.content.decode().splitlines()
    records = [json.loads(line) for line in lines[1:]]
    assert [r["external_id"] for r in records] == ["a", "b"]
    copy = client.post(
        "/api/projects", json={"name": "Copy", "modality": "text", "ontology": TEXT_ONTOLOGY}
    ).json()["id"]
    again = client.post(
        f"/api/projects/{copy}/import", files={"file": ("x.jsonl", exported.content)}
    )
    assert again.status_code == 200 and again.json()["imported"] == 2
    second = client.get(f"/api/projects/{copy}/export?format=jsonl").content.decode().splitlines()
    assert second[1:] == lines[1:]


def test_unknown_format_is_404_with_the_known_ones(client: TestClient, pid: int) -> None:
    reply = client.get(f"/api/projects/{pid}/export?format=nope")
    assert reply.status_code == 404
    assert "jsonl" in reply.json()["hint"]


def test_an_unreadable_import_is_422_not_500(client: TestClient, pid: int) -> None:
    reply = client.post(
        f"/api/projects/{pid}/import?format=jsonl",
        files={"file": ("x.jsonl", b"\x00\xff not json\n")},
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"] == "FormatError"


def test_an_oversized_import_is_413_and_leaves_no_temp_file(
    client: TestClient, pid: int, workspace: Workspace
) -> None:
    workspace.settings.max_upload_bytes = 1000
    reply = client.post(
        f"/api/projects/{pid}/import?format=jsonl", files={"file": ("big.jsonl", jsonl(*GOOD * 20))}
    )
    assert reply.status_code == 413 and reply.json()["error"] == "TooLarge"
    assert list(workspace.tmp_dir.iterdir()) == []


def test_a_raw_body_import_is_the_multipart_import(client: TestClient, pid: int) -> None:
    reply = client.put(
        f"/api/projects/{pid}/import/news.jsonl?format=jsonl&errors=collect",
        content=jsonl(*GOOD, BAD),
        headers={"content-type": "application/octet-stream"},
    )
    assert reply.status_code == 200, reply.text
    report = reply.json()
    assert (report["imported"], report["skipped"]) == (2, 1)
    assert [(e["file"], e["line"]) for e in report["errors"]] == [("news.jsonl", 4)]


def test_a_raw_body_past_the_limit_is_413_and_leaves_no_temp_file(
    client: TestClient, pid: int, workspace: Workspace
) -> None:
    workspace.settings.max_upload_bytes = 1000
    reply = client.put(f"/api/projects/{pid}/import/big.jsonl", content=jsonl(*GOOD * 20))
    assert reply.status_code == 413 and reply.json()["error"] == "TooLarge"
    assert list(workspace.tmp_dir.iterdir()) == []


def test_a_zipped_file_imports_as_the_file(client: TestClient, pid: int) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("news.jsonl", jsonl(*GOOD))
    reply = client.put(f"/api/projects/{pid}/import/news.zip", content=packed.getvalue())
    assert reply.status_code == 200, reply.text
    assert reply.json()["imported"] == 2


def test_a_zip_holding_only_a_zip_says_so(client: TestClient, pid: int) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("news.jsonl", jsonl(*GOOD))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    reply = client.put(f"/api/projects/{pid}/import/outer.zip", content=outer.getvalue())
    assert reply.status_code == 422, reply.text
    body = reply.json()
    assert body["message"] == "outer.zip holds only another archive, inner.zip"
    assert body["hint"] == "import the inner archive itself, or zip the files it holds"


def test_an_archive_member_outside_the_archive_is_refused(client: TestClient, pid: int) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("../escape.jsonl", jsonl(*GOOD))
    reply = client.put(f"/api/projects/{pid}/import/evil.zip", content=packed.getvalue())
    assert reply.status_code == 422, reply.text
    assert "outside the archive" in reply.json()["message"]
    assert client.get(f"/api/projects/{pid}/items").json()["items"] == []


def test_export_options_are_query_parameters_checked_by_the_format(
    client: TestClient, pid: int
) -> None:
    client.post(f"/api/projects/{pid}/import", files={"file": ("news.jsonl", jsonl(*GOOD))})
    submitted = client.get(f"/api/projects/{pid}/export?format=jsonl&status=submitted")
    assert submitted.status_code == 200
    unknown = client.get(f"/api/projects/{pid}/export?format=jsonl&colour=blue")
    assert unknown.status_code == 422
    assert any("colour" in v.get("path", "") for v in unknown.json()["violations"])
    bad = client.get(f"/api/projects/{pid}/export?format=jsonl&status=maybe")
    assert bad.status_code == 422


def test_the_import_says_which_format_it_read_and_why(client: TestClient, pid: int) -> None:
    named = client.put(f"/api/projects/{pid}/import/a.jsonl?format=jsonl", content=jsonl(*GOOD))
    assert named.json()["format"] == "jsonl" and named.json()["detected"] is None
    other = client.post(
        "/api/projects", json={"name": "Other", "modality": "text", "ontology": TEXT_ONTOLOGY}
    ).json()["id"]
    detected = client.put(f"/api/projects/{other}/import/a.jsonl", content=jsonl(*GOOD))
    body = detected.json()
    assert body["format"] == "jsonl"
    assert body["detected"]["confidence"] >= 0.5 and "header" in body["detected"]["reason"]


def test_an_export_that_could_only_be_empty_is_refused_with_what_fits(
    client: TestClient, pid: int
) -> None:
    client.post(f"/api/projects/{pid}/import", files={"file": ("news.jsonl", jsonl(*GOOD))})
    coco = client.get(f"/api/projects/{pid}/export?format=coco")
    assert coco.status_code == 422
    assert "this project's are text" in coco.json()["message"]
    assert "jsonl" in coco.json()["hint"] and "coco" not in coco.json()["hint"]
    nobody = client.get(f"/api/projects/{pid}/export?format=jsonl&annotator=nobody")
    assert nobody.status_code == 422 and "'nobody'" in nobody.json()["message"]


def test_an_export_says_in_its_headers_what_it_could_not_carry(
    client: TestClient, pid: int
) -> None:
    client.post(f"/api/projects/{pid}/import", files={"file": ("news.jsonl", jsonl(*GOOD))})
    whole = client.get(f"/api/projects/{pid}/export?format=jsonl")
    assert (whole.headers["x-ontolabel-items"], whole.headers["x-ontolabel-skipped"]) == ("2", "0")
    spans = client.get(f"/api/projects/{pid}/export?format=conll")
    assert spans.status_code == 200 and spans.headers["x-ontolabel-objects"] == "1"


def test_what_an_export_left_out_is_counted_in_its_headers(
    client: TestClient, pid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lossy(*args: Any, **kwargs: Any) -> WriteStats:
        lost = Violation("Wörter not written", Location(item="a", path="objects[0]"))
        return WriteStats(items=1, objects=0, skipped=[lost, lost])

    monkeypatch.setattr(transfer, "export_project", lossy)
    reply = client.get(f"/api/projects/{pid}/export?format=jsonl")
    assert reply.headers["x-ontolabel-skipped"] == "2"
    assert reply.headers["x-ontolabel-first-skipped"] == "item a, objects[0]: W?rter not written"


def test_an_unknown_import_parameter_is_refused_not_ignored(client: TestClient, pid: int) -> None:
    reply = client.put(f"/api/projects/{pid}/import/a.jsonl?error=collect", content=jsonl(*GOOD))
    assert reply.status_code == 422
    assert reply.json()["violations"][0]["path"] == "error"
    assert client.get(f"/api/projects/{pid}/items").json()["items"] == []


def test_an_upload_keeps_its_name_so_ids_from_names_match_the_cli(
    client: TestClient, workspace: Workspace
) -> None:
    """A LabelMe JSON's item takes its id from the file's name: uploaded, it must be the
    upload's name (as the CLI gives it), not the spool file's."""
    from corpus import corpus_path

    labels = sorted({s["label"] for s in json.loads(corpus_path(LABELME).read_text())["shapes"]})
    ontology = {
        "name": "Shelf",
        "classes": [{"name": n, "geometry": {"image": ["polygon", "box"]}} for n in labels],
    }
    reply = client.post(
        "/api/projects", json={"name": "Shelf", "modality": "image", "ontology": ontology}
    )
    assert reply.status_code == 201, reply.text
    shelf = reply.json()["id"]
    reply = client.put(
        f"/api/projects/{shelf}/import/apc2016_obj3.json?format=labelme",
        content=corpus_path(LABELME).read_bytes(),
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["imported"] == 1
    listed = client.get(f"/api/projects/{shelf}/items").json()["items"]
    assert [i["external_id"] for i in listed] == ["apc2016_obj3"]
    assert list(workspace.tmp_dir.iterdir()) == []  # the spool folder is gone


LABELME = "labelme/examples/tutorial/apc2016_obj3.json"
