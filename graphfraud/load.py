"""Load a folder of bureau files into the configured engine, keeping every rejected row.

The order is fixed so a failure never leaves a half-made graph for the
detector to trust: read and validate everything first (a fatal input error
writes nothing), then schema, then nodes, then relationships. Loads are
idempotent, so a run cut off midway is simply run again.

Into Neo4j there are two paths (``MODES``): ``incremental`` writes through the
driver in batched transactions and adds to whatever is stored; ``bulk`` hands
CSVs to ``neo4j-admin database import`` for a first load of a large history
into an empty database (``graphfraud.engines.neo4j_bulk``). ``auto`` picks by
the rule in :func:`choose_path`.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from graphfraud import graph
from graphfraud.atomic import atomic_path, remove
from graphfraud.config import LOAD_MODES as MODES, Settings
from graphfraud.engines.base import Engine, WriteStats
from graphfraud.errors import ConfigError, OutputError, UnfinishedLoad
from graphfraud.graph import GraphFrames
from graphfraud.ingest import InputSet, read_input, write_rejects
from graphfraud.progress import bar
from graphfraud.schema import NUMBER, TABLES

CHANGED_FILE = "claims.changed.csv"  # re-delivered claims whose values differ from the stored ones, beside the rejects


@dataclass
class LoadSummary:
    """What a load read, accepted, rejected and wrote, how fast, and by which path."""

    rows_read: int
    accepted: int
    rejected: int
    seconds: float
    stats: WriteStats
    rejects_files: list[Path] = field(default_factory=list)
    removed_rejects: list[Path] = field(default_factory=list)  # rejects files of an earlier load, now without rows
    encodings: dict[str, str | None] = field(default_factory=dict)
    path: str = "incremental"  # incremental (driver / embedded COPY) or bulk (neo4j-admin)
    notes: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    counts: dict[str, int] | None = None  # graph counts after the load, when known
    changed: int = 0  # claims already stored with other values: kept as stored, the delivered rows in changed_file
    changed_file: Path | None = None
    unmatched: list[str] = field(default_factory=list)  # files of the folder that hold no table (not read)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table → canonical column → source header
    ignored: dict[str, list[str]] = field(default_factory=dict)       # table → source headers that are no column

    @property
    def rows_per_second(self) -> float:
        return self.accepted / self.seconds if self.seconds > 0 else 0.0


@dataclass
class ReadFolder:
    """A folder read and validated, its rejects written, its graph rows built: everything before the database."""

    inputs: InputSet
    frames: GraphFrames
    rejects_files: list[Path]
    seconds: float
    removed_rejects: list[Path] = field(default_factory=list)
    rejects_dir: Path | None = None
    directory: Path | None = None


def read_folder(directory: Path, mapping: Path | None = None, rejects_dir: Path | None = None) -> ReadFolder:
    """Read and validate ``directory`` and write its rejects; nothing touches a database yet."""
    started = time.perf_counter()
    inputs = read_input(directory, mapping)
    rejects_dir = rejects_dir or (directory / "rejects")
    rejects_files, removed = write_rejects(inputs, rejects_dir)
    frames = graph.build({name: t.frame for name, t in inputs.tables.items()})
    graph.give_back_memory()  # what building the frames freed, for the database
    return ReadFolder(inputs, frames, rejects_files, time.perf_counter() - started, removed, rejects_dir,
                      Path(directory))


def _coding_note(read: ReadFolder) -> str | None:
    """What the load should say about the diagnosis coding (ICD-9 leaves the misfit-care motif blind)."""
    from graphfraud.coding import icd9_note

    claims = read.frames.nodes.get("Claim")
    if claims is None or "diagnosis" not in claims:
        return None
    return icd9_note(claims["diagnosis"])


@dataclass
class ChangedClaims:
    """Re-delivered claims whose values differ from the stored ones (the stored claim is kept)."""

    count: int = 0
    file: Path | None = None
    removed: Path | None = None  # the file of an earlier load, removed because nothing differs now


def _same(new: pd.Series, old: pd.Series, number: bool) -> np.ndarray:
    """Row by row, whether a delivered value equals the stored one (both missing is equal)."""
    if number:
        a = pd.to_numeric(new, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        b = pd.to_numeric(old, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        return (a == b) | (np.isnan(a) & np.isnan(b))
    missing = "\x00"
    a = new.astype(object).where(new.notna(), missing).astype(str).to_numpy()
    b = old.astype(object).where(old.notna(), missing).astype(str).to_numpy()
    return a == b


def changed_claims(engine: Engine, read: ReadFolder) -> ChangedClaims:
    """Compare the delivered claims with the stored ones of the same id, before anything is written.

    A settlement never changes, so a stored claim is kept as it is (the load skips it). A delivered row whose
    values differ is not dropped in silence: it is counted, and written whole with its file, row, first
    differing column and reason to ``REJECTS/claims.changed.csv``; a load where nothing differs removes that
    file of an earlier load.
    """
    table = read.inputs.tables.get("claims")
    target = (read.rejects_dir or Path("rejects")) / CHANGED_FILE
    found = ChangedClaims()
    if table is None or table.frame.empty:
        return found
    columns = list(TABLES["claims"])
    old = engine.stored_claims(table.frame["claim_id"])   # the column itself: at 10^7 a list of it is 600 MiB of strings
    differ = pd.DataFrame()
    if len(old):
        old = old.drop_duplicates("claim_id")
        positions = pd.Index(table.frame["claim_id"]).get_indexer(old["claim_id"])
        new = table.frame.iloc[positions].reset_index(drop=True)
        names = pd.Series("", index=new.index, dtype=object)
        for column in columns[1:]:
            incoming = new[column.name] if column.name in new else pd.Series([None] * len(new))
            outgoing = old[column.name].reset_index(drop=True)
            other = ~_same(incoming.reset_index(drop=True), outgoing, column.kind == NUMBER)
            names[other] = names[other] + ", " + column.name
        hit = (names != "").to_numpy()
        if hit.any():
            differ = new.loc[hit, [c.name for c in columns if c.name in new]].copy()
            where = table.origin.iloc[positions[hit]] if table.origin is not None else None
            differ["_file"] = where["_file"].astype(str).to_numpy() if where is not None else ""
            differ["_row"] = where["_row"].to_numpy() if where is not None else 0
            listed = names[hit].str.removeprefix(", ")
            differ["_column"] = listed.str.split(", ").str[0].to_numpy()
            differ["_reason"] = ("already loaded with other values in " + listed
                                 + "; the stored claim is kept (a settlement does not change)").to_numpy()
            differ = differ.sort_values(["_file", "_row"], kind="stable")
    try:
        if differ.empty:
            found.removed = target if remove(target) else None
            return found
        with atomic_path(target) as tmp:
            differ.to_csv(tmp, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the re-delivered claims there "
                          f"({exc.strerror or type(exc).__name__})") from exc
    found.count, found.file = len(differ), target
    return found


def _summary(read: ReadFolder, started: float, stats: WriteStats, changed: ChangedClaims | None = None,
             **extra) -> LoadSummary:
    inputs = read.inputs
    changed = changed or ChangedClaims()
    return LoadSummary(
        rows_read=sum(t.rows_read for t in inputs.tables.values()),
        accepted=inputs.total_accepted,
        rejected=inputs.total_rejected,
        seconds=time.perf_counter() - started,
        stats=stats,
        rejects_files=read.rejects_files,
        removed_rejects=read.removed_rejects + ([changed.removed] if changed.removed else []),
        encodings={name: t.encoding for name, t in inputs.tables.items()},
        changed=changed.count,
        changed_file=changed.file,
        unmatched=list(inputs.unmatched),
        columns={name: dict(t.columns) for name, t in inputs.tables.items()},
        ignored={name: list(t.ignored) for name, t in inputs.tables.items() if t.ignored},
        **extra,
    )


# -- started and finished marks ---------------------------------------------

def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def source_of(read: ReadFolder) -> str:
    """The name a load's marks go by: the folder's absolute path (a reload of the same folder clears its mark)."""
    return str(read.directory.resolve()) if read.directory is not None else "(unnamed folder)"


def _write_incremental(engine: Engine, read: ReadFolder) -> WriteStats:
    """Write the frames between a started and a finished mark (``:LoadRun``), so a load cut off midway is known.

    Nothing reads the folder's rows after this, so they are let go as they are written (``InputSet.release``,
    ``GraphFrames.release``): the memory they took is the database's by the end of the write."""
    frames, source = read.frames, source_of(read)
    claims = len(frames.nodes.get("Claim", ()))
    read.inputs.release()
    frames.release = True
    engine.ensure_schema()
    engine.query("load/run_started", {"source": source, "at": _now()})
    try:
        with bar(f"loading into {engine.name}", frames.rows()) as advance:
            stats = engine.write(frames, progress=advance)
    except Exception as exc:
        # the database may be what failed: the mark stays 'running', which detection refuses just the same;
        # the write's own error is the one to report
        with contextlib.suppress(Exception):
            engine.query("load/run_failed", {"source": source, "error": type(exc).__name__})
        raise
    engine.query("load/run_finished", {"source": source, "at": _now(), "claims": claims})
    return stats


