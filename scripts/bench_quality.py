#!/usr/bin/env python
"""Detection quality on generated data: graphfraud against the common tutorial baseline.

For each difficulty (burst: rings act in waves; stealth: smaller rings spread
over months) and each seed, generate data with planted rings and legitimate
look-alikes, load it, detect, and score against the truth file:

  patient-level precision / recall / F1, share of planted rings recovered
  (Jaccard ≥ 0.5), share of recovered rings given the right family,
  false-positive rate on look-alike patients, precision of the top-k rings
  (k = number of planted rings), and detect time.

The baseline is what tutorials do: Louvain on the raw co-visit graph
(patients linked when they visit the same provider in the same hour), every
community of 3–100 patients reported as a ring, ranked by size.

    .venv/bin/python scripts/bench_quality.py                  # 300k claims, seeds 1 2 3
    .venv/bin/python scripts/bench_quality.py --claims 50000 --seeds 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphfraud.detect.communities import louvain_baseline  # noqa: E402
from graphfraud.detect.run import detect  # noqa: E402
from graphfraud.generate import generate  # noqa: E402
from graphfraud.load import load_directory  # noqa: E402


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def score(rings: list[tuple[list[str], str | None]], truth: dict) -> dict[str, float]:
    """rings: (patients, family) in rank order."""
    planted = [(set(r["patients"]), r["family"]) for r in truth["rings"] if r["patients"]]
    truth_patients = set().union(*(p for p, _ in planted)) if planted else set()
    lookalikes = {p for g in truth["lookalikes"] for p in g["patients"]}
    flagged = {p for ps, _ in rings for p in ps}
    tp = len(flagged & truth_patients)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(truth_patients) if truth_patients else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    recovered = right_family = 0
    shapes: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])  # planted, recovered, patients, found
    for ring in truth["rings"]:
        if not ring["patients"]:
            continue
        members, family = set(ring["patients"]), ring["family"]
        best = max(rings, key=lambda r: jaccard(members, set(r[0])), default=None)
        tally = shapes[ring["shape"]]
        tally[0] += 1
        tally[2] += len(members)
        tally[3] += len(members & flagged)
        if best and jaccard(members, set(best[0])) >= 0.5:
            recovered += 1
            tally[1] += 1
            right_family += best[1] == family
    k = len(planted)
    top = rings[:k]
    top_ok = sum(1 for ps, _ in top if ps and len(set(ps) & truth_patients) >= 0.5 * len(ps))
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "recovered": recovered / k if k else 0.0,
        "family_ok": right_family / recovered if recovered else 0.0,
        "lookalike_fp": len(flagged & lookalikes) / len(lookalikes) if lookalikes else 0.0,
        "topk_precision": top_ok / len(top) if top else 0.0,
        "rings": len(rings), "planted": k, "shapes": dict(shapes),
    }


def baseline(folder: Path) -> tuple[list[tuple[list[str], None]], float]:
    """Louvain on raw co-visits: patients at the same provider in the same hour."""
    started = time.perf_counter()
    claims = pd.read_csv(folder / "claims.csv", usecols=["patient_id", "provider_id", "ts"], dtype=str)
    claims["hour"] = claims["ts"].str.slice(0, 13)
    groups = claims.groupby(["provider_id", "hour"])["patient_id"].unique()
    index: dict[str, int] = {}
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for patients in groups:
        ids = sorted(set(patients))
        if len(ids) < 2 or len(ids) > 60:   # beyond that the clique explodes; tutorials cap too
            continue
        nodes = [index.setdefault(p, len(index)) for p in ids]
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                weights[(min(a, b), max(a, b))] += 1.0
    edges = list(weights)
    membership = louvain_baseline(edges, [weights[e] for e in edges], len(index))
    names = {i: p for p, i in index.items()}
    communities: dict[int, list[str]] = defaultdict(list)
    for node, c in enumerate(membership):
        communities[c].append(names[node])
    rings = sorted((sorted(ps) for ps in communities.values() if 3 <= len(ps) <= 100), key=lambda ps: (-len(ps), ps))
    return [(ps, None) for ps in rings], time.perf_counter() - started


def loaded(claims: int, seed: int, difficulty: str, work: Path):
    """Generate one data set into ``work`` and load it into a new embedded database: (engine, truth, folder)."""
    from graphfraud.engines.embedded import EmbeddedEngine

    folder = work / f"{difficulty}-{seed}"
    generate(folder / "input", claims=claims, seed=seed, difficulty=difficulty)
    truth = json.loads((folder / "input" / "truth.json").read_text(encoding="utf-8"))
    engine = EmbeddedEngine(folder / "db")
    engine.ensure_schema()
    load_directory(engine, folder / "input")
    return engine, truth, folder


def run(claims: int, seed: int, difficulty: str, work: Path) -> dict[str, dict[str, float]]:
    engine, truth, folder = loaded(claims, seed, difficulty, work)
    started = time.perf_counter()
    result = detect(engine, write_back=False)
    ours = score([(r.patients, r.patterns[0]) for r in result.rings], truth)
    ours["seconds"] = time.perf_counter() - started
    engine.close()
    base_rings, base_seconds = baseline(folder / "input")
    theirs = score(base_rings, truth)
    theirs["seconds"] = base_seconds
    shutil.rmtree(folder, ignore_errors=True)
    return {"graphfraud": ours, "baseline": theirs}


COLUMNS = ("precision", "recall", "f1", "recovered", "family_ok", "lookalike_fp", "topk_precision", "rings", "seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=300_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulties", nargs="+", default=["burst", "stealth"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-quality-"))
    rows = []
    for difficulty in args.difficulties:
        for seed in args.seeds:
            result = run(args.claims, seed, difficulty, work)
            for method, figures in result.items():
                rows.append({"difficulty": difficulty, "seed": seed, "method": method, **figures})
                print(f"{difficulty:8s} seed {seed} {method:10s} " +
                      " ".join(f"{c}={figures[c]:.3f}" if isinstance(figures[c], float) else f"{c}={figures[c]}" for c in COLUMNS),
                      flush=True)
    print()
    print(f"claims per run: {args.claims:,}; seeds: {' '.join(map(str, args.seeds))}; mean over seeds")
    print("| difficulty | method | precision | recall | F1 | rings recovered | right family | look-alike FP | top-k precision | detect s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for difficulty in args.difficulties:
        for method in ("graphfraud", "baseline"):
            sel = [r for r in rows if r["difficulty"] == difficulty and r["method"] == method]
            mean = {c: statistics.mean(r[c] for r in sel) for c in COLUMNS}
            print(f"| {difficulty} | {method} | {mean['precision']:.3f} | {mean['recall']:.3f} | {mean['f1']:.3f} | "
                  f"{mean['recovered']:.1%} | {mean['family_ok']:.1%} | {mean['lookalike_fp']:.2%} | "
                  f"{mean['topk_precision']:.3f} | {mean['seconds']:.1f} |")
    print()
    print("graphfraud by ring shape (summed over seeds): rings recovered / planted, patients found / planted")
    print("| difficulty | shape | recovered | patient recall |")
    print("|---|---|---|---|")
    for difficulty in args.difficulties:
        totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0])
        for r in rows:
            if r["difficulty"] == difficulty and r["method"] == "graphfraud":
                for shape, tally in r["shapes"].items():
                    totals[shape] = [a + b for a, b in zip(totals[shape], tally)]
        for shape, (planted, found, patients, hit) in sorted(totals.items()):
            print(f"| {difficulty} | {shape} | {found}/{planted} | {hit / patients if patients else 0:.1%} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
