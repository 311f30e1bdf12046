"""Options shared by every command, and the one place library errors become exit codes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape

from graphfraud.config import Settings, load_settings
from graphfraud.engines.base import Engine
from graphfraud.errors import GraphfraudError, exit_code_for

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

EngineOpt = Annotated[
    Optional[str],
    typer.Option("--engine", help="embedded or neo4j (default: neo4j when NEO4J_URI is set, else embedded).", envvar="GRAPHFRAUD_ENGINE", show_envvar=True),
]
ConfigOpt = Annotated[
    Optional[Path],
    typer.Option("--config", help="Settings file (default: graphfraud.toml in this folder or above).", exists=True, dir_okay=False),
]
DbOpt = Annotated[
    Optional[Path],
    typer.Option("--db", help="Embedded database folder (default .graphfraud/db).", envvar="GRAPHFRAUD_DB", show_envvar=True),
]


def settings_from(engine: str | None, config: Path | None, db: Path | None = None) -> Settings:
    """Settings with the command line's choices applied."""
    with errors_as_exit():
        settings = load_settings(config_file=config, engine=engine)
    if db is not None:
        from dataclasses import replace

        settings = replace(settings, embedded_path=db)
    return settings


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Turn the library's own errors into one line on stderr and the exit status ``errors.EXIT_CODES`` gives them."""
    try:
        yield
    except GraphfraudError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(exit_code_for(exc)) from None


@contextmanager
def opened_engine(settings: Settings, read_only: bool = False) -> Iterator[Engine]:
    """The configured engine, open for the block and closed after it; library errors become exits."""
    from graphfraud.engines import open_engine

    with errors_as_exit():
        engine = open_engine(settings, read_only=read_only)
        try:
            yield engine
        finally:
            engine.close()