def mark_finished(engine: Engine, read: ReadFolder) -> None:
    """Record a load written by another path (the bulk import) as finished."""
    engine.query("load/run_finished", {"source": source_of(read), "at": _now(),
                                       "claims": len(read.frames.nodes.get("Claim", ()))})


def unfinished_loads(engine: Engine) -> list[dict[str, object]]:
    """Loads that started and did not finish (killed: ``running``; a write failed: ``failed``), oldest first."""
    return engine.query("load/unfinished").to_dict("records")


def unfinished_message(loads: list[dict[str, object]]) -> str:
    """One line naming the (latest) unfinished load and what to do."""
    last = loads[-1]
    how = "failed while writing" if last.get("status") == "failed" else "was cut off (killed, or the machine stopped)"
    more = f" ({len(loads)} loads did not finish; this is the latest)" if len(loads) > 1 else ""
    return (f"the load of {last['source']} started {last.get('started') or '?'} did not finish: it {how}, so the "
            f"graph holds part of it and rings found in it would be wrong{more}; run `graphfraud load "
            f"{last['source']}` again (loads are idempotent), then detect")


def check_loads_finished(engine: Engine) -> None:
    """Refuse (``UnfinishedLoad``, one line) a graph that holds part of a load that did not finish."""
    loads = unfinished_loads(engine)
    if loads:
        raise UnfinishedLoad(unfinished_message(loads))


