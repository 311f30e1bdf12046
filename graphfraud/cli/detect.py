"""``graphfraud detect``: find rings in a folder of files (loaded first) or in what is already loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, err, errors_as_exit, flag, opened_engine, out, settings_from


def detect(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for rings.json and rings.csv.")],
    input_dir: Annotated[Path | None, typer.Option("--input", "-i", help="Load this folder first (same as `graphfraud load`).", exists=True, file_okay=False)] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="Column mapping file for --input.", exists=True, dir_okay=False)] = None,
    write_back: Annotated[bool, flag("--write-back/--no-write-back", help="Store rings in the graph (:Ring, MEMBER_OF).")] = True,
    top: Annotated[int, typer.Option("--top", help="Rings to list on screen.")] = 10,
    communities: Annotated[str | None, typer.Option("--communities", help='Where Leiden runs: "igraph" (in-process) or "gds" (Neo4j with Graph Data Science); default: \\[detect] communities, else igraph.')] = None,
    allow_unfinished_load: Annotated[bool, flag("--allow-unfinished-load", help="Detect even though a load did not finish (killed or failed midway), with a warning; by default detect refuses a half-loaded graph (exit 1) until that folder is loaded again.")] = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Detect fraud rings and write OUT/rings.json (contract) and OUT/rings.csv."""
    from graphfraud import faults
    from graphfraud.cli.data import print_input, print_rejects, rejected_and_changed
    from graphfraud.detect.report import write_report
    from graphfraud.detect.run import check_settings, detect as run_detection
    from graphfraud.errors import UnfinishedLoad
    from graphfraud.load import load_directory, unfinished_loads, unfinished_message

    settings = settings_from(engine, config, db)
    detect_config = {**settings.detect, **({"communities": communities} if communities else {})}
    with errors_as_exit():
        check_settings(detect_config)  # before --input is loaded: a bad setting fails with nothing done
    with opened_engine(settings) as eng:
        if input_dir is not None:
            summary = load_directory(eng, input_dir, mapping=mapping)
            err.print(f"loaded {summary.accepted:,} rows ({rejected_and_changed(summary)}) in {summary.seconds:.1f} s")
            print_input(summary)
            print_rejects(summary)
        with errors_as_exit():
            eng.ensure_schema()  # a database from before load marks gains their table
            unfinished = unfinished_loads(eng)
            if unfinished and not allow_unfinished_load:
                raise UnfinishedLoad(unfinished_message(unfinished))
        if unfinished:
            err.print(f"[bold yellow]warning:[/] {escape(unfinished_message(unfinished))}; detecting anyway "
                      "(--allow-unfinished-load): rings may be missing or wrong", soft_wrap=True)
        result = run_detection(faults.watched(eng), detect_config, write_back=write_back)  # hold points for kill tests only
        paths = write_report(result, out_dir)
    table = Table(title=f"{len(result.rings)} rings in {result.total_seconds:.1f} s")
    table.add_column("ring", no_wrap=True, min_width=12)  # full ids: investigators copy them into other commands
    for name in ("patterns", "score", "patients", "providers", "doctors", "amount at risk (CNY)"):
        table.add_column(name, justify="left" if name == "patterns" else "right")
    for ring in result.rings[:top]:
        table.add_row(ring.ring_id, ", ".join(ring.patterns), f"{ring.score:.3f}", str(len(ring.ids("patient"))),
                      str(len(ring.ids("provider"))), str(len(ring.ids("doctor"))), f"{ring.amount_at_risk:,.2f}")
    out.print(table)
    if result.null_runs:
        out.print(f"chance alone would give about {result.expected_false_rings:.2f} of these rings "
                  f"({result.null_runs} null runs over {result.candidates} candidates; see docs/detection.md)")
    for path in paths:
        out.print(f"wrote {escape(str(path))}")


def register(app: typer.Typer) -> None:
    app.command()(detect)
