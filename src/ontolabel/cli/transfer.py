"""``ontolabel import`` and ``ontolabel export``: files in the registered formats."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ontolabel.cli.console import MAX_VIOLATIONS_SHOWN, console, err_console, fail_cleanly
from ontolabel.cli.progress import count_bar
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
from ontolabel.errors import InvalidError, Location, Violation
from ontolabel.services.transfer import export_project, import_file


class ErrorChoice(StrEnum):
    FAIL = "fail"
    COLLECT = "collect"


ProjectRef = Annotated[str, typer.Argument(help="Project name (or id).", show_default=False)]
FORMAT_HELP = "Format name (see GET /api/formats): jsonl, coco, ..."


def import_command(
    project: ProjectRef,
    file: Annotated[
        Path,
        typer.Argument(
            help="File, dataset folder, or zip archive of either to import.",
            exists=True,
            show_default=False,
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP + " or auto.")] = "auto",
    errors: Annotated[
        ErrorChoice,
        typer.Option(help="fail: write nothing if any record is bad; collect: skip bad records."),
    ] = ErrorChoice.FAIL,
    problems: Annotated[
        Path | None,
        typer.Option(
            help="Also write every problem found to this file, one a line (the terminal "
            f"shows the first {MAX_VIOLATIONS_SHOWN}).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Import items and annotations into a project."""
    if problems is not None:
        _check_writable(problems)
    with opened(data_dir, database_url) as ws:
        actor = acting_user(ws, user)
        target = find_project(ws, project, actor.id)
        with count_bar(f"import {file.name}") as progress:
            try:
                report = import_file(
                    ws,
                    target.id,
                    file,
                    fmt,
                    user_id=actor.id,
                    errors=errors.value,
                    progress=progress,
                )
            except InvalidError as refused:
                if problems is not None:
                    _write_problems(problems, refused.violations)
                raise
    if problems is not None:
        _write_problems(problems, report.violations)
    if report.detected is not None:
        console.print(
            f"read as [bold]{escape(report.format)}[/] (detected, confidence "
            f"{report.detected.confidence:.2f}: {escape(report.detected.reason)})"
        )
    console.print(
        f"imported {report.imported} item(s) into [bold]{escape(target.name)}[/]; "
        f"{report.existing} already there ({report.updated} updated), {report.skipped} skipped"
    )
    for violation in report.violations[:MAX_VIOLATIONS_SHOWN]:
        err_console.print(f"[yellow]skipped: {escape(str(violation))}[/]")
    hidden = len(report.violations) - MAX_VIOLATIONS_SHOWN
    if hidden > 0 and problems is None:
        err_console.print(f"[yellow]... and {hidden} more (--problems FILE writes them all)[/]")


def _problems_file_error(path: Path, error: OSError) -> InvalidError:
    reason = error.strerror or str(error)
    if isinstance(error, FileExistsError) and path.parent.exists():
        reason = f"{path.parent} is not a folder"  # mkdir's own "File exists" says nothing
    return InvalidError(
        f"cannot write the problems file {path}: {reason}",
        location=Location(path="--problems"),
        hint="give --problems a file in a folder you can write to",
    )


def _check_writable(path: Path) -> None:
    """Refuse a --problems file that cannot be written before anything is imported: found
    out afterwards, the import is done and its problems are lost. Missing folders are made,
    as export does for its output."""
    existed = os.path.lexists(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # append: a probe that never truncates what is there
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise _problems_file_error(path, error) from None
    if not existed:
        path.unlink(missing_ok=True)


def _write_problems(path: Path, violations: list[Violation]) -> None:
    try:
        path.write_text("".join(f"{v}\n" for v in violations), encoding="utf-8")
    except OSError as error:
        raise _problems_file_error(path, error) from None
    console.print(f"{len(violations)} problem(s) written to {escape(str(path))}")


def export_command(
    project: ProjectRef,
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.", dir_okay=False)],
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            "-O",
            help="A format option as KEY=VALUE (repeatable); `ontolabel formats` lists them.",
            show_default=False,
        ),
    ] = None,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Export a whole project to a file."""
    with opened(data_dir, database_url) as ws:
        actor = acting_user(ws, user)
        source = find_project(ws, project, actor.id)
        output.parent.mkdir(parents=True, exist_ok=True)
        # written beside the target and renamed at the end: a failed export leaves no
        # half-written file under the name the user asked for
        partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
        # O_EXCL: never write through a file (or link) someone left under that name;
        # mode 0o666 lets the umask decide, as for any file the user creates
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as out, count_bar(f"export {source.name}") as progress:
                stats = export_project(
                    ws,
                    source.id,
                    fmt,
                    out,
                    options=parse_options(option or []),
                    progress=progress,
                    user_id=actor.id,
                )
            os.replace(partial, output)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    console.print(
        f"exported {stats.items} item(s), {stats.objects} object(s) of "
        f"[bold]{escape(source.name)}[/] to {escape(str(output))}"
    )
    for violation in stats.skipped[:MAX_VIOLATIONS_SHOWN]:
        err_console.print(f"[yellow]not exported: {escape(str(violation))}[/]")
    hidden = len(stats.skipped) - MAX_VIOLATIONS_SHOWN
    if hidden > 0:
        err_console.print(f"[yellow]... and {hidden} more not exported[/]")
    for violation in stats.changed:
        err_console.print(f"[yellow]changed: {escape(str(violation))}[/]")


def parse_options(pairs: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs as the mapping a format's options model validates (the same
    strings a query string gives the REST API, so both refuse a bad value alike)."""
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        if key.strip() in options:
            raise typer.BadParameter(f"{key.strip()!r} is given twice", param_hint="--option")
        options[key.strip()] = value
    return options


import_ = fail_cleanly(import_command)
export = fail_cleanly(export_command)
