"""Options every command shares (data directory, database URL, acting user) and opening
the workspace they name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ontolabel.errors import NotFound
from ontolabel.services import users
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

DataDir = Annotated[
    Path,
    typer.Option(
        "--data-dir",
        envvar="ONTOLABEL_DATA_DIR",
        help="Workspace folder (database, media, caches).",
        file_okay=False,
    ),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="ONTOLABEL_DATABASE_URL",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite file).",
    ),
]
ActingUser = Annotated[
    str,
    typer.Option(
        "--user", envvar="ONTOLABEL_USER", help="Act as this user (owner of what is made)."
    ),
]

DEFAULT_DATA_DIR = Path(".ontolabel")
DEFAULT_USER = "admin"


@contextmanager
def opened(data_dir: Path, database_url: str | None) -> Iterator[Workspace]:
    ws = Workspace.open(data_dir, database_url)
    try:
        yield ws
    finally:
        ws.close()


def acting_user(ws: Workspace, username: str) -> UserInfo:
    user = users.get_user_by_name(ws, username)
    if user is None:
        raise NotFound(
            f"no user {username!r} in this workspace",
            hint=f"create it with `ontolabel user add {username} --admin`, or run `ontolabel demo`",
        )
    return user
