#!/usr/bin/env python
"""Community detection in-process (igraph) against Neo4j Graph Data Science, on the same projection.

For each difficulty, generate data (planted rings and look-alikes), load it
into the embedded engine, collect the motif evidence and build the suspicion
projection once. Then run Leiden on that one projection twice, with the same
resolution and seed: igraph in-process, and GDS in a Neo4j server (the
projection's ids and weights travel over Bolt; the server needs no claims
loaded). Rings are assembled from each membership by the same code, and the
script prints the time of each step, how closely the two ring sets agree
(best-match Jaccard of each igraph ring with ≥ 5 patients) and each one's
quality against the truth file (scored as in bench_quality.py).

Needs a Neo4j with GDS: `scripts/neo4j-local start --gds; eval "$(scripts/neo4j-local env)"`.

    .venv/bin/python scripts/bench_communities.py                     # 300k claims, seed 1, burst + stealth
    .venv/bin/python scripts/bench_communities.py --claims 50000 --difficulties burst
    .venv/bin/python scripts/bench_communities.py --difficulties --synthetic 100000 1000000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_quality import jaccard, loaded, score  # noqa: E402

from graphfraud.config import load_settings  # noqa: E402
from graphfraud.detect import communities as comm, gds  # noqa: E402
from graphfraud.detect.motifs import collect  # noqa: E402
from graphfraud.detect.projection import build  # noqa: E402
from graphfraud.detect.rings import RingRules  # noqa: E402
from graphfraud.detect.run import rings_from  # noqa: E402
from graphfraud.detect.suspicion import suspicion, with_context  # noqa: E402

REPEAT = 3


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def transfer_only(neo4j, projection) -> float:
    """Seconds to send the projection to GDS and drop it again, without Leiden: the cost of the round trip."""
    name = "graphfraud-bench-transfer"
    edges = [[a, b, w] for (a, b), w in zip(projection.edges, projection.weights)]
    started = time.perf_counter()
    try:
        neo4j.query("gds/project", {"name": name, "edges": edges})
    finally:
        neo4j.query("gds/drop", {"name": name})
    return time.perf_counter() - started


def run(claims: int, seed: int, difficulty: str, work: Path, neo4j) -> None:
    engine, truth, folder = loaded(claims, seed, difficulty, work)
    rules = RingRules()
    evidence = collect(engine)
    s = with_context(evidence, suspicion(evidence), rules.context_seed)
    projection = build(evidence, s)
    gamma = comm.resolution_for(projection)
    seed_ = comm.DEFAULT_SEED
    print(f"\n{difficulty} seed {seed}, {claims:,} claims: projection {len(projection.names):,} nodes, "
          f"{len(projection.edges):,} edges, resolution {gamma:.2f}", flush=True)

    igraph_runs = [timed(comm.leiden, projection, seed=seed_) for _ in range(REPEAT)]
    gds_runs = [timed(gds.leiden, neo4j, projection, seed=seed_, gamma=gamma) for _ in range(REPEAT)]
    by_igraph, t_igraph = igraph_runs[0][0], min(t for _, t in igraph_runs)
    by_gds, t_gds = gds_runs[0][0], min(t for _, t in gds_runs)
    repeatable = all(m == by_gds for m, _ in gds_runs) and all(m == by_igraph for m, _ in igraph_runs)
    t_transfer = min(transfer_only(neo4j, projection) for _ in range(REPEAT))
    rings = {name: rings_from(engine, projection, membership, evidence, s, rules, [])[0]
             for name, membership in (("igraph", by_igraph), ("gds", by_gds))}
    engine.close()

    main = [set(r.patients) for r in rings["igraph"] if len(r.patients) >= 5]
    best = [max((jaccard(ring, set(o.patients)) for o in rings["gds"]), default=0.0) for ring in main]
    same = sum(1 for b in best if b == 1.0)
    print(f"| step (best of {REPEAT}) | igraph | GDS |\n|---|---|---|\n"
          f"| Leiden (s) | {t_igraph:.2f} | {t_gds:.2f} (of which send + project + drop {t_transfer:.2f}) |\n"
          f"| communities | {len(set(by_igraph)):,} | {len(set(by_gds)):,} |")
    for name in ("igraph", "gds"):
        q = score([(r.patients, r.patterns[0]) for r in rings[name]], truth, len({p for g in truth["lookalikes"] for p in g["patients"]}) + 1)
        print(f"| {name} rings | {q['rings']} rings: F1 {q['f1']:.3f}, recovered {q['recovered']:.1%}, "
              f"right family {q['family_ok']:.1%}, look-alike FP {q['lookalike_fp']:.2%}, "
              f"top-k precision {q['topk_precision']:.3f} |")
    print(f"agreement: {len(main)} igraph rings with ≥ 5 patients; best GDS match Jaccard mean "
          f"{sum(best) / len(best) if best else 0:.3f}, min {min(best, default=0):.3f}, identical {same}/{len(main)}; "
          f"same seed, same communities in all {REPEAT} runs of each: {repeatable}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)


def synthetic(edges: int, neo4j) -> None:
    """Timing beyond what the generator yields: a planted-partition graph of about ``edges`` weighted edges
    (groups of 10 nodes, 80 % of edges inside a group), Leiden by igraph and by GDS, agreement as NMI."""
    import random

    import igraph as ig

    from graphfraud.detect.projection import Projection

    rng = random.Random(1)
    n = max(100, edges // 5)
    acc: dict[tuple[int, int], float] = {}
    while len(acc) < edges:
        a = rng.randrange(n)
        b = (a // 10) * 10 + rng.randrange(10) if rng.random() < 0.8 else rng.randrange(n)
        if a != b:
            acc[(min(a, b), max(a, b))] = round(rng.uniform(0.1, 1.0), 3)
    pairs = sorted(acc)
    projection = Projection([f"patient:{i}" for i in range(n)], pairs, [acc[e] for e in pairs])
    gamma = comm.resolution_for(projection)
    by_igraph, t_igraph = timed(comm.leiden, projection, seed=comm.DEFAULT_SEED)
    by_gds, t_gds = timed(gds.leiden, neo4j, projection, seed=comm.DEFAULT_SEED, gamma=gamma)
    t_transfer = transfer_only(neo4j, projection)
    nmi = ig.compare_communities(by_igraph, by_gds, method="nmi")
    print(f"\nsynthetic: {n:,} nodes, {len(pairs):,} edges, resolution {gamma:.1f}: igraph {t_igraph:.2f} s, "
          f"GDS {t_gds:.2f} s (send + project + drop {t_transfer:.2f} s); communities {len(set(by_igraph)):,} / "
          f"{len(set(by_gds)):,}; NMI {nmi:.3f}", flush=True)


def main() -> None:
    from graphfraud.engines.neo4j import Neo4jEngine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--difficulties", nargs="*", default=["burst", "stealth"])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[], metavar="EDGES",
                        help="also time both on planted-partition graphs of these edge counts (e.g. 1000000)")
    args = parser.parse_args()
    neo4j = Neo4jEngine(load_settings(engine="neo4j", cwd=ROOT).neo4j)
    print(f"GDS {gds.gds_version(neo4j)}")
    from graphfraud.detect.projection import Projection

    tiny = Projection([f"patient:{i}" for i in range(4)], [(0, 1), (1, 2), (2, 3)], [1.0, 1.0, 1.0])
    _, warmup = timed(gds.leiden, neo4j, tiny, seed=1, gamma=1.0)
    print(f"first GDS Leiden since the server started (a 4-node graph; class loading and JIT): {warmup:.2f} s")
    work = Path(tempfile.mkdtemp(prefix="bench-communities-"))
    try:
        for difficulty in args.difficulties:
            run(args.claims, args.seed, difficulty, work, neo4j)
        for edges in args.synthetic:
            synthetic(edges, neo4j)
    finally:
        neo4j.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
