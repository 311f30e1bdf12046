"""``graphfraud graphs``: interactive, offline HTML graphs of the rings a detect run found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, errors_as_exit, out, settings_from


def graphs(
    results: Annotated[Path, typer.Option("--results", "-r", help="Folder of a detect run (holds rings.json).", exists=True, file_okay=False)],
    ring: Annotated[Optional[list[str]], typer.Option("--ring", help="Only these ring ids (repeatable).")] = None,
    top: Annotated[int, typer.Option("--top", help="Graphs for the top N rings by score (0 = all).")] = 20,
    lang: Annotated[str, typer.Option("--lang", help="zh or en labels.")] = "zh",
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Write RESULTS/graphs/<ring>.html for the rings in RESULTS/rings.json."""
    from graphfraud.engines import open_engine
    from graphfraud.errors import InputError
    from graphfraud.progress import bar
    from graphfraud.viz import ring_graph

    settings = settings_from(engine, config, db)
    with errors_as_exit():
        path = results / "rings.json"
        if not path.is_file():
            raise InputError(f"{path}: no rings.json here; run `graphfraud detect --out {results}` first")
        rings = json.loads(path.read_text(encoding="utf-8"))["rings"]
        if ring:
            rings = [r for r in rings if r["ring_id"] in set(ring)]
        elif top:
            rings = rings[:top]
        eng = open_engine(settings, read_only=True)
        written = []
        try:
            with bar("graphs", len(rings)) as advance:
                for r in rings:
                    ids = sorted({c for ev in r["evidence"] for c in ev["claims"]})
                    facts = {row["claim_id"]: row for row in eng.query("rings/claims", {"claims": ids}).to_dict("records")}
                    written.append(ring_graph(r, facts, results / "graphs" / f"{r['ring_id']}.html", lang=lang))
                    advance(r["ring_id"])
        finally:
            eng.close()
    out.print(f"wrote {len(written)} ring graphs to {escape(str(results / 'graphs'))}")


def register(app: typer.Typer) -> None:
    app.command()(graphs)
