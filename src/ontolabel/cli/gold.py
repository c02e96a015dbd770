"""``ontolabel gold set|list|clear``: the reference answers annotators are scored against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from ontolabel.cli.console import console, fail_cleanly
from ontolabel.cli.projects import find_project
from ontolabel.cli.workspace import (
    DEFAULT_DATA_DIR,
    DEFAULT_USER,
    ActingUser,
    DatabaseUrl,
    DataDir,
    acting_user,
    opened,
)
from ontolabel.core.annotation import Annotation
from ontolabel.errors import InvalidError, Location, Violation
from ontolabel.services import gold as gold_service

app = typer.Typer(
    help="Gold items: reference answers for scoring annotators.", no_args_is_help=True
)

ProjectArg = Annotated[str, typer.Argument(help="Project name (or id).")]
ItemArg = Annotated[str, typer.Argument(help="Item external id (or id).")]


def _read_annotation(path: Path) -> Annotation:
    try:
        return Annotation.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise InvalidError(
            "the file is not an annotation document",
            [
                Violation(
                    e["msg"], Location(file=str(path), path=".".join(str(p) for p in e["loc"]))
                )
                for e in exc.errors()
            ],
            location=Location(file=str(path)),
        ) from None


@app.command("set")
@fail_cleanly
def set_(
    project: ProjectArg,
    item: ItemArg,
    from_user: Annotated[
        str | None, typer.Option("--from-user", help="Copy this user's current annotation.")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", exists=True, dir_okay=False, help="An annotation document (JSON)."),
    ] = None,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Make an item gold: from a user's annotation or from a file (checked by the ontology)."""
    if (from_user is None) == (file is None):
        raise typer.BadParameter("give exactly one of --from-user or --file")
    document = _read_annotation(file) if file is not None else None
    with opened(data_dir, database_url) as ws:
        actor = acting_user(ws, user)
        info = find_project(ws, project, actor.id)
        item_id = gold_service.find_item_id(ws, info.id, item, user_id=actor.id)
        record = gold_service.set_gold(
            ws, info.id, item_id, user_id=actor.id, document=document, from_user=from_user
        )
    source = f"{from_user}'s annotation" if from_user else str(file)
    console.print(
        f"item {record.item_id} ({escape(record.external_id or '-')}) is gold: "
        f"{len(record.document.objects)} objects from {escape(source)}"
    )


@app.command("list")
@fail_cleanly
def list_(
    project: ProjectArg,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """List the project's gold items."""
    with opened(data_dir, database_url) as ws:
        actor = acting_user(ws, user)
        info = find_project(ws, project, actor.id)
        found = gold_service.list_gold(ws, info.id, user_id=actor.id)
    if not found:
        console.print(f"{escape(info.name)} has no gold items yet: `ontolabel gold set`")
        return
    table = Table("item", "external id", "set by", "set at", "ontology")
    for g in found:
        table.add_row(
            str(g.item_id), escape(g.external_id or "-"), escape(g.set_by or "-"),
            g.set_at.isoformat(timespec="seconds"), f"v{g.ontology_version}",
        )  # fmt: skip
    console.print(table)


@app.command("clear")
@fail_cleanly
def clear(
    project: ProjectArg,
    item: ItemArg,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Remove an item's gold."""
    with opened(data_dir, database_url) as ws:
        actor = acting_user(ws, user)
        info = find_project(ws, project, actor.id)
        item_id = gold_service.find_item_id(ws, info.id, item, user_id=actor.id)
        gold_service.clear_gold(ws, info.id, item_id, user_id=actor.id)
    console.print(f"item {item_id} is no longer gold")
