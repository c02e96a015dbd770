"""``ontolabel user add`` and ``ontolabel user token``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from ontolabel.cli.console import console, fail_cleanly
from ontolabel.cli.workspace import DEFAULT_DATA_DIR, DatabaseUrl, DataDir, acting_user, opened
from ontolabel.services import users

app = typer.Typer(help="Manage user accounts and API tokens.", no_args_is_help=True)


@app.command("add")
@fail_cleanly
def add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    password: Annotated[
        str | None,
        typer.Option(help="Password (asked for, hidden, when not given)."),
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="May see and manage everything.")] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user account."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with opened(data_dir, database_url) as ws:
        user = users.create_user(ws, name, password, is_admin=admin)
    role = "administrator" if user.is_admin else "user"
    console.print(f"created {role} [bold]{escape(user.username)}[/] (id {user.id})")


@app.command("token")
@fail_cleanly
def token(
    name: Annotated[str, typer.Argument(help="The user the token acts for.")],
    label: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API token (shown once; send it as `Authorization: Bearer <token>`)."""
    with opened(data_dir, database_url) as ws:
        user = acting_user(ws, name)
        made = users.create_token(ws, user.id, label)
    # the token alone on stdout, so scripts can capture it; the note goes to stderr
    typer.echo(made.token)
    typer.echo(
        f"token {made.name!r} for {user.username}: store it now, it is not shown again", err=True
    )
