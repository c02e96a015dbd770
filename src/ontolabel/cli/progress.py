"""Rich progress bars for long work (demo build, import, export)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ontolabel.cli.console import err_console


class StepReporter(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None: ...


class CountReporter(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


def _bar() -> Progress:
    # progress goes to stderr so that stdout stays clean for what a command prints
    return Progress(
        SpinnerColumn(),
        # plain text: titles hold file and project names, which may look like markup
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@contextmanager
def step_bar(title: str) -> Iterator[StepReporter]:
    """A bar fed with (step name, steps done, steps in all)."""
    with _bar() as bar:
        task: TaskID = bar.add_task(title, total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{title}: {step}", completed=done, total=total)

        yield report


@contextmanager
def count_bar(title: str) -> Iterator[CountReporter]:
    """A bar fed with (records done, records in all if known)."""
    with _bar() as bar:
        task: TaskID = bar.add_task(title, total=None)

        def report(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield report
