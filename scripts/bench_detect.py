#!/usr/bin/env python
"""Detection time and memory: claims, seconds, claims/s, peak memory, engine, rings — at several sizes.

For each size: generate, load (not timed here; see bench_load.py), then time
`graphfraud detect` in its own process under GNU time. Neo4j is measured when
NEO4J_URI is set; its database is emptied first.

    .venv/bin/python scripts/bench_detect.py                     # 1e5 and 1e6 claims
    .venv/bin/python scripts/bench_detect.py --sizes 10000000 --engines embedded
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import GF, arguments, empty_neo4j, timed  # noqa: E402


def main() -> None:
    args, engines = arguments(__doc__)
    work = Path(tempfile.mkdtemp(prefix="bench-detect-"))
    rows = []
    for size in args.sizes:
        data = work / f"in-{size}"
        timed(GF + ["generate", str(data), "--claims", str(size), "--seed", str(args.seed)])
        for engine in engines:
            if engine == "neo4j":
                empty_neo4j()
            db = ["--engine", engine, "--db", str(work / f"db-{size}")]
            timed(GF + ["load", str(data), *db])
            out = work / f"out-{size}-{engine}"
            seconds, mib, _ = timed(GF + ["detect", "--out", str(out), *db])
            rings = len(json.loads((out / "rings.json").read_text(encoding="utf-8"))["rings"])
            rows.append((size, seconds, size / seconds, mib, engine, rings))
            shutil.rmtree(work / f"db-{size}", ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    print("| claims | detect seconds | claims/s | peak MiB | engine | rings |")
    print("|---|---|---|---|---|---|")
    for size, seconds, rate, mib, engine, rings in rows:
        print(f"| {size:,} | {seconds:.1f} | {rate:,.0f} | {mib:,.0f} | {engine} | {rings} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
