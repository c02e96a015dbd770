"""``ontolabel project create`` and ``ontolabel project list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ontolabel.cli.console import console, fail_cleanly
from ontolabel.cli.workspace import (
    DEFAULT_DATA_DIR,
    DEFAULT_USER,
    ActingUser,
    DatabaseUrl,
    DataDir,
    acting_user,
    opened,
)
from ontolabel.core.modality import Modality
from ontolabel.core.ontology.loading import load_ontology
from ontolabel.errors import NotFound
from ontolabel.services import projects
from ontolabel.services.projects import ProjectInfo
from ontolabel.services.workspace import Workspace

app = typer.Typer(help="Create and list projects.", no_args_is_help=True)


def find_project(ws: Workspace, reference: str, user_id: int) -> ProjectInfo:
    """A project by name, or by id when ``reference`` is a number no project is named."""
    found = projects.get_project_by_name(ws, reference, user_id=user_id)
    if found is not None:
        return found
    if reference.isdigit():
        return projects.get_project(ws, int(reference), user_id=user_id)
    raise NotFound(f"no project named {reference!r}", hint="see `ontolabel project list`")


@app.command("create")
@fail_cleanly
def create(
    name: Annotated[str, typer.Argument(help="Project name (unique).")],
    ontology: Annotated[
        Path,
        typer.Option(
            "--ontology", help="Ontology file (.yaml or .json).", exists=True, dir_okay=False
        ),
    ],
    modality: Annotated[Modality, typer.Option("--modality", help="What the items are.")],
    description: Annotated[str, typer.Option(help="One line about the project.")] = "",
    guideline: Annotated[
        Path | None,
        typer.Option(
            help="Markdown guideline file (default: the ontology's guideline).", dir_okay=False
        ),
    ] = None,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a project from an ontology file; the acting user owns it."""
    # load_ontology validates with file, line and path for every problem
    parsed = load_ontology(ontology)
    document = parsed.document()
    guideline_text = (
        guideline.read_text("utf-8") if guideline else str(document.get("guideline", ""))
    )
    with opened(data_dir, database_url) as ws:
        owner = acting_user(ws, user)
        info = projects.create_project(
            ws,
            name=name,
            modality=modality,
            ontology=document,
            user_id=owner.id,
            description=description,
            guideline=guideline_text,
        )
    console.print(
        f"created project [bold]{escape(info.name)}[/] (id {info.id}, {info.modality.value})"
    )


@app.command("list")
@fail_cleanly
def list_(
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """List the projects the acting user can see, with their progress."""
    with opened(data_dir, database_url) as ws:
        viewer = acting_user(ws, user)
        found = projects.list_projects(ws, user_id=viewer.id)
    if not found:
        console.print("no projects yet: `ontolabel demo` or `ontolabel project create`")
        return
    table = Table("id", "name", "modality", "items", "submitted", "ontology")
    for p in found:
        table.add_row(
            str(p.id), escape(p.name), p.modality.value, str(p.item_count), str(p.submitted_count),
            f"v{p.ontology_version}",
        )  # fmt: skip
    console.print(table)