def load_directory(engine: Engine, directory: Path, mapping: Path | None = None, rejects_dir: Path | None = None) -> LoadSummary:
    """Read, validate and load ``directory`` into an open engine (the incremental path); rejects go to ``rejects_dir``."""
    return load_read(engine, read_folder(directory, mapping, rejects_dir))


def load_read(engine: Engine, read: ReadFolder) -> LoadSummary:
    """Write a folder :func:`read_folder` read into an open engine (the incremental path)."""
    started = time.perf_counter() - read.seconds
    write_started = time.perf_counter()
    engine.ensure_schema()
    changed = changed_claims(engine, read)
    stats = _write_incremental(engine, read)
    phases = {"read and validate": read.seconds, "write": time.perf_counter() - write_started}
    return _summary(read, started, stats, changed, phases=phases)


def choose_path(
    mode: str,
    claims: int,
    threshold: int,
    admin_found: bool,
    stored_nodes: int | None,
    can_go_offline: bool,
) -> tuple[str, str | None]:
    """Which Neo4j path a load takes, and a note saying why when ``auto`` passed the bulk path by.

    ``auto`` takes the bulk path when all hold: at least ``threshold`` claims
    (below it the server restart costs more than it saves), neo4j-admin is
    found, the database answers and is empty, and graphfraud may take it
    offline (the local server with ``--restart-local``). Otherwise it loads
    incrementally, which is always safe.
    """
    if mode not in MODES:
        raise ConfigError(f"unknown load mode {mode!r}: choose one of {', '.join(MODES)}")
    if mode != "auto":
        return mode, None
    if claims < threshold or stored_nodes is None or stored_nodes > 0:
        return "incremental", None
    if not admin_found:
        return "incremental", (
            f"{claims:,} claims into an empty database would load faster by the bulk path, but neo4j-admin was "
            "not found (set NEO4J_HOME or [neo4j] home, or use scripts/neo4j-local): loading incrementally"
        )
    if not can_go_offline:
        return "incremental", (
            f"{claims:,} claims into an empty database would load faster by the bulk path, which needs the "
            "database offline: pass --restart-local (scripts/neo4j-local), or stop the server and use "
            "--mode bulk --overwrite; loading incrementally"
        )
    return "bulk", None


