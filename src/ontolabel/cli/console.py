"""Terminal output: one rich console, and errors shown as a red message, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ontolabel.errors import InvalidError, OntolabelError

P = ParamSpec("P")
R = TypeVar("R")

# wide enough that paths and messages are not wrapped mid-word in logs and CI output
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# at most this many violations are listed; the rest are counted
MAX_VIOLATIONS_SHOWN = 50


def render_error(error: OntolabelError) -> str:
    """The error as rich markup: message, where, each violation, and the hint."""
    lines = [f"[bold red]error:[/] [red]{escape(error.message)}[/]"]
    where = str(error.location)
    if where:
        lines.append(f"  [red]at {escape(where)}[/]")
    if isinstance(error, InvalidError):
        for violation in error.violations[:MAX_VIOLATIONS_SHOWN]:
            lines.append(f"  [red]- {escape(str(violation))}[/]")
        hidden = len(error.violations) - MAX_VIOLATIONS_SHOWN
        if hidden > 0:
            lines.append(f"  [red]... and {hidden} more[/]")
    if error.hint:
        lines.append(f"  [yellow]hint: {escape(error.hint)}[/]")
    return "\n".join(lines)


def fail_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command; an OntolabelError is printed in red and exits with status 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except OntolabelError as error:
            err_console.print(render_error(error))
            raise typer.Exit(1) from None

    return run
