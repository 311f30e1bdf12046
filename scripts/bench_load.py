#!/usr/bin/env python
"""Load throughput: claims, seconds, claims/s, peak memory, engine and path — at several sizes.

Paths measured (``--paths``):
  embedded            graphfraud load into the embedded engine (COPY from Arrow), then a reload
  neo4j-incremental   graphfraud load --mode incremental (driver, batched transactions), then a reload
  neo4j-bulk          graphfraud load --mode bulk --overwrite --restart-local: CSVs, stop, neo4j-admin
                      import, start, constraints and indexes online — the whole first load
  neo4j-admin         neo4j-admin database import alone on the same CSVs (the reference ceiling),
                      into a scratch database so the server keeps running

Each measurement runs in its own process (so peak memory is that load's alone):
"peak MiB" is the Python process, "child MiB" the largest child (the neo4j-admin
JVM on the bulk path). "load" is the machine's 1-minute load average after the
step (the machine may be shared). Neo4j paths run when NEO4J_URI is set
(`eval "$(scripts/neo4j-local env)"`) and need scripts/neo4j-local for bulk/admin.

    .venv/bin/python scripts/bench_load.py                                   # 1e5 and 1e6 claims
    .venv/bin/python scripts/bench_load.py --sizes 10000000 --paths neo4j-bulk neo4j-admin
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GF = [sys.executable, "-m", "graphfraud"]
PATHS = ("embedded", "neo4j-incremental", "neo4j-bulk", "neo4j-admin")
SCRATCH_DATABASE = "gfbenchimport"


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


def arguments(doc: str, extra: Callable[[argparse.ArgumentParser], None] | None = None) -> tuple[argparse.Namespace, list[str]]:
    """Command line shared by the benchmarks: sizes, engines (Neo4j only when NEO4J_URI is set), seed."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["embedded", "neo4j"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, default=None,
                        help="folder for generated inputs, kept between runs: DATA/claims-N is generated once and reused")
    if extra:
        extra(parser)
    args = parser.parse_args()
    engines = [e for e in args.engines if e != "neo4j" or os.environ.get("NEO4J_URI")]
    if len(engines) < len(args.engines):
        print("(neo4j skipped: NEO4J_URI not set)")
    return args, engines


# -- measured in a child process --------------------------------------------------------------