def load_folder(
    settings: Settings,
    directory: Path,
    mapping: Path | None = None,
    rejects_dir: Path | None = None,
    mode: str = "auto",
    overwrite: bool = False,
    restart_local: bool = False,
) -> LoadSummary:
    """Read, validate and load ``directory`` into the engine ``settings`` choose, by the path ``mode`` picks."""
    from graphfraud.engines import open_engine

    if mode not in MODES:
        raise ConfigError(f"unknown load mode {mode!r}: choose one of {', '.join(MODES)}")
    if settings.engine != "neo4j" and mode == "bulk":
        raise ConfigError("--mode bulk is the neo4j-admin path into Neo4j; the embedded engine always loads in bulk (COPY)")
    if settings.engine != "neo4j" and (overwrite or restart_local):
        raise ConfigError("--overwrite and --restart-local belong to the Neo4j bulk path")
    if overwrite and mode != "bulk":
        raise ConfigError("--overwrite replaces the whole database, so it goes only with --mode bulk")
    if restart_local and mode == "incremental":
        raise ConfigError("--restart-local is for the bulk path (--mode bulk or auto); an incremental load keeps the server running")
    started = time.perf_counter()
    read = read_folder(directory, mapping, rejects_dir)
    path, note = "incremental", None
    if settings.engine == "neo4j":
        from graphfraud.engines.neo4j_admin import find_admin
        from graphfraud.engines.neo4j_bulk import stored_nodes

        claims = len(read.frames.nodes.get("Claim", ()))
        worth_a_look = mode == "bulk" or (mode == "auto" and claims >= settings.bulk_threshold)
        admin = find_admin(settings.neo4j) if worth_a_look else None
        nodes = stored_nodes(settings) if worth_a_look and mode == "auto" else None
        path, note = choose_path(
            mode, claims, settings.bulk_threshold, admin is not None, nodes,
            can_go_offline=admin is not None and admin.local is not None and restart_local,
        )
    notes = [n for n in (note, _coding_note(read)) if n]
    if path == "bulk":
        from graphfraud.engines.neo4j_bulk import bulk_load

        result = bulk_load(settings, read.frames, overwrite=overwrite, restart_local=restart_local, admin=admin,
                           finished=lambda engine: mark_finished(engine, read))
        phases = {"read and validate": read.seconds, **result.phases}
        return _summary(read, started, result.stats, path="bulk", notes=notes + result.notes, phases=phases,
                        counts=result.counts)
    from graphfraud import faults

    opened = open_engine(settings)
    engine = faults.watched(opened)  # hold points, for tests that kill a load midway; the engine itself otherwise
    try:
        write_started = time.perf_counter()
        engine.ensure_schema()
        changed = changed_claims(engine, read)
        stats = _write_incremental(engine, read)
        phases = {"read and validate": read.seconds, "write": time.perf_counter() - write_started}
        counts = engine.counts()
    finally:
        opened.close()
    return _summary(read, started, stats, changed, path="incremental", notes=notes, phases=phases, counts=counts)
