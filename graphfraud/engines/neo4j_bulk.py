"""The bulk path into Neo4j: a first load of a large history through ``neo4j-admin database import``.

neo4j-admin builds the store files directly, an order of magnitude faster
than transactions, but it writes a whole database: the target must be offline
and is replaced. So this path

1. checks the database is empty (through the running server), or was told to
   ``overwrite`` it;
2. writes the node and relationship CSVs from the same ``GraphFrames`` the
   driver path loads (``neo4j_csv``) — before anything is stopped;
3. takes the database offline: the local server of ``scripts/neo4j-local`` is
   stopped when ``restart_local`` says so; any other running server is a
   clear error (stop it yourself, then run with ``overwrite``);
4. runs the import (strict: one bad entry fails it; a failed import leaves an
   empty database, never a half-written one);
5. starts the local server again, creates the constraints and indexes and
   waits until they are online (a server graphfraud did not start gets them
   from ``graphfraud schema`` once it runs).

The CSVs hold personal data (names, phones, ID numbers), so they live in a
private temporary folder (``TMPDIR``) removed whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graphfraud.config import Settings
from graphfraud.engines.base import Engine, WriteStats
from graphfraud.engines.neo4j_admin import IMPORT_STAGES, AdminTool, ImportOutcome, find_admin, import_full
from graphfraud.engines.neo4j_csv import ImportFiles, write_import_files
from graphfraud.errors import BulkImportError, EngineUnavailable
from graphfraud.graph import GraphFrames
from graphfraud.progress import bar

INDEX_WAIT_SECONDS = 3600


@dataclass
class BulkResult:
    """What a bulk import wrote, how long each phase took, and what the user should know."""

    stats: WriteStats
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase
    outcome: ImportOutcome | None = None
    counts: dict[str, int] | None = None  # graph counts after the import, when the server answers
    notes: list[str] = field(default_factory=list)


def _open(settings: Settings):
    """A connected Neo4jEngine, or None when the server does not answer."""
    from graphfraud.engines.neo4j import Neo4jEngine

    if not settings.neo4j.uri:
        return None
    try:
        return Neo4jEngine(settings.neo4j, batch_size=settings.batch_size, workers=settings.load_workers)
    except EngineUnavailable:
        return None


def stored_nodes(settings: Settings) -> int | None:
    """Nodes in the configured database, or None when the server does not answer."""
    engine = _open(settings)
    if engine is None:
        return None
    try:
        return int(engine.query("load/node_count")["n"].iloc[0])
    finally:
        engine.close()


def _stop_hint(admin: AdminTool) -> str:
    if admin.local is not None:
        return "pass --restart-local to let graphfraud stop and restart the local server around the import"
    return "stop the server, then run again with --overwrite (a stopped database cannot be checked for emptiness)"


def preflight(settings: Settings, admin: AdminTool, overwrite: bool, restart_local: bool) -> bool:
    """Check the database may be replaced and can be taken offline; return whether the server is running now."""
    where = f"database {settings.neo4j.database!r} at {settings.neo4j.uri or settings.neo4j.home}"
    if restart_local and admin.local is None:
        raise BulkImportError(
            "--restart-local works only with the server scripts/neo4j-local runs for NEO4J_URI "
            f"(neo4j-admin here is {admin.source})"
        )
    nodes = stored_nodes(settings)
    if nodes is None and restart_local and not overwrite:
        assert admin.local is not None  # refused above otherwise
        admin.local.start()  # start it to look inside; it is stopped again for the import
        nodes = stored_nodes(settings)
    if nodes is None and not overwrite:
        raise BulkImportError(
            f"cannot check that {where} is empty: the server does not answer. Start it so graphfraud can check "
            "(with scripts/neo4j-local add --restart-local), or pass --overwrite to replace the database whatever it holds"
        )
    if nodes and not overwrite:
        raise BulkImportError(
            f"{where} is not empty ({nodes:,} nodes): a bulk import replaces the whole database, so it needs an "
            "empty one. Use --mode incremental to add to it, or --overwrite to replace it"
        )
    running = nodes is not None
    if running and not restart_local:
        raise BulkImportError(
            f"Neo4j is running: neo4j-admin database import needs {where} offline; {_stop_hint(admin)}"
        )
    return running


def _leave_empty(admin: AdminTool, database: str, folder: Path) -> None:
    """After a failed import: import nothing, so the database is empty and usable rather than half-written."""
    empty = folder / "empty"
    empty.mkdir(exist_ok=True)
    marker = empty / "nodes-none.csv"
    marker.write_text("id:ID(None)\n", encoding="utf-8")
    files = ImportFiles(folder=empty, nodes={"GraphfraudEmpty": marker})
    import_full(admin, database, files, overwrite=True)


def bulk_load(
    settings: Settings,
    frames: GraphFrames,
    overwrite: bool = False,
    restart_local: bool = False,
    admin: AdminTool | None = None,
    finished: Callable[[Engine], None] | None = None,
) -> BulkResult:
    """Import ``frames`` into the configured (empty, or ``overwrite``) Neo4j database with neo4j-admin.

    ``finished`` is called with the open engine once the import is in and indexed (the load's finished mark).
    """
    admin = admin or find_admin(settings.neo4j)
    if admin is None:
        raise BulkImportError(
            "the bulk path needs neo4j-admin: set NEO4J_HOME (or [neo4j] home in graphfraud.toml) to a Neo4j 5 "
            "installation, or run the server with scripts/neo4j-local"
        )
    result = BulkResult(stats=WriteStats())
    clock = time.perf_counter()
    was_running = preflight(settings, admin, overwrite, restart_local)
    result.phases["check"] = time.perf_counter() - clock

    folder = Path(tempfile.mkdtemp(prefix="graphfraud-import-"))  # mode 0700: the CSVs hold personal data
    try:
        clock = time.perf_counter()
        with bar("writing import files", frames.rows()) as advance:
            files = write_import_files(frames, folder, progress=advance)
        result.phases["write CSV"] = time.perf_counter() - clock

        if was_running:  # preflight lets a running server through only with --restart-local, a local one
            assert admin.local is not None
            clock = time.perf_counter()
            admin.local.stop()
            result.phases["stop server"] = time.perf_counter() - clock
        clock = time.perf_counter()
        try:
            with bar("neo4j-admin import", IMPORT_STAGES) as advance:
                # The database was checked empty (or overwrite was asked for); neo4j-admin
                # refuses any existing store, even an empty one, without --overwrite-destination.
                result.outcome = import_full(admin, settings.neo4j.database, files, overwrite=True,
                                             max_memory=settings.import_memory, progress=advance)
        except BulkImportError as failed:
            try:
                _leave_empty(admin, settings.neo4j.database, folder)
                state = "the database is left empty; run again once the cause is fixed"
            except BulkImportError:
                state = "the database could not be emptied either: run again with --overwrite once the cause is fixed"
            raise BulkImportError(f"{failed}; {state}") from failed
        finally:
            result.phases["neo4j-admin import"] = time.perf_counter() - clock
            if restart_local:
                assert admin.local is not None  # preflight refuses --restart-local without a local server
                clock = time.perf_counter()
                admin.local.start()
                result.phases["start server"] = time.perf_counter() - clock
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    for label, frame in frames.nodes.items():
        result.stats.nodes_created[label] = len(frame)
    for (rel_type, _, _), frame in frames.rels.items():
        result.stats.rels_created[rel_type] = result.stats.rels_created.get(rel_type, 0) + len(frame)

    engine = _open(settings)
    if engine is None:
        result.notes.append(
            "imported; constraints and indexes are not created yet: start Neo4j, then run `graphfraud schema --engine neo4j`"
        )
        return result
    try:
        clock = time.perf_counter()
        engine.ensure_schema()
        engine.query("schema/await_indexes", {"seconds": INDEX_WAIT_SECONDS})
        result.phases["constraints and indexes"] = time.perf_counter() - clock
        if finished is not None:
            finished(engine)
        result.counts = engine.counts()
    finally:
        engine.close()
    return result
