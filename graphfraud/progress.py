"""Rich progress bars for long work (load, detect, export), quiet when output is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)


class Advance(Protocol):
    """What :func:`bar` yields: ``advance(what)`` for one more step, ``advance(what, n)`` for ``n``."""

    def __call__(self, what: str, n: int = 1) -> None: ...


@contextmanager
def bar(description: str, total: int | None) -> Iterator[Advance]:
    """Yield ``advance(what, n)``: a bar on a terminal, nothing in logs and CI."""
    if not sys.stderr.isatty():
        yield lambda what, n=1: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[what]}"), TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
        task = progress.add_task(description, total=total, what="")

        def advance(what: str, n: int = 1) -> None:
            progress.update(task, advance=n, what=what)

        yield advance
