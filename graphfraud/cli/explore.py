"""``graphfraud graphs``: interactive, offline HTML graphs of the rings a detect run found."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, errors_as_exit, opened_engine, out, settings_from


class Lang(str, Enum):
    zh = "zh"
    en = "en"


def graphs(
    results: Annotated[Path, typer.Option("--results", "-r", help="Folder of a detect run (holds rings.json).", exists=True, file_okay=False)],
    ring: Annotated[Optional[list[str]], typer.Option("--ring", help="Only these ring ids (repeatable).")] = None,
    top: Annotated[int, typer.Option("--top", help="Graphs for the top N rings by score (0 = all).")] = 20,
    lang: Annotated[Lang, typer.Option("--lang", help="Labels in Chinese or English.")] = Lang.zh,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Write RESULTS/graphs/<ring>.html for the rings in RESULTS/rings.json."""
    from graphfraud.detect.store import claim_facts
    from graphfraud.errors import InputError
    from graphfraud.progress import bar
    from graphfraud.viz import ring_graph

    with errors_as_exit():
        path = results / "rings.json"
        if not path.is_file():
            raise InputError(f"{path}: no rings.json here; run `graphfraud detect --out {results}` first")
        try:
            rings = json.loads(path.read_text(encoding="utf-8"))["rings"]
        except (ValueError, KeyError) as exc:
            raise InputError(f"{path}: not a graphfraud rings.json ({exc})") from exc
    if ring:
        rings = [r for r in rings if r["ring_id"] in set(ring)]
    elif top:
        rings = rings[:top]
    written = []
    with opened_engine(settings_from(engine, config, db), read_only=True) as eng:
        facts = claim_facts(eng, (c for r in rings for ev in r["evidence"] for c in ev["claims"]))
        with bar("graphs", len(rings)) as advance:
            for r in rings:
                written.append(ring_graph(r, facts, results / "graphs" / f"{r['ring_id']}.html", lang=lang.value))
                advance(r["ring_id"])
    out.print(f"wrote {len(written)} ring graphs to {escape(str(results / 'graphs'))}")


def register(app: typer.Typer) -> None:
    app.command()(graphs)
