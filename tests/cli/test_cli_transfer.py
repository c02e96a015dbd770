"""`ontolabel import` and `ontolabel export`: a JSONL round trip through the CLI, and bad
rows reported with file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from ontolabel.cli.main import app

TEXT_ONTOLOGY = """\
name: News
classes:
  - name: Person
    geometry: {text: [span]}
  - name: Location
    geometry: {text: [span]}
"""

EMOJI_TEXT = "Ok 👍🏽 meet Ana in Köln"
CRLF_TEXT = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"


def _span(object_id: str, cls: str, text: str, start: int, end: int) -> dict[str, Any]:
    return {
        "id": object_id,
        "class_name": cls,
        "geometry": {"kind": "span", "start": start, "end": end, "text": text[start:end]},
    }


def _record(external_id: str, text: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "modality": "text",
        "text": text,
        "annotations": [
            {
                "user": "admin",
                "status": "submitted",
                "document": {"objects": objects, "relations": []},
            }
        ],
    }


class Cli:
    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.runner = CliRunner()
        self.common = ["--data-dir", str(data_dir)]
        if database_url:
            self.common += ["--database-url", database_url]

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(app, [*args, *self.common])


@pytest.fixture
def cli(tmp_path: Path, database_url: str | None) -> Cli:
    run = Cli(tmp_path / "data", database_url)
    assert run("user", "add", "admin", "--password", "admin-password", "--admin").exit_code == 0
    ontology = tmp_path / "news.yaml"
    ontology.write_text(TEXT_ONTOLOGY)
    made = run("project", "create", "News", "--ontology", str(ontology), "--modality", "text")
    assert made.exit_code == 0, made.output
    return run


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    header = {"format": "ontolabel.jsonl", "version": 1}
    lines = [json.dumps(header)] + [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_round_trip_keeps_code_point_offsets(cli: Cli, tmp_path: Path) -> None:
    source = _write_jsonl(
        tmp_path / "in.jsonl",
        [
            _record(
                "emoji",
                EMOJI_TEXT,
                [
                    _span("a", "Person", EMOJI_TEXT, 11, 14),
                    _span("k", "Location", EMOJI_TEXT, 18, 22),
                ],
            ),
            _record("crlf", CRLF_TEXT, [_span("o", "Location", CRLF_TEXT, 16, 20)]),
        ],
    )
    imported = cli("import", "News", str(source), "--format", "jsonl")
    assert imported.exit_code == 0, imported.output
    assert "imported 2 item(s) into News" in imported.stdout

    out = tmp_path / "out" / "news.jsonl"
    exported = cli("export", "News", "--format", "jsonl", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    assert "exported 2 item(s), 3 object(s)" in exported.stdout
    records = {
        r["external_id"]: r for r in map(json.loads, out.read_text("utf-8").splitlines()[1:])
    }
    emoji = records["emoji"]
    assert emoji["text"] == EMOJI_TEXT
    spans = {
        o["geometry"]["text"]: (o["geometry"]["start"], o["geometry"]["end"])
        for o in emoji["annotations"][0]["document"]["objects"]
    }
    assert spans == {"Ana": (11, 14), "Köln": (18, 22)}
    crlf = records["crlf"]
    (oslo,) = crlf["annotations"][0]["document"]["objects"]
    start, end = oslo["geometry"]["start"], oslo["geometry"]["end"]
    assert crlf["text"][start:end] == "Oslo"

    # importing the export again changes nothing
    again = cli("import", "News", str(out))
    assert again.exit_code == 0, again.output
    assert "imported 0 item(s)" in again.stdout and "2 already there" in again.stdout


def test_bad_rows_fail_the_whole_import_with_their_lines(cli: Cli, tmp_path: Path) -> None:
    source = _write_jsonl(
        tmp_path / "bad.jsonl",
        [
            _record("good", "Ana lives here", [_span("a", "Person", "Ana lives here", 0, 3)]),
            _record("bad", "Bo", [_span("b", "Dragon", "Bo", 0, 2)]),
        ],
    )
    result = cli("import", "News", str(source), "--format", "jsonl")
    assert result.exit_code == 1
    assert "nothing was imported" in result.stderr
    assert "bad.jsonl:3" in result.stderr  # the header is line 1
    assert "Traceback" not in result.output
    exported = cli("export", "News", "--format", "jsonl", "-o", str(tmp_path / "empty.jsonl"))
    assert "exported 0 item(s)" in exported.stdout

    collected = cli("import", "News", str(source), "--errors", "collect")
    assert collected.exit_code == 0, collected.output
    assert "imported 1 item(s)" in collected.stdout and "1 skipped" in collected.stdout
    assert "bad.jsonl:3" in collected.stderr


def test_unknown_project_and_format(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    missing = cli("export", "Nope", "--format", "jsonl", "-o", str(out))
    assert missing.exit_code == 1 and "no project named 'Nope'" in missing.stderr
    unknown = cli("export", "News", "--format", "yaml-ish", "-o", str(out))
    assert unknown.exit_code == 1 and "unknown format 'yaml-ish'" in unknown.stderr
    assert "jsonl" in unknown.stderr  # the hint lists the known ones
    assert not out.exists() and list(tmp_path.glob(".x.json*")) == []


def test_problems_file_holds_every_problem_the_terminal_cuts(cli: Cli, tmp_path: Path) -> None:
    bad = [_record(f"bad{i}", "Bo", [_span("b", "Dragon", "Bo", 0, 2)]) for i in range(60)]
    source = _write_jsonl(tmp_path / "bad.jsonl", bad)
    listed = tmp_path / "problems.txt"
    result = cli("import", "News", str(source), "--problems", str(listed))
    assert result.exit_code == 1 and "... and 10 more" in result.stderr
    lines = listed.read_text("utf-8").splitlines()
    assert len(lines) == 60 and lines[0].startswith("bad.jsonl:2, item bad0")
    assert lines[-1].startswith("bad.jsonl:61, item bad59")
    collected = cli("import", "News", str(source), "--errors", "collect", "--problems", str(listed))
    assert collected.exit_code == 0 and "60 problem(s) written to" in collected.stdout
    assert len(listed.read_text("utf-8").splitlines()) == 60