def _peaks() -> dict[str, float]:
    import resource

    return {"peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "child_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _one_load(data: str, engine: str, mode: str, db: str) -> None:
    """Child process: one `graphfraud load` through the library; prints a JSON line."""
    import time
    from dataclasses import replace

    from graphfraud.config import load_settings
    from graphfraud.load import load_folder

    settings = replace(load_settings(engine=engine, cwd=ROOT), embedded_path=Path(db))
    started = time.perf_counter()
    bulk = mode == "bulk"
    summary = load_folder(settings, Path(data), mode=mode, overwrite=bulk, restart_local=bulk)
    print(json.dumps({"seconds": time.perf_counter() - started, "path": summary.path, "phases": summary.phases,
                      "nodes": summary.stats.total_nodes, "rels": summary.stats.total_rels, **_peaks()}))


def _one_admin(data: str) -> None:
    """Child process: write the import CSVs (not timed), then time neo4j-admin import alone on them."""
    from graphfraud import graph
    from graphfraud.config import load_settings
    from graphfraud.engines.neo4j_admin import find_admin, import_full
    from graphfraud.engines.neo4j_csv import write_import_files
    from graphfraud.ingest import read_input

    settings = load_settings(engine="neo4j", cwd=ROOT)
    admin = find_admin(settings.neo4j)
    if admin is None or admin.local is None:
        raise SystemExit("neo4j-admin alone is measured with scripts/neo4j-local")
    frames = graph.build({name: t.frame for name, t in read_input(Path(data)).tables.items()})
    folder = Path(tempfile.mkdtemp(prefix="bench-csv-"))
    try:
        files = write_import_files(frames, folder)
        del frames
        outcome = import_full(admin, SCRATCH_DATABASE, files, overwrite=True, max_memory=settings.import_memory)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        for sub in ("databases", "transactions"):
            shutil.rmtree(admin.local.home / "server" / "data" / sub / SCRATCH_DATABASE, ignore_errors=True)
    print(json.dumps({"seconds": outcome.seconds, "path": "neo4j-admin", "nodes": outcome.nodes,
                      "rels": outcome.relationships, "admin_peak": outcome.peak_memory, **_peaks()}))


def inputs(args: argparse.Namespace, work: Path, size: int) -> tuple[Path, tuple | None]:
    """Generated claims of ``size``: reused from ``--data`` when there, else generated (and timed)."""
    if args.data is not None:
        data = args.data / f"claims-{size}"
        if (data / "truth.json").exists():  # written last: the set is complete
            return data, None
    else:
        data = work / f"in-{size}"
    gen_s, gen_mib, _ = timed(GF + ["generate", str(data), "--claims", str(size), "--seed", str(args.seed)])
    return data, ("generate", size, gen_s, size / gen_s, gen_mib, 0, "-", _load_avg(), None)


def remove(path: Path | str) -> None:
    """Delete a database (LadybugDB keeps one file plus a .wal beside it) or a folder, whichever is there."""
    for one in (Path(path), Path(f"{path}.wal")):
        if one.is_dir():
            shutil.rmtree(one, ignore_errors=True)
        else:
            one.unlink(missing_ok=True)


def embedded_db(data: Path, size: int) -> Path:
    """Where ``--data`` keeps the embedded database loaded from ``claims-N``."""
    return data / f"db-embedded-{size}"


def _child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _load_avg() -> str:
    return open("/proc/loadavg").read().split()[0]


def _path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    parser.add_argument("--incremental-max", type=int, default=1_000_000,
                        help="largest size loaded through the driver (default 1e6; 1e7 would take about an hour)")
    parser.add_argument("--reload-max", type=int, default=1_000_000,
                        help="largest size also reloaded unchanged (the idempotence check; default 1e6)")


def main() -> None:
    args, engines = arguments(__doc__, _path_options)
    paths = [p for p in args.paths if (p == "embedded" and "embedded" in engines) or (p != "embedded" and "neo4j" in engines)]
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    rows: list[tuple] = []

    def add(step: str, size: int, m: dict, path: str) -> None:
        rows.append((step, size, m["seconds"], size / m["seconds"], m.get("peak_mib", 0), m.get("child_mib", 0), path,
                     _load_avg(), m.get("phases")))
        print(f"{step} {size:,} {path}: {m['seconds']:.1f} s", file=sys.stderr, flush=True)

    for size in args.sizes:
        data, generated = inputs(args, work, size)
        if generated:
            rows.append(generated)
        db = str(work / f"db-{size}")
        if "embedded" in paths:
            add("load", size, _child("_load", str(data), "embedded", "incremental", db), "embedded")
            if size <= args.reload_max:
                again = _child("_load", str(data), "embedded", "incremental", db)
                add(f"reload ({again['nodes']:,} nodes created)", size, again, "embedded")
            if args.data is not None:  # kept for bench_detect --data, which then need not load again
                kept = embedded_db(args.data, size)
                remove(kept)
                for suffix in ("", ".wal"):
                    if Path(db + suffix).exists():
                        shutil.move(db + suffix, f"{kept}{suffix}")
            remove(db)
        if "neo4j-admin" in paths:
            m = _child("_admin", str(data))
            add(f"neo4j-admin import alone (its peak {m['admin_peak']})", size, m, "neo4j-admin")
        if "neo4j-bulk" in paths:
            add("first load", size, _child("_load", str(data), "neo4j", "bulk", db), "neo4j bulk")
        if "neo4j-incremental" in paths and size <= args.incremental_max:
            empty_neo4j()
            add("first load", size, _child("_load", str(data), "neo4j", "incremental", db), "neo4j incremental")
            if size <= args.reload_max:
                again = _child("_load", str(data), "neo4j", "incremental", db)
                add(f"reload ({again['nodes']:,} nodes created)", size, again, "neo4j incremental")
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)
    print("| step | claims | seconds | claims/s | peak MiB | child MiB | engine / path | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    for step, size, seconds, rate, mib, child, path, load, _ in rows:
        print(f"| {step} | {size:,} | {seconds:.1f} | {rate:,.0f} | {mib:,.0f} | {child:,.0f} | {path} | {load} |")
    print("\nphases (seconds):")
    for step, size, _, _, _, _, path, _, phases in rows:
        if phases:
            print(f"  {size:,} {path} {step}: " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_load":
        _one_load(*sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "_admin":
        _one_admin(*sys.argv[2:])
    else:
        main()
