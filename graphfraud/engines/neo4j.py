"""Neo4j 5 over Bolt: the system of record for production and for investigators.

All access goes through ``execute_query`` with parameters; results come back
as DataFrames. Loads go in batches through the ``cypher/load`` files: new keys
are CREATEd, stored ones updated only where a value changed (see ``write``).
The bulk path for a first load of a large history is ``neo4j_bulk``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pandas as pd

from graphfraud import queries
from graphfraud.config import Neo4jSettings
from graphfraud.engines.base import Progress, WriteStats, changed_rows, engine_columns, engine_rows, none_for_missing
from graphfraud.errors import EngineError, EngineUnavailable, WriteConflict
from graphfraud.graph import GraphFrames
from graphfraud.model import IMMUTABLE, NODES, RELS

LOOKUP_BATCH = 50_000  # keys per indexed lookup of what is already stored
START_HINT = "start it with `scripts/neo4j-local start` or `docker compose up -d`"


class Neo4jEngine:
    """Engine backed by a Neo4j server."""

    name = "neo4j"
    threadsafe = True  # the driver pools connections; explicit transactions are per thread (``transaction``)
    shared_store = True
    gds = True  # when the server has the plugin: ``detect.gds.gds_version`` asks it

    def __init__(self, settings: Neo4jSettings, batch_size: int = 10_000, workers: int = 2) -> None:
        import neo4j

        if not settings.uri:
            raise EngineUnavailable(f"no Neo4j configured: set NEO4J_URI (or {START_HINT})")
        self.settings = settings
        self.batch_size = batch_size
        self.workers = workers
        self._open = threading.local()  # this thread's explicit transaction (``transaction``), if any
        auth = (settings.user, settings.password) if settings.password else None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                settings.uri, auth=auth, connection_timeout=5.0,
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            )
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as exc:
            raise EngineUnavailable(
                f"Neo4j at {settings.uri} refused the login for user {settings.user!r}: check NEO4J_PASSWORD "
                "(scripts/neo4j-local writes it to .neo4j-local/credentials.env)"
            ) from exc
        except (neo4j.exceptions.ServiceUnavailable, OSError, ValueError) as exc:
            raise EngineUnavailable(f"cannot reach Neo4j at {settings.uri}: {START_HINT}") from exc

    # -- queries ---------------------------------------------------------
    def run(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False) -> pd.DataFrame:
        """Rows of ``cypher`` with missing values as None (the ``base`` contract)."""
        import neo4j

        tx = getattr(self._open, "tx", None)
        try:
            if tx is not None:
                return none_for_missing(tx.run(cypher, params or {}).to_df())
            return none_for_missing(self._driver.execute_query(
                cypher,
                parameters_=params or {},
                database_=self.settings.database,
                routing_=neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ,
                result_transformer_=neo4j.Result.to_df,
            ))
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc
        except neo4j.exceptions.ConstraintError as exc:
            # the server's message quotes the key (a user name, an event id): only its code is kept
            conflict = WriteConflict(f"another write stored the same key first ({exc.code})")
            conflict.code = exc.code  # type: ignore[attr-defined]
            raise conflict from exc
        except neo4j.exceptions.Neo4jError as exc:
            error = EngineError(f"Neo4j rejected a query: {exc.code}: {exc.message}")
            error.code = exc.code  # type: ignore[attr-defined]
            raise error from exc

    def query(self, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        q = queries.load(name, self.name)
        return self.run(q.text, params, write=q.meta.get("mode") == "write")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One explicit write transaction for this thread's queries inside the block; committed at its end.

        An error rolls it back; a client killed before the commit leaves nothing of
        it (the server rolls back a transaction whose connection is gone).
        """
        import neo4j

        if getattr(self._open, "tx", None) is not None:
            yield
            return
        session = self._driver.session(database=self.settings.database, default_access_mode=neo4j.WRITE_ACCESS)
        try:
            try:
                tx = session.begin_transaction()
            except neo4j.exceptions.ServiceUnavailable as exc:
                raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc
            self._open.tx = tx
            try:
                yield
            except BaseException:
                self._open.tx = None
                with suppress(neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError):
                    tx.close()  # rolls back; the error that got here is the one to report
                raise
            self._open.tx = None
            try:
                tx.commit()
            except neo4j.exceptions.ServiceUnavailable as exc:
                raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc
            except neo4j.exceptions.Neo4jError as exc:
                raise EngineError(f"Neo4j could not commit a transaction: {exc.code}: {exc.message}") from exc
        finally:
            self._open.tx = None
            session.close()

    # -- schema and load -------------------------------------------------
    def ensure_schema(self) -> None:
        for statement in queries.statements(queries.load("schema/constraints", self.name)):
            self.run(statement, write=True)

    def _batches(self, query_name: str, frame: pd.DataFrame, what: str, progress: Progress | None, columns: bool = True) -> None:
        """Write ``frame`` in batches, ``workers`` transactions at a time (the server uses every core).

        Batches go as parameter columns (``columns``: one list per property, cheap
        to pack and to read) or, for the MERGE/update files, as row maps with absent
        values left out. Each batch is its own transaction; a deadlock between two
        batches (both adding relationships to one busy provider) is a transient error
        the driver retries.
        """
        text = queries.load(query_name, self.name).text
        starts = range(0, len(frame), self.batch_size)

        def one(start: int) -> int:
            chunk = frame.iloc[start : start + self.batch_size]
            self._write_batch(text, engine_columns(chunk) if columns else {"rows": engine_rows(chunk)})
            return len(chunk)

        if self.workers <= 1 or len(starts) <= 1:
            for start in starts:
                n = one(start)
                if progress:
                    progress(what, n)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for n in pool.map(one, starts):
                if progress:
                    progress(what, n)

    def _write_batch(self, text: str, params: dict[str, Any]) -> None:
        import neo4j

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(text, params).consume()

        try:
            with self._driver.session(database=self.settings.database) as session:
                session.execute_write(work)
        except neo4j.exceptions.ServiceUnavailable as exc:
            raise EngineUnavailable(f"lost Neo4j at {self.settings.uri}: {START_HINT}") from exc
        except neo4j.exceptions.ConstraintError as exc:
            raise EngineError(
                "another load stored some of the same keys at the same time; run this load again (loads are idempotent)"
            ) from exc
        except neo4j.exceptions.Neo4jError as exc:
            raise EngineError(f"Neo4j rejected a load batch: {exc.code}: {exc.message}") from exc

    def _stored(self, label: str, keys: pd.Series) -> pd.DataFrame:
        """The stored nodes of ``label`` among ``keys``, one column per property (one indexed lookup per batch)."""
        text = queries.load(f"load/stored_{label.lower()}", self.name).text
        values = keys.tolist()
        found: list[dict[str, Any]] = []
        for start in range(0, len(values), LOOKUP_BATCH):
            result = self.run(text, {"keys": values[start : start + LOOKUP_BATCH]})
            if len(result):
                found.extend(result["props"].tolist())
        return pd.DataFrame.from_records(found, columns=NODES[label].columns)

    def stored_claims(self, ids: pd.Series) -> pd.DataFrame:
        """The stored claims among ``ids`` with their delivered columns (one indexed lookup per batch)."""
        parts = [self.query("load/stored_claim_values", {"ids": ids.iloc[i : i + LOOKUP_BATCH].tolist()})
                 for i in range(0, len(ids), LOOKUP_BATCH)]
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def _new_keys(self, label: str, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``frame`` whose key is not stored yet (``load/stored_claims``, ``stored_lines``, …)."""
        key = NODES[label].key
        stored: set[str] = set()
        ids = frame[key].tolist()
        text = queries.load(f"load/stored_{label.lower()}s", self.name).text
        for start in range(0, len(ids), LOOKUP_BATCH):
            stored.update(self.run(text, {"ids": ids[start : start + LOOKUP_BATCH]}).get("id", []))
        return frame[~frame[key].isin(stored)] if stored else frame

    def _write_nodes(self, label: str, frame: pd.DataFrame, progress: Progress | None) -> tuple[set[Any], int]:
        """Create new keys, update changed values of stored ones; return (new keys, nodes updated)."""
        key = NODES[label].key
        stored = self._stored(label, frame[key])
        known = frame[key].isin(stored[key])
        new = frame[~known]
        self._batches(f"load/new_{label.lower()}", new, label, progress)
        changed = changed_rows(frame[known], stored, key)
        self._batches(f"load/{label.lower()}", changed, label, None, columns=False)
        if progress:
            progress(label, int(known.sum()))
        return set(new[key]), len(changed)

    def _write_rels(self, rel_type: str, src: str, dst: str, frame: pd.DataFrame, new: dict[str, set[Any]],
                    progress: Progress | None) -> None:
        """Links touching a node created in this load are CREATEd; links between stored nodes are MERGEd."""
        fresh = frame["src"].isin(new.get(src, set())) | frame["dst"].isin(new.get(dst, set()))
        self._batches(f"load/new_rel_{rel_type.lower()}", frame[fresh], rel_type, progress)
        self._batches(f"load/rel_{rel_type.lower()}", frame[~fresh], rel_type, progress, columns=False)

    def write(self, frames: GraphFrames, progress: Progress | None = None) -> WriteStats:
        """Load frames: entity nodes, then new claims with their links, then the entities' links.

        Nothing stored is read twice or rewritten unchanged: one indexed lookup per
        batch finds which keys are stored, new keys are CREATEd, stored nodes get
        only the values that changed (an absent value never erases one), and a
        claim already stored is skipped (a settlement never changes).
        """
        before = self.counts()
        stats = WriteStats()
        new: dict[str, set[Any]] = {}
        for label, frame in frames.nodes.items():
            if label in IMMUTABLE:
                continue
            new[label], stats.nodes_updated[label] = self._write_nodes(label, frame, progress)
        for label in IMMUTABLE:  # in this order: a line needs its claim; every end but these is written by now
            nodes = frames.nodes.get(label)
            if nodes is None or not len(nodes):
                continue
            fresh = self._new_keys(label, nodes)
            if label == "Claim":
                # Sorted by patient, concurrent batches hold different patients and cards:
                # fewer lock waits on those nodes while their claims are linked.
                fresh = fresh.sort_values(["patient_id", "claim_id"], kind="stable")
            self._batches(f"load/{label.lower()}", fresh, label, progress)
            if progress:
                progress(label, len(nodes) - len(fresh))
        for (rel_type, a, b), frame in frames.rels.items():
            if a in IMMUTABLE or b in IMMUTABLE:
                if progress:
                    progress(rel_type, len(frame))  # written with their claims, lines and purchases
                continue
            self._write_rels(rel_type, a, b, frame, new, progress)
        after = self.counts()
        for label in frames.nodes:
            stats.nodes_created[label] = after.get(label, 0) - before.get(label, 0)
        for rel_type, *_ in frames.rels:
            stats.rels_created[rel_type] = after.get(rel_type, 0) - before.get(rel_type, 0)
        return stats

    def clear(self) -> None:
        """Delete every node and relationship in bounded transactions (tests, benchmarks).

        Relationships go first, then the bare nodes: detaching a busy provider
        with all its claims in one transaction would not fit a small heap.
        """
        for statement in (
            "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS n",
            "MATCH (n) WITH n LIMIT 50000 DELETE n RETURN count(*) AS n",
        ):
            while int(self.run(statement, write=True)["n"].iloc[0]):
                pass

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in NODES:
            out[label] = int(self.run(f"MATCH (n:{label}) RETURN count(n) AS n")["n"].iloc[0])
        for rel_type in RELS:
            out[rel_type] = int(self.run(f"MATCH ()-[r:`{rel_type}`]->() RETURN count(r) AS n")["n"].iloc[0])
        return out

    def close(self) -> None:
        self._driver.close()
