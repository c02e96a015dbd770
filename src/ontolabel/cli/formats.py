"""``ontolabel formats``: the registered formats, what they carry, and their export options.

The options table is rendered from each format's options model, the same model the REST
API validates query parameters with, so the CLI and the API never disagree on an option.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from ontolabel.cli.console import console, err_console, fail_cleanly
from ontolabel.formats import all_formats, get_format, registry


def _kind(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_kind(s) for s in schema["anyOf"] if s.get("type") != "null") + "?"
    return str(schema.get("type", "any"))


def options_table(name: str) -> Table:
    fmt = get_format(name)
    schema = fmt.options_model.model_json_schema()
    table = Table(title=f"{fmt.name}: export options (--option KEY=VALUE)", title_justify="left")
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
        table.add_row(key, _kind(resolved), repr(prop.get("default")), prop.get("description", ""))
    return table


def formats_command(
    name: Annotated[
        str | None, typer.Argument(help="A format to show the options of.", show_default=False)
    ] = None,
) -> None:
    """List the formats (import, export, what they carry), or one format's export options."""
    if name is not None:
        console.print(options_table(name))
        return
    table = Table(title="formats", title_justify="left")
    for column in ("name", "title", "import", "export", "reads", "modalities", "kinds"):
        table.add_column(column)
    for fmt in all_formats():
        table.add_row(
            fmt.name,
            fmt.title,
            "yes" if fmt.can_read else "",
            "yes" if fmt.can_write else "",
            ", ".join(sorted(fmt.inputs)),
            ", ".join(sorted(m.value for m in fmt.modalities)),
            ", ".join(sorted(k.value for k in fmt.kinds)),
        )
    console.print(table)
    for plugin, reason in sorted(registry.broken.items()):
        err_console.print(f"[yellow]format plugin {plugin} did not load: {reason}[/]")


formats = fail_cleanly(formats_command)
