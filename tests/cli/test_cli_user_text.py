"""What users and files name reaches the terminal as written (never as rich markup), a name
too long for its column is a clean error, and an unwritable --problems file stops the
import before it starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_project_formats import NEWS
from tests.cli.test_cli_project_formats import Cli as BaseCli

from ontolabel.services import projects, users
from ontolabel.services.workspace import Workspace

NAME = "Ünï 名前 [bold]x"


class Cli(BaseCli):
    """The other CLI tests' runner, which also counts the project's items."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        super().__init__(data_dir, database_url)
        self.data_dir = data_dir
        self.database_url = database_url

    def item_count(self) -> int:
        ws = Workspace.open(self.data_dir, self.database_url)
        try:
            admin = users.get_user_by_name(ws, "admin")
            assert admin is not None
            (project,) = projects.list_projects(ws, user_id=admin.id)
            return project.item_count
        finally:
            ws.close()


@pytest.fixture
def ontology(tmp_path: Path) -> Path:
    path = tmp_path / "news.yaml"
    path.write_text(NEWS)
    return path


@pytest.fixture
def cli(tmp_path: Path, database_url: str | None) -> Cli:
    run = Cli(tmp_path / "data", database_url)
    assert run("user", "add", "admin", "--password", "admin-password", "--admin").exit_code == 0
    return run


@pytest.fixture
def project(cli: Cli, ontology: Path) -> str:
    made = cli("project", "create", "News", "--ontology", str(ontology), "--modality", "text")
    assert made.exit_code == 0, made.output
    return "News"


@pytest.fixture
def bracketed(cli: Cli, ontology: Path) -> str:
    """A project whose name rich would read as markup."""
    made = cli("project", "create", NAME, "--ontology", str(ontology), "--modality", "text")
    assert made.exit_code == 0, made.output
    return NAME


def _doccano(path: Path) -> Path:
    lines = [
        {"text": "Ana lives here", "label": [[0, 3, "Person"]]},
        {"text": "Bo", "label": [[0, 2, "[bold]Dragon"]]},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


# --- --problems -----------------------------------------------------------------------


def test_an_unwritable_problems_file_stops_the_import_before_it_starts(
    cli: Cli, project: str, tmp_path: Path
) -> None:
    source = _doccano(tmp_path / "mixed.jsonl")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for problems, reason in [
        (a_file / "p.txt", f"{a_file} is not a folder"),
        (a_file / "deeper" / "p.txt", "Not a directory"),
    ]:
        result = cli(
            "import", project, str(source), "--errors", "collect", "--problems", str(problems)
        )
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"error: cannot write the problems file {problems}: {reason}",
            "  at --problems",
            "  hint: give --problems a file in a folder you can write to",
        ]
        assert "Traceback" not in result.output and result.stdout == ""
    assert cli.item_count() == 0


def test_the_problems_file_gets_its_missing_folders_as_export_does(
    cli: Cli, project: str, tmp_path: Path
) -> None:
    source = _doccano(tmp_path / "mixed.jsonl")
    problems = tmp_path / "new" / "folder" / "p.txt"
    result = cli("import", project, str(source), "--errors", "collect", "--problems", str(problems))
    assert result.exit_code == 0, result.output
    assert f"1 problem(s) written to {problems}\n" in result.stdout
    assert problems.read_text("utf-8") == (
        "mixed.jsonl:2, annotations[0].objects[0].class_name: unknown class '[bold]Dragon'\n"
    )
    assert cli.item_count() == 1


def test_a_refused_import_leaves_no_probe_behind(cli: Cli, project: str, tmp_path: Path) -> None:
    problems = tmp_path / "p.txt"
    result = cli("import", "no such project", str(tmp_path), "--problems", str(problems))
    assert result.exit_code == 1 and "no project named 'no such project'" in result.stderr
    assert not problems.exists()


# --- limits of the columns ------------------------------------------------------------


def test_a_username_too_long_for_its_column_is_a_clean_error(cli: Cli) -> None:
    result = cli("user", "add", "u" * 200, "--password", "long enough pw")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: a username has at most 150 characters; this one has 200",
        "  at username",
    ]
    spaced = cli("user", "add", "a\x01b", "--password", "long enough pw")
    assert spaced.exit_code == 1
    assert spaced.stderr.splitlines()[0] == (
        "error: a username cannot contain whitespace or control characters; character 2 is U+0001"
    )


def test_a_project_name_too_long_for_its_column_is_a_clean_error(cli: Cli, ontology: Path) -> None:
    result = cli("project", "create", "p" * 250, "--ontology", str(ontology), "--modality", "text")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: a project name has at most 200 characters; this one has 250",
        "  at name",
    ]


# --- no markup in user text -----------------------------------------------------------


def test_a_project_name_with_brackets_is_shown_verbatim(cli: Cli, ontology: Path) -> None:
    made = cli("project", "create", NAME, "--ontology", str(ontology), "--modality", "text")
    assert made.exit_code == 0, made.output
    assert made.stdout == f"created project {NAME} (id 1, text)\n"
    listed = cli("project", "list")
    assert listed.exit_code == 0, listed.output
    assert f"│ 1  │ {NAME} │ text" in listed.stdout
    fitting = cli("formats", "--project", NAME)
    assert fitting.exit_code == 0, fitting.output
    assert f"{NAME} (text; kinds: span): export formats" in fitting.stdout
    assert f"{NAME}: import formats (or --format auto)" in fitting.stdout


def test_import_and_export_show_names_reasons_and_problems_verbatim(
    cli: Cli, bracketed: str, tmp_path: Path
) -> None:
    source = _doccano(tmp_path / "[bold]mixed.jsonl")
    imported = cli("import", bracketed, str(source), "--errors", "collect")
    assert imported.exit_code == 0, imported.output
    assert (
        "read as doccano (detected, confidence 0.85: doccano 'label' spans [start, end, label])"
        in imported.stdout
    )
    assert f"imported 1 item(s) into {NAME}; 0 already there" in imported.stdout
    assert (
        "skipped: [bold]mixed.jsonl:2, annotations[0].objects[0].class_name: "
        "unknown class '[bold]Dragon'" in imported.stderr
    )
    assert "import [bold]mixed.jsonl" in imported.stderr  # the progress bar's title
    output = tmp_path / "[red]out.jsonl"
    exported = cli("export", bracketed, "--format", "jsonl", "-o", str(output))
    assert exported.exit_code == 0, exported.output
    assert f"exported 1 item(s), 1 object(s) of {NAME} to {output}" in exported.stdout
    assert f"export {NAME}" in exported.stderr


def test_a_username_with_brackets_is_shown_verbatim(cli: Cli) -> None:
    added = cli("user", "add", "[bold]ann[/]", "--password", "long enough pw")
    assert added.exit_code == 0, added.output
    assert added.stdout == "created user [bold]ann[/] (id 2)\n"
