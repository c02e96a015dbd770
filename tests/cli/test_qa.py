"""`ontolabel qa` and `ontolabel gold`, run with Typer's CliRunner on a workspace built
through the services: real values in the tables, the REST JSON with --json, an HTML page
with inline SVG plots, and clear errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from ontolabel.cli.console import console
from ontolabel.cli.main import app
from ontolabel.services import gold
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from quality_world import World, agreeing_world, build_world, doc, submit


@pytest.fixture
def world(workspace: Workspace, owner: UserInfo) -> World:
    return agreeing_world(workspace, owner)


def _run(workspace: Workspace, *args: str) -> Result:
    extra = ["--data-dir", str(workspace.data_dir), "--user", "olga"]
    if not workspace.database_url.startswith("sqlite"):
        extra += ["--database-url", workspace.database_url]
    # wide enough that no table cell is cut short; the console measured COLUMNS when it was
    # made (at import), so its width is set for the run itself
    saved = console.width
    console.width = 250
    try:
        return CliRunner().invoke(app, [*args, *extra], env={"COLUMNS": "250"})
    finally:
        console.width = saved


def test_qa_agreement_table_shows_values_and_intervals(workspace: Workspace, world: World) -> None:
    result = _run(workspace, "qa", "agreement", "News quality", "--resamples", "200")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "4 items annotated by two or more of alice, bob; 4 units" in out
    # Cohen's kappa 0.5 (worked by hand in the services tests), with its interval
    kappa_line = next(line for line in out.splitlines() if "Cohen's κ" in line)
    assert "0.500" in kappa_line and "[" in kappa_line
    assert "Percent agreement" in out and "0.750" in out
    pair_line = next(line for line in out.splitlines() if "alice" in line and "bob" in line
                     and "0.750" in line)  # fmt: skip
    assert "0.500" in pair_line


def test_qa_json_is_the_rest_json(workspace: Workspace, world: World, client: TestClient) -> None:
    for report, extra in (("agreement", ["--resamples", "50"]), ("gold", []),
                          ("audit", ["--resamples", "50"])):  # fmt: skip
        result = _run(
            workspace, "qa", report, "News quality", "--json", "--class", "Entity", *extra
        )
        assert result.exit_code == 0, result.output
        start = result.output.index("{")
        from_cli = json.loads(result.output[start:])
        params: dict[str, object] = {"class": "Entity"}
        if extra:
            params["n_resamples"] = 50
        from_rest = client.get(f"/api/projects/{world.project_id}/quality/{report}", params=params)
        assert from_rest.status_code == 200
        assert from_cli == from_rest.json()


def test_qa_gold_and_gold_commands(workspace: Workspace, world: World, tmp_path: Path) -> None:
    document = tmp_path / "gold.json"
    document.write_text(doc(ann="Location").model_dump_json())
    set_ = _run(workspace, "gold", "set", "News quality", "t2", "--file", str(document))
    assert set_.exit_code == 0, set_.output
    assert "is gold: 1 objects" in set_.output
    assert _run(workspace, "gold", "set", "News quality", "t3", "--from-user", "bob").exit_code == 0
    listed = _run(workspace, "gold", "list", "News quality")
    assert "t2" in listed.output and "t3" in listed.output and "olga" in listed.output

    report = _run(workspace, "qa", "gold", "News quality")
    assert report.exit_code == 0, report.output
    alice = next(
        line for line in report.output.splitlines() if line.strip("│ ").startswith("alice")
    )
    # alice: F1 0.5 against gold (item 2 right, item 3 wrong class); bob: 1.0
    assert "0.500" in alice
    bob = next(line for line in report.output.splitlines() if line.strip("│ ").startswith("bob"))
    assert "1.000" in bob

    assert _run(workspace, "gold", "clear", "News quality", "t2").exit_code == 0
    assert [g.external_id for g in gold.list_gold(workspace, world.project_id,
                                                  user_id=world.owner.id)] == ["t3"]  # fmt: skip
    again = _run(workspace, "gold", "clear", "News quality", "t2")
    assert again.exit_code == 1 and "has no gold" in again.output


def test_gold_set_refuses_a_bad_file_and_both_sources(
    workspace: Workspace, world: World, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"objects": [{"id": 1}]}')
    result = _run(workspace, "gold", "set", "News quality", "t0", "--file", str(bad))
    assert result.exit_code == 1 and "not an annotation document" in result.output
    both = _run(workspace, "gold", "set", "News quality", "t0", "--file", str(bad),
                "--from-user", "bob")  # fmt: skip
    assert both.exit_code != 0 and "exactly one" in both.output


def test_qa_audit_prints_times_and_findings(workspace: Workspace, world: World) -> None:
    result = _run(workspace, "qa", "audit", "News quality", "--resamples", "0")
    assert result.exit_code == 0, result.output
    alice = next(
        line for line in result.output.splitlines() if line.strip("│ ").startswith("alice")
    )
    # four submits one minute apart: one session, median 60 s per item, 60 items an hour
    assert "60.0" in alice and "not enough data" in alice
    assert "no finding at α = 0.05" in result.output


def test_qa_html_is_one_page_with_inline_plots(
    workspace: Workspace, world: World, tmp_path: Path
) -> None:
    gold.set_gold(workspace, world.project_id, world.item_ids[2], user_id=world.owner.id,
                  document=doc(ann="Location"))  # fmt: skip
    page = tmp_path / "quality.html"
    result = _run(
        workspace, "qa", "audit", "News quality", "--html", str(page), "--resamples", "50"
    )
    assert result.exit_code == 0, result.output
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # confusion heatmaps (agreement and gold), agreement per class, a timeline per annotator
    assert html.count("<svg") == 5
    assert "Agreement per class" in html and "gold (rows)" in html
    assert "Annotator audit" in html and "<h3>alice</h3>" in html
    # nothing is fetched when it is opened: no external sources or links, no metadata block
    assert re.search(r'(src|href)="(https?:)?//', html) is None
    assert "<metadata>" not in html
    assert "<script" not in html


def test_clear_errors(workspace: Workspace, owner: UserInfo) -> None:
    unknown = _run(workspace, "qa", "agreement", "nope")
    assert unknown.exit_code == 1 and "no project named 'nope'" in unknown.output
    world = build_world(workspace, owner)
    submit(workspace, world, "alice", 0, doc(ann="Person"), minutes=0)
    lonely = _run(workspace, "qa", "agreement", "News quality")
    assert lonely.exit_code == 1
    assert "two or more annotators" in lonely.output and "at least two people" in lonely.output
    bad_class = _run(workspace, "qa", "audit", "News quality", "--class", "Car")
    assert bad_class.exit_code == 1 and "no class 'Car'" in bad_class.output
    no_gold = _run(workspace, "qa", "gold", "News quality")
    assert no_gold.exit_code == 1 and "ontolabel gold set" in no_gold.output
