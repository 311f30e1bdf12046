#!/usr/bin/env python
"""Detection time and memory: claims, seconds, claims/s, peak memory, engine, rings — at several sizes.

For each size: generate (or reuse ``--data``, with the embedded database
bench_load.py --data left there), load (not timed here; see
bench_load.py: the embedded engine by COPY, Neo4j by the bulk path with
``--overwrite --restart-local``, so Neo4j needs scripts/neo4j-local), then run
the whole detection (motifs, communities, rings, write-back) in its own process,
so "peak MiB" is that detection's alone. The per-query seconds show which motif
grows fastest.

    .venv/bin/python scripts/bench_detect.py                                  # 1e5 and 1e6 claims
    .venv/bin/python scripts/bench_detect.py --sizes 10000000 --engines embedded --data .bench
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import GF, ROOT, _load_avg, _peaks, arguments, embedded_db, inputs, remove


def _one_detect(engine_name: str, db: str) -> None:
    """Child process: the whole detection through the library, timing every query; prints a JSON line."""
    import time
    from dataclasses import replace

    from graphfraud.config import load_settings
    from graphfraud.detect.run import detect
    from graphfraud.engines import open_engine

    settings = replace(load_settings(engine=engine_name, cwd=ROOT), embedded_path=Path(db))
    engine = open_engine(settings)
    queries: dict[str, float] = {}
    plain_query = engine.query

    def timed_query(name: str, params=None):
        t = time.perf_counter()
        try:
            return plain_query(name, params)
        finally:
            queries[name] = queries.get(name, 0.0) + time.perf_counter() - t
            # on stderr as it goes, so a run stopped by memory still shows how far it got
            print(f"  {name} {time.perf_counter() - t:.1f} s, peak {_peaks()['peak_mib']:,.0f} MiB", file=sys.stderr, flush=True)

    engine.query = timed_query  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        result = detect(engine, settings.detect, write_back=True)
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    print(json.dumps({"seconds": seconds, "phases": result.seconds, "queries": queries,
                      "rings": len(result.rings), **_peaks()}))


def _load(data: Path, engine: str, db: Path) -> None:
    if engine == "neo4j":
        cmd = GF + ["load", str(data), "--engine", "neo4j", "--mode", "bulk", "--overwrite", "--restart-local"]
    else:
        cmd = GF + ["load", str(data), "--engine", "embedded", "--db", str(db)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{result.stderr[-3000:]}")


def main() -> None:
    args, engines = arguments(__doc__)
    work = Path(tempfile.mkdtemp(prefix="bench-detect-"))
    rows = []
    for size in args.sizes:
        data, _ = inputs(args, work, size)
        for engine in engines:
            db = work / f"db-{size}"
            kept = embedded_db(args.data, size) if args.data is not None and engine == "embedded" else None
            if kept is not None and kept.exists():
                db = kept  # loaded by bench_load --data
            else:
                _load(data, engine, db)
            result = subprocess.run([sys.executable, __file__, "_detect", engine, str(db)],
                                    capture_output=True, text=True, cwd=ROOT)
            if result.returncode != 0:
                raise SystemExit(f"detect failed on {engine} at {size:,} claims\n{result.stderr[-6000:]}")
            m = json.loads(result.stdout.strip().splitlines()[-1])
            rows.append((size, m, engine, _load_avg()))
            print(f"detect {size:,} {engine}: {m['seconds']:.1f} s, {m['peak_mib']:,.0f} MiB", file=sys.stderr, flush=True)
            if db != kept:
                remove(db)
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)
    print("| claims | detect seconds | claims/s | peak MiB | engine | rings | load avg |")
    print("|---|---|---|---|---|---|---|")
    for size, m, engine, load in rows:
        print(f"| {size:,} | {m['seconds']:.1f} | {size / m['seconds']:,.0f} | {m['peak_mib']:,.0f} | {engine} "
              f"| {m['rings']} | {load} |")
    print("\nphases and queries (seconds):")
    for size, m, engine, _ in rows:
        print(f"  {size:,} {engine}: " + ", ".join(f"{k} {v:.1f}" for k, v in m["phases"].items()))
        slow = sorted(m["queries"].items(), key=lambda kv: -kv[1])
        print("    " + ", ".join(f"{k} {v:.1f}" for k, v in slow if v >= 0.05))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_detect":
        _one_detect(*sys.argv[2:])
    else:
        main()
