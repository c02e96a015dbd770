"""``ontolabel formats``: the registered formats, what they carry, and their export options;
with ``--project``, only those that fit the project.

The options table is rendered from each format's options model, the same model the REST
API validates query parameters with, and the project's list is the same use case as
``GET /api/projects/{id}/formats``, so the CLI, the API and the UI never disagree.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ontolabel.cli.console import console, err_console, fail_cleanly
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
from ontolabel.formats import all_formats, get_format, registry
from ontolabel.services.transfer import ProjectFormats, project_formats


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_kind(s) for s in schema["anyOf"] if s.get("type") != "null") + "?"
    return str(schema.get("type", "any"))


def options_table(name: str) -> Table:
    fmt = get_format(name)
    schema = fmt.options_model.model_json_schema()
    table = Table(
        title=f"{escape(fmt.name)}: export options (--option KEY=VALUE)", title_justify="left"
    )
    table.add_column("option", style="bold")
    table.add_column("values")
    table.add_column("default")
    table.add_column("meaning")
    for key, prop in schema.get("properties", {}).items():
        resolved = prop
        if "$ref" in prop:
            resolved = schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]]
        elif "allOf" in prop and "$ref" in prop["allOf"][0]:
            resolved = schema["$defs"][prop["allOf"][0]["$ref"].rsplit("/", 1)[-1]]
        table.add_row(
            escape(key),
            escape(_kind(resolved)),
            escape(repr(prop.get("default"))),
            escape(prop.get("description", "")),
        )
    return table


def project_tables(fitting: ProjectFormats, name: str) -> tuple[Table, Table]:
    """The exports (with what each would lose) and the imports of one project."""
    kinds = ", ".join(fitting.kinds) or "none"
    name = escape(name)
    exports = Table(
        title=f"{name} ({fitting.modality.value}; kinds: {escape(kinds)}): export formats",
        title_justify="left",
    )
    exports.add_column("name", no_wrap=True)
    for column in ("title", "file", "loses"):
        exports.add_column(column)
    for choice in fitting.exports:
        lost = ", ".join(choice.lost_kinds)
        exports.add_row(
            escape(choice.name),
            escape(choice.title),
            escape(choice.extension),
            f"[yellow]{escape(lost)}[/]" if lost else "nothing",
        )
    imports = Table(title=f"{name}: import formats (or --format auto)", title_justify="left")
    imports.add_column("name", no_wrap=True)
    for column in ("title", "reads"):
        imports.add_column(column)
    for entry in fitting.imports:
        reads = ", ".join("a zip of a folder" if i == "folder" else "a file" for i in entry.inputs)
        imports.add_row(escape(entry.name), escape(entry.title), reads)
    return exports, imports


def formats_command(
    name: Annotated[
        str | None, typer.Argument(help="A format to show the options of.", show_default=False)
    ] = None,
    project: Annotated[
        str | None,
        typer.Option(
            "--project",
            help="List only the formats that fit this project (name or id): exports of its "
            "modality with the geometry kinds each would lose, and the imports that read it.",
            show_default=False,
        ),
    ] = None,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """List the formats (import, export, what they carry), the ones that fit a project, or
    one format's export options."""
    if name is not None:
        console.print(options_table(name))
        return
    if project is not None:
        with opened(data_dir, database_url) as ws:
            actor = acting_user(ws, user)
            target = find_project(ws, project, actor.id)
            fitting = project_formats(ws, target.id, user_id=actor.id)
        for table in project_tables(fitting, target.name):
            console.print(table)
        return
    table = Table(title="formats", title_justify="left")
    # the name is what people type: never wrapped or cut, whatever the terminal's width
    table.add_column("name", no_wrap=True)
    for column in ("title", "import", "export", "reads", "modalities", "kinds"):
        table.add_column(column)
    for fmt in all_formats():
        table.add_row(
            escape(fmt.name),
            escape(fmt.title),
            "yes" if fmt.can_read else "",
            "yes" if fmt.can_write else "",
            ", ".join(sorted(fmt.inputs)),
            ", ".join(sorted(m.value for m in fmt.modalities)),
            ", ".join(sorted(k.value for k in fmt.kinds)),
        )
    console.print(table)
    for plugin, reason in sorted(registry.broken.items()):
        err_console.print(
            f"[yellow]format plugin {escape(plugin)} did not load: {escape(str(reason))}[/]"
        )


formats = fail_cleanly(formats_command)
