"""The ``graphfraud`` command: one file per verb group, composed here."""

from __future__ import annotations

from typing import Annotated

import typer

from graphfraud.cli import case, data, detect, explore, job, serve, users
from graphfraud.cli.common import Group, flag

app = typer.Typer(cls=Group,
    name="graphfraud",
    help="Find organised medical-insurance fraud rings (card lending, pharmacy cash-out, gangs) in claims graphs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from graphfraud import __version__

        print(f"graphfraud {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, flag("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """Find organised medical-insurance fraud rings (card lending, pharmacy cash-out, gangs) in claims graphs."""


data.register(app)
detect.register(app)
explore.register(app)
case.register(app)
job.register(app)
serve.register(app)
users.register(app)


def main() -> None:
    """Console entry point."""
    app()
