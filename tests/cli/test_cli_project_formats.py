"""`ontolabel formats --project NAME`: the same exports and imports the API and the UI offer
for that project, with what each lossy export would leave out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from ontolabel.cli.main import app

ROADS = """\
name: Roads
classes:
  - name: Car
    geometry: {image: [box]}
  - name: Lane
    geometry: {image: [polyline]}
"""

NEWS = """\
name: News
classes:
  - name: Person
    geometry: {text: [span]}
"""


class Cli:
    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.runner = CliRunner(env={"COLUMNS": "200"})
        self.common = ["--data-dir", str(data_dir)]
        if database_url:
            self.common += ["--database-url", database_url]

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(app, [*args, *self.common])


@pytest.fixture
def cli(tmp_path: Path, database_url: str | None) -> Cli:
    run = Cli(tmp_path / "data", database_url)
    assert run("user", "add", "admin", "--password", "admin-password", "--admin").exit_code == 0
    for name, modality, text in (("Roads", "image", ROADS), ("News", "text", NEWS)):
        ontology = tmp_path / f"{name}.yaml"
        ontology.write_text(text)
        made = run("project", "create", name, "--ontology", str(ontology), "--modality", modality)
        assert made.exit_code == 0, made.output
    return run


def rows(output: str, table_title: str) -> dict[str, str]:
    """Each row of the table titled ``table_title``, by its first cell."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if table_title in line)
    found: dict[str, str] = {}
    for line in lines[start + 1 :]:
        if line.strip() and not any(ch in line for ch in "┏┡└━"):
            cells = [c.strip() for c in line.strip("│ ").split("│")]
            if not cells[0] or cells[0] == "name":
                continue
            found[cells[0]] = line
        if line.startswith("└"):
            break
    return found


def test_an_image_project_lists_coco_as_losing_its_polylines(cli: Cli) -> None:
    result = cli("formats", "--project", "Roads")
    assert result.exit_code == 0, result.output
    assert "kinds: box, polyline" in result.stdout
    exports = rows(result.stdout, "export formats")
    assert exports["coco"].rstrip(" │").endswith("polyline")
    assert exports["jsonl"].rstrip(" │").endswith("nothing")
    imports = rows(result.stdout, "import formats")
    assert "coco" in imports and "voc" in imports
    assert "a zip of a folder" in imports["voc"]


def test_a_text_project_is_not_offered_coco(cli: Cli) -> None:
    result = cli("formats", "--project", "News")
    assert result.exit_code == 0, result.output
    assert "coco" not in rows(result.stdout, "export formats")
    assert "coco" not in rows(result.stdout, "import formats")
    assert "conll" in rows(result.stdout, "export formats")


def test_an_unknown_project_is_an_error_naming_it(cli: Cli) -> None:
    result = cli("formats", "--project", "Nope")
    assert result.exit_code == 1
    assert "Nope" in result.output
