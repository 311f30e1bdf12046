"""Data commands: ``generate`` synthetic claims, ``load`` a folder, ``counts`` of the graph, ``schema``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, err, errors_as_exit, flag, opened_engine, out, settings_from
from graphfraud.generate.settings import (
    DEFAULT_MOBILITY,
    DEFAULT_POOLING,
    DEFAULT_REFERRAL,
    DEFAULT_RUSH,
    DEFAULT_SPRING_FESTIVAL,
)


class Mode(str, Enum):
    """Neo4j load paths (graphfraud.config.LOAD_MODES)."""

    auto = "auto"
    bulk = "bulk"
    incremental = "incremental"


def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write claims.csv, patients.csv, … and truth.json into.")],
    claims: Annotated[int, typer.Option("--claims", "-n", help="Number of claims to generate.", min=100)] = 100_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed: the same seed and settings give the same files.")] = 7,
    difficulty: Annotated[str, typer.Option("--difficulty", help="burst (rings act in waves) or stealth (small, spread over months).")] = "burst",
    fraud: Annotated[bool, flag("--fraud/--no-fraud", help="Plant fraud rings (--no-fraud: a world with ordinary care and look-alikes only).")] = True,
    mobility: Annotated[float, typer.Option("--mobility", help="Share of adults living and treated in another city than their registered one (异地就医).")] = DEFAULT_MOBILITY,
    spring_festival: Annotated[float, typer.Option("--spring-festival", help="Share of migrants and retirees who go home over the Spring Festival.")] = DEFAULT_SPRING_FESTIVAL,
    referral: Annotated[float, typer.Option("--referral", help="Share of over-55s of prefecture cities followed at the provincial capital's top hospital.")] = DEFAULT_REFERRAL,
    pooling: Annotated[float, typer.Option("--pooling", help="Share of multi-person households paying relatives' care from one card (家庭共济).")] = DEFAULT_POOLING,
    rush: Annotated[float, typer.Option("--rush", help="Rushes at pharmacies next to big hospitals: 1 realistic, 0 none, 2 twice the crowd.")] = DEFAULT_RUSH,
) -> None:
    """Generate synthetic Chinese settlement data: ordinary mobility, legitimate look-alikes and planted rings."""
    from graphfraud.generate import WorldSettings, generate as run
    from graphfraud.progress import bar

    with errors_as_exit():
        settings = WorldSettings(fraud=fraud, mobility=mobility, spring_festival=spring_festival, referral=referral,
                                 pooling=pooling, rush=rush)
        with bar("generating", None) as advance:
            summary = run(out_dir, claims=claims, seed=seed, difficulty=difficulty, settings=settings,
                          progress=lambda stage, done, total: advance(stage, 0))
    out.print(f"wrote {out_dir}: {summary}")


def load(
    input_dir: Annotated[Path, typer.Argument(help="Folder of claims (required) and patients/cards/providers/doctors/items/purchases files.", exists=True, file_okay=False)],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Column mapping file (TOML/YAML) for other namings.", exists=True, dir_okay=False)] = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Folder for rejected rows (default INPUT/rejects).")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="Neo4j load path: incremental (through the driver, adds to what is stored), bulk (neo4j-admin import into an empty or --overwrite database), auto (bulk for a large first load when the database may go offline, else incremental; docs/loading.md).")] = Mode.auto,
    overwrite: Annotated[bool, flag("--overwrite", help="With --mode bulk: replace the database even if it holds data.")] = False,
    restart_local: Annotated[bool, flag("--restart-local", help="Bulk path: stop the scripts/neo4j-local server for the import and start it again.")] = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Validate and load a folder into the graph; rejected rows are kept with their reasons."""
    from graphfraud.load import load_folder

    settings = settings_from(engine, config, db)
    with errors_as_exit():
        summary = load_folder(settings, input_dir, mapping=mapping, rejects_dir=rejects, mode=mode.value,
                              overwrite=overwrite, restart_local=restart_local)
    for note in summary.notes:
        err.print(f"note: {escape(note)}")
    how = "neo4j-admin bulk import" if summary.path == "bulk" else "incremental load"
    out.print(
        f"loaded {summary.accepted:,} rows ({rejected_and_changed(summary)}) into {settings.engine} in {summary.seconds:.1f} s "
        f"({summary.rows_per_second:,.0f} rows/s, {how}): {summary.stats.total_nodes:,} nodes and "
        f"{summary.stats.total_rels:,} relationships created",
        soft_wrap=True,
    )
    out.print("phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.phases.items()))
    print_input(summary)
    print_rejects(summary)
    if summary.counts is not None:
        _print_counts(summary.counts)


def rejected_and_changed(summary) -> str:
    """``3 rejected`` and, when some re-delivered claim differs from the stored one, how many were kept as stored."""
    text = f"{summary.rejected:,} rejected"
    if summary.changed:
        text += f"; {summary.changed:,} already loaded with other values, kept the stored ones"
    return text


def print_input(summary) -> None:
    """Which columns each table was read from (where a header was not the canonical name), which headers were
    ignored, and which files of the folder match no table: nothing in the folder is passed over in silence."""
    from graphfraud.display import visible
    from graphfraud.schema import normalise_header

    for table, columns in summary.columns.items():
        renamed = [f"{canon} ← {visible(src)[:40]}" for canon, src in columns.items()
                   if normalise_header(src) != normalise_header(canon)]
        line = f"{table}: {len(columns)} column(s) recognised"
        if renamed:
            line += " (" + ", ".join(renamed) + ")"
        ignored = summary.ignored.get(table, [])
        if ignored:
            line += "; not a column of the table, ignored: " + ", ".join(visible(h)[:40] for h in ignored[:12])
            line += f", … ({len(ignored) - 12} more)" if len(ignored) > 12 else ""
        err.print(escape(line), soft_wrap=True)
    if summary.unmatched:
        err.print(escape("files matching no table, not read: " + ", ".join(visible(n) for n in summary.unmatched)),
                  soft_wrap=True)


def print_rejects(summary) -> None:
    """Where the rejected rows are, and which rejects files of an earlier load were removed (nothing rejected now)."""
    for path in summary.rejects_files:
        err.print(f"rejected rows with reasons: {escape(str(path))}", soft_wrap=True)
    if summary.changed_file is not None:
        err.print(f"re-delivered claims with other values than the stored ones (kept as stored): "
                  f"{escape(str(summary.changed_file))}", soft_wrap=True)
    for path in summary.removed_rejects:
        err.print(f"removed the rejects file of an earlier load (no row of that table is rejected now): "
                  f"{escape(str(path))}", soft_wrap=True)


def schema(engine: EngineOpt = None, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Create the constraints and indexes (Neo4j) or tables (embedded); safe to repeat."""
    with opened_engine(settings_from(engine, config, db)) as eng:
        eng.ensure_schema()
    out.print(f"schema ready on {eng.name}")


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
    app.command()(schema)
