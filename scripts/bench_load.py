#!/usr/bin/env python
"""Load throughput: claims, seconds, rows/s, peak memory, engine — at several sizes, on both engines.

Each measurement runs `graphfraud load` in its own process under GNU time, so
the peak memory is that load's alone. Neo4j is measured when NEO4J_URI is set
(e.g. `eval "$(scripts/neo4j-local env)"`); its database is emptied first.

    .venv/bin/python scripts/bench_load.py                       # 1e5 and 1e6 claims
    .venv/bin/python scripts/bench_load.py --sizes 100000 1000000 10000000 --engines embedded
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GF = [sys.executable, "-m", "graphfraud"]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run cmd under GNU time; return (seconds, peak MiB, stdout)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    seconds, kib = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024, result.stdout


def empty_neo4j() -> None:
    """Empty the configured Neo4j database before a measurement."""
    from graphfraud.config import load_settings
    from graphfraud.engines.neo4j import Neo4jEngine

    engine = Neo4jEngine(load_settings(engine="neo4j", cwd=ROOT).neo4j)
    try:
        engine.clear()
    finally:
        engine.close()


def arguments(doc: str) -> tuple[argparse.Namespace, list[str]]:
    """Command line shared by the benchmarks: sizes, engines (Neo4j only when NEO4J_URI is set), seed."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["embedded", "neo4j"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    engines = [e for e in args.engines if e != "neo4j" or os.environ.get("NEO4J_URI")]
    if len(engines) < len(args.engines):
        print("(neo4j skipped: NEO4J_URI not set)")
    return args, engines


def main() -> None:
    args, engines = arguments(__doc__)
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    rows = []
    for size in args.sizes:
        data = work / f"in-{size}"
        gen_s, gen_mib, _ = timed(GF + ["generate", str(data), "--claims", str(size), "--seed", str(args.seed)])
        rows.append(("generate", size, gen_s, size / gen_s, gen_mib, "-"))
        for engine in engines:
            if engine == "neo4j":
                empty_neo4j()
            cmd = GF + ["load", str(data), "--engine", engine, "--db", str(work / f"db-{size}")]
            seconds, mib, out = timed(cmd)
            rows.append(("load", size, seconds, size / seconds, mib, engine))
            seconds, mib, out = timed(cmd)
            created = re.search(r"([\d,]+) nodes", out)
            rows.append((f"reload ({created.group(1) if created else '?'} nodes created)", size, seconds, size / seconds, mib, engine))
            shutil.rmtree(work / f"db-{size}", ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    print("| step | claims | seconds | claims/s | peak MiB | engine |")
    print("|---|---|---|---|---|---|")
    for step, size, seconds, rate, mib, engine in rows:
        print(f"| {step} | {size:,} | {seconds:.1f} | {rate:,.0f} | {mib:,.0f} | {engine} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
