"""The `ontolabel` command line, run in-process with Typer's CliRunner."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner, Result

import ontolabel.demo
from ontolabel import __version__
from ontolabel.cli.main import app
from ontolabel.demo import build_demo
from ontolabel.demo import catalog as demo_catalog
from ontolabel.services import projects, users
from ontolabel.services.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]

ONTOLOGY_YAML = """\
name: Street
classes:
  - name: Vehicle
    geometry: {image: [box]}
    attributes:
      - {name: occluded, type: bool}
  - name: Car
    parent: Vehicle
"""

BAD_ONTOLOGY_YAML = """\
name: Broken
classes:
  - name: Vehicle
    geometry: {image: [box]}
    attributes:
      - {name: speed, type: velocity}
"""

Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, database_url: str | None) -> Run:
    """Run the CLI on a fresh data dir (and the test database when one is configured)."""
    data_dir = tmp_path / "data"
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        extra = ["--data-dir", str(data_dir)]
        if database_url:
            extra += ["--database-url", database_url]
        return runner.invoke(app, [*args, *extra], input=input)

    invoke.data_dir = data_dir  # type: ignore[attr-defined]
    invoke.database_url = database_url  # type: ignore[attr-defined]
    return invoke


def _workspace(run: Run) -> Workspace:
    return Workspace.open(run.data_dir, run.database_url)  # type: ignore[attr-defined]


def test_user_add_and_token(run: Run) -> None:
    added = run("user", "add", "ada", "--password", "lovelace-1815", "--admin")
    assert added.exit_code == 0, added.output
    assert "administrator ada" in added.stdout
    made = run("user", "token", "ada", "--name", "script")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert token.startswith("olt_") and "\n" not in token  # alone on stdout, for scripts
    assert "not shown again" in made.stderr
    ws = _workspace(run)
    try:
        assert users.user_for_token(ws, token).username == "ada"
        assert users.authenticate(ws, "ada", "lovelace-1815").is_admin
    finally:
        ws.close()


def test_user_add_prompts_for_a_hidden_password(run: Run) -> None:
    result = run("user", "add", "bo", input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    assert "long enough pw" not in result.output  # never echoed
    ws = _workspace(run)
    try:
        assert not users.authenticate(ws, "bo", "long enough pw").is_admin
    finally:
        ws.close()


def test_refused_input_is_a_red_message_not_a_traceback(run: Run) -> None:
    result = run("user", "add", "cy", "--password", "short")
    assert result.exit_code == 1
    assert "error: a password needs at least 8 characters" in result.stderr
    assert "at password" in result.stderr
    assert "Traceback" not in result.output
    duplicate = run("user", "add", "dee", "--password", "long enough pw")
    again = run("user", "add", "dee", "--password", "long enough pw")
    assert duplicate.exit_code == 0 and again.exit_code == 1
    assert "already exists" in again.stderr


def test_token_for_an_unknown_user_has_a_hint(run: Run) -> None:
    result = run("user", "token", "ghost")
    assert result.exit_code == 1
    assert "no user 'ghost'" in result.stderr
    assert "ontolabel user add ghost" in result.stderr


def test_project_create_and_list(run: Run, tmp_path: Path) -> None:
    ontology = tmp_path / "street.yaml"
    ontology.write_text(ONTOLOGY_YAML)
    assert run("user", "add", "admin", "--password", "admin-password", "--admin").exit_code == 0
    created = run(
        "project", "create", "Street scenes", "--ontology", str(ontology), "--modality", "image"
    )
    assert created.exit_code == 0, created.output
    assert "created project Street scenes" in created.stdout
    listed = run("project", "list")
    assert listed.exit_code == 0, listed.output
    assert "Street scenes" in listed.stdout and "image" in listed.stdout
    ws = _workspace(run)
    try:
        admin = users.get_user_by_name(ws, "admin")
        assert admin is not None
        project = projects.get_project_by_name(ws, "Street scenes", user_id=admin.id)
        assert project is not None and project.modality == "image"
        document: dict[str, Any] = projects.get_ontology(ws, project.id, user_id=admin.id).document
        assert [c["name"] for c in document["classes"]] == ["Vehicle", "Car"]
    finally:
        ws.close()


def test_bad_ontology_names_file_and_path(run: Run, tmp_path: Path) -> None:
    ontology = tmp_path / "broken.yaml"
    ontology.write_text(BAD_ONTOLOGY_YAML)
    run("user", "add", "admin", "--password", "admin-password", "--admin")
    result = run("project", "create", "X", "--ontology", str(ontology), "--modality", "image")
    assert result.exit_code == 1
    assert "broken.yaml" in result.stderr
    assert "velocity" in result.stderr or "type" in result.stderr
    assert "Traceback" not in result.output


def test_project_create_as_a_missing_user(run: Run, tmp_path: Path) -> None:
    ontology = tmp_path / "street.yaml"
    ontology.write_text(ONTOLOGY_YAML)
    result = run("project", "create", "S", "--ontology", str(ontology), "--modality", "image")
    assert result.exit_code == 1
    assert "no user 'admin'" in result.stderr and "ontolabel demo" in result.stderr


def test_unknown_modality_is_refused_by_the_parser(run: Run, tmp_path: Path) -> None:
    ontology = tmp_path / "street.yaml"
    ontology.write_text(ONTOLOGY_YAML)
    result = run("project", "create", "S", "--ontology", str(ontology), "--modality", "smell")
    assert result.exit_code == 2
    assert "smell" in result.output


def test_serve_runs_uvicorn_on_the_app(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(app: Any, **options: Any) -> None:
        seen["app"], seen["options"] = app, options

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = run("serve", "--host", "127.0.0.1", "--port", "18080")
    assert result.exit_code == 0, result.output
    assert seen["options"]["host"] == "127.0.0.1" and seen["options"]["port"] == 18080
    paths = seen["app"].openapi()["paths"]
    assert "/api/projects" in paths
    assert "http://127.0.0.1:18080" in result.stdout


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONTOLABEL_DATA_DIR", str(tmp_path / "from-env"))
    result = CliRunner().invoke(app, ["user", "add", "eve", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-env" / "ontolabel.db").is_file()


def test_demo_command_prints_the_logins_and_is_idempotent(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the full demo is built in tests/demo; here one small project checks the command
    audio_only = [p for p in demo_catalog.PROJECTS if p.name == demo_catalog.AUDIO_PROJECT]
    # the command imports build_demo when it runs
    monkeypatch.setattr(
        ontolabel.demo, "build_demo", functools.partial(build_demo, projects=audio_only)
    )
    wheels = REPO / ".ontolabel" / "cache" / "wheels"
    monkeypatch.setenv(
        "ONTOLABEL_WHEEL_CACHE", os.environ.get("ONTOLABEL_WHEEL_CACHE", str(wheels))
    )
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "log in as demo / password demo" in first.stdout
    assert "administrator admin / password" in first.stdout
    assert "Retail call audio (new)" in first.stdout
    second = run("demo")
    assert second.exit_code == 0, second.output
    assert "administrator admin" not in second.stdout  # shown once only
    assert "(new)" not in second.stdout
    ws = _workspace(run)
    try:
        assert users.authenticate(ws, "demo", "demo").username == "demo"
    finally:
        ws.close()


def test_version_and_help() -> None:
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.strip() == f"ontolabel {__version__}"
    helped = CliRunner().invoke(app, ["--help"])
    assert helped.exit_code == 0
    for command in ("serve", "demo", "user", "project", "import", "export"):
        assert command in helped.stdout
