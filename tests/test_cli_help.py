"""Every command's --help: it prints, and its on/off switches (the --help row too) show no ``<bool>`` type."""

from __future__ import annotations

from typing import Any

import typer.main
from typer.testing import CliRunner

from graphfraud.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words, the groups' own included (typer's groups are not click's)."""
    out = [prefix]
    if hasattr(command, "list_commands"):
        ctx = command.make_context("graphfraud", ["--help"], resilient_parsing=True)
        for name in command.list_commands(ctx):
            out += _paths(command.get_command(ctx, name), (*prefix, name))
    return out


def test_every_commands_help_prints_without_a_bool_type_on_its_switches() -> None:
    paths = _paths(typer.main.get_command(app))
    assert ("detect",) in paths and ("case", "export") in paths and ("users", "add") in paths
    for path in paths:
        shown = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
        assert shown.exit_code == 0, (path, shown.output)
        assert "--help" in shown.output and "<bool>" not in shown.output, (path, shown.output)
