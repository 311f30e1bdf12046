"""Data commands: ``generate`` synthetic claims, ``load`` a folder, ``counts`` of the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, err, errors_as_exit, opened_engine, out, settings_from


def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write claims.csv, patients.csv, … and truth.json into.")],
    claims: Annotated[int, typer.Option("--claims", "-n", help="Number of claims to generate.", min=100)] = 100_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed: the same seed gives the same files.")] = 7,
    difficulty: Annotated[str, typer.Option("--difficulty", help="burst (rings act in waves) or stealth (small, spread over months).")] = "burst",
) -> None:
    """Generate synthetic Chinese settlement data with planted rings and legitimate look-alikes."""
    from graphfraud.generate import generate as run
    from graphfraud.progress import bar

    with errors_as_exit(), bar("generating", None) as advance:
        summary = run(out_dir, claims=claims, seed=seed, difficulty=difficulty, progress=lambda stage, done, total: advance(stage, 0))
    out.print(f"wrote {out_dir}: {summary}")


def load(
    input_dir: Annotated[Path, typer.Argument(help="Folder of claims (required) and patients/cards/providers/doctors files.", exists=True, file_okay=False)],
    mapping: Annotated[Optional[Path], typer.Option("--mapping", "-m", help="Column mapping file (TOML/YAML) for other namings.", exists=True, dir_okay=False)] = None,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="Folder for rejected rows (default INPUT/rejects).")] = None,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Validate and load a folder into the graph; rejected rows are kept with their reasons."""
    from graphfraud.load import load_directory

    with opened_engine(settings_from(engine, config, db)) as eng:
        summary = load_directory(eng, input_dir, mapping=mapping, rejects_dir=rejects)
        counts = eng.counts()
    out.print(
        f"loaded {summary.accepted:,} rows ({summary.rejected:,} rejected) into {eng.name} in {summary.seconds:.1f} s "
        f"({summary.rows_per_second:,.0f} rows/s): {summary.stats.total_nodes:,} nodes and {summary.stats.total_rels:,} relationships created"
    )
    for path in summary.rejects_files:
        err.print(f"rejected rows with reasons: {path}")
    _print_counts(counts)


def counts(engine: EngineOpt = None, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Print node and relationship counts of the graph."""
    with opened_engine(settings_from(engine, config, db), read_only=True) as eng:
        _print_counts(eng.counts())


def _print_counts(counts: dict[str, int]) -> None:
    table = Table("label / type", "count", title="graph")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command()(generate)
    app.command()(load)
    app.command()(counts)
