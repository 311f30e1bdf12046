"""The ``graphfraud`` command: one file per verb group, composed here."""

from __future__ import annotations

import typer

from graphfraud.cli import case, data, detect, explore, job, serve, users

app = typer.Typer(
    name="graphfraud",
    help="Find organised medical-insurance fraud rings (card lending, pharmacy cash-out, gangs) in claims graphs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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
