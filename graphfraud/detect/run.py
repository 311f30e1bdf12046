"""One detection run: motifs → suspicion → projection → Leiden → candidates → null model → rings → written back.

Everything is set-based: each motif is one query over the whole graph, the
projection is built once from the evidence in memory, and community detection
runs in-process, so time grows with the data, not with round trips. The null
model (detect.significance) reruns the in-memory half on shuffled suspicion
to say how many of the reported rings chance alone would give.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from graphfraud.detect import communities as comm, significance
from graphfraud.detect.evidence import Evidence, motif_names
from graphfraud.detect.motifs import gather
from graphfraud.detect.partition import claims_per_part
from graphfraud.detect.projection import Projection, build
from graphfraud.detect.rings import Candidate, Ring, RingRules, assemble, candidates
from graphfraud.detect.store import (
    cards_of,
    claim_facts,
    customers,
    doctors_at,
    patient_strata,
    previous_rings,
    provider_volumes,
    write_rings,
)
from graphfraud.detect.suspicion import suspicion, with_context
from graphfraud.progress import bar
from graphfraud.settings import detect_settings
from graphfraud.vocabulary import CHINA

_RULE_KEYS = set(RingRules.__dataclass_fields__)


@dataclass
class DetectionResult:
    run_id: str
    started: str
    engine: str
    rings: list[Ring]
    evidence: list[Evidence]
    seconds: dict[str, float] = field(default_factory=dict)
    null_runs: int = 0                  # null-model runs behind the rings' q-values
    expected_false_rings: float = 0.0   # false rings to expect among those reported (detect.significance)
    candidates: int = 0                 # corroborated communities judged against the null

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def rules_from(config: Mapping[str, Any]) -> RingRules:
    return RingRules(**{k: v for k, v in config.items() if k in _RULE_KEYS})


def communities_of(projection: Projection, membership: list[int]) -> dict[int, list[str]]:
    """Patients of each community."""
    groups: dict[int, list[str]] = defaultdict(list)
    for i, c in enumerate(membership):
        if projection.kind(i) == "patient":
            groups[c].append(projection.entity(i))
    return groups


def null_for(engine, evidence: list[Evidence], found: list[Candidate], rules: RingRules,
             config: Mapping[str, Any], providers: pd.DataFrame | None = None) -> significance.Null:
    """The null model of this run: Leiden as configured, on copies of the background evidence."""
    if not any(c.corroborated for c in found):
        return significance.Null()
    resolution = config.get("resolution", comm.DEFAULT_RESOLUTION)
    objective = str(config.get("objective", comm.DEFAULT_OBJECTIVE))
    if providers is None:
        providers = engine.query("refine/provider_cards").set_index("provider")
    stand_ins = significance.StandIns(provider_volumes(providers), sorted({d for ev in evidence for d in ev.doctors}),
                                      doctors_at(engine), customers(engine))
    return significance.null_model(significance.background(evidence, found), significance.strata(patient_strata(engine)),
                                   rules, lambda p, seed: comm.leiden(p, seed=seed, resolution=resolution, objective=objective),
                                   stand_ins)


def rings_from(engine, projection: Projection, membership: list[int], evidence: list[Evidence], s: dict[str, float],
               rules: RingRules, previous: list[dict[str, Any]], config: Mapping[str, Any] | None = None,
               providers: pd.DataFrame | None = None) -> tuple[list[Ring], significance.Null, int]:
    """The rings in the communities ``membership`` gives: candidates judged against the null, then assembled.

    Returns the rings, the null model, and how many corroborated candidates were judged. ``providers`` is
    ``refine/provider_cards`` when the motifs already read it (read here otherwise).
    """
    found = candidates(communities_of(projection, membership), evidence, s, rules)
    null = null_for(engine, evidence, found, rules, dict(config or {}), providers)
    judged = significance.judge(found, null, rules.max_fdr)
    held = cards_of(engine, {p for i in judged for p in found[i].core})
    facts = claim_facts(engine, (c for i in judged for ev in found[i].rows for c in ev.claims))
    return assemble(found, held, facts, previous, rules, judged, null.strongest), null, sum(1 for c in found if c.corroborated)


def check_settings(config: Mapping[str, Any] | None) -> None:
    """Refuse a ``[detect]`` setting that cannot work or does not exist (ConfigError naming it) before any work is done."""
    detect_settings(config)  # the settings model: every key known and typed (graphfraud.settings.detect_table)
    comm.method_of(dict(config or {}))
    claims_per_part(config)


def detect(engine, config: Mapping[str, Any] | None = None, write_back: bool = True,
           now: datetime | None = None, previous: list[dict[str, Any]] | None = None) -> DetectionResult:
    """Find rings in what ``engine`` holds; ``config`` is the ``[detect]`` table of graphfraud.toml.

    ``previous`` are the stored rings ids and decisions are carried over from
    (default: read from the graph now). A scheduled job passes the rings it
    read before its first attempt, so a run resumed after a kill in the middle
    of the write-back matches exactly as the uninterrupted run would have.
    """
    config = dict(config or {})
    started = now or datetime.now(CHINA)
    stamp = started.isoformat(timespec="seconds")
    run_id = "run-" + started.strftime("%Y%m%dT%H%M%S")
    seconds: dict[str, float] = {}
    motifs = motif_names()
    check_settings(config)
    if comm.method_of(config) == "gds":  # before the motifs run: a setting that cannot work fails at once
        from graphfraud.detect.gds import gds_version

        gds_version(engine)

    t = time.perf_counter()
    with bar("detecting", len(motifs) + 3) as advance:
        evidence, context = gather(engine, overrides=config, progress=advance)
        seconds["motifs"] = time.perf_counter() - t

        t = time.perf_counter()
        rules = rules_from(config)
        s = with_context(evidence, suspicion(evidence), rules.context_seed)
        projection = build(evidence, s)
        membership = comm.find(engine, projection, config)
        seconds["communities"] = time.perf_counter() - t
        advance("communities")

        t = time.perf_counter()
        rings, null, judged = rings_from(engine, projection, membership, evidence, s, rules,
                                         previous_rings(engine) if previous is None else previous, config,
                                         context.providers)
        seconds["rings"] = time.perf_counter() - t
        advance("rings")

        t = time.perf_counter()
        if write_back:
            write_rings(engine, rings, run_id, stamp)
        seconds["write_back"] = time.perf_counter() - t
        advance("written back")
    return DetectionResult(run_id=run_id, started=stamp, engine=engine.name, rings=rings, evidence=evidence, seconds=seconds,
                           null_runs=null.runs, candidates=judged,
                           expected_false_rings=significance.expected_false_rings(null, [r.strength for r in rings]))
