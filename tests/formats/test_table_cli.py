"""The objects table through the CLI: `ontolabel export --format csv|parquet` with options,
and `ontolabel import` of a table naming a bad cell by file:line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from ontolabel.cli.main import app

ONTOLOGY = """\
name: News
classes:
  - name: Person
    geometry: {text: [span]}
    attributes: [{name: role, type: enum, options: ["1", "2"]}]
"""
TEXT = "Ok 👍🏽 meet Ana in Köln"


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
    ontology.write_text(ONTOLOGY)
    made = run("project", "create", "News", "--ontology", str(ontology), "--modality", "text")
    assert made.exit_code == 0, made.output
    source = tmp_path / "in.jsonl"
    objects = [
        {
            "id": f"s{i}",
            "class_name": "Person",
            "geometry": {"kind": "span", "start": a, "end": b, "text": TEXT[a:b]},
            "attributes": {"role": "1"},
        }
        for i, (a, b) in enumerate([(11, 14), (18, 22)])
    ]
    lines = [
        {"format": "ontolabel.jsonl", "version": 1},
        {
            "external_id": "n1",
            "modality": "text",
            "text": TEXT,
            "annotations": [{"user": "admin", "document": {"objects": objects}}],
        },
    ]
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    assert run("import", "News", str(source)).exit_code == 0
    return run


def test_export_both_tables_and_import_a_bad_cell(cli: Cli, tmp_path: Path) -> None:
    csv_path, parquet_path = tmp_path / "news.csv", tmp_path / "news.parquet"
    done = cli("export", "News", "--format", "csv", "-o", str(csv_path))
    assert done.exit_code == 0, done.output
    assert "exported 1 item(s), 2 object(s)" in done.stdout
    done = cli(
        "export", "News", "--format", "parquet", "-o", str(parquet_path), "-O", "row_group_rows=1"
    )
    assert done.exit_code == 0, done.output
    assert pq.ParquetFile(parquet_path).metadata.num_row_groups == 2
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert (
        list(table["span_text"])
        == ["Ana", "Köln"]
        == list(pd.read_parquet(parquet_path)["span_text"])
    )
    assert list(table["attr.role"]) == ['"1"', '"1"']  # the option "1" stays text
    # the same table again changes nothing; a bad cell is named by file:line and column
    again = cli("import", "News", str(csv_path))
    assert again.exit_code == 0, again.output
    assert "imported 0 item(s)" in again.stdout and "1 already there" in again.stdout
    table.loc[1, "span_end"] = "twenty"
    table.to_csv(csv_path, index=False)
    bad = cli("import", "News", str(csv_path))
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "news.csv:3" in bad.stderr and "span_end must be a whole number" in bad.stderr
    wrong = cli(
        "export", "News", "--format", "parquet", "-o", str(parquet_path), "-O", "row_group_rows=0"
    )
    assert wrong.exit_code == 1 and "row_group_rows" in wrong.stderr
