"""Run the motif library and turn its rows into evidence: who, which claims, why.

Each motif is one query in ``cypher/motifs/`` (a motif whose header says
``from:`` reads another motif's rows instead of running a query of its own);
its rows become evidence directly or through the Python refinement its header
names (``graphfraud.detect.refine``). Link refinements that expand groups into
pairs and runs are refined last, only for groups holding a patient the
indicators already found suspicious: a group of unsuspicious patients can pass
no suspicion on, and expanding every half hour of every clinic is what would
dominate memory at scale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from graphfraud.detect.evidence import Evidence, Motif, motif, motif_names, plain
from graphfraud.detect.partition import Partitioner
from graphfraud.detect.refine import DEFERRED, PLACES_SOURCE, Context, rows_to_evidence
from graphfraud.detect.suspicion import RELEVANT, suspicion
from graphfraud.detect.thresholds import params_for, refine_params
from graphfraud.engines.base import Engine

Progress = Callable[[str], None]


def run_motif(engine: Engine, m: Motif, params: Mapping[str, Any], parts: Partitioner) -> pd.DataFrame:
    """The motif's rows over the whole graph: one query, or one per id range for a partitioned motif."""
    frames = []
    for extra in parts.params(m.partition, m.part_rows):
        frames.append(engine.query(f"motifs/{m.name}", {**params, **extra}))
    frames = [f for f in frames if len(f)] or frames[:1]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _order(rows: list[Evidence]) -> list[Evidence]:
    """The rows in an order that does not depend on the engine: by their entities, then (rare ties) their reason.

    Reasons are worded on demand (at 10^7 claims, keeping two sentences per row cost GiBs), so only
    rows that tie on everything else are worded here.
    """
    def entities(e: Evidence) -> tuple[list[str], ...]:
        return (e.claims, e.patients, e.providers, e.doctors)

    ordered = sorted(rows, key=entities)
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or entities(ordered[i]) != entities(ordered[start]):
            if i - start > 1:
                ordered[start:i] = sorted(ordered[start:i], key=lambda e: e.reason)
            start = i
    return ordered


def collect(engine: Engine, overrides: Mapping[str, Mapping[str, Any]] | None = None,
            progress: Progress | None = None, only: Iterable[str] | None = None) -> list[Evidence]:
    """Run every motif (or ``only`` these) on the engine and return all evidence, in a stable order."""
    return gather(engine, overrides, progress, only)[0]


def gather(engine: Engine, overrides: Mapping[str, Mapping[str, Any]] | None = None, progress: Progress | None = None,
           only: Iterable[str] | None = None) -> tuple[list[Evidence], Context]:
    """The evidence, and what the refinements measured on the way (the run's providers, cards' own places).

    Each query's frame is refined as soon as it is read and then let go (the deferred link motifs keep
    theirs until the indicators' suspicion is known): at 10^7 claims the frames of every motif alive
    together were GiBs. ``impossible_travel`` is read first, because the cards' own places other motifs
    use are worked out from it.
    """
    baseline_frame = engine.query("baseline/amounts")
    baseline = {k: plain(v) for k, v in baseline_frame.iloc[0].to_dict().items()} if len(baseline_frame) else {}
    selected = [motif(n) for n in (list(only) if only else motif_names())]
    order = motif_names()
    sources = sorted({m.source or m.name for m in selected}, key=lambda n: (n != PLACES_SOURCE, order.index(n)))
    parts = Partitioner(engine, overrides)
    frames: dict[str, pd.DataFrame] = {}
    ctx = Context(engine, frames, lambda name: refine_params(name, overrides))
    found: dict[str, list[Evidence]] = {}
    for name in sources:
        frames[name] = run_motif(engine, motif(name), params_for(name, overrides, baseline), parts)
        readers = [m for m in selected if (m.source or m.name) == name]
        for m in readers:
            if m.refine not in DEFERRED:
                found[m.name] = _order(rows_to_evidence(m, frames[name], refine_params(m.name, overrides), ctx))
                if progress:
                    progress(m.name)
        if all(m.refine not in DEFERRED for m in readers):
            ctx.release(name)
    evidence = [row for m in selected if m.refine not in DEFERRED for row in found[m.name]]
    s = suspicion(evidence)
    ctx.relevant = lambda patients: any(s.get(p, 0.0) >= RELEVANT for p in patients)
    for m in selected:
        if m.refine in DEFERRED:
            evidence.extend(_order(rows_to_evidence(m, frames[m.source or m.name], refine_params(m.name, overrides), ctx)))
            if progress:
                progress(m.name)
    for name in list(frames):
        ctx.release(name)
    return evidence, ctx
