"""Graph commands: ``graphs`` (offline HTML graphs of the rings a detect run found) and ``explore``
(the neighbourhood of any entity as an offline HTML graph)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, errors_as_exit, opened_engine, out, settings_from
from graphfraud.vocabulary import Kind, Language


def graphs(
    results: Annotated[Path, typer.Option("--results", "-r", help="Folder of a detect run (holds rings.json).", exists=True, file_okay=False)],
    ring: Annotated[list[str] | None, typer.Option("--ring", help="Only these ring ids (repeatable).")] = None,
    top: Annotated[int, typer.Option("--top", help="Graphs for the top N rings by score (0 = all).")] = 20,
    lang: Annotated[Language, typer.Option("--lang", help="Labels in Chinese or English.")] = Language.ZH,
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
                written.append(ring_graph(r, facts, results / "graphs" / f"{r['ring_id']}.html", lang=lang))
                advance(r["ring_id"])
    out.print(f"wrote {len(written)} ring graphs to {escape(str(results / 'graphs'))}")


def explore(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Id of a patient, card, provider, doctor, claim, ring, phone or address.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write (offline, opens in any browser).", dir_okay=False)],
    hops: Annotated[int, typer.Option("--hops", help="How many hops outward (1-4).", min=1, max=4)] = 2,
    kind: Annotated[Kind | None, typer.Option("--kind", help="What the id names, when it names more than one thing.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only claims on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only claims on or before this date (YYYY-MM-DD).")] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", help="Cap on nodes; each hop keeps the strongest and says what it left out.", min=10)] = 300,
    lang: Annotated[Language, typer.Option("--lang", help="Labels in Chinese or English.")] = Language.ZH,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the neighbourhood of an entity, hop by hop, as an interactive offline graph."""
    from datetime import datetime

    from graphfraud.detect.store import stored_ring
    from graphfraud.neighbourhood import neighbourhood, resolve
    from graphfraud.viz import neighbourhood_graph, write_page

    with opened_engine(settings_from(engine, config, db), read_only=True) as eng, errors_as_exit():
        found = resolve(eng, ident, kind)
        nb = neighbourhood(eng, found, ident, hops=hops, max_nodes=max_nodes, since=since, until=until)
        rings = {r: stored_ring(eng, r) for r in nb.ids("ring")}
    graph = neighbourhood_graph(nb, lang=lang, rings={k: v for k, v in rings.items() if v},
                                generated=datetime.now().astimezone().isoformat(timespec="seconds"))
    with errors_as_exit():
        write_page(graph, out_file)
    left = sum(n for lo in nb.left_out for n in lo.kinds.values())
    out.print(f"wrote {escape(str(out_file))}: {len(graph.nodes)} nodes, {len(graph.edges)} edges"
              + (f"; {left:,} more left out (cap {max_nodes} nodes)" if left else ""))


def register(app: typer.Typer) -> None:
    app.command()(graphs)
    app.command()(explore)
