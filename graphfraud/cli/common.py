"""Options shared by every command, and the one place library errors become exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from graphfraud.config import Settings, load_settings
from graphfraud.engines.base import Engine
from graphfraud.errors import GraphfraudError, exit_code_for

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


class Group(TyperGroup):
    """A command group whose help, and its commands' help, shows no type on the ``--help`` row either.

    Typer prints ``<bool>`` beside every switch; :func:`flag` clears it on ours, and the help option, made
    once per command and kept (click caches it), is cleared here as each command is looked up.
    """

    def get_help_option(self, ctx: Any) -> Any:
        return _untyped(super().get_help_option(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, Group):
            _untyped(command.get_help_option(ctx))
        return command


def _untyped(option: Any) -> Any:
    if option is not None:
        option.metavar = ""
    return option


def flag(*names: str, **options: Any) -> Any:
    """A typer option for an on/off switch, whose help shows no type (typer would print ``<bool>``)."""
    return typer.Option(*names, metavar="", **options)


EngineOpt = Annotated[
    str | None,
    typer.Option("--engine", help="embedded or neo4j (default: neo4j when NEO4J_URI is set, else embedded).", envvar="GRAPHFRAUD_ENGINE", show_envvar=True),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Settings file (default: graphfraud.toml in this folder or above).", exists=True, dir_okay=False),
]
DbOpt = Annotated[
    Path | None,
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
def opened_engine(settings: Settings, read_only: bool = False, migrate: bool = False) -> Iterator[Engine]:
    """The configured engine, open for the block and closed after it; library errors become exits.

    ``migrate`` first gives a database made by an earlier version the tables and properties added since
    (users, assignment): a read-only open of an embedded folder that another process holds skips it (that
    process, a running workbench, migrated it when it opened).
    """
    from graphfraud.engines import open_engine
    from graphfraud.errors import EngineUnavailable

    with errors_as_exit():
        if migrate and read_only and settings.engine == "embedded" and settings.embedded_path.exists():
            try:
                writable = open_engine(settings)
            except EngineUnavailable:
                writable = None
            if writable is not None:
                try:
                    writable.ensure_schema()
                finally:
                    writable.close()
        engine = open_engine(settings, read_only=read_only)
        try:
            if migrate and not read_only:
                engine.ensure_schema()
            yield engine
        finally:
            engine.close()
